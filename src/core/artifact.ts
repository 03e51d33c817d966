// Shared handling of lockstep's JSON artifacts (profiles, schemas, fitted transforms, …): parse and
// validate with zod, report each problem with its JSON path, and fingerprint the content. Artifacts are
// checked with zod/mini, which tree-shakes to a few kB (full zod adds about 100 kB to any bundle that
// touches it); its issues carry codes rather than sentences, so the messages are written here.
import { safeParse, type ZodMiniType } from 'zod/mini';
import { LockstepError } from './errors.js';
import { fingerprint } from './fingerprint.js';

/** A JSON path in the `$.features[3].numeric.min` form. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** A zod issue as a plain phrase (zod/mini ships no message locale). */
function issueMessage(
  issue: { readonly code: string; readonly message: string } & Record<string, unknown>,
): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${String(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
      return `must match ${String(issue.pattern ?? issue.format)}`;
    case 'unrecognized_keys':
      return `has unknown keys ${(issue.keys as string[]).map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * Parses an artifact given as JSON text or an already-parsed value, validating it with `schema`.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, the JSON path and the problem; `issues` lists all.
 */
export function parseArtifact<T>(fn: string, what: string, json: unknown, schema: ZodMiniType<T>): T {
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
  const result = safeParse(schema, value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      message: issueMessage(issue as unknown as Parameters<typeof issueMessage>[0]),
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
