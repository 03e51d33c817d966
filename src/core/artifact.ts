// lockstep's JSON artifacts (profiles, schemas, fitted transforms, saved detector and metric states, …),
// declared once each with `defineArtifact`: the kind, the format version written today and the older ones
// still read (each with the migration that brings it one version forward), the body's zod schema, the
// checks zod cannot express, and the fingerprint. What `parse` and `seal` return is deeply frozen and
// remembered, so a function handed an artifact knows in O(1) whether it must parse it (`accept`).
//
// Artifacts are checked with zod/mini, which tree-shakes to a few kB (full zod adds about 100 kB to any
// bundle that touches it); its issues carry codes rather than sentences, so the messages are written here.
import { safeParse, type ZodMiniType } from 'zod/mini';
import { checkInteger, readOptions } from './check.js';
import { describe, isLockstepError, LockstepError } from './errors.js';
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

// ---------------------------------------------------------------------------------------------------
// Reading JSON bounded. Artifacts are data, never code: nothing here (or in any loader) evaluates what it
// reads. Before zod sees a value, its size is checked against limits a host can set per call, so a hostile
// artifact (a huge array, a string of gigabytes, nesting thousands deep, an own `__proto__` key) is refused
// with an INVALID_ARTIFACT naming the JSON path and the limit, instead of exhausting memory or the stack or
// reaching code that merges objects.

/** Bounds on an artifact read by a `parseX` function; each a positive integer. */
export interface ArtifactLimits {
  /** Longest JSON text, in UTF-8 bytes (text input only; a parsed value is bounded by the others). */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects (the top-level object is depth 1). */
  readonly maxDepth: number;
  /** Most items in one array, and most keys in one object. */
  readonly maxArray: number;
  /** Longest string, and longest object key, in UTF-16 code units. */
  readonly maxString: number;
  /** Most values in the whole artifact (every object, array, string, number, boolean and null). */
  readonly maxNodes: number;
}

/**
 * The limits every `parseX` applies unless told otherwise: generous for real artifacts (the largest lockstep
 * writes, profiles with their sketches, transforms with vocabularies, an online trainer's state, are at
 * most a few MB, nested at most 8 deep), small enough that a hostile one is refused before it costs much.
 */
export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 64,
  maxArray: 4_194_304,
  maxString: 16_777_216,
  maxNodes: 16_777_216,
});

/** The options every public `parseX(json, options)` takes. */
export interface ParseArtifactOptions {
  /** Bounds on the artifact; any left out keep their default ({@link DEFAULT_ARTIFACT_LIMITS}). */
  readonly limits?: Partial<ArtifactLimits>;
}

const LIMIT_KEYS = ['maxBytes', 'maxDepth', 'maxArray', 'maxString', 'maxNodes'] as const;

/**
 * A public parse function's `options` (undefined means none): only `limits`, whose keys are the five
 * limits, each a positive safe integer. Returns the limits to apply.
 * @throws LockstepError `INVALID_ARGUMENT` naming `fn` and `options.limits.…` for anything else.
 */
export function readParseOptions(fn: string, options: unknown): ArtifactLimits {
  if (options === undefined) return DEFAULT_ARTIFACT_LIMITS;
  const o = readOptions(fn, options, ['limits']);
  return readLimits(fn, 'options.limits', o.limits);
}

/** `limits` checked and completed with the defaults (undefined means the defaults). */
export function readLimits(fn: string, arg: string, limits: unknown): ArtifactLimits {
  if (limits === undefined) return DEFAULT_ARTIFACT_LIMITS;
  const l = readOptions(fn, limits, LIMIT_KEYS, arg);
  const out: Record<string, number> = { ...DEFAULT_ARTIFACT_LIMITS };
  for (const key of LIMIT_KEYS) {
    if (l[key] !== undefined) out[key] = checkInteger(fn, `${arg}.${key}`, l[key], 1);
  }
  return Object.freeze(out as unknown as ArtifactLimits);
}

/** Own keys no artifact may hold: code that merges or copies objects key by key could reach a prototype. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** UTF-8 length of `s`, counting only as far as `max + 1`. */
function utf8Length(s: string, max: number): number {
  if (s.length > max) return s.length;
  if (s.length * 3 <= max) return s.length;
  let n = 0;
  for (let i = 0; i < s.length && n <= max; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** A JSON path for a message: at most 200 characters, the rest elided. */
function shortPath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 197)}...` : path;
}

/**
 * JSON text parsed, or the value as given, after checking both against `limits`: the text's UTF-8 length,
 * then, walking the value without recursion, its depth, every array's length and object's key count, every
 * string's and key's length, the number of values, and no own `__proto__`, `constructor` or `prototype`
 * key. A Proxy or getter that throws while read is refused too. O(size of the value).
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, `arg`, the JSON path and the limit.
 */
export function readArtifactJson(
  fn: string,
  what: string,
  json: unknown,
  arg = 'json',
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): unknown {
  const refuse = (path: string, problem: string) =>
    invalidArtifact(fn, what, [artifactIssue(shortPath(path), problem)], arg);
  let value = json;
  if (typeof json === 'string') {
    const bytes = utf8Length(json, limits.maxBytes);
    if (bytes > limits.maxBytes)
      throw refuse(
        '$',
        `is JSON text of more than ${limits.maxBytes} bytes (limits.maxBytes)${json.length > limits.maxBytes ? `: ${json.length} characters` : ''}`,
      );
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new LockstepError(
        'INVALID_ARTIFACT',
        `${fn}: argument '${arg}' is not valid JSON (${(error as Error).message})`,
        { fn, arg },
      );
    }
  }
  try {
    checkBounds(value, limits, refuse);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    // A Proxy or throwing getter in hostile input.
    throw refuse('$', 'could not be read (a getter or proxy threw)');
  }
  return value;
}

/** The walk behind readArtifactJson: containers on an explicit stack, so no depth overflows the call stack. */
function checkBounds(
  root: unknown,
  limits: ArtifactLimits,
  refuse: (path: string, problem: string) => LockstepError,
): void {
  const { maxDepth, maxArray, maxString, maxNodes } = limits;
  // The containers being walked, their keys (undefined for an array) and the next position in each.
  const containers: object[] = [];
  const keyLists: (string[] | undefined)[] = [];
  const next: number[] = [];
  let nodes = 0;
  const path = (): string => {
    const parts: PropertyKey[] = [];
    for (let j = 0; j < containers.length; j++) {
      const keys = keyLists[j];
      const at = next[j]! - 1;
      if (at < 0) break;
      parts.push(keys === undefined ? at : keys[at]!);
    }
    return jsonPath(parts.map((p) => (typeof p === 'string' && p.length > 60 ? `${p.slice(0, 57)}...` : p)));
  };
  const visit = (v: unknown): void => {
    if (++nodes > maxNodes)
      throw refuse(path(), `makes the artifact hold more than ${maxNodes} values (limits.maxNodes)`);
    if (typeof v === 'string') {
      if (v.length > maxString)
        throw refuse(
          path(),
          `is a string of ${v.length} characters, more than ${maxString} (limits.maxString)`,
        );
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (containers.length >= maxDepth)
      throw refuse(path(), `is nested deeper than ${maxDepth} levels (limits.maxDepth)`);
    if (Array.isArray(v)) {
      if (v.length > maxArray)
        throw refuse(path(), `is an array of ${v.length} items, more than ${maxArray} (limits.maxArray)`);
      containers.push(v);
      keyLists.push(undefined);
      next.push(0);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      // Not JSON (zod refuses it after this), and never walked: only its length is bounded.
      const length = (v as { length?: number }).length ?? v.byteLength;
      if (length > maxArray)
        throw refuse(path(), `is a typed array of ${length} items, more than ${maxArray} (limits.maxArray)`);
      return;
    }
    const keys = Object.keys(v);
    if (keys.length > maxArray)
      throw refuse(path(), `is an object of ${keys.length} keys, more than ${maxArray} (limits.maxArray)`);
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key))
        // Worded as zod words an unknown key, at the object's path, so both read alike.
        throw refuse(
          path(),
          `has unknown keys ${JSON.stringify(key)} (no artifact may hold a key "__proto__", "constructor" or "prototype")`,
        );
      if (key.length > maxString)
        throw refuse(
          path(),
          `has a key of ${key.length} characters, more than ${maxString} (limits.maxString)`,
        );
    }
    containers.push(v);
    keyLists.push(keys);
    next.push(0);
  };
  visit(root);
  while (containers.length > 0) {
    const top = containers.length - 1;
    const container = containers[top]!;
    const keys = keyLists[top];
    const at = next[top]!;
    if (at >= (keys === undefined ? (container as unknown[]).length : keys.length)) {
      containers.pop();
      keyLists.pop();
      next.pop();
      continue;
    }
    next[top] = at + 1;
    visit(
      keys === undefined ? (container as unknown[])[at] : (container as Record<string, unknown>)[keys[at]!],
    );
  }
}

/**
 * Parses an artifact given as JSON text or an already-parsed value, validating it with `schema`: first
 * against `limits` (readArtifactJson), then the shape.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, the JSON path and the problem; `issues` lists all.
 */
export function parseArtifact<T>(
  fn: string,
  what: string,
  json: unknown,
  schema: ZodMiniType<T>,
  arg = 'json',
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): T {
  return checkShape(fn, what, readArtifactJson(fn, what, json, arg, limits), schema, arg);
}

/** A value (already read within its limits) validated with `schema`. */
function checkShape<T>(fn: string, what: string, value: unknown, schema: ZodMiniType<T>, arg: string): T {
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
   * `limits` bound the artifact before anything else reads it (default DEFAULT_ARTIFACT_LIMITS).
   * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, `arg` (default `json`), the JSON path and the problem.
   */
  parse(json: unknown, fn: string, arg?: string, limits?: ArtifactLimits): T;
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

  function parse(json: unknown, fn: string, arg = 'json', limits = DEFAULT_ARTIFACT_LIMITS): T {
    if (sealedKind(json) === kind) return json as T;
    let value = readArtifactJson(fn, kind, json, arg, limits);
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
    const artifact = checkShape(fn, kind, value, shape, arg);
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
 * artifact it cannot interpret. The value is read within `limits` first. Returns the envelope; the value itself is not changed.
 * @throws LockstepError `INVALID_ARTIFACT` for anything else.
 */
export function readEnvelope(
  json: unknown,
  fn: string,
  arg = 'json',
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): ArtifactEnvelope {
  const value = readArtifactJson(fn, 'lockstep artifact', json, arg, limits);
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
