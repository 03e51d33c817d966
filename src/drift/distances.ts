// Distances between a reference sample and a current one. The binned ones (psi, klDivergence,
// jensenShannon, lInfinity, hellinger, totalVariation) work from raw values and from lockstep/stats
// profiles alike, on the bins of bins.ts; wasserstein and energyDistance work on the values themselves
// (wasserstein also, approximately, from two profiles' KLL sketches).
import { checkBoolean, checkChoice, checkNumber, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import {
  type Bin,
  type Binned,
  type BinningOptions,
  binningOptions,
  binSamples,
  type CheckedBinning,
  checkNotEmpty,
  decodeSketch,
  floorShares,
  type MissingRule,
  type MissingShares,
  type NumericInput,
  readPair,
  type Sample,
  type SampleSources,
  sorted,
} from './bins.js';

/** Options of every binned distance: the binning rules (bins.ts) and how many bins the result lists. */
export interface BinnedDistanceOptions extends BinningOptions {
  /** The bins that contribute most, listed in the result (by |contribution|, then bin order). Default 10. */
  readonly top?: number;
}

/** psi and klDivergence: the binned options and the empty-bin floor. */
export interface FlooredDistanceOptions extends BinnedDistanceOptions {
  /** A fixed floor for shares of 0, in (0, 1). Default: Evidently's rule (EMPTY_BIN_FLOOR in bins.ts). */
  readonly epsilon?: number;
}

export interface JensenShannonOptions extends BinnedDistanceOptions {
  /** Logarithm base: 2 (bits, TFDV; default) or `'e'` (nats, scipy's default). */
  readonly base?: 2 | 'e';
  /** The distance √JSD (scipy.spatial.distance.jensenshannon) instead of the divergence. Default false. */
  readonly distance?: boolean;
}

export interface WassersteinOptions {
  /** `'std'` divides by the reference's population standard deviation, at least 0.001 (Evidently). */
  readonly normalize?: 'none' | 'std';
}

/** A bin and what it adds to a binned distance. */
export interface BinContribution extends Bin {
  /** Shares of the bin in each sample (before any floor). */
  readonly reference: number;
  readonly current: number;
  /** The bin's term in the distance's sum (for lInfinity, |reference − current|; see each function). */
  readonly contribution: number;
}

export type BinnedDistanceName =
  | 'psi'
  | 'klDivergence'
  | 'jensenShannon'
  | 'lInfinity'
  | 'hellinger'
  | 'totalVariation';

/** How a binned distance was computed. */
export interface BinnedMethod {
  readonly name: BinnedDistanceName;
  readonly type: 'numeric' | 'categorical';
  /** Bins compared, including an "other values" or "missing" bin when there is one. */
  readonly binCount: number;
  /** Interior numeric edges (after merging equal quantiles). */
  readonly edges?: readonly number[];
  readonly missing: MissingRule;
  /** False when a profile's counts are sketch estimates. */
  readonly exact: boolean;
  readonly sources: SampleSources;
  /** psi, klDivergence: the floor that replaced shares of 0 on each side. */
  readonly floor?: { readonly reference: number; readonly current: number };
  /** jensenShannon: logarithm base, and whether the value is the distance √JSD. */
  readonly base?: 2 | 'e';
  readonly distance?: boolean;
}

/** A binned distance: the value, the bins behind it, the missing shares, and how it was computed. */
export interface BinnedDistance {
  readonly value: number;
  readonly bins: readonly BinContribution[];
  readonly missing: MissingShares;
  readonly method: BinnedMethod;
}

/** How wasserstein or energyDistance was computed. */
export interface SampleMethod {
  readonly name: 'wasserstein' | 'energyDistance';
  /** wasserstein: the normalisation, and the divisor it used (1 for `'none'`). */
  readonly normalize?: 'none' | 'std';
  readonly scale?: number;
  /** False when a side is a compacted KLL sketch (wasserstein from profiles). */
  readonly exact: boolean;
  readonly sources: SampleSources;
  /** Values compared on each side (missing ones excluded; a profile's finite count). */
  readonly n: { readonly reference: number; readonly current: number };
}

/** wasserstein or energyDistance: the value, the missing shares, and how it was computed. */
export interface SampleDistance {
  readonly value: number;
  readonly missing: MissingShares;
  readonly method: SampleMethod;
}

// ---------------------------------------------------------------------------------------------------------
// Shared steps of the binned distances

// The known option keys of each family (plain literals: no work at import).
const BINNED_KEYS = ['bins', 'edges', 'missing', 'top'] as const;
const FLOORED_KEYS = ['bins', 'edges', 'missing', 'top', 'epsilon'] as const;
const JENSEN_SHANNON_KEYS = ['bins', 'edges', 'missing', 'top', 'base', 'distance'] as const;
const WASSERSTEIN_KEYS = ['normalize'] as const;

/** A binned distance's options, read against its known keys and checked once. */
interface CheckedBinned {
  readonly binning: CheckedBinning;
  readonly top: number;
}

function binnedOptions(fn: string, options: unknown): CheckedBinned {
  const o = readOptions(fn, options, BINNED_KEYS);
  return { binning: binningOptions(fn, o), top: checkTop(fn, o.top) };
}

function flooredOptions(fn: string, options: unknown): CheckedBinned & { readonly epsilon?: number } {
  const o = readOptions(fn, options, FLOORED_KEYS);
  const epsilon =
    o.epsilon === undefined
      ? undefined
      : checkNumber(fn, 'options.epsilon', o.epsilon, { min: 0, max: 1, minOpen: true, maxOpen: true });
  return { binning: binningOptions(fn, o), top: checkTop(fn, o.top), epsilon };
}

function checkTop(fn: string, top: unknown): number {
  if (top === undefined) return 10;
  if (!(top === Number.POSITIVE_INFINITY || (Number.isSafeInteger(top) && (top as number) >= 0)))
    throw invalidArgument(fn, 'options.top', 'must be a non-negative integer or Infinity', top);
  return top as number;
}

function result(
  name: BinnedDistanceName,
  binned: Binned,
  value: number,
  contributions: Float64Array,
  top: number,
  extra: Partial<Pick<BinnedMethod, 'floor' | 'base' | 'distance'>> = {},
): BinnedDistance {
  const order = Array.from({ length: contributions.length }, (_, i) => i).sort(
    (x, y) => Math.abs(contributions[y]!) - Math.abs(contributions[x]!) || x - y,
  );
  const bins = order.slice(0, Math.min(top, order.length)).map((i) => ({
    ...binned.bins[i]!,
    reference: binned.reference[i]!,
    current: binned.current[i]!,
    contribution: contributions[i]!,
  }));
  return {
    value,
    bins,
    missing: binned.missing,
    method: {
      name,
      type: binned.type,
      binCount: binned.bins.length,
      ...(binned.edges ? { edges: binned.edges } : {}),
      missing: binned.missingRule,
      exact: binned.exact,
      sources: binned.sources,
      ...extra,
    },
  };
}

function sumOf(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Binned distances

/**
 * Population stability index of the current sample against the reference, on the reference's quantile
 * bins (categories for categorical samples): PSI = Σ (c − r) · ln(c / r) over bins, where r and c are the
 * bins' shares after the empty-bin floor (a share of 0 becomes 0.0001, or the smallest non-zero share / 10⁶
 * when that is smaller: Evidently's rule; `epsilon` fixes it instead), not renormalised. Each term is ≥ 0;
 * PSI is symmetric in r and c on given bins (numeric bins come from the reference, so swapping the samples
 * can move them), in [0, ∞). Rules of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 * Missing values are reported beside the value (or binned with `missing: 'bin'`). O((n + m) log bins) plus
 * sorting the reference; from a profile, O(r log r) for its sketch of r retained values. Reference:
 * Yurdakul (2018), "Statistical properties of population stability index"; Evidently's `psi` stattest for
 * the floor.
 * @example psi(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']) // => { value: 0.2746530721670274, … } (¼ · ln 3)
 * @throws LockstepError `INVALID_ARGUMENT` for an empty sample, numeric compared with categorical, an
 * unknown profile feature, a JS-array sample of more than 2^25 values, an unknown option key (naming the
 * closest), or bad options (`bins` outside [1, 100,000], more than 99,999 `edges`); `INVALID_ARTIFACT` for
 * a profile lockstep did not make or parse.
 */
export function psi(
  reference: Sample,
  current: Sample,
  options: FlooredDistanceOptions = {},
): BinnedDistance {
  const fn = 'psi';
  const { binning, top, epsilon } = flooredOptions(fn, options);
  const binned = binSamples(fn, reference, current, binning);
  const r = floorShares(binned.reference, epsilon);
  const c = floorShares(binned.current, epsilon);
  const terms = new Float64Array(r.shares.length);
  for (let i = 0; i < terms.length; i++) {
    const ri = r.shares[i]!;
    const ci = c.shares[i]!;
    terms[i] = (ci - ri) * Math.log(ci / ri);
  }
  return result(fn, binned, sumOf(terms), terms, top, { floor: { reference: r.floor, current: c.floor } });
}

/**
 * Kullback–Leibler divergence of the reference from the current sample, D(reference ‖ current) =
 * Σ r · ln(r / c) in nats over the bins of bins.ts, after the empty-bin floor of {@link psi} and
 * renormalising each side to sum 1 (as scipy.stats.entropy does, which Evidently's `kl_div` calls), so the
 * value is ≥ 0. Not symmetric; in [0, ∞). A bin's contribution may be negative. O((n + m) log bins) plus
 * sorting the reference. Reference: Kullback and Leibler (1951); Evidently's `kl_div` stattest.
 * @example klDivergence(['a', 'b'], ['a', 'b']) // => { value: 0, … }
 * @throws LockstepError `INVALID_ARGUMENT` as {@link psi}.
 */
export function klDivergence(
  reference: Sample,
  current: Sample,
  options: FlooredDistanceOptions = {},
): BinnedDistance {
  const fn = 'klDivergence';
  const { binning, top, epsilon } = flooredOptions(fn, options);
  const binned = binSamples(fn, reference, current, binning);
  const r = floorShares(binned.reference, epsilon);
  const c = floorShares(binned.current, epsilon);
  const rs = sumOf(r.shares);
  const cs = sumOf(c.shares);
  const terms = new Float64Array(r.shares.length);
  for (let i = 0; i < terms.length; i++) {
    const ri = r.shares[i]! / rs;
    const ci = c.shares[i]! / cs;
    terms[i] = ri * Math.log(ri / ci);
  }
  return result(fn, binned, Math.max(0, sumOf(terms)), terms, top, {
    floor: { reference: r.floor, current: c.floor },
  });
}

/**
 * Jensen–Shannon divergence of two samples over the bins of bins.ts: JSD = ½ KL(r ‖ m) + ½ KL(c ‖ m) with
 * m = (r + c) / 2. By default in bits (base 2) as TFDV's drift comparator, so in [0, 1] (capped at 1 like
 * TFDV, against rounding); `base: 'e'` gives nats, in [0, ln 2]; `distance: true` gives √JSD, with
 * `{ base: 'e', distance: true }` equal to scipy.spatial.distance.jensenshannon (Evidently's
 * `jensenshannon`). Symmetric on given bins; finite without a floor (an empty bin adds 0). A bin's
 * contribution is its term of the divergence (before any square root). O((n + m) log bins) plus sorting
 * the reference.
 * Reference: Lin (1991), "Divergence measures based on the Shannon entropy".
 * @example jensenShannon(['a', 'a'], ['b', 'b']) // => { value: 1, … } (disjoint samples: 1 bit)
 * @throws LockstepError `INVALID_ARGUMENT` as {@link psi}, or a bad base.
 */
export function jensenShannon(
  reference: Sample,
  current: Sample,
  options: JensenShannonOptions = {},
): BinnedDistance {
  const fn = 'jensenShannon';
  const o = readOptions(fn, options, JENSEN_SHANNON_KEYS);
  const binning = binningOptions(fn, o);
  const top = checkTop(fn, o.top);
  const base = o.base === undefined ? 2 : checkChoice<2 | 'e'>(fn, 'options.base', o.base, [2, 'e']);
  const distance = o.distance === undefined ? false : checkBoolean(fn, 'options.distance', o.distance);
  const binned = binSamples(fn, reference, current, binning);
  const scale = base === 2 ? Math.LN2 : 1;
  const r = binned.reference;
  const c = binned.current;
  const terms = new Float64Array(r.length);
  let sum = 0;
  for (let i = 0; i < terms.length; i++) {
    const ri = r[i]!;
    const ci = c[i]!;
    const m = (ri + ci) / 2;
    const t = (ri > 0 ? ri * Math.log(ri / m) : 0) + (ci > 0 ? ci * Math.log(ci / m) : 0);
    sum += t;
    terms[i] = t / 2 / scale;
  }
  const cap = base === 2 ? 1 : Math.LN2;
  const divergence = Math.min(cap, Math.max(0, sum / scale / 2));
  return result(fn, binned, distance ? Math.sqrt(divergence) : divergence, terms, top, { base, distance });
}

/**
 * The largest difference of a bin's share between two samples, L∞ = max |r − c|: TFDV's comparator for
 * categorical features (each side normalised by its own total). Works on numeric bins too. Symmetric on
 * given bins, in [0, 1]. A bin's contribution is |r − c|. O((n + m) log bins). Reference: TFDV
 * `LInftyDistance` (anomalies/metrics.cc).
 * @example lInfinity(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']) // => { value: 0.25, … }
 * @throws LockstepError `INVALID_ARGUMENT` as {@link psi}.
 */
export function lInfinity(
  reference: Sample,
  current: Sample,
  options: BinnedDistanceOptions = {},
): BinnedDistance {
  const fn = 'lInfinity';
  const { binning, top } = binnedOptions(fn, options);
  const binned = binSamples(fn, reference, current, binning);
  const terms = new Float64Array(binned.reference.length);
  let max = 0;
  for (let i = 0; i < terms.length; i++) {
    terms[i] = Math.abs(binned.reference[i]! - binned.current[i]!);
    if (terms[i]! > max) max = terms[i]!;
  }
  return result(fn, binned, max, terms, top);
}

/**
 * Hellinger distance over the bins of bins.ts: H = √(½ Σ (√r − √c)²), equal to √(1 − Σ √(r · c)) but
 * without its cancellation near 0. Symmetric on given bins, in [0, 1]; a bin's contribution is its term
 * ½ (√r − √c)² of H². O((n + m) log bins). Reference: Hellinger (1909); Evidently's `hellinger` stattest.
 * @example hellinger(['a', 'a'], ['b', 'b']) // => { value: 1, … }
 * @throws LockstepError `INVALID_ARGUMENT` as {@link psi}.
 */
export function hellinger(
  reference: Sample,
  current: Sample,
  options: BinnedDistanceOptions = {},
): BinnedDistance {
  const fn = 'hellinger';
  const { binning, top } = binnedOptions(fn, options);
  const binned = binSamples(fn, reference, current, binning);
  const terms = new Float64Array(binned.reference.length);
  for (let i = 0; i < terms.length; i++) {
    const d = Math.sqrt(binned.reference[i]!) - Math.sqrt(binned.current[i]!);
    terms[i] = (d * d) / 2;
  }
  return result(fn, binned, Math.min(1, Math.sqrt(sumOf(terms))), terms, top);
}

/**
 * Total variation distance over the bins of bins.ts: TV = ½ Σ |r − c|, the largest difference in
 * probability the two samples give any set of bins. Symmetric on given bins, in [0, 1]; a bin's
 * contribution is ½ |r − c|. O((n + m) log bins). Reference: Evidently's `TVD` stattest.
 * @example totalVariation(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']) // => { value: 0.25, … }
 * @throws LockstepError `INVALID_ARGUMENT` as {@link psi}.
 */
export function totalVariation(
  reference: Sample,
  current: Sample,
  options: BinnedDistanceOptions = {},
): BinnedDistance {
  const fn = 'totalVariation';
  const { binning, top } = binnedOptions(fn, options);
  const binned = binSamples(fn, reference, current, binning);
  const terms = new Float64Array(binned.reference.length);
  for (let i = 0; i < terms.length; i++) terms[i] = Math.abs(binned.reference[i]! - binned.current[i]!) / 2;
  return result(fn, binned, Math.min(1, sumOf(terms)), terms, top);
}

// ---------------------------------------------------------------------------------------------------------
// Distances on the values: wasserstein, energyDistance

/** A side as sorted values with weights (undefined: weight 1 each) and their total weight. */
interface Weighted {
  readonly items: Float64Array;
  readonly weights: Float64Array | undefined;
  readonly total: number;
  readonly exact: boolean;
  /** Values compared. */
  readonly n: number;
}

function finiteMessage(count: number): string {
  return `must hold finite numbers (null, undefined and NaN are missing): ${count} are ±Infinity, which has no distance`;
}

function weightedOf(fn: string, arg: string, input: NumericInput): Weighted {
  if (input.from === 'values') {
    const v = input.values;
    let infinite = 0;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) infinite++;
    if (infinite > 0) throw invalidArgument(fn, arg, finiteMessage(infinite));
    return { items: sorted(v), weights: undefined, total: v.length, exact: true, n: v.length };
  }
  const numeric = input.feature.numeric!;
  if (numeric.posInf + numeric.negInf > 0)
    throw invalidArgument(fn, arg, finiteMessage(numeric.posInf + numeric.negInf));
  const { items, weights, total, exact } = decodeSketch(input.feature);
  return { items, weights, total, exact, n: numeric.count };
}

/**
 * ∫ |F(x) − G(x)|^power dx (power 1), or its square root (power 2), for the step CDFs of two sorted,
 * weighted samples: scipy.stats._cdf_distance, as one merge of the two sorted lists. Compensated sum.
 */
function cdfDistance(a: Weighted, b: Weighted, power: 1 | 2): number {
  const { items: x, weights: wx, total: tx } = a;
  const { items: y, weights: wy, total: ty } = b;
  let i = 0;
  let j = 0;
  let fx = 0;
  let fy = 0;
  let sum = 0;
  let compensation = 0;
  let at = Math.min(x[0]!, y[0]!);
  while (i < x.length && x[i] === at) {
    fx += wx ? wx[i]! : 1;
    i++;
  }
  while (j < y.length && y[j] === at) {
    fy += wy ? wy[j]! : 1;
    j++;
  }
  while (i < x.length || j < y.length) {
    const next = Math.min(
      i < x.length ? x[i]! : Number.POSITIVE_INFINITY,
      j < y.length ? y[j]! : Number.POSITIVE_INFINITY,
    );
    const d = fx / tx - fy / ty;
    const term = (power === 1 ? Math.abs(d) : d * d) * (next - at);
    // Neumaier summation: the terms are all ≥ 0, but there may be millions of them.
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    while (i < x.length && x[i] === next) {
      fx += wx ? wx[i]! : 1;
      i++;
    }
    while (j < y.length && y[j] === next) {
      fy += wy ? wy[j]! : 1;
      j++;
    }
    at = next;
  }
  const total = sum + compensation;
  return power === 1 ? total : Math.sqrt(total);
}

function numericPair(fn: string, reference: Sample, current: Sample): [NumericInput, NumericInput] {
  const [ref, cur] = readPair(fn, reference, current);
  if (ref.type !== 'numeric' || cur.type !== 'numeric')
    throw invalidArgument(
      fn,
      'reference',
      `must be numeric: ${fn} compares numbers, and these samples are categorical`,
    );
  checkNotEmpty(fn, 'reference', ref, 'separate');
  checkNotEmpty(fn, 'current', cur, 'separate');
  return [ref, cur];
}

function missingOf(ref: NumericInput, cur: NumericInput): MissingShares {
  return {
    reference: ref.missing / ref.total,
    current: cur.missing / cur.total,
    referenceCount: ref.missing,
    currentCount: cur.missing,
  };
}

function populationStd(input: NumericInput): number {
  if (input.from === 'profile') return input.feature.numeric!.stdDev ?? 0;
  const v = input.values;
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i]!;
  mean /= v.length;
  let m2 = 0;
  for (let i = 0; i < v.length; i++) m2 += (v[i]! - mean) ** 2;
  return Math.sqrt(m2 / v.length);
}

/** The divisor of `normalize: 'std'` when the reference's standard deviation is smaller (Evidently). */
const MIN_SCALE = 0.001;

/**
 * First Wasserstein (earth mover's) distance between two numeric samples: W₁ = ∫ |F(x) − G(x)| dx over
 * their empirical CDFs, exactly scipy.stats.wasserstein_distance, by one merge of the sorted samples:
 * O((n + m) log(n + m)). `normalize: 'std'` divides by the reference's population standard deviation, at
 * least 0.001, as Evidently's "Wasserstein distance (normed)". Symmetric (with `'none'`), in [0, ∞), in
 * the units of the values. Missing values (null, undefined, NaN) are excluded and reported; ±Infinity
 * throws. From profiles it is approximate: W₁ = ∫₀¹ |F⁻¹(p) − G⁻¹(p)| dp integrated exactly over the step
 * quantile functions the two KLL sketches hold, which are exact until a sketch compacts; after that each
 * side's quantiles are within the sketch's rank error ε (docs/stats.md) and the value within about
 * 2ε · (max − min) of that side's, usually far closer. Reference: Ramdas, García Trillos and Cuturi (2017),
 * "On Wasserstein two-sample testing and related families of nonparametric tests".
 * @example wasserstein([0, 1, 3], [5, 6, 8]) // => { value: 5, … } (scipy's own example)
 * @throws LockstepError `INVALID_ARGUMENT` for categorical or empty samples, ±Infinity, an unknown profile
 * feature, an unknown option key (naming the closest), or a bad `normalize`; `INVALID_ARTIFACT` as
 * {@link psi}.
 */
export function wasserstein(
  reference: Sample,
  current: Sample,
  options: WassersteinOptions = {},
): SampleDistance {
  const fn = 'wasserstein';
  const o = readOptions(fn, options, WASSERSTEIN_KEYS);
  const normalize =
    o.normalize === undefined
      ? 'none'
      : checkChoice<'none' | 'std'>(fn, 'options.normalize', o.normalize, ['none', 'std']);
  const [ref, cur] = numericPair(fn, reference, current);
  const a = weightedOf(fn, 'reference', ref);
  const b = weightedOf(fn, 'current', cur);
  const scale = normalize === 'std' ? Math.max(populationStd(ref), MIN_SCALE) : 1;
  return {
    value: cdfDistance(a, b, 1) / scale,
    missing: missingOf(ref, cur),
    method: {
      name: fn,
      normalize,
      scale,
      exact: a.exact && b.exact,
      sources: { reference: ref.from, current: cur.from },
      n: { reference: a.n, current: b.n },
    },
  };
}

/**
 * Energy distance between two numeric samples, exactly scipy.stats.energy_distance:
 * D = √(2 · ∫ (F(x) − G(x))² dx), which equals √(2 E|X − Y| − E|X − X′| − E|Y − Y′|) (Székely), computed
 * by one merge of the sorted samples in O((n + m) log(n + m)) instead of the O(n · m) pairs. Symmetric, in
 * [0, ∞), in the units of the values. Missing values are excluded and reported; ±Infinity throws.
 * Raw values only: from a sketch, an error ε in the CDFs moves D² by up to about 4ε · (max − min), so
 * near D = 0 the error of D is of order √ε, not ε, too coarse to report.
 * Reference: Székely and Rizzo (2013), "Energy statistics: a class of statistics based on distances".
 * @example energyDistance([0], [2]) // => { value: 2.0000000000000004, … } (√2 · √2, as scipy gives)
 * @throws LockstepError `INVALID_ARGUMENT` for categorical, empty or profile samples, or ±Infinity.
 */
export function energyDistance(reference: Sample, current: Sample): SampleDistance {
  const fn = 'energyDistance';
  const [ref, cur] = numericPair(fn, reference, current);
  for (const [arg, input] of [
    ['reference', ref],
    ['current', cur],
  ] as const) {
    if (input.from === 'profile')
      throw invalidArgument(
        fn,
        arg,
        'must be raw values: a profile sketch is too coarse for the energy distance (use wasserstein)',
      );
  }
  const a = weightedOf(fn, 'reference', ref);
  const b = weightedOf(fn, 'current', cur);
  return {
    value: Math.SQRT2 * cdfDistance(a, b, 2),
    missing: missingOf(ref, cur),
    method: {
      name: fn,
      exact: true,
      sources: { reference: ref.from, current: cur.from },
      n: { reference: a.n, current: b.n },
    },
  };
}
