import { describe, invalidArgument } from '../core/errors.js';
import type { FrameInput } from '../core/frame.js';
import { type FeatureProfile, isProfile, type ProfileArtifact } from '../stats/artifact.js';
import { profile } from '../stats/profile.js';
import type { FeatureKind, FeatureSchema, SchemaArtifact } from './artifact.js';
import { sealSchema } from './artifact.js';

export interface InferOptions {
  /** Profile only these features (when given data). */
  readonly features?: readonly string[];
  /** The type of a feature, by name, instead of the inferred one (the anchors' most common complaint). */
  readonly types?: Readonly<Record<string, FeatureKind>>;
  /** Categorical features with at most this many distinct values get a domain listing them. Default 100. */
  readonly maxDomainSize?: number;
  /** Share of values that must fall in an inferred domain. Default 1. */
  readonly minDomainMass?: number;
  /** Infer numeric ranges from the observed min and max (not for timestamps). Default false: ranges are a product decision. */
  readonly inferRanges?: boolean;
  /** With inferRanges, widen each range by this share of its span on both sides. Default 0. */
  readonly rangeMargin?: number;
  /** The schema's environments, e.g. ['training', 'serving']. Default none. */
  readonly environments?: readonly string[];
  /** Features excluded from an environment, e.g. { serving: ['label'] } (a label is absent at serving). */
  readonly exclude?: Readonly<Record<string, readonly string[]>>;
  readonly version?: string;
  readonly description?: string;
}

const TEXT_MEAN_LENGTH = 24;

const KINDS: readonly FeatureKind[] = ['numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text'];

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
      return { type: 'timestamp', reason: 'Dates or Arrow timestamps: timestamp' };
    case 'boolean':
      return { type: 'boolean', reason: 'true and false only: boolean' };
    case 'categorical':
      return categoricalReason();
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

function checkInferOptions(o: InferOptions) {
  const fn = 'inferSchema';
  if (typeof o !== 'object' || o === null) throw invalidArgument(fn, 'options', 'must be an object', o);
  const maxDomainSize = o.maxDomainSize ?? 100;
  if (!Number.isInteger(maxDomainSize) || maxDomainSize < 0)
    throw invalidArgument(fn, 'options.maxDomainSize', 'must be a non-negative integer', maxDomainSize);
  const minDomainMass = o.minDomainMass ?? 1;
  if (!(minDomainMass >= 0 && minDomainMass <= 1))
    throw invalidArgument(fn, 'options.minDomainMass', 'must be a number in [0, 1]', minDomainMass);
  const rangeMargin = o.rangeMargin ?? 0;
  if (!(rangeMargin >= 0 && Number.isFinite(rangeMargin)))
    throw invalidArgument(fn, 'options.rangeMargin', 'must be a finite number >= 0', rangeMargin);
  const types = new Map<string, FeatureKind>();
  for (const [name, kind] of Object.entries(o.types ?? {})) {
    if (!KINDS.includes(kind))
      throw invalidArgument(fn, `options.types.${name}`, `must be one of ${KINDS.join(', ')}`, kind);
    types.set(name, kind);
  }
  const environments = [...(o.environments ?? [])];
  const excluded = new Map<string, string[]>(); // feature -> environments
  for (const [env, names] of Object.entries(o.exclude ?? {})) {
    if (!environments.includes(env)) {
      throw invalidArgument(
        fn,
        `options.exclude.${env}`,
        `must name one of options.environments (${environments.join(', ') || 'none'})`,
        env,
      );
    }
    for (const name of names) excluded.set(name, [...(excluded.get(name) ?? []), env]);
  }
  return {
    maxDomainSize,
    minDomainMass,
    rangeMargin,
    types,
    environments,
    excluded,
    inferRanges: o.inferRanges ?? false,
  };
}

/**
 * Infers a schema from data or from a `lockstep/stats` profile, by written, deterministic rules
 * (docs/schema.md), and explains each choice in the feature's `reason`: numbers that are all whole are
 * integers; strings with at most `maxDomainSize` (100) distinct values are categorical with that domain, more
 * distinct strings are categorical without a domain or, when long (mean length ≥ 24), free text; Dates are
 * timestamps; a feature missing in some rows is nullable, one always present is required (presence 1);
 * NaN and ±Infinity are allowed only if seen; ranges only with `inferRanges`. `types` overrides by name.
 * O(rows × features) from data, O(features) from a profile.
 * @example inferSchema([{ n: 1 }, { n: 2 }]).features[0].type // => 'integer'
 * @throws LockstepError `INVALID_ARGUMENT` for bad options.
 */
export function inferSchema(input: FrameInput | ProfileArtifact, options: InferOptions = {}): SchemaArtifact {
  const o = checkInferOptions(options);
  // Reading a feature as categorical or numeric must happen while profiling; the other kinds are typing.
  const readAs: Record<string, 'numeric' | 'categorical'> = {};
  for (const [name, kind] of o.types) {
    if (kind === 'categorical' || kind === 'text') readAs[name] = 'categorical';
    else if (kind === 'numeric' || kind === 'integer') readAs[name] = 'numeric';
  }
  const p = isProfile(input)
    ? input
    : profile(input, { ...(options.features ? { features: options.features } : {}), types: readAs });
  const features = p.features.map((f): FeatureSchema => {
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
        const margin = (n.max - n.min) * o.rangeMargin;
        domain.min = type === 'integer' ? Math.floor(n.min - margin) : n.min - margin;
        domain.max = type === 'integer' ? Math.ceil(n.max + margin) : n.max + margin;
      }
      if (n.nan > 0) domain.allowNaN = true;
      if (n.posInf + n.negInf > 0) domain.allowInfinity = true;
      if (Object.keys(domain).length > 0) out.numeric = domain;
    }
    const c = f.categorical;
    if (type === 'categorical' && c && c.distinctExact && c.distinct <= o.maxDomainSize) {
      const values = c.frequencies.map(([value]) => value).sort();
      out.categorical = o.minDomainMass < 1 ? { values, minDomainMass: o.minDomainMass } : { values };
    }
    const envs = o.excluded.get(f.name);
    if (envs) out.notInEnvironments = envs;
    return out;
  });
  for (const name of o.excluded.keys()) {
    if (!p.features.some((f) => f.name === name)) {
      throw invalidArgument(
        'inferSchema',
        'options.exclude',
        `names a feature the data does not have: ${describe(name)}`,
      );
    }
  }
  return sealSchema({
    kind: 'lockstep.schema',
    formatVersion: 1,
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    environments: o.environments,
    dataset: {},
    features,
  });
}
