// The schema artifact (`kind: "lockstep.schema"`): the contract for raw data, as plain JSON, declared once
// with core's defineArtifact. Every schema lockstep returns (inferSchema, sealSchema, updateSchema,
// parseSchema) is checked against this one definition and comes back deeply frozen; to change one, build a
// new body and seal it. Strings and lists are bounded (SCHEMA_LIMITS), and hostile text is refused by its
// length before anything reads it.
import * as z from 'zod/mini';
import {
  type ArtifactIssue,
  type ArtifactKind,
  type ArtifactLimits,
  artifactIssue,
  DEFAULT_ARTIFACT_LIMITS,
  defineArtifact,
  invalidArtifact,
  type ParseArtifactOptions,
  parseArtifact,
  readParseOptions,
} from '../core/artifact.js';
import { invalidArgument } from '../core/errors.js';
import { sealedKind } from '../core/freeze.js';

/** The kinds of value a feature holds. `integer` is a numeric whose values are whole numbers. */
export type FeatureKind = 'numeric' | 'integer' | 'categorical' | 'boolean' | 'timestamp' | 'text';

/** Presence: the share and count of rows that must have a value (checked per batch). */
export interface Presence {
  readonly minFraction: number;
  readonly minCount: number;
}

/** Allowed numbers: a range, and whether NaN and ±Infinity may appear. */
export interface NumericDomain {
  readonly min?: number;
  readonly max?: number;
  readonly allowNaN?: boolean;
  readonly allowInfinity?: boolean;
}

/** Allowed categories, and the share of values that must fall inside them (default 1). */
export interface CategoricalDomain {
  readonly values: readonly string[];
  readonly minDomainMass?: number;
}

/** A distance and its alarm threshold, read by lockstep/drift's skew and drift comparators. */
export interface Comparator {
  readonly method?: string;
  readonly threshold: number;
}

/** One feature of the contract. */
export interface FeatureSchema {
  readonly name: string;
  readonly type: FeatureKind;
  /** Whether a row may lack a value (null, undefined or absent). Checked per row. */
  readonly nullable: boolean;
  readonly presence: Presence;
  readonly numeric?: NumericDomain;
  readonly categorical?: CategoricalDomain;
  /** Environments the feature belongs to; absent means every environment (TFDV's default_environment). */
  readonly inEnvironments?: readonly string[];
  readonly notInEnvironments?: readonly string[];
  readonly skew?: Comparator;
  readonly drift?: Comparator;
  readonly description?: string;
  /** Why inferSchema chose this type and domain (kept for review; not part of the contract's checks). */
  readonly reason?: string;
  /**
   * Personal data: profiles keep counts (and tokens) only, anomalies describe its values by type and
   * length, `redact` replaces it. Set by a person (or `markPii`), never by inferSchema. A PII feature has
   * no domain (`categorical`): the schema would hold its values.
   */
  readonly pii?: boolean;
}

/** The schema: a reviewed, versioned contract for raw data. Plain JSON. */
export interface SchemaArtifact {
  readonly kind: 'lockstep.schema';
  readonly formatVersion: 1;
  readonly version?: string;
  readonly description?: string;
  readonly environments: readonly string[];
  readonly dataset: { readonly minRows?: number; readonly maxRows?: number };
  readonly features: readonly FeatureSchema[];
  readonly fingerprint: string;
}

/** A schema without its fingerprint: what a user writes by hand or edits. */
export type SchemaBody = Omit<SchemaArtifact, 'fingerprint'>;

/**
 * The bounds every schema keeps, in UTF-16 code units and items. A longer string or list is refused
 * (`INVALID_ARTIFACT` with its JSON path) before it is read: feature and environment names up to
 * `name` (1,024), domain values up to `value` (1,024), descriptions and reasons up to `text` (4,096),
 * `version` up to 256, a comparator's `method` up to 64; at most `features` (10,000) features, `values`
 * (100,000) domain values a feature and `environments` (64) environments.
 */
export const SCHEMA_LIMITS = {
  name: 1024,
  value: 1024,
  text: 4096,
  version: 256,
  method: 64,
  features: 10_000,
  values: 100_000,
  environments: 64,
} as const;

const KIND = 'lockstep.schema';

// Stands in for the fingerprint while a body is checked; never written.
const NO_FINGERPRINT = '0000000000000000000000000000000000000000000000000000000000000000';

let shape: z.ZodMiniType<SchemaArtifact> | undefined;

/** The zod schema of the current format, built on first use. */
function schemaShape(): z.ZodMiniType<SchemaArtifact> {
  if (shape) return shape;
  const count = z.number().check(z.int(), z.nonnegative());
  const fraction = z.number().check(z.gte(0), z.lte(1));
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  const text = (max: number) =>
    z.string().check(z.refine((s) => s.length <= max, `must be at most ${max} characters long`));
  const names = z.array(text(SCHEMA_LIMITS.name));
  const comparator = z.strictObject({
    method: z.optional(text(SCHEMA_LIMITS.method)),
    threshold: z.number().check(z.nonnegative()),
  });
  const feature = z.strictObject({
    name: text(SCHEMA_LIMITS.name),
    type: z.enum(['numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text']),
    nullable: z.boolean(),
    presence: z.strictObject({ minFraction: fraction, minCount: count }),
    numeric: z.optional(
      z.strictObject({
        min: z.optional(finite),
        max: z.optional(finite),
        allowNaN: z.optional(z.boolean()),
        allowInfinity: z.optional(z.boolean()),
      }),
    ),
    categorical: z.optional(
      z.strictObject({
        values: z.array(text(SCHEMA_LIMITS.value)),
        minDomainMass: z.optional(fraction),
      }),
    ),
    inEnvironments: z.optional(names),
    notInEnvironments: z.optional(names),
    skew: z.optional(comparator),
    drift: z.optional(comparator),
    description: z.optional(text(SCHEMA_LIMITS.text)),
    reason: z.optional(text(SCHEMA_LIMITS.text)),
    pii: z.optional(z.boolean()),
  });
  shape = z.strictObject({
    kind: z.literal(KIND),
    formatVersion: z.literal(1),
    version: z.optional(text(SCHEMA_LIMITS.version)),
    description: z.optional(text(SCHEMA_LIMITS.text)),
    environments: names,
    dataset: z.strictObject({ minRows: z.optional(count), maxRows: z.optional(count) }),
    features: z.array(feature),
    fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  }) as unknown as z.ZodMiniType<SchemaArtifact>;
  return shape;
}

/** Lengths of lists checked before zod walks them, so a list of a million items is refused unread. */
function listLengths(value: unknown): ArtifactIssue[] {
  const issues: ArtifactIssue[] = [];
  const tooLong = (v: unknown, max: number, path: string) => {
    if (Array.isArray(v) && v.length > max)
      issues.push(artifactIssue(path, `must have at most ${max} items, got ${v.length}`));
  };
  if (typeof value !== 'object' || value === null) return issues;
  const s = value as Record<string, unknown>;
  tooLong(s.environments, SCHEMA_LIMITS.environments, '$.environments');
  tooLong(s.features, SCHEMA_LIMITS.features, '$.features');
  if (issues.length > 0 || !Array.isArray(s.features)) return issues;
  s.features.forEach((f: unknown, i) => {
    if (typeof f !== 'object' || f === null) return;
    const feature = f as Record<string, unknown>;
    tooLong(feature.inEnvironments, SCHEMA_LIMITS.environments, `$.features[${i}].inEnvironments`);
    tooLong(feature.notInEnvironments, SCHEMA_LIMITS.environments, `$.features[${i}].notInEnvironments`);
    const c = feature.categorical;
    if (typeof c === 'object' && c !== null)
      tooLong(
        (c as Record<string, unknown>).values,
        SCHEMA_LIMITS.values,
        `$.features[${i}].categorical.values`,
      );
  });
  return issues;
}

/** The rules zod's shape cannot express: domains that fit their types, names and environments that hold. */
function checkRules(s: SchemaArtifact, report: (path: string, message: string) => void): void {
  const seen = new Set<string>();
  const envs = new Set(s.environments);
  s.features.forEach((f, i) => {
    const at = `$.features[${i}]`;
    if (seen.has(f.name)) report(`${at}.name`, `duplicate feature ${JSON.stringify(f.name)}`);
    seen.add(f.name);
    const n = f.numeric;
    if (n?.min !== undefined && n.max !== undefined && n.min > n.max)
      report(`${at}.numeric.max`, 'must be at least numeric.min');
    if (n && !(f.type === 'numeric' || f.type === 'integer' || f.type === 'timestamp'))
      report(`${at}.numeric`, `is only allowed for numeric, integer and timestamp features, not ${f.type}`);
    if (f.categorical && f.type !== 'categorical')
      report(`${at}.categorical`, `is only allowed for categorical features, not ${f.type}`);
    if (f.categorical && new Set(f.categorical.values).size !== f.categorical.values.length)
      report(`${at}.categorical.values`, 'must not repeat a value');
    if (f.pii === true && f.categorical !== undefined)
      report(
        `${at}.categorical`,
        'must be absent for a pii feature (a domain would hold its raw values): leave out the domain',
      );
    for (const key of ['inEnvironments', 'notInEnvironments'] as const) {
      f[key]?.forEach((env, j) => {
        if (!envs.has(env))
          report(
            `${at}.${key}[${j}]`,
            `names environment ${JSON.stringify(env)}, which $.environments does not list`,
          );
      });
    }
  });
  const { minRows, maxRows } = s.dataset;
  if (minRows !== undefined && maxRows !== undefined && minRows > maxRows)
    report('$.dataset.maxRows', 'must be at least dataset.minRows');
}

let kind: ArtifactKind<SchemaArtifact> | undefined;

/** The schema's artifact kind (defined on first use: no work at import). */
export function schemaKind(): ArtifactKind<SchemaArtifact> {
  kind ??= defineArtifact<SchemaArtifact>({
    kind: KIND,
    formatVersion: 1,
    shape: schemaShape,
    check: checkRules,
  });
  return kind;
}

/** Checks a body (any fingerprint in it is ignored) and returns the checked copy, without fingerprint. */
function checkBody(fn: string, body: unknown, arg: string): SchemaBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidArgument(fn, arg, 'must be a lockstep.schema artifact or body (an object)', body);
  let candidate: Record<string, unknown>;
  try {
    candidate = { ...(body as Record<string, unknown>), fingerprint: NO_FINGERPRINT };
  } catch {
    throw invalidArtifact(fn, KIND, [artifactIssue('$', 'could not be read (a getter or proxy threw)')], arg);
  }
  let lengths: ArtifactIssue[];
  try {
    lengths = listLengths(candidate);
  } catch {
    throw invalidArtifact(fn, KIND, [artifactIssue('$', 'could not be read (a getter or proxy threw)')], arg);
  }
  if (lengths.length > 0) throw invalidArtifact(fn, KIND, lengths, arg);
  const checked = parseArtifact(fn, KIND, candidate, schemaShape(), arg);
  const issues: ArtifactIssue[] = [];
  checkRules(checked, (path, message) => issues.push(artifactIssue(path, message)));
  if (issues.length > 0) throw invalidArtifact(fn, KIND, issues, arg);
  const { fingerprint: _placeholder, ...rest } = checked;
  return rest;
}

/** Checks a body lockstep built (inferSchema, updateSchema) and seals it; a failure names `fn`. */
export function sealBody(fn: string, body: SchemaBody): SchemaArtifact {
  return schemaKind().seal(checkBody(fn, body, 'body'));
}

/**
 * Checks a schema body (written or edited by hand) and seals it: the fingerprint (SHA-256 of the canonical
 * JSON of the rest) is added, and the result is deeply frozen and remembered as a checked schema. A stale
 * fingerprint in the body is replaced. The checks are parseSchema's, bounds included (SCHEMA_LIMITS), so
 * what sealSchema writes parseSchema reads. Literal types survive, so a schema written `as const` keeps
 * its exact feature types for `toZod`'s inference. O(size of the schema).
 * @example sealSchema({ kind: 'lockstep.schema', formatVersion: 1, environments: [], dataset: {}, features: [] }).fingerprint.length // => 64
 * @throws LockstepError `INVALID_ARGUMENT` when `body` is not an object; `INVALID_ARTIFACT` with the JSON
 *   path of the first problem (a wrong type, an unknown key, a string or list past its bound, …).
 */
export function sealSchema<const B extends SchemaBody>(
  body: B,
): Omit<B, 'fingerprint'> & { readonly fingerprint: string } {
  type Sealed = Omit<B, 'fingerprint'> & { readonly fingerprint: string };
  if (sealedKind(body) === KIND) return body as unknown as Sealed;
  return schemaKind().seal(checkBody('sealSchema', body, 'body')) as unknown as Sealed;
}

/**
 * Parses and validates a schema artifact (JSON text or a parsed value): field types and ranges, no
 * unknown keys, the bounds of SCHEMA_LIMITS, domains that fit their types, environments that exist, no
 * duplicate features, and the fingerprint. The result is deeply frozen; a schema lockstep already sealed
 * or parsed is returned as it is, in O(1).
 * @example parseSchema(JSON.stringify(sealSchema({ kind: 'lockstep.schema', formatVersion: 1, environments: [], dataset: {}, features: [] }))).features // => []
 * `options.limits` bounds the artifact before anything reads it (maxBytes, maxDepth, maxArray, maxString,
 * maxNodes; DEFAULT_ARTIFACT_LIMITS for any left out); a hostile one is refused with the limit it broke.
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem; `issues` lists them all;
 *   `INVALID_ARGUMENT` for an unknown option or a limit that is not a positive integer.
 */
export function parseSchema(json: unknown, options?: ParseArtifactOptions): SchemaArtifact {
  return parseChecked('parseSchema', json, 'json', readParseOptions('parseSchema', options));
}

/** Parses with lists' lengths checked first (a hostile list is refused before zod walks it). */
function parseChecked(
  fn: string,
  json: unknown,
  arg: string,
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): SchemaArtifact {
  if (sealedKind(json) === KIND) return json as SchemaArtifact;
  if (typeof json === 'object' && json !== null) {
    let lengths: ArtifactIssue[];
    try {
      lengths = listLengths(json);
    } catch {
      throw invalidArtifact(
        fn,
        KIND,
        [artifactIssue('$', 'could not be read (a getter or proxy threw)')],
        arg,
      );
    }
    if (lengths.length > 0) throw invalidArtifact(fn, KIND, lengths, arg);
  }
  return schemaKind().parse(json, fn, arg, limits);
}

/**
 * The schema argument of a public function: a schema lockstep sealed or parsed is used as it is (O(1));
 * any other object of kind `lockstep.schema` is parsed (so a hand-made, edited or corrupted one is an
 * `INVALID_ARTIFACT` with its path, never a TypeError from inside); anything else is an `INVALID_ARGUMENT`.
 */
export function schemaArgument(fn: string, value: unknown, arg = 'schema'): SchemaArtifact {
  if (sealedKind(value) === KIND) return value as SchemaArtifact;
  notASchema(fn, value, arg);
  return parseChecked(fn, value, arg);
}

/**
 * A schema or schema body for a function that needs no fingerprint (toZod): sealed ones as they are,
 * anything else checked as sealSchema checks a body (a fingerprint in it is not read).
 */
export function schemaBodyArgument(fn: string, value: unknown, arg = 'schema'): SchemaBody {
  if (sealedKind(value) === KIND) return value as SchemaArtifact;
  notASchema(fn, value, arg);
  return checkBody(fn, value, arg);
}

/** Throws INVALID_ARGUMENT for a value that does not even claim to be a schema. */
function notASchema(fn: string, value: unknown, arg: string): void {
  let claimed: unknown;
  try {
    claimed =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as { kind?: unknown }).kind
        : undefined;
  } catch {
    throw invalidArtifact(fn, KIND, [artifactIssue('$', 'could not be read (a getter or proxy threw)')], arg);
  }
  if (claimed !== KIND)
    throw invalidArgument(fn, arg, 'must be a lockstep.schema artifact (see parseSchema)', value);
}
