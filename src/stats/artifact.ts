// The profile as a JSON artifact (`kind: "lockstep.profile"`), to and from the live sketch state.
//
// The kind is declared once, with core's defineArtifact (`profileKind`): its zod body schema, the checks zod
// cannot express (counts that add up, sketch encodings bounded by the declared sketch sizes) and the
// fingerprint. Every profile lockstep returns is sealed (deeply frozen and remembered as checked), so the
// readers take a sealed profile in O(1) and refuse anything else: a profile from JSON, another process or a
// hand edit goes through `parseProfile` first. Profiles lockstep builds are sealed with core's `seal`, as the
// definition's own `seal` does, so that building and reading profiles bundles no zod: only parsing does
// (test/package/bundle-size.test.ts).
import * as z from 'zod/mini';
import {
  type ArtifactKind,
  type ArtifactLimits,
  artifactIssue,
  defineArtifact,
  invalidArtifact,
  type ParseArtifactOptions,
  readParseOptions,
  withFingerprint,
} from '../core/artifact.js';
import { base64ToBytes, base64ToFloat64, bytesToBase64, float64ToBase64 } from '../core/base64.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { seal, sealedKind } from '../core/freeze.js';
import {
  createFeature,
  type FeatureState,
  type PiiMode,
  type SketchSizes,
  type TypeCounts,
} from './feature.js';
import { createFrequencies, frequenciesSorted } from './frequent.js';
import { hllEstimate } from './hll.js';
import { type KllSampler, kllFromState, kllMaxRetained, kllState, MAX_DEPTH } from './kll.js';
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
  /**
   * Sum of squared deviations from the mean: the merge state behind `variance`. Null (as `mean` and
   * `variance` are) when it overflowed float64, which values near ±1.8e308 can make it do.
   */
  readonly m2: number | null;
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
  /**
   * Set for a PII feature (profile's `pii` option, or merged with one): no raw value is kept. There is no
   * `numeric` section; `categorical` holds the count of values hashed, the HyperLogLog distinct estimate
   * and registers, `length: null`, and frequencies that are empty (`'counts'`) or of the host's tokens
   * (`'tokens'`).
   */
  readonly pii?: PiiMode;
}

/**
 * A data profile: the mergeable summary every check reads. Plain JSON, deeply frozen when lockstep returns
 * it (to change one, build a new one: profile the data again, or edit its JSON and parse it).
 */
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
  if (f.pii !== undefined) out.pii = f.pii;
  if (f.numeric && f.pii === undefined) {
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
      mean: s.moments.count > 0 ? finiteOrNull(s.moments.mean) : null,
      variance: finiteOrNull(variance),
      stdDev: finiteOrNull(Math.sqrt(variance)),
      m2: finiteOrNull(s.moments.m2),
      quantiles: {
        k: q.k,
        n: q.n,
        levels: q.sizes,
        items: float64ToBase64(q.items),
        rng: q.rng,
        sampler: { ...q.sampler, candidate: q.sampler.candidate + 0 },
      },
    };
  }
  if (f.categorical && f.pii !== undefined) {
    const c = f.categorical;
    // Tokens counted exactly give the exact distinct count (a token function is one-to-one in practice:
    // an HMAC); otherwise the HyperLogLog estimate.
    const exact = f.pii === 'tokens' && c.frequencies.error === 0;
    out.categorical = {
      count: c.lengthCount,
      distinct: exact ? c.frequencies.counts.size : Math.round(hllEstimate(c.hll)),
      distinctExact: exact,
      frequencies: f.pii === 'tokens' ? frequenciesSorted(c.frequencies) : [],
      frequencyError: f.pii === 'tokens' ? c.frequencies.error : 0,
      hll: bytesToBase64(c.hll.registers),
      length: null,
    };
  } else if (f.categorical) {
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
  f.pii = p.pii;
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
      // A null mean or m2 of values present overflowed: NaN keeps them unknown through every merge.
      moments: {
        count: n.count,
        mean: n.mean ?? (n.count > 0 ? Number.NaN : 0),
        m2: n.m2 ?? Number.NaN,
      },
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

const KIND = 'lockstep.profile';

/** True for a profile lockstep made or parsed (sealed): profile(), result(), mergeProfiles(), parseProfile(). O(1). */
export function isProfile(input: unknown): input is ProfileArtifact {
  return sealedKind(input) === KIND;
}

/** True for a value that says it is a profile (`kind: "lockstep.profile"`), whether or not it is one. */
export function claimsProfile(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === KIND;
  } catch {
    return false; // a getter or proxy that throws: not a profile
  }
}

/**
 * The profile argument `arg` of `fn`, which must be a profile lockstep made or parsed. A value that says it
 * is a profile but was not checked (JSON from elsewhere, a copy, a hand edit) is an `INVALID_ARTIFACT`
 * pointing at parseProfile; anything else is an `INVALID_ARGUMENT`. O(1): readers never parse, so they
 * bundle no zod and their caches key only on frozen profiles.
 */
export function sealedProfile(fn: string, arg: string, value: unknown): ProfileArtifact {
  if (sealedKind(value) === KIND) return value as ProfileArtifact;
  if (claimsProfile(value)) {
    const message =
      'must be a profile made by lockstep or checked by parseProfile: read a profile from JSON, storage or another process with parseProfile first';
    return unchecked(fn, arg, message);
  }
  throw invalidArgument(fn, arg, 'must be a lockstep.profile artifact', value);
}

function unchecked(fn: string, arg: string, message: string): never {
  throw new LockstepError('INVALID_ARTIFACT', `${fn}: argument '${arg}' ${message}`, {
    fn,
    arg,
    path: '$',
    issues: [{ code: 'INVALID_FIELD', severity: 'error', message, path: '$' }],
  });
}

/** Seals a profile lockstep just built: adds the fingerprint, deep-freezes it, remembers it as checked. */
export function toArtifact(
  rows: number,
  sizes: SketchSizes,
  features: readonly FeatureState[],
): ProfileArtifact {
  return seal(
    KIND,
    withFingerprint({
      kind: KIND,
      formatVersion: 1 as const,
      rows,
      sketches: { ...sizes },
      features: features.map(toFeatureProfile),
    }),
  );
}

// Bounds of the shape, before the checks that depend on the declared sketch sizes.
/** Base64 length of `bytes` bytes. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
/** Sketch sizes a profile may declare (and `createProfiler` accepts). */
export const SKETCH_RANGES: Readonly<Record<keyof SketchSizes, readonly [number, number]>> = {
  quantileK: [8, 1 << 16],
  distinctP: [4, 18],
  frequentCapacity: [1, 1 << 24],
};

/** The zod schema of a profile's body (built on first use, by the definition). */
function profileShape(): z.ZodMiniType<ProfileArtifact> {
  const count = z.number().check(z.int(), z.nonnegative());
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  const intIn = ([lo, hi]: readonly [number, number]) => z.number().check(z.int(), z.gte(lo), z.lte(hi));
  const quantiles = z.object({
    k: intIn(SKETCH_RANGES.quantileK),
    n: count,
    levels: z.array(count).check(z.maxLength(2 * MAX_DEPTH)),
    // The largest sketch any declared size retains; the check bounds it by the declared size.
    items: z.string().check(z.maxLength(base64Length(8 * kllMaxRetained(SKETCH_RANGES.quantileK[1])))),
    rng: intIn([0, 0xffffffff]),
    sampler: z.object({ level: intIn([0, 60]), seen: count, target: count, candidate: finite }),
  });
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
    m2: z.nullable(finite),
    quantiles,
  });
  const categorical = z.object({
    count,
    distinct: count,
    distinctExact: z.boolean(),
    frequencies: z.array(z.tuple([z.string(), count])).check(z.maxLength(SKETCH_RANGES.frequentCapacity[1])),
    frequencyError: count,
    hll: z.string().check(z.maxLength(base64Length(1 << SKETCH_RANGES.distinctP[1]))),
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
    pii: z.optional(z.enum(['counts', 'tokens'])),
  });
  return z.object({
    kind: z.literal(KIND),
    formatVersion: z.literal(1),
    rows: count,
    sketches: z.object({
      quantileK: intIn(SKETCH_RANGES.quantileK),
      distinctP: intIn(SKETCH_RANGES.distinctP),
      frequentCapacity: intIn(SKETCH_RANGES.frequentCapacity),
    }),
    features: z.array(feature),
    fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  }) as unknown as z.ZodMiniType<ProfileArtifact>;
}

type Report = (path: string, message: string) => void;

/**
 * What zod cannot check: counts that add up, unique names, and sketches whose encodings fit the declared
 * sketch sizes (checked on the text's length before it is decoded, so a huge string is refused at once)
 * and hold what lockstep writes, so no reader or merge meets a sketch it cannot use.
 */
function checkProfile(p: ProfileArtifact, report: Report): void {
  const names = new Set<string>();
  p.features.forEach((f, i) => {
    const at = `$.features[${i}]`;
    if (f.present + f.missing !== p.rows)
      report(`${at}.missing`, `present + missing must equal rows (${p.rows})`);
    const { number, string, boolean, other } = f.types;
    if (number + string + boolean + other !== f.present)
      report(`${at}.types`, `must add up to present (${f.present})`);
    if (names.has(f.name)) report(`${at}.name`, `duplicate feature ${describe(f.name)}`);
    names.add(f.name);
    if (f.pii !== undefined) {
      // A PII feature keeps no raw value: an edited profile that puts one back is refused.
      if (f.numeric) report(`${at}.numeric`, 'must be absent for a pii feature (it would hold raw values)');
      if (f.categorical?.length) report(`${at}.categorical.length`, 'must be null for a pii feature');
      if (f.pii === 'counts' && (f.categorical?.frequencies.length ?? 0) > 0)
        report(`${at}.categorical.frequencies`, "must be empty for a pii feature of 'counts'");
    }
    if (f.numeric) checkSketch(f.numeric.quantiles, p.sketches, `${at}.numeric.quantiles`, report);
    if (f.categorical) checkCategorical(f.categorical, p.sketches, `${at}.categorical`, report);
  });
}

function checkSketch(q: QuantileSketch, sizes: SketchSizes, at: string, report: Report): void {
  if (q.k !== sizes.quantileK) {
    report(`${at}.k`, `must equal sketches.quantileK (${sizes.quantileK})`);
    return;
  }
  const { level, seen, target } = q.sampler;
  const levels = q.levels.length;
  if (levels > 0 && level >= levels) report(`${at}.sampler.level`, `must be below the ${levels} levels`);
  if (levels - level > MAX_DEPTH)
    report(`${at}.levels`, `must hold at most ${MAX_DEPTH} levels above the sampler's`);
  if (level > 0 && (seen >= 2 ** level || target >= 2 ** level))
    report(`${at}.sampler`, `seen and target must be below the block size 2^${level}`);
  for (let h = 0; h < Math.min(level, levels); h++) {
    if (q.levels[h] !== 0) {
      report(`${at}.levels[${h}]`, `must be 0 below the sampler's level (${level})`);
      break;
    }
  }
  const most = kllMaxRetained(q.k);
  if (q.items.length > base64Length(8 * most)) {
    report(`${at}.items`, `must hold at most ${most} values (a sketch of k = ${q.k} retains no more)`);
    return;
  }
  const items = base64ToFloat64(q.items);
  if (items === undefined) {
    report(`${at}.items`, 'must be base64 of float64 values');
    return;
  }
  let total = 0;
  for (const size of q.levels) total += size;
  if (total !== items.length) report(`${at}.levels`, 'levels must add up to the number of items');
  for (let i = 0; i < items.length; i++) {
    if (!Number.isFinite(items[i]!)) {
      report(`${at}.items`, 'must hold finite values only');
      break;
    }
  }
}

function checkCategorical(c: CategoricalProfile, sizes: SketchSizes, at: string, report: Report): void {
  const registers = 1 << sizes.distinctP;
  const bytes = c.hll.length === base64Length(registers) ? base64ToBytes(c.hll) : undefined;
  if (bytes?.length !== registers) report(`${at}.hll`, `must hold 2^${sizes.distinctP} registers`);
  else {
    const highest = 32 - sizes.distinctP + 1;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! > highest) {
        report(`${at}.hll`, `must hold registers of at most ${highest} (p = ${sizes.distinctP})`);
        break;
      }
    }
  }
  if (c.frequencies.length > sizes.frequentCapacity) {
    report(
      `${at}.frequencies`,
      `must hold at most sketches.frequentCapacity (${sizes.frequentCapacity}) values`,
    );
    return;
  }
  const values = new Set<string>();
  c.frequencies.forEach(([value], j) => {
    if (values.has(value)) report(`${at}.frequencies[${j}]`, `repeats the value ${describe(value)}`);
    values.add(value);
  });
}

let kind: ArtifactKind<ProfileArtifact> | undefined;

/** The profile artifact kind (declared on first use: no work at import). */
export function profileKind(): ArtifactKind<ProfileArtifact> {
  kind ??= defineArtifact<ProfileArtifact>({
    kind: KIND,
    formatVersion: 1,
    shape: profileShape,
    check: checkProfile,
  });
  return kind;
}

/**
 * Parses and validates a profile artifact (JSON text or a parsed value): every field's type and range,
 * sketch encodings (bounded by the declared sketch sizes), counts that add up, and the fingerprint.
 * Returns it deeply frozen; a profile lockstep made or parsed is returned as it is, in O(1). Profiles
 * written by earlier lockstep versions keep loading (test/fixtures/golden-profile.json).
 * @example parseProfile(JSON.stringify(profile({ x: [1, 2] }))).rows // => 2
 * `options.limits` bounds the artifact before anything reads it (maxBytes, maxDepth, maxArray, maxString,
 * maxNodes; DEFAULT_ARTIFACT_LIMITS for any left out); a hostile one is refused with the limit it broke.
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem (`path`), every problem
 *   in `issues`; `INVALID_ARGUMENT` for an unknown option or a limit that is not a positive integer.
 */
export function parseProfile(json: unknown, options?: ParseArtifactOptions): ProfileArtifact {
  return parseProfileAs(json, 'parseProfile', 'json', readParseOptions('parseProfile', options));
}

/**
 * parseProfile for `fn`'s argument `arg`. A getter or Proxy that throws while the envelope is read is an
 * INVALID_ARTIFACT too (core's parse reads `formatVersion` before zod sees the value).
 */
export function parseProfileAs(
  json: unknown,
  fn: string,
  arg = 'json',
  limits?: ArtifactLimits,
): ProfileArtifact {
  try {
    return profileKind().parse(json, fn, arg, limits);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArtifact(fn, KIND, [artifactIssue('$', 'could not be read (a getter or proxy threw)')], arg);
  }
}
