// Reading a profile: quantiles, histograms and top values, computed from the sketches it carries. Every
// reader takes a profile lockstep made or parsed (sealed, so deeply frozen: O(1) to know, and a decoded
// sketch cached by its identity can never go stale); anything else is refused before it is read.
import { checkArray, checkChoice, checkInteger, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError } from '../core/errors.js';
import {
  type CategoricalProfile,
  type FeatureProfile,
  type NumericProfile,
  type ProfileArtifact,
  quantileState,
  sealedProfile,
} from './artifact.js';
import { kllFromState, kllSorted } from './kll.js';

/** Most probabilities or points one call of `quantiles` or `cdf` takes. */
export const MAX_POINTS = 1 << 20;
/** Most bins `histogram` makes (and most explicit edges, less one). */
export const MAX_BINS = 100_000;

/** A profile's KLL sketch, decoded: retained values sorted, their weights, cumulative weights. */
export interface SortedSketch {
  readonly items: Float64Array;
  readonly weights: Float64Array;
  /** Cumulative weight up to and including item i. */
  readonly cumulative: Float64Array;
  /** Total weight: the number of finite values the sketch stands for. */
  readonly total: number;
  /** True while the sketch holds every value (never compacted, no sampling). */
  readonly exact: boolean;
}

// Decoded sketches, kept per frozen serialised sketch object so repeated reads do not decode again
// (created on first use).
let decoded: WeakMap<object, SortedSketch> | undefined;

/**
 * The feature of a profile, checked: the profile is one lockstep made or parsed (see sealedProfile), and
 * has the feature. `arg` prefixes the argument names in messages (`reference.feature`) when the profile
 * arrived inside another argument.
 * @throws LockstepError `INVALID_ARTIFACT` for a profile lockstep did not check (parse it first),
 *   `INVALID_ARGUMENT` for anything else that is not a profile, or a feature it does not have.
 */
export function profileFeature(
  fn: string,
  profile: ProfileArtifact,
  feature: string,
  arg = '',
): FeatureProfile {
  const at = (name: string) => (arg ? `${arg}.${name}` : name);
  sealedProfile(fn, at('profile'), profile);
  if (typeof feature !== 'string') {
    throw invalidArgument(fn, at('feature'), 'must be the name of a feature of the profile', feature);
  }
  const found = profile.features.find((f) => f.name === feature);
  if (!found) {
    const names = profile.features
      .slice(0, 10)
      .map((f) => JSON.stringify(f.name))
      .join(', ');
    throw invalidArgument(fn, at('feature'), `must name a feature of the profile (${names})`, feature);
  }
  return found;
}

function numericOf(fn: string, profile: ProfileArtifact, feature: string): NumericProfile {
  const f = profileFeature(fn, profile, feature);
  if (!f.numeric)
    throw invalidArgument(
      fn,
      'feature',
      `must be a feature with numeric values, but it is ${f.type}`,
      feature,
    );
  return f.numeric;
}

/**
 * A numeric profile's KLL sketch, decoded (O(retained · log retained)). Cached per sketch object when the
 * sketch is frozen, as every sealed profile's is, so a cached decoding can never go stale.
 */
export function sortedSketch(n: NumericProfile): SortedSketch {
  const q = n.quantiles;
  let s = decoded?.get(q);
  if (!s) {
    const { items, weights } = kllSorted(kllFromState(quantileState(q)));
    const cumulative = new Float64Array(items.length);
    let total = 0;
    for (let i = 0; i < items.length; i++) cumulative[i] = total += weights[i]!;
    s = { items, weights, cumulative, total, exact: q.levels.length <= 1 && q.sampler.level === 0 };
    if (Object.isFrozen(q) && Object.isFrozen(q.levels) && Object.isFrozen(q.sampler))
      (decoded ??= new WeakMap()).set(q, s);
  }
  return s;
}

/** Estimated number of finite values below x (or at most x when `inclusive`). */
function rankOf(s: SortedSketch, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = s.items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inclusive ? s.items[mid]! <= x : s.items[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : s.cumulative[lo - 1]!;
}

/**
 * An array argument of at most MAX_POINTS numbers, each passing `ok`, copied once (a sparse or huge array
 * is refused before it is walked, and a getter that throws is an error naming the argument).
 */
function readPoints(
  fn: string,
  arg: string,
  value: unknown,
  ok: (x: number) => boolean,
  must: string,
): number[] {
  try {
    const list = checkArray(fn, arg, value, MAX_POINTS);
    const out = new Array<number>(list.length);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x !== 'number' || !ok(x)) throw invalidArgument(fn, `${arg}[${i}]`, must, x);
      out[i] = x;
    }
    return out;
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(fn, arg, 'must be a readable array (reading it threw)');
  }
}

/**
 * Quantiles of a numeric feature's finite values from its KLL sketch: for p, the smallest retained value
 * whose estimated rank reaches p · n; p = 0 and p = 1 give the exact minimum and maximum. Within the
 * sketch's rank error (docs/stats.md); exact while the sketch has not compacted. NaN for a feature with no
 * finite values. O(retained items) on first use per profile, then O(log retained) per p.
 * @example quantiles(profile({ x: [1, 2, 3, 4, 5] }), 'x', [0, 0.5, 1]) // => [1, 3, 5]
 * @throws LockstepError `INVALID_ARTIFACT` for a profile lockstep did not make or parse (parseProfile it
 *   first); `INVALID_ARGUMENT` for an unknown or non-numeric feature, or `ps` not an array of at most
 *   MAX_POINTS (2^20) probabilities in [0, 1].
 */
export function quantiles(profile: ProfileArtifact, feature: string, ps: readonly number[]): number[] {
  const numeric = numericOf('quantiles', profile, feature);
  const probabilities = readPoints(
    'quantiles',
    'ps',
    ps,
    (p) => p >= 0 && p <= 1,
    'must be a number in [0, 1]',
  );
  if (numeric.count === 0) return probabilities.map(() => Number.NaN);
  const s = sortedSketch(numeric);
  return probabilities.map((p) => {
    if (p === 0) return numeric.min!;
    if (p === 1) return numeric.max!;
    const target = p * s.total;
    let lo = 0;
    let hi = s.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.cumulative[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return s.items[lo]!;
  });
}

/**
 * The estimated fraction of a numeric feature's finite values below each x (the CDF, left-continuous),
 * from its KLL sketch. Within the sketch's rank error. NaN for a feature with no finite values.
 * @example cdf(profile({ x: [1, 2, 3, 4] }), 'x', [3]) // => [0.5]
 * @throws LockstepError `INVALID_ARTIFACT` for a profile lockstep did not make or parse;
 *   `INVALID_ARGUMENT` for an unknown or non-numeric feature, or `xs` not an array of at most MAX_POINTS
 *   (2^20) numbers.
 */
export function cdf(profile: ProfileArtifact, feature: string, xs: readonly number[]): number[] {
  const numeric = numericOf('cdf', profile, feature);
  const points = readPoints('cdf', 'xs', xs, () => true, 'must be a number');
  if (numeric.count === 0) return points.map(() => Number.NaN);
  const s = sortedSketch(numeric);
  return points.map((x) => rankOf(s, x, false) / s.total);
}

export interface HistogramOptions {
  /**
   * Number of bins between min and max: equal width (default) or equal mass (`kind: 'quantile'`). An
   * integer in [1, 100,000] (MAX_BINS). Default 10.
   */
  readonly bins?: number;
  readonly kind?: 'equal-width' | 'quantile';
  /** Explicit, strictly increasing bin edges (2 to 100,001 of them); overrides `bins` and `kind`. */
  readonly edges?: readonly number[];
}

const HISTOGRAM_KEYS: readonly (keyof HistogramOptions)[] = ['bins', 'kind', 'edges'];
const HISTOGRAM_KINDS: readonly NonNullable<HistogramOptions['kind']>[] = ['equal-width', 'quantile'];

export interface Histogram {
  /** Bin i is [edges[i], edges[i+1]); the last bin also holds values equal to the last edge. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  /** Finite values below the first edge and above the last. */
  readonly underflow: number;
  readonly overflow: number;
  /** True when the counts are exact (the sketch never compacted). */
  readonly exact: boolean;
}

/**
 * A histogram of a numeric feature's finite values, derived from its KLL sketch: equal-width bins between
 * min and max (default 10), equal-mass bins at quantiles (`kind: 'quantile'`), or explicit edges. Counts
 * are estimated within the sketch's rank error; NaN and ±Infinity are counted in the profile, not here.
 * @example histogram(profile({ x: [1, 2, 3, 4] }), 'x', { bins: 3 }).counts // => [1, 1, 2]
 * @throws LockstepError `INVALID_ARTIFACT` for a profile lockstep did not make or parse;
 *   `INVALID_ARGUMENT` for an unknown option key, bad bins, kind or edges, or a feature without numeric
 *   values.
 */
export function histogram(
  profile: ProfileArtifact,
  feature: string,
  options: HistogramOptions = {},
): Histogram {
  const fn = 'histogram';
  const numeric = numericOf(fn, profile, feature);
  const o = readOptions(fn, options, HISTOGRAM_KEYS);
  const bins = o.bins === undefined ? 10 : checkInteger(fn, 'options.bins', o.bins, 1, MAX_BINS);
  const kind =
    o.kind === undefined ? 'equal-width' : checkChoice(fn, 'options.kind', o.kind, HISTOGRAM_KINDS);
  let edges: number[];
  if (o.edges !== undefined) {
    const e = readPoints(fn, 'options.edges', o.edges, Number.isFinite, 'must be a finite number');
    if (e.length < 2 || e.length > MAX_BINS + 1 || e.some((x, i) => i > 0 && !(x > e[i - 1]!))) {
      throw invalidArgument(
        fn,
        'options.edges',
        `must be 2 to ${MAX_BINS + 1} finite, strictly increasing numbers`,
        o.edges,
      );
    }
    edges = e;
  } else {
    if (numeric.count === 0) return { edges: [], counts: [], underflow: 0, overflow: 0, exact: true };
    const min = numeric.min!;
    const max = numeric.max!;
    if (kind === 'quantile') {
      const qs = quantiles(
        profile,
        feature,
        Array.from({ length: bins + 1 }, (_, i) => i / bins),
      );
      edges = qs.filter((x, i) => i === 0 || x > qs[i - 1]!);
      if (edges.length === 1) edges.push(edges[0]!);
    } else {
      edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + ((max - min) * i) / bins));
    }
  }
  const s = numeric.count === 0 ? undefined : sortedSketch(numeric);
  const last = edges.length - 1;
  const below = (x: number, inclusive: boolean) => (s ? rankOf(s, x, inclusive) : 0);
  const counts = edges.slice(0, last).map((lo, i) => {
    const hi = edges[i + 1]!;
    return below(hi, i === last - 1) - below(lo, false);
  });
  const total = s?.total ?? 0;
  return {
    edges,
    counts,
    underflow: below(edges[0]!, false),
    overflow: total - below(edges[last]!, true),
    exact: s?.exact ?? true,
  };
}

export interface TopValue {
  readonly value: string;
  /** The count kept by the profile: exact when `exact`, else at most `error` under the truth. */
  readonly count: number;
  /** Upper bound of the true count. */
  readonly upperBound: number;
}

function categoricalOf(fn: string, profile: ProfileArtifact, feature: string): CategoricalProfile {
  const f = profileFeature(fn, profile, feature);
  if (!f.categorical)
    throw invalidArgument(
      fn,
      'feature',
      `must be a feature with categorical values, but it is ${f.type}`,
      feature,
    );
  return f.categorical;
}

/**
 * The k most frequent values of a categorical feature, by count descending then value. Exact while the
 * feature had at most the frequent-values capacity of distinct values; after that, heavy hitters with
 * counts at most `frequencyError` under the truth (Misra–Gries), and `upperBound` says how far.
 * @example topValues(profile({ c: ['a', 'b', 'a'] }), 'c', 1) // => [{ value: 'a', count: 2, upperBound: 2 }]
 * @throws LockstepError `INVALID_ARTIFACT` for a profile lockstep did not make or parse;
 *   `INVALID_ARGUMENT` for an unknown or non-categorical feature, or k not a non-negative integer.
 */
export function topValues(profile: ProfileArtifact, feature: string, k: number): TopValue[] {
  const c = categoricalOf('topValues', profile, feature);
  checkInteger('topValues', 'k', k, 0);
  return c.frequencies
    .slice(0, k)
    .map(([value, count]) => ({ value, count, upperBound: count + c.frequencyError }));
}
