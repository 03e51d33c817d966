// The profile as a JSON artifact (`kind: "lockstep.profile"`), to and from the live sketch state.
import * as z from 'zod/mini';
import { checkFingerprint, parseArtifact, withFingerprint } from '../core/artifact.js';
import { base64ToBytes, base64ToFloat64, bytesToBase64, float64ToBase64 } from '../core/base64.js';
import { createFeature, type FeatureState, type SketchSizes, type TypeCounts } from './feature.js';
import { createFrequencies, frequenciesSorted } from './frequent.js';
import { hllEstimate } from './hll.js';
import { type KllSampler, kllFromState, kllState } from './kll.js';
import { populationVariance } from './moments.js';

/** What a feature turned out to hold. `mixed` means more than one type of value; `empty`, none present. */
export type FeatureType = 'numeric' | 'timestamp' | 'categorical' | 'boolean' | 'mixed' | 'empty';

/** The KLL sketch, serialised: items level by level (level 0 first) as base64 float64. */
export interface QuantileSketch {
  readonly k: number;
  readonly n: number;
  readonly levels: readonly number[];
  readonly items: string;
  readonly rng: number;
  /** Sampler: the bottom level, and the block in progress (items seen, index kept, the kept item). */
  readonly sampler: KllSampler;
}

/** Statistics of the numeric values of a feature. Moments and quantiles cover finite values only. */
export interface NumericProfile {
  /** Finite values. */
  readonly count: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly zeros: number;
  /** Finite values that are not whole numbers (absent in profiles written before this count existed). */
  readonly fractional?: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Population variance (ddof = 0). */
  readonly variance: number | null;
  readonly stdDev: number | null;
  /** Sum of squared deviations from the mean: the merge state behind `variance`. */
  readonly m2: number;
  readonly quantiles: QuantileSketch;
}

/** Statistics of the categorical values (strings, booleans as 'true'/'false') of a feature. */
export interface CategoricalProfile {
  readonly count: number;
  /** Distinct values: exact when `distinctExact`, else the HyperLogLog estimate. */
  readonly distinct: number;
  readonly distinctExact: boolean;
  /** `[value, count]` by count descending, then value. Exact when `frequencyError` is 0. */
  readonly frequencies: readonly (readonly [string, number])[];
  /** A listed count is at most this much under the true count; an unlisted value occurs at most this often. */
  readonly frequencyError: number;
  /** HyperLogLog registers, base64. */
  readonly hll: string;
  /** String lengths in UTF-16 code units. */
  readonly length: {
    readonly min: number;
    readonly max: number;
    readonly mean: number;
    readonly sum: number;
  } | null;
}

export interface FeatureProfile {
  readonly name: string;
  readonly type: FeatureType;
  readonly present: number;
  readonly missing: number;
  /** Values that could not be read as the requested type. */
  readonly invalid: number;
  /** Present values by JavaScript type; more than one non-zero entry means a mixed column. */
  readonly types: TypeCounts;
  readonly numeric?: NumericProfile;
  readonly categorical?: CategoricalProfile;
}

/** A data profile: the mergeable summary every check reads. Plain JSON. */
export interface ProfileArtifact {
  readonly kind: 'lockstep.profile';
  readonly formatVersion: 1;
  readonly rows: number;
  readonly sketches: SketchSizes;
  readonly features: readonly FeatureProfile[];
  readonly fingerprint: string;
}

function featureType(f: FeatureState): FeatureType {
  const { number, string, boolean, other } = f.types;
  const kinds = (number > 0 ? 1 : 0) + (string > 0 ? 1 : 0) + (boolean > 0 ? 1 : 0) + (other > 0 ? 1 : 0);
  if (kinds === 0) return 'empty';
  if (kinds > 1 || other > 0) return 'mixed';
  if (number > 0) return f.timestamp ? 'timestamp' : 'numeric';
  return string > 0 ? 'categorical' : 'boolean';
}

/** A finite number (with -0 written as 0, as JSON would) or null. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x + 0 : null;
}

export function toFeatureProfile(f: FeatureState): FeatureProfile {
  const out: {
    -readonly [K in keyof FeatureProfile]: FeatureProfile[K];
  } = {
    name: f.name,
    type: featureType(f),
    present: f.present,
    missing: f.missing,
    invalid: f.invalid,
    types: { ...f.types },
  };
  if (f.numeric) {
    const s = f.numeric;
    const variance = populationVariance(s.moments);
    const q = kllState(s.kll);
    out.numeric = {
      count: s.moments.count,
      nan: s.nan,
      posInf: s.posInf,
      negInf: s.negInf,
      zeros: s.zeros,
      ...(Number.isNaN(s.fractional) ? {} : { fractional: s.fractional }),
      min: finiteOrNull(s.min),
      max: finiteOrNull(s.max),
      mean: s.moments.count > 0 ? s.moments.mean : null,
      variance: finiteOrNull(variance),
      stdDev: finiteOrNull(Math.sqrt(variance)),
      m2: s.moments.m2,
      quantiles: {
        k: q.k,
        n: q.n,
        levels: q.sizes,
        items: float64ToBase64(q.items),
        rng: q.rng,
        sampler: q.sampler,
      },
    };
  }
  if (f.categorical) {
    const c = f.categorical;
    const exact = c.frequencies.error === 0;
    out.categorical = {
      count: c.lengthCount,
      distinct: exact ? c.frequencies.counts.size : Math.round(hllEstimate(c.hll)),
      distinctExact: exact,
      frequencies: frequenciesSorted(c.frequencies),
      frequencyError: c.frequencies.error,
      hll: bytesToBase64(c.hll.registers),
      length:
        c.lengthCount > 0
          ? { min: c.lengthMin, max: c.lengthMax, mean: c.lengthSum / c.lengthCount, sum: c.lengthSum }
          : null,
    };
  }
  return out;
}

export function fromFeatureProfile(p: FeatureProfile, sizes: SketchSizes): FeatureState {
  const f = createFeature(p.name, sizes, 'auto');
  f.present = p.present;
  f.missing = p.missing;
  f.invalid = p.invalid;
  f.timestamp = p.type === 'timestamp';
  f.types = { ...p.types };
  if (p.numeric) {
    const n = p.numeric;
    const q = n.quantiles;
    f.numeric = {
      nan: n.nan,
      posInf: n.posInf,
      negInf: n.negInf,
      zeros: n.zeros,
      fractional: n.fractional ?? Number.NaN,
      min: n.min ?? Number.POSITIVE_INFINITY,
      max: n.max ?? Number.NEGATIVE_INFINITY,
      moments: { count: n.count, mean: n.mean ?? 0, m2: n.m2 },
      kll: kllFromState(quantileState(q)),
    };
  }
  if (p.categorical) {
    const c = p.categorical;
    const frequencies = createFrequencies(sizes.frequentCapacity);
    for (const [value, count] of c.frequencies) frequencies.counts.set(value, count);
    frequencies.error = c.frequencyError;
    f.categorical = {
      frequencies,
      hll: { p: sizes.distinctP, registers: base64ToBytes(c.hll)! },
      lengthCount: c.count,
      lengthSum: c.length?.sum ?? 0,
      lengthMin: c.length?.min ?? Number.POSITIVE_INFINITY,
      lengthMax: c.length?.max ?? Number.NEGATIVE_INFINITY,
    };
  }
  return f;
}

/** The decoded KLL state of a serialised quantile sketch (already validated). */
export function quantileState(q: QuantileSketch) {
  return {
    k: q.k,
    n: q.n,
    items: base64ToFloat64(q.items)!,
    sizes: q.levels,
    rng: q.rng,
    sampler: q.sampler,
  };
}

/** True for an object that says it is a profile (`kind: "lockstep.profile"`); parseProfile checks the rest. */
export function isProfile(input: unknown): input is ProfileArtifact {
  return (
    typeof input === 'object' && input !== null && (input as { kind?: unknown }).kind === 'lockstep.profile'
  );
}

// Profiles lockstep made or validated itself: these merge without validating again, which keeps zod out
// of bundles that only build profiles. Created on first use.
let trusted: WeakSet<object> | undefined;

function trust<T extends object>(artifact: T): T {
  (trusted ??= new WeakSet()).add(artifact);
  return artifact;
}

/** True for a profile returned by profile(), result(), mergeProfiles() or parseProfile(). */
export function isTrusted(artifact: object): boolean {
  return trusted?.has(artifact) ?? false;
}

export function toArtifact(
  rows: number,
  sizes: SketchSizes,
  features: readonly FeatureState[],
): ProfileArtifact {
  return trust(
    withFingerprint({
      kind: 'lockstep.profile' as const,
      formatVersion: 1 as const,
      rows,
      sketches: { ...sizes },
      features: features.map(toFeatureProfile),
    }),
  );
}

let schema: z.ZodMiniType<ProfileArtifact> | undefined;

/** The zod schema of a profile artifact, built on first use. */
function profileSchema(): z.ZodMiniType<ProfileArtifact> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  const intIn = (lo: number, hi: number) => z.number().check(z.int(), z.gte(lo), z.lte(hi));
  const base64 = (check: (bytes: Uint8Array) => boolean, what: string) =>
    z.string().check(
      z.refine((text) => {
        const bytes = base64ToBytes(text);
        return bytes !== undefined && check(bytes);
      }, `must be base64 of ${what}`),
    );
  const quantiles = z
    .object({
      k: intIn(8, 1 << 16),
      n: count,
      levels: z.array(count),
      items: base64((b) => b.length % 8 === 0, 'float64 values'),
      rng: intIn(0, 0xffffffff),
      sampler: z.object({ level: intIn(0, 60), seen: count, target: count, candidate: finite }),
    })
    .check(
      z.refine((q) => (base64ToBytes(q.items)?.length ?? 0) / 8 === q.levels.reduce((s, x) => s + x, 0), {
        message: 'levels must add up to the number of items',
        path: ['levels'],
      }),
    );
  const numeric = z.object({
    count,
    nan: count,
    posInf: count,
    negInf: count,
    zeros: count,
    fractional: z.optional(count),
    min: z.nullable(finite),
    max: z.nullable(finite),
    mean: z.nullable(finite),
    variance: z.nullable(finite),
    stdDev: z.nullable(finite),
    m2: finite,
    quantiles,
  });
  const categorical = z.object({
    count,
    distinct: count,
    distinctExact: z.boolean(),
    frequencies: z.array(z.tuple([z.string(), count])),
    frequencyError: count,
    hll: base64(() => true, 'HyperLogLog registers'),
    length: z.nullable(z.object({ min: count, max: count, mean: finite, sum: count })),
  });
  const feature = z.object({
    name: z.string(),
    type: z.enum(['numeric', 'timestamp', 'categorical', 'boolean', 'mixed', 'empty']),
    present: count,
    missing: count,
    invalid: count,
    types: z.object({ number: count, string: count, boolean: count, other: count }),
    numeric: z.optional(numeric),
    categorical: z.optional(categorical),
  });
  schema = z
    .object({
      kind: z.literal('lockstep.profile'),
      formatVersion: z.literal(1),
      rows: count,
      sketches: z.object({
        quantileK: intIn(8, 1 << 16),
        distinctP: intIn(4, 18),
        frequentCapacity: intIn(1, 1 << 24),
      }),
      features: z.array(feature),
      fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    })
    .check(
      z.superRefine((p, ctx) => {
        const names = new Set<string>();
        p.features.forEach((f, i) => {
          const issue = (path: PropertyKey[], message: string) =>
            ctx.issues.push({ code: 'custom', input: f, path: ['features', i, ...path], message });
          if (f.present + f.missing !== p.rows)
            issue(['missing'], `present + missing must equal rows (${p.rows})`);
          if (f.categorical && base64ToBytes(f.categorical.hll)?.length !== 1 << p.sketches.distinctP) {
            issue(['categorical', 'hll'], `must hold 2^${p.sketches.distinctP} registers`);
          }
          if (names.has(f.name)) issue(['name'], `duplicate feature ${JSON.stringify(f.name)}`);
          names.add(f.name);
        });
      }),
    ) as unknown as z.ZodMiniType<ProfileArtifact>;
  return schema;
}

/**
 * Parses and validates a profile artifact (JSON text or a parsed value): every field's type and range,
 * sketch encodings, counts that add up, and the fingerprint. Profiles written by earlier lockstep versions
 * keep loading (test/fixtures/golden-profile.json).
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem.
 */
export function parseProfile(json: unknown): ProfileArtifact {
  const profile = parseArtifact('parseProfile', 'lockstep.profile', json, profileSchema());
  checkFingerprint('parseProfile', 'lockstep.profile', profile);
  return trust(profile);
}
