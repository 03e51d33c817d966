// lockstep's JSON artifacts (profiles, schemas, fitted transforms, saved detector and metric states, …),
// declared once each with `defineArtifact`: the kind, the format version written today and the older ones
// still read (each with the migration that brings it one version forward), the body's zod schema, the
// checks zod cannot express, and the fingerprint. What `parse` and `seal` return is deeply frozen and
// remembered, so a function handed an artifact knows in O(1) whether it must parse it (`accept`).
//
// Artifacts are checked with zod/mini, which tree-shakes to a few kB (full zod adds about 100 kB to any
// bundle that touches it); its issues carry codes rather than sentences, so the messages are written here.
import { safeParse, type ZodMiniType } from 'zod/mini';
import { describe, LockstepError } from './errors.js';
import type { Finding } from './finding.js';
import { fingerprint } from './fingerprint.js';
import { seal, sealedKind } from './freeze.js';

/** A problem found in an artifact: code `INVALID_FIELD`, its JSON path and what is wrong there. */
export interface ArtifactIssue extends Finding<'INVALID_FIELD'> {
  readonly path: string;
}

/** A JSON path in the `$.features[3].numeric.min` form. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** One artifact issue as a finding. */
export function artifactIssue(path: string, message: string): ArtifactIssue {
  return { code: 'INVALID_FIELD', severity: 'error', message, path };
}

/** The error for a broken artifact: `fn: argument 'arg' is not a valid what: path: problem`. */
export function invalidArtifact(
  fn: string,
  what: string,
  issues: readonly ArtifactIssue[],
  arg = 'json',
): LockstepError {
  const first = issues[0]!;
  return new LockstepError(
    'INVALID_ARTIFACT',
    `${fn}: argument '${arg}' is not a valid ${what}: ${first.path}: ${first.message}`,
    { fn, arg, path: first.path, issues },
  );
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
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
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

/** JSON text parsed, or the value as given. */
function fromJson(fn: string, json: unknown, arg: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new LockstepError(
      'INVALID_ARTIFACT',
      `${fn}: argument '${arg}' is not valid JSON (${(error as Error).message})`,
      { fn, arg },
    );
  }
}

/**
 * Parses an artifact given as JSON text or an already-parsed value, validating it with `schema`.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, the JSON path and the problem; `issues` lists all.
 */
export function parseArtifact<T>(
  fn: string,
  what: string,
  json: unknown,
  schema: ZodMiniType<T>,
  arg = 'json',
): T {
  const value = fromJson(fn, json, arg);
  let result: ReturnType<typeof safeParse<ZodMiniType<T>>>;
  try {
    result = safeParse(schema, value);
  } catch {
    // A Proxy or throwing getter in hostile input: zod reads it and the read throws.
    throw invalidArtifact(fn, what, [artifactIssue('$', 'could not be read (a getter or proxy threw)')], arg);
  }
  if (!result.success) {
    const issues = result.error.issues.map((issue) =>
      artifactIssue(
        jsonPath(issue.path),
        issueMessage(issue as unknown as Parameters<typeof issueMessage>[0]),
      ),
    );
    throw invalidArtifact(fn, what, issues, arg);
  }
  return result.data;
}

/** The artifact with its `fingerprint`: SHA-256 of the canonical JSON of everything else. */
export function withFingerprint<T extends object>(body: T): T & { readonly fingerprint: string } {
  return { ...body, fingerprint: fingerprint(body) };
}

/** Throws when an artifact's stored fingerprint does not match its content (edited or corrupted). */
export function checkFingerprint(
  fn: string,
  what: string,
  artifact: { readonly fingerprint: string },
  arg = 'json',
): void {
  const { fingerprint: stored, ...body } = artifact;
  if (fingerprint(body) !== stored) {
    const problem = 'does not match the content (edited or corrupted)';
    throw new LockstepError(
      'INVALID_ARTIFACT',
      `${fn}: argument '${arg}' is not a valid ${what}: $.fingerprint ${problem}`,
      { fn, arg, path: '$.fingerprint', issues: [artifactIssue('$.fingerprint', problem)] },
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Defining an artifact kind.

/** What every artifact carries. */
export interface ArtifactEnvelope {
  readonly kind: string;
  readonly formatVersion: number;
  readonly fingerprint: string;
}

/** The declaration of one artifact kind. */
export interface ArtifactDefinition<T extends ArtifactEnvelope> {
  /** `lockstep.` and a name: `lockstep.schema`. */
  readonly kind: T['kind'];
  /** The format version this version of lockstep writes. */
  readonly formatVersion: T['formatVersion'];
  /**
   * How to read older format versions: `migrations[v]` turns a version-`v` body (already checked against
   * its own fingerprint) into a version-`v + 1` body. Every version from 1 up to the current one must be
   * reachable, so an artifact written by any older lockstep still loads.
   */
  readonly migrations?: Readonly<Record<number, (body: Record<string, unknown>) => Record<string, unknown>>>;
  /** The zod schema of the current format, built on first use (no work at import). */
  readonly shape: () => ZodMiniType<T>;
  /** Checks zod cannot express (counts that must add up, …): report each problem with its JSON path. */
  readonly check?: (artifact: T, report: (path: string, message: string) => void) => void;
}

/** One artifact kind: parse, seal and recognise its artifacts. */
export interface ArtifactKind<T extends ArtifactEnvelope> {
  readonly kind: T['kind'];
  readonly formatVersion: T['formatVersion'];
  /**
   * Parses JSON text or a parsed value: migrates an older format version, validates the shape and the
   * checks, verifies the fingerprint, and returns it deeply frozen. An artifact lockstep already sealed is
   * returned as it is.
   * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, `arg` (default `json`), the JSON path and the problem.
   */
  parse(json: unknown, fn: string, arg?: string): T;
  /** Seals a body lockstep built: adds the fingerprint, deep-freezes it and remembers it as checked. */
  seal(body: Omit<T, 'fingerprint'>): T;
  /** Marks an artifact lockstep just built with its fingerprint already in place (frozen and remembered). */
  sealBuilt(artifact: T): T;
  /** True only for an artifact of this kind that lockstep built or parsed (O(1)). */
  is(value: unknown): value is T;
}

/**
 * Declares an artifact kind once: kind, format versions and their migrations, body schema, extra checks,
 * fingerprint and freezing. Call it inside a function or mark the call `/* @__PURE__ *\/` at module level,
 * so importing stays free of side effects.
 */
export function defineArtifact<T extends ArtifactEnvelope>(def: ArtifactDefinition<T>): ArtifactKind<T> {
  const { kind, formatVersion: current } = def;
  let shape: ZodMiniType<T> | undefined;

  function parse(json: unknown, fn: string, arg = 'json'): T {
    if (sealedKind(json) === kind) return json as T;
    let value = fromJson(fn, json, arg);
    let version: unknown;
    try {
      version =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>).formatVersion
          : undefined;
    } catch {
      // A Proxy or throwing getter in hostile input.
      throw invalidArtifact(
        fn,
        kind,
        [artifactIssue('$', 'could not be read (a getter or proxy threw)')],
        arg,
      );
    }
    if (typeof version === 'number' && Number.isInteger(version) && version >= 1 && version < current) {
      value = migrate(fn, arg, value as Record<string, unknown>, version);
    } else if (typeof version === 'number' && version > current) {
      throw invalidArtifact(
        fn,
        kind,
        [
          artifactIssue(
            '$.formatVersion',
            `is ${describe(version)}, newer than this version of lockstep reads (${current}); upgrade lockstep`,
          ),
        ],
        arg,
      );
    }
    shape ??= def.shape();
    const artifact = parseArtifact(fn, kind, value, shape, arg);
    if (def.check) {
      const issues: ArtifactIssue[] = [];
      def.check(artifact, (path, message) => issues.push(artifactIssue(path, message)));
      if (issues.length > 0) throw invalidArtifact(fn, kind, issues, arg);
    }
    checkFingerprint(fn, kind, artifact, arg);
    return seal(kind, artifact);
  }

  function migrate(
    fn: string,
    arg: string,
    old: Record<string, unknown>,
    from: number,
  ): Record<string, unknown> {
    if (typeof old.fingerprint === 'string')
      checkFingerprint(fn, kind, old as unknown as ArtifactEnvelope, arg);
    let body: Record<string, unknown> = { ...old };
    delete body.fingerprint;
    for (let v = from; v < current; v++) {
      const step = def.migrations?.[v];
      if (step === undefined) {
        throw invalidArtifact(
          fn,
          kind,
          [artifactIssue('$.formatVersion', `is ${v}, which this version of lockstep no longer reads`)],
          arg,
        );
      }
      try {
        body = { ...step(body), formatVersion: v + 1 };
      } catch (error) {
        if (error instanceof LockstepError) throw error;
        throw invalidArtifact(
          fn,
          kind,
          [artifactIssue('$', `could not be migrated from format version ${v}: ${(error as Error).message}`)],
          arg,
        );
      }
    }
    return withFingerprint(body);
  }

  return {
    kind,
    formatVersion: current,
    parse,
    seal: (body) => seal(kind, withFingerprint(body) as unknown as T),
    sealBuilt: (artifact) => seal(kind, artifact),
    is: (value): value is T => sealedKind(value) === kind,
  };
}

/**
 * Reads any lockstep artifact's envelope without knowing its kind: `kind` (`lockstep.…`), a positive
 * integer `formatVersion`, and a `fingerprint` that matches the content. What a registry needs to store an
 * artifact it cannot interpret. Returns the envelope; the value itself is not changed.
 * @throws LockstepError `INVALID_ARTIFACT` for anything else.
 */
export function readEnvelope(json: unknown, fn: string, arg = 'json'): ArtifactEnvelope {
  const value = fromJson(fn, json, arg);
  const bad = (path: string, message: string) =>
    invalidArtifact(fn, 'lockstep artifact', [artifactIssue(path, message)], arg);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('$', 'must be an object');
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string' || !/^lockstep\.[a-z][a-z0-9.-]{0,63}$/.test(v.kind)) {
    throw bad('$.kind', `must be "lockstep." and a name, got ${describe(v.kind)}`);
  }
  if (typeof v.formatVersion !== 'number' || !Number.isSafeInteger(v.formatVersion) || v.formatVersion < 1) {
    throw bad('$.formatVersion', `must be a positive integer, got ${describe(v.formatVersion)}`);
  }
  if (typeof v.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(v.fingerprint)) {
    throw bad('$.fingerprint', 'must be 64 lower-case hex digits');
  }
  let matches: boolean;
  try {
    const { fingerprint: stored, ...body } = v;
    matches = fingerprint(body) === stored;
  } catch (error) {
    throw bad('$', `is not plain JSON (${(error as Error).message})`);
  }
  if (!matches) throw bad('$.fingerprint', 'does not match the content (edited or corrupted)');
  return { kind: v.kind, formatVersion: v.formatVersion, fingerprint: v.fingerprint };
}
