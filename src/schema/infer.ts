// Schema inference: deterministic, written rules from a lockstep/stats profile (computed from data when
// given data), each choice explained in the feature's `reason`, plus the default skew and drift
// comparators lockstep/drift's compare reads in its skew and drift modes.
import {
  checkBoolean,
  checkChoice,
  checkInteger,
  checkNumber,
  checkObject,
  checkString,
  checkStrings,
  objectKeys,
  readOptions,
} from '../core/check.js';
import { describe, invalidArgument, isLockstepError, rethrownAs } from '../core/errors.js';
import type { FrameInput } from '../core/frame.js';
import { type FeatureProfile, type ProfileArtifact, parseProfile } from '../stats/artifact.js';
import { isoTimestamp } from '../stats/iso-dates.js';
import { profile } from '../stats/profile.js';
import {
  type Comparator,
  type FeatureKind,
  type FeatureSchema,
  SCHEMA_LIMITS,
  type SchemaArtifact,
  sealBody,
} from './artifact.js';

export interface InferOptions {
  /** Profile only these features (when given data). */
  readonly features?: readonly string[];
  /** The type of a feature, by name, instead of the inferred one (the anchors' most common complaint). */
  readonly types?: Readonly<Record<string, FeatureKind>>;
  /**
   * Categorical features with at most this many distinct values get a domain listing them. Default 100,
   * at most 100,000 (SCHEMA_LIMITS.values).
   */
  readonly maxDomainSize?: number;
  /** Share of values that must fall in an inferred domain. Default 1. */
  readonly minDomainMass?: number;
  /** Infer numeric ranges from the observed min and max (not for timestamps). Default false: ranges are a product decision. */
  readonly inferRanges?: boolean;
  /** With inferRanges, widen each range by this share of its span on both sides. Default 0. */
  readonly rangeMargin?: number;
  /** The schema's environments, e.g. ['training', 'serving']. Default none; at most 64. */
  readonly environments?: readonly string[];
  /** Features excluded from an environment, e.g. { serving: ['label'] } (a label is absent at serving). */
  readonly exclude?: Readonly<Record<string, readonly string[]>>;
  /** Copied to the schema: at most 256 characters. */
  readonly version?: string;
  /** Copied to the schema: at most 4,096 characters. */
  readonly description?: string;
  /**
   * Give each feature the default skew and drift comparators (see {@link DEFAULT_COMPARATORS}). Default
   * true; false leaves them out, for schemas that alarm only where a person set a threshold.
   */
  readonly comparators?: boolean;
}

/** The option keys inferSchema knows. */
const INFER_KEYS: readonly (keyof InferOptions)[] = [
  'features',
  'types',
  'maxDomainSize',
  'minDomainMass',
  'inferRanges',
  'rangeMargin',
  'environments',
  'exclude',
  'version',
  'description',
  'comparators',
];

/**
 * The skew and drift comparators inferSchema gives a feature, by type, read by lockstep/drift's `compare`
 * in its skew and drift modes. Numbers (numeric, integer): Jensen–Shannon divergence in bits, alarm at
 * 0.1 (TFDV's numeric comparator; compare's default threshold for it). Categories (categorical,
 * boolean): L-infinity distance, the largest change in one category's share, alarm at 0.1 (TFDV's
 * categorical comparator; TFDV's examples use 0.01, which alarms on sampling noise alone below about
 * 50,000 rows a side: a share of one half moves by about 0.022 between two samples of 1,000). Timestamps
 * get none (their distribution moves with time by construction, so every comparison would alarm), nor
 * does free text (no distribution to compare).
 */
export const DEFAULT_COMPARATORS = {
  numeric: { method: 'jensenShannon', threshold: 0.1 },
  categorical: { method: 'lInfinity', threshold: 0.1 },
} as const;

const TEXT_MEAN_LENGTH = 24;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Type and domain for one profiled feature, with the reason. */
function typeOf(
  f: FeatureProfile,
  override: FeatureKind | undefined,
  maxDomainSize: number,
): { type: FeatureKind; reason: string } {
  if (override) return { type: override, reason: `type ${override} set by options.types` };
  const numeric = f.numeric;
  const integerReason = (): { type: FeatureKind; reason: string } => {
    if (!numeric || numeric.count === 0)
      return { type: 'numeric', reason: 'numbers, but none finite: numeric' };
    if (numeric.fractional === undefined)
      return { type: 'numeric', reason: 'numbers; the profile does not say whether all are whole: numeric' };
    return numeric.fractional === 0
      ? { type: 'integer', reason: `all ${plural(numeric.count, 'finite value')} are whole numbers: integer` }
      : { type: 'numeric', reason: `${plural(numeric.fractional, 'value')} with a fractional part: numeric` };
  };
  const categoricalReason = (): { type: FeatureKind; reason: string } => {
    const c = f.categorical!;
    const longest = c.length?.max ?? 0;
    if (c.distinctExact && c.distinct <= maxDomainSize && longest > SCHEMA_LIMITS.value) {
      return {
        type: 'categorical',
        reason: `${plural(c.distinct, 'distinct string')}, one of ${longest} characters (a domain value may have at most ${SCHEMA_LIMITS.value}): categorical without a domain`,
      };
    }
    if (c.distinctExact && c.distinct <= maxDomainSize) {
      return {
        type: 'categorical',
        reason: `${plural(c.distinct, 'distinct string')} (at most maxDomainSize ${maxDomainSize}): categorical with a domain`,
      };
    }
    const mean = c.length?.mean ?? 0;
    if (mean >= TEXT_MEAN_LENGTH) {
      return {
        type: 'text',
        reason: `about ${c.distinct} distinct strings of mean length ${mean.toFixed(1)} (at least ${TEXT_MEAN_LENGTH}): free text`,
      };
    }
    return {
      type: 'categorical',
      reason: `about ${c.distinct} distinct strings (more than maxDomainSize ${maxDomainSize}): categorical without a domain; raise maxDomainSize to list them`,
    };
  };
  switch (f.type) {
    case 'numeric':
      return integerReason();
    case 'timestamp':
      return {
        type: 'timestamp',
        reason:
          f.types.string > 0
            ? 'ISO-8601 date or date-time strings (every present value parses as one): timestamp'
            : 'Dates, Arrow timestamps or ISO-8601 date strings: timestamp',
      };
    case 'boolean':
      return { type: 'boolean', reason: 'true and false only: boolean' };
    case 'categorical': {
      const iso = isoDistinct(f);
      if (iso > 0) {
        return {
          type: 'timestamp',
          reason: `every present value is an ISO-8601 date or date-time string (${plural(iso, 'distinct value')}, YYYY-MM-DD with an optional time and offset; read as UTC without one): timestamp`,
        };
      }
      return categoricalReason();
    }
    case 'empty':
      return {
        type: 'text',
        reason: 'no value seen: text, nullable; set options.types to say what it holds',
      };
    case 'mixed': {
      const { number, string, boolean, other } = f.types;
      const counts = `${number} numbers, ${string} strings, ${boolean} booleans, ${other} other values`;
      const chosen =
        number >= string && number >= boolean
          ? integerReason()
          : string >= boolean
            ? categoricalReason()
            : { type: 'boolean' as const, reason: '' };
      return {
        type: chosen.type,
        reason: `mixed types (${counts}): ${chosen.type}, the most common; the rest will be TYPE_MISMATCH`,
      };
    }
  }
}

/**
 * Whether text is an ISO-8601 date or date-time that names a real instant: the profile's own rule
 * (lockstep/stats' isoTimestamp: `YYYY-MM-DD`, optionally `T` or a space, a time and an offset; dashes,
 * not slashes; `2001-02-30` is no date), so inferSchema and profile agree on what a date is.
 */
export function isIsoTimestamp(text: string): boolean {
  return !Number.isNaN(isoTimestamp(text));
}

/**
 * For a feature the profile read as strings: the number of distinct values when the profile lists every
 * one (exact frequencies) and each is an ISO-8601 date or date-time; else 0. (A profile that types such a
 * column `timestamp` itself is read by the `timestamp` case.)
 */
function isoDistinct(f: FeatureProfile): number {
  const c = f.categorical;
  if (!c?.distinctExact || c.frequencyError !== 0 || c.frequencies.length === 0) return 0;
  if (c.count !== f.present) return 0;
  for (const [value] of c.frequencies) if (!isIsoTimestamp(value)) return 0;
  return c.frequencies.length;
}

const KINDS: readonly FeatureKind[] = ['numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text'];

/** An object's own entries, each read once (a throwing getter or Proxy becomes an INVALID_ARGUMENT). */
function entriesOf(fn: string, arg: string, v: unknown, max: number): [string, unknown][] {
  const record = checkObject(fn, arg, v);
  const keys = objectKeys(fn, arg, record);
  if (keys.length > max) throw invalidArgument(fn, arg, `must have at most ${max} keys, got ${keys.length}`);
  return keys.map((key) => {
    const at = `${arg}.${key.length > 60 ? `${key.slice(0, 57)}...` : key}`;
    if (key.length > SCHEMA_LIMITS.name)
      throw invalidArgument(fn, at, `must be named in at most ${SCHEMA_LIMITS.name} characters`);
    try {
      return [key, record[key]];
    } catch {
      throw invalidArgument(fn, at, 'must be readable (its getter threw)');
    }
  });
}

function checkInferOptions(options: unknown) {
  const fn = 'inferSchema';
  const o = readOptions(fn, options, INFER_KEYS);
  const maxDomainSize =
    o.maxDomainSize === undefined
      ? 100
      : checkInteger(fn, 'options.maxDomainSize', o.maxDomainSize, 0, SCHEMA_LIMITS.values);
  const minDomainMass =
    o.minDomainMass === undefined
      ? 1
      : checkNumber(fn, 'options.minDomainMass', o.minDomainMass, { min: 0, max: 1 });
  const rangeMargin =
    o.rangeMargin === undefined ? 0 : checkNumber(fn, 'options.rangeMargin', o.rangeMargin, { min: 0 });
  const inferRanges =
    o.inferRanges === undefined ? false : checkBoolean(fn, 'options.inferRanges', o.inferRanges);
  const comparators =
    o.comparators === undefined ? true : checkBoolean(fn, 'options.comparators', o.comparators);
  const version =
    o.version === undefined
      ? undefined
      : checkString(fn, 'options.version', o.version, SCHEMA_LIMITS.version);
  const description =
    o.description === undefined
      ? undefined
      : checkString(fn, 'options.description', o.description, SCHEMA_LIMITS.text);
  const features =
    o.features === undefined
      ? undefined
      : checkStrings(fn, 'options.features', o.features, SCHEMA_LIMITS.features);
  for (let i = 0; i < (features?.length ?? 0); i++)
    checkString(fn, `options.features[${i}]`, features![i], SCHEMA_LIMITS.name);
  const types = new Map<string, FeatureKind>();
  if (o.types !== undefined) {
    for (const [name, kind] of entriesOf(fn, 'options.types', o.types, SCHEMA_LIMITS.features))
      types.set(
        name,
        checkChoice(fn, `options.types.${name.length > 60 ? `${name.slice(0, 57)}...` : name}`, kind, KINDS),
      );
  }
  const environments =
    o.environments === undefined
      ? []
      : [...checkStrings(fn, 'options.environments', o.environments, SCHEMA_LIMITS.environments)];
  for (let i = 0; i < environments.length; i++)
    checkString(fn, `options.environments[${i}]`, environments[i], SCHEMA_LIMITS.name);
  const excluded = new Map<string, string[]>(); // feature -> environments
  if (o.exclude !== undefined) {
    for (const [env, names] of entriesOf(fn, 'options.exclude', o.exclude, SCHEMA_LIMITS.environments)) {
      const at = `options.exclude.${env.length > 60 ? `${env.slice(0, 57)}...` : env}`;
      if (!environments.includes(env)) {
        throw invalidArgument(
          fn,
          at,
          `must name one of options.environments (${environments.join(', ') || 'none'})`,
          env,
        );
      }
      for (const name of checkStrings(fn, at, names, SCHEMA_LIMITS.features))
        excluded.set(name, [...(excluded.get(name) ?? []), env]);
    }
  }
  return {
    maxDomainSize,
    minDomainMass,
    rangeMargin,
    types,
    environments,
    excluded,
    inferRanges,
    comparators,
    version,
    description,
    features,
  };
}

/** The profile to infer from: a profile (parsed unless lockstep made it), or the data's profile. */
function profileOf(input: unknown, o: ReturnType<typeof checkInferOptions>): ProfileArtifact {
  const fn = 'inferSchema';
  // Reading a feature as categorical or numeric must happen while profiling; the other kinds are typing.
  const readAs: Record<string, 'numeric' | 'categorical'> = Object.create(null);
  for (const [name, kind] of o.types) {
    if (kind === 'categorical' || kind === 'text') readAs[name] = 'categorical';
    else if (kind === 'numeric' || kind === 'integer') readAs[name] = 'numeric';
  }
  let claimed: unknown;
  try {
    claimed =
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? (input as { kind?: unknown }).kind
        : undefined;
  } catch {
    throw invalidArgument(fn, 'data', 'could not be read (a getter or proxy threw)');
  }
  try {
    if (claimed === 'lockstep.profile') return parseProfile(input);
    return profile(input as FrameInput, { ...(o.features ? { features: o.features } : {}), types: readAs });
  } catch (error) {
    if (isLockstepError(error))
      throw rethrownAs(error, fn, claimed === 'lockstep.profile' ? 'data' : error.arg);
    throw invalidArgument(fn, 'data', `could not be profiled (${(error as Error)?.name ?? 'an error'})`);
  }
}

/** The comparators a feature of this type gets by default, or undefined (timestamps, text). */
function comparatorFor(type: FeatureKind): Comparator | undefined {
  if (type === 'numeric' || type === 'integer') return DEFAULT_COMPARATORS.numeric;
  if (type === 'categorical' || type === 'boolean') return DEFAULT_COMPARATORS.categorical;
  return undefined;
}

/**
 * Infers a schema from data or from a `lockstep/stats` profile, by written, deterministic rules
 * (docs/schema.md), and explains each choice in the feature's `reason`: numbers that are all whole are
 * integers; strings with at most `maxDomainSize` (100) distinct values are categorical with that domain, more
 * distinct strings are categorical without a domain or, when long (mean length ≥ 24), free text; Dates and
 * strings that are all ISO-8601 dates or date-times (`2026-01-05`, `2026-01-05T10:00:00Z`) are
 * timestamps; a feature missing in some rows is nullable, one always present is required (presence 1);
 * NaN and ±Infinity are allowed only if seen; ranges only with `inferRanges`. `types` overrides by name.
 * Each feature gets the default skew and drift comparators of its type ({@link DEFAULT_COMPARATORS};
 * `comparators: false` leaves them out), so `compare(a, b, { schema, mode: 'skew' })` checks it. The
 * result is sealed and deeply frozen, and parses back with parseSchema. O(rows × features) from data,
 * O(features) from a profile.
 * @example inferSchema([{ n: 1 }, { n: 2 }]).features[0].type // => 'integer'
 * @example inferSchema([{ at: '2026-01-05' }, { at: '2026-01-06T10:00:00Z' }]).features[0].type // => 'timestamp'
 * @throws LockstepError `INVALID_ARGUMENT` for bad options (an unknown key names the closest known one) or
 *   data that cannot be profiled; `INVALID_ARTIFACT` for a profile that is malformed.
 */
export function inferSchema(input: FrameInput | ProfileArtifact, options?: InferOptions): SchemaArtifact {
  const fn = 'inferSchema';
  const o = checkInferOptions(options);
  const p = profileOf(input, o);
  if (p.features.length > SCHEMA_LIMITS.features) {
    throw invalidArgument(
      fn,
      'data',
      `must have at most ${SCHEMA_LIMITS.features} columns for a schema, got ${p.features.length}`,
    );
  }
  const features = p.features.map((f): FeatureSchema => {
    if (f.name.length > SCHEMA_LIMITS.name) {
      throw invalidArgument(
        fn,
        'data',
        `must name its columns in at most ${SCHEMA_LIMITS.name} characters, got one of ${f.name.length}`,
      );
    }
    const { type, reason } = typeOf(f, o.types.get(f.name), o.maxDomainSize);
    const nullable = f.missing > 0;
    const out: { -readonly [K in keyof FeatureSchema]: FeatureSchema[K] } = {
      name: f.name,
      type,
      nullable,
      presence: { minFraction: nullable ? 0 : 1, minCount: f.present > 0 ? 1 : 0 },
      reason: `${reason}; ${nullable ? `missing in ${plural(f.missing, 'row')}: nullable` : 'present in every row: required'}`,
    };
    const n = f.numeric;
    if ((type === 'numeric' || type === 'integer' || type === 'timestamp') && n) {
      const domain: {
        -readonly [K in keyof NonNullable<FeatureSchema['numeric']>]: NonNullable<
          FeatureSchema['numeric']
        >[K];
      } = {};
      // Ranges for numbers only: time moves on, so an inferred timestamp range would reject every later day.
      if (o.inferRanges && type !== 'timestamp' && n.min !== null && n.max !== null) {
        const margin = o.rangeMargin === 0 ? 0 : (n.max - n.min) * o.rangeMargin;
        const min = type === 'integer' ? Math.floor(n.min - margin) : n.min - margin;
        const max = type === 'integer' ? Math.ceil(n.max + margin) : n.max + margin;
        // A margin that overflows leaves that side open: an infinite bound is no bound (and not JSON).
        // `+ 0` writes -0 as 0, as JSON will, so the schema equals what parseSchema reads back.
        if (Number.isFinite(min)) domain.min = min + 0;
        if (Number.isFinite(max)) domain.max = max + 0;
      }
      if (n.nan > 0) domain.allowNaN = true;
      if (n.posInf + n.negInf > 0) domain.allowInfinity = true;
      if (Object.keys(domain).length > 0) out.numeric = domain;
    }
    const c = f.categorical;
    if (
      type === 'categorical' &&
      c &&
      c.distinctExact &&
      c.distinct <= o.maxDomainSize &&
      (c.length?.max ?? 0) <= SCHEMA_LIMITS.value
    ) {
      const values = c.frequencies.map(([value]) => value).sort();
      out.categorical = o.minDomainMass < 1 ? { values, minDomainMass: o.minDomainMass } : { values };
    }
    const envs = o.excluded.get(f.name);
    if (envs) out.notInEnvironments = envs;
    const comparator = o.comparators && f.present > 0 ? comparatorFor(type) : undefined;
    if (comparator) {
      out.skew = comparator;
      out.drift = comparator;
    }
    return out;
  });
  for (const name of o.excluded.keys()) {
    if (!p.features.some((f) => f.name === name)) {
      throw invalidArgument(
        fn,
        'options.exclude',
        `names a feature the data does not have: ${describe(name)}`,
      );
    }
  }
  return sealBody(fn, {
    kind: 'lockstep.schema',
    formatVersion: 1,
    ...(o.version !== undefined ? { version: o.version } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    environments: o.environments,
    dataset: {},
    features,
  });
}
