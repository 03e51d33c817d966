// Shared handling of lockstep's JSON artifacts (profiles, schemas, fitted transforms, …): parse and
// validate with zod, report the first problem with its JSON path, and fingerprint the content.
import type { z } from 'zod';
import { LockstepError } from './errors.js';
import { fingerprint } from './fingerprint.js';

/** A JSON path in the `$.features[3].numeric.min` form. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/**
 * Parses an artifact given as JSON text or an already-parsed value, validating it with `schema`.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, the JSON path and the problem.
 */
export function parseArtifact<T>(fn: string, what: string, json: unknown, schema: z.ZodType<T>): T {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new LockstepError(
        'INVALID_ARTIFACT',
        `${fn}: argument 'json' is not valid JSON (${(error as Error).message})`,
      );
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      message: issue.message,
    }));
    const first = issues[0]!;
    throw new LockstepError(
      'INVALID_ARTIFACT',
      `${fn}: argument 'json' is not a valid ${what}: ${first.path}: ${first.message}`,
      issues,
    );
  }
  return result.data;
}

/** The artifact with its `fingerprint`: SHA-256 of the canonical JSON of everything else. */
export function withFingerprint<T extends object>(body: T): T & { readonly fingerprint: string } {
  return { ...body, fingerprint: fingerprint(body) };
}

/** Throws when an artifact's stored fingerprint does not match its content (edited or corrupted). */
export function checkFingerprint(fn: string, what: string, artifact: { readonly fingerprint: string }): void {
  const { fingerprint: stored, ...body } = artifact;
  if (fingerprint(body) !== stored) {
    throw new LockstepError(
      'INVALID_ARTIFACT',
      `${fn}: argument 'json' is not a valid ${what}: $.fingerprint does not match the content (edited or corrupted)`,
      [{ path: '$.fingerprint', message: 'does not match the content' }],
    );
  }
}
