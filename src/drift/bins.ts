// The binning rules of lockstep/drift, written once. Every binned distance (psi, klDivergence,
// jensenShannon, lInfinity, hellinger, totalVariation) sees its two samples through binSamples(), so the
// rules below hold for all of them, from raw values and from profiles alike:
//
// - Numeric bins come from the reference's quantiles: interior edges at i / bins (i = 1 … bins − 1;
//   default 10 bins, so deciles), each the smallest finite reference value whose rank reaches i · n / bins
//   (rank ⌈i · n / bins⌉ of the sorted values; in exact integer arithmetic, so 7 · 10 / 10 is rank 7).
//   From a profile, the same rule on its KLL sketch's cumulative weights: what lockstep/stats `quantiles`
//   reads at p = i / bins. Equal edges are merged. Bins are left-closed and the outer ones open:
//   (−∞, e₁), [e₁, e₂), …, [e_k, +∞), so no current value is ever out of range; −∞ and +∞ count in the
//   outer bins. `edges` gives interior edges explicitly instead.
// - Categorical bins are the union of the categories: the reference's (by count descending, then value),
//   then those only the current sample has (same order). A category one side never saw is a bin with share
//   0 on that side, never dropped.
// - Missing values (null, undefined and NaN in raw values; from a profile, every row without a usable value:
//   missing, NaN, unreadable or of the other type) are never dropped silently. By default
//   (`missing: 'separate'`) shares are taken over the values present and the missing shares are reported
//   beside the distance, as a signal of their own; `missing: 'bin'` makes them one more bin instead.
// - From a profile, numeric bin counts are the KLL estimate: the sketch's weight in each bin (what
//   lockstep/stats `cdf` at the edges gives) scaled to the profile's count of finite values, so integers
//   while the sketch is exact; categorical counts are the profile's `frequencies`, exact while
//   `frequencyError` is 0. Otherwise they are heavy-hitter counts (at most `frequencyError` under the
//   truth), and the rest of the values go to one "other values" bin on both sides (a value listed on one
//   side only counts 0 on the other, whose unlisted values all sit in its "other values").
// - Empty bins: psi and klDivergence replace a share of 0 with a floor (EMPTY_BIN_FLOOR below); the other
//   distances are finite without one and use none.
// - Bounds: at most MAX_BINS numeric bins (and MAX_BINS − 1 explicit edges), and a raw sample given as a JS
//   array holds at most MAX_ARRAY_ROWS (2^25) values, core's rule for JS arrays (larger samples go as a
//   Float64Array), so no option or sparse array can ask for memory the caller does not already hold.

import { checkArray, checkChoice, checkInteger, type RawOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError } from '../core/errors.js';
import { MAX_ARRAY_ROWS } from '../core/frame.js';
import { countAtMost } from '../core/search.js';
import { sortFloat64 } from '../core/sort.js';
import type { FeatureProfile, ProfileArtifact } from '../stats/artifact.js';
import { profileFeature, type SortedSketch, sortedSketch } from '../stats/read.js';

/** Raw numeric values. null, undefined and NaN are missing: counted, reported, never binned as values. */
export type NumericValues = readonly (number | null | undefined)[] | Float64Array;

/** Raw categorical values. null and undefined are missing: counted and reported. */
export type CategoricalValues = readonly (string | null | undefined)[];

/** A feature of a lockstep/stats profile, standing for the sample it summarises. */
export interface ProfileFeature {
  readonly profile: ProfileArtifact;
  readonly feature: string;
}

/** What a distance compares: raw values, or a profiled feature. */
export type Sample = NumericValues | CategoricalValues | ProfileFeature;

/** Where missing values go: reported beside the distance (default), or into a bin of their own. */
export type MissingRule = 'separate' | 'bin';

/** Default number of numeric bins: reference deciles. */
export const DEFAULT_BINS = 10;

/** Most numeric bins a binned distance makes (`bins`), and most explicit interior edges plus one. */
export const MAX_BINS = 100_000;

/**
 * The empty-bin floor of psi and klDivergence, Evidently's rule (`get_binned_data`): a share of 0 becomes
 * 0.0001, or, when the distribution's smallest non-zero share is itself at most 0.0001, that share / 10⁶,
 * so a floored bin never outweighs a real one. Each distribution gets its own floor.
 */
export const EMPTY_BIN_FLOOR = 0.0001;

export interface BinningOptions {
  /** Numeric bins from the reference's quantiles (equal edges merged), 1 to 100,000. Default 10 (deciles). */
  readonly bins?: number;
  /**
   * Explicit interior edges for numeric samples (1 to 99,999 finite, strictly increasing numbers);
   * overrides `bins`.
   */
  readonly edges?: readonly number[];
  /** Missing values reported beside the distance (`'separate'`, default) or compared as a bin (`'bin'`). */
  readonly missing?: MissingRule;
}

/** One bin: a numeric interval [lower, upper), a category, the "other values" of a sketch, or missing. */
export interface Bin {
  /** `'[1.5, 2.25)'`, `'(-Infinity, 1.5)'`, the category itself, `'other values'` or `'missing'`. */
  readonly label: string;
  readonly kind: 'interval' | 'category' | 'other' | 'missing';
  /** Interval bounds (−∞ and +∞ for the outer bins). */
  readonly lower?: number;
  readonly upper?: number;
  /** The category of a `'category'` bin. */
  readonly value?: string;
}

/** Missing values of each side: shares of all its rows, and counts. */
export interface MissingShares {
  readonly reference: number;
  readonly current: number;
  readonly referenceCount: number;
  readonly currentCount: number;
}

/** Where each side came from. */
export interface SampleSources {
  readonly reference: 'values' | 'profile';
  readonly current: 'values' | 'profile';
}

/** Two samples on common bins. */
export interface Binned {
  readonly type: 'numeric' | 'categorical';
  readonly bins: readonly Bin[];
  /** Bin shares of each side, each summing to 1. */
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Interior numeric edges, after merging equal ones. */
  readonly edges?: readonly number[];
  readonly missing: MissingShares;
  readonly missingRule: MissingRule;
  /** False when a side's counts are sketch estimates (a compacted KLL sketch, heavy-hitter frequencies). */
  readonly exact: boolean;
  readonly sources: SampleSources;
}

// ---------------------------------------------------------------------------------------------------------
// Reading a sample

export interface ValuesNumeric {
  readonly type: 'numeric';
  readonly from: 'values';
  /** Values present (finite and ±Infinity), in input order. */
  readonly values: Float64Array;
  readonly missing: number;
  readonly total: number;
}

export interface ProfileNumeric {
  readonly type: 'numeric';
  readonly from: 'profile';
  readonly profile: ProfileArtifact;
  readonly feature: FeatureProfile;
  readonly missing: number;
  readonly total: number;
}

export interface ValuesCategorical {
  readonly type: 'categorical';
  readonly from: 'values';
  readonly counts: ReadonlyMap<string, number>;
  readonly other: 0;
  readonly exact: true;
  readonly missing: number;
  readonly total: number;
}

export interface ProfileCategorical {
  readonly type: 'categorical';
  readonly from: 'profile';
  readonly counts: ReadonlyMap<string, number>;
  /** Values beyond the listed ones (0 while the frequencies are exact). */
  readonly other: number;
  readonly exact: boolean;
  readonly missing: number;
  readonly total: number;
}

/** A sample whose type its data does not settle (all missing, or a mixed profile feature). */
export interface Undetermined {
  readonly type: undefined;
  readonly sample: Sample;
  readonly arg: string;
  readonly total: number;
  /** A mixed profile feature: both readings possible. */
  readonly mixed: boolean;
}

export type NumericInput = ValuesNumeric | ProfileNumeric;
export type CategoricalInput = ValuesCategorical | ProfileCategorical;
export type SampleInput = NumericInput | CategoricalInput;

function isProfileFeature(x: unknown): x is ProfileFeature {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'profile' in x;
}

function profileFeatureOf(fn: string, arg: string, sample: ProfileFeature): FeatureProfile {
  const f = profileFeature(fn, sample.profile, sample.feature, arg);
  // A PII feature's profile keeps counts only, or the frequencies of the host's tokens: no values.
  if (f.pii === 'counts')
    throw invalidArgument(
      fn,
      arg,
      `is the profile of a pii feature (${describe(f.name)}), which keeps counts only: no distribution to compare (profile it with a token function to compare tokens)`,
    );
  return f;
}

function numericFromProfile(sample: ProfileFeature, f: FeatureProfile): ProfileNumeric {
  const n = f.numeric;
  const present = n ? n.count + n.posInf + n.negInf : 0;
  const total = f.present + f.missing;
  return {
    type: 'numeric',
    from: 'profile',
    profile: sample.profile,
    feature: f,
    missing: total - present,
    total,
  };
}

function categoricalFromProfile(f: FeatureProfile): ProfileCategorical {
  const c = f.categorical;
  const counts = new Map<string, number>();
  let listed = 0;
  for (const [value, count] of c?.frequencies ?? []) {
    counts.set(value, count);
    listed += count;
  }
  const present = c?.count ?? 0;
  const total = f.present + f.missing;
  return {
    type: 'categorical',
    from: 'profile',
    counts,
    other: Math.max(0, present - listed),
    exact: (c?.frequencyError ?? 0) === 0,
    missing: total - present,
    total,
  };
}

function numericFromArray(values: ArrayLike<unknown>, missing0: number, start: number): ValuesNumeric {
  const out = new Float64Array(values.length);
  let count = 0;
  let missing = missing0;
  for (let i = start; i < values.length; i++) {
    const v = values[i] as number | null | undefined;
    if (v === null || v === undefined || Number.isNaN(v)) missing++;
    else out[count++] = v;
  }
  return { type: 'numeric', from: 'values', values: out.slice(0, count), missing, total: values.length };
}

/**
 * Reads one side of a comparison: its type (numeric or categorical), its values or profile, and how many
 * of its rows are missing. Raw arrays are checked element by element; their type is that of their first
 * value present.
 */
export function readSample(fn: string, arg: string, sample: Sample): SampleInput | Undetermined {
  try {
    return readSampleUnguarded(fn, arg, sample);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    // A Proxy or a throwing getter in the caller's sample: refused, never a TypeError from inside.
    throw invalidArgument(fn, arg, 'must be readable (a getter or Proxy threw)');
  }
}

function readSampleUnguarded(fn: string, arg: string, sample: Sample): SampleInput | Undetermined {
  if (sample instanceof Float64Array) return numericFromArray(sample, 0, 0);
  if (Array.isArray(sample)) {
    const values = sample as readonly unknown[];
    if (values.length > MAX_ARRAY_ROWS)
      throw invalidArgument(
        fn,
        arg,
        `must hold at most ${MAX_ARRAY_ROWS} values as a JS array (pass a larger sample as a Float64Array), got ${values.length}`,
      );
    let i = 0;
    let missing = 0;
    // Leading missing values: null and undefined only; a NaN is a number and settles the type.
    while (i < values.length && (values[i] === null || values[i] === undefined)) {
      missing++;
      i++;
    }
    if (i === values.length) return { type: undefined, sample, arg, total: values.length, mixed: false };
    const first = values[i];
    if (typeof first === 'number') {
      for (let j = i; j < values.length; j++) {
        const v = values[j];
        if (typeof v !== 'number' && v !== null && v !== undefined)
          throw invalidArgument(
            fn,
            `${arg}[${j}]`,
            `must be a number, null or undefined, as ${arg} holds numbers (no mixing numeric and categorical values)`,
            v,
          );
      }
      return numericFromArray(values, missing, i);
    }
    if (typeof first === 'string') {
      const counts = new Map<string, number>();
      for (let j = i; j < values.length; j++) {
        const v = values[j];
        if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
        else if (v === null || v === undefined) missing++;
        else
          throw invalidArgument(
            fn,
            `${arg}[${j}]`,
            `must be a string, null or undefined, as ${arg} holds strings (no mixing numeric and categorical values)`,
            v,
          );
      }
      return {
        type: 'categorical',
        from: 'values',
        counts,
        other: 0,
        exact: true,
        missing,
        total: values.length,
      };
    }
    throw invalidArgument(
      fn,
      `${arg}[${i}]`,
      'must be a number or a string (null and undefined are missing)',
      first,
    );
  }
  if (isProfileFeature(sample)) {
    const f = profileFeatureOf(fn, arg, sample);
    if (f.pii !== undefined) return categoricalFromProfile(f); // tokens, whatever the values were
    switch (f.type) {
      case 'numeric':
      case 'timestamp':
        return numericFromProfile(sample, f);
      case 'categorical':
      case 'boolean':
        return categoricalFromProfile(f);
      default:
        if (f.numeric && !f.categorical) return numericFromProfile(sample, f);
        if (f.categorical && !f.numeric) return categoricalFromProfile(f);
        return {
          type: undefined,
          sample,
          arg,
          total: f.present + f.missing,
          mixed: f.numeric !== undefined,
        };
    }
  }
  throw invalidArgument(
    fn,
    arg,
    'must be an array of numbers or strings, a Float64Array, or { profile, feature }',
    sample,
  );
}

function readAs(fn: string, u: Undetermined, type: 'numeric' | 'categorical'): SampleInput {
  if (isProfileFeature(u.sample)) {
    const f = profileFeatureOf(fn, u.arg, u.sample);
    return type === 'numeric' ? numericFromProfile(u.sample, f) : categoricalFromProfile(f);
  }
  // A raw array with nothing but null and undefined.
  return type === 'numeric'
    ? { type, from: 'values', values: new Float64Array(0), missing: u.total, total: u.total }
    : { type, from: 'values', counts: new Map(), other: 0, exact: true, missing: u.total, total: u.total };
}

function undeterminedMessage(u: Undetermined): string {
  return u.mixed
    ? 'must settle whether the feature is numeric or categorical: the profile feature is mixed, and so is the other side'
    : 'must hold at least one value that is not missing (null, undefined or NaN)';
}

/** Reads both sides and checks they are of one type: numeric with numeric, categorical with categorical. */
export function readPair(fn: string, reference: Sample, current: Sample): [SampleInput, SampleInput] {
  const a = readSample(fn, 'reference', reference);
  const b = readSample(fn, 'current', current);
  if (a.type === undefined && b.type === undefined)
    throw invalidArgument(fn, 'reference', undeterminedMessage(a));
  const ra = a.type === undefined ? readAs(fn, a, b.type!) : a;
  const rb = b.type === undefined ? readAs(fn, b, ra.type) : b;
  if (ra.type !== rb.type)
    throw invalidArgument(
      fn,
      'current',
      `must be ${ra.type} like the reference (no mixing numeric and categorical samples), but it is ${rb.type}`,
    );
  return [ra, rb];
}

/** Throws unless a side has something to compare: a value present, or (missing as a bin) any row. */
export function checkNotEmpty(fn: string, arg: string, input: SampleInput, missing: MissingRule): void {
  const present = input.total - input.missing;
  if (missing === 'bin' ? input.total === 0 : present === 0) {
    throw invalidArgument(
      fn,
      arg,
      missing === 'bin'
        ? 'must hold at least one row'
        : `must hold at least one value that is not missing (null, undefined or NaN): all ${input.total} are missing`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sorting

/** A sorted copy of `values` (ascending; −0 before 0), by core/sort.ts's radix sort. */
export function sorted(values: Float64Array): Float64Array {
  return sortFloat64(values.slice());
}

// ---------------------------------------------------------------------------------------------------------
// Options

/** The binning options every binned distance knows (each adds its own: `top`, `epsilon`, `base`, …). */
export type BinningKey = 'bins' | 'edges' | 'missing';

/** The binning options, checked, with defaults filled in. */
export interface CheckedBinning {
  readonly bins: number;
  readonly edges: readonly number[] | undefined;
  readonly missing: MissingRule;
}

/**
 * Checks the binning options shared by every binned distance, read by `readOptions` (known keys only):
 * `bins` an integer in [1, MAX_BINS], `edges` 1 to MAX_BINS − 1 finite, strictly increasing numbers,
 * `missing` 'separate' or 'bin'.
 */
export function binningOptions(fn: string, o: RawOptions<BinningKey>): CheckedBinning {
  const bins = o.bins === undefined ? DEFAULT_BINS : checkInteger(fn, 'options.bins', o.bins, 1, MAX_BINS);
  let edges: number[] | undefined;
  if (o.edges !== undefined) edges = checkEdges(fn, o.edges);
  const missing =
    o.missing === undefined
      ? 'separate'
      : checkChoice<MissingRule>(fn, 'options.missing', o.missing, ['separate', 'bin']);
  return { bins, edges, missing };
}

/** Explicit interior edges: a copy, read once by index (holes and getters cannot slip through). */
function checkEdges(fn: string, value: unknown): number[] {
  const must = 'must be finite, strictly increasing numbers (at least one)';
  const list = checkArray(fn, 'options.edges', value, MAX_BINS - 1);
  if (list.length === 0) throw invalidArgument(fn, 'options.edges', must, value);
  const edges = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && !(x > edges[i - 1]!)))
      throw invalidArgument(fn, 'options.edges', must, value);
    edges[i] = x;
  }
  return edges;
}

// ---------------------------------------------------------------------------------------------------------
// Numeric bins

/** Finite values of a raw sample, sorted. */
function sortedFinite(values: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) count++;
  if (count === values.length) return sorted(values);
  const finite = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite[at++] = values[i]!;
  return sorted(finite);
}

/** A profile's KLL sketch, decoded (lockstep/stats' reader, cached per sketch). */
export type DecodedSketch = SortedSketch;

/** The decoded sketch of a numeric profile feature: the estimate `quantiles` and `cdf` read, in exact integer weights. */
export function decodeSketch(f: FeatureProfile): DecodedSketch {
  return sortedSketch(f.numeric!);
}

/**
 * Interior edges at the reference's quantiles i / bins, equal edges merged: the smallest value whose rank
 * (cumulative weight) reaches i · n / bins, in exact integer arithmetic.
 */
function quantileEdges(reference: NumericInput, bins: number): number[] {
  let items: Float64Array;
  let rankOf: (t: number) => number;
  let n: number;
  if (reference.from === 'values') {
    items = sortedFinite(reference.values);
    n = items.length;
    rankOf = (t) => t + 1;
  } else {
    if ((reference.feature.numeric?.count ?? 0) === 0) return [];
    const s = decodeSketch(reference.feature);
    items = s.items;
    n = s.total;
    rankOf = (t) => s.cumulative[t]!;
  }
  if (items.length === 0) return [];
  const qs: number[] = [];
  for (let i = 1; i < bins; i++) {
    // The smallest t with rank(t) · bins ≥ i · n.
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rankOf(mid) * bins >= i * n) hi = mid;
      else lo = mid + 1;
    }
    qs.push(items[lo]!);
  }
  return qs.filter((x, i) => i === 0 || x > qs[i - 1]!);
}

/** Whether a profile's KLL sketch still holds every value (never compacted). */
export function sketchExact(f: FeatureProfile): boolean {
  const q = f.numeric?.quantiles;
  return q === undefined || (q.levels.length <= 1 && q.sampler.level === 0);
}

/**
 * Counts of a numeric side in the k + 1 bins of `edges`. From a profile: the sketch's weight in each bin
 * (what `cdf` at the edges gives) scaled to the profile's finite count, so integers while the sketch is
 * exact; −∞ and +∞ values in the outer bins.
 */
function numericCounts(input: NumericInput, edges: readonly number[]): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  if (input.from === 'values') {
    const v = input.values;
    for (let i = 0; i < v.length; i++) counts[countAtMost(edges, v[i]!)]!++;
    return counts;
  }
  const n = input.feature.numeric;
  if (!n) return counts;
  if (n.count > 0) {
    const s = decodeSketch(input.feature);
    for (let i = 0; i < s.items.length; i++) counts[countAtMost(edges, s.items[i]!)]! += s.weights[i]!;
    if (s.total !== n.count)
      for (let j = 0; j < counts.length; j++) counts[j] = (counts[j]! / s.total) * n.count;
  }
  counts[0]! += n.negInf;
  counts[edges.length]! += n.posInf;
  return counts;
}

function intervalBins(edges: readonly number[]): Bin[] {
  return Array.from({ length: edges.length + 1 }, (_, j) => {
    const lower = j === 0 ? Number.NEGATIVE_INFINITY : edges[j - 1]!;
    const upper = j === edges.length ? Number.POSITIVE_INFINITY : edges[j]!;
    return { label: `${j === 0 ? '(' : '['}${lower}, ${upper})`, kind: 'interval' as const, lower, upper };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Categorical bins

function byCount(counts: ReadonlyMap<string, number>): string[] {
  return [...counts]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .map(([value]) => value);
}

// ---------------------------------------------------------------------------------------------------------
// Both sides on common bins

function appended(counts: Float64Array, x: number): Float64Array {
  const out = new Float64Array(counts.length + 1);
  out.set(counts);
  out[counts.length] = x;
  return out;
}

function toShares(counts: Float64Array): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const shares = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) shares[i] = counts[i]! / total;
  return shares;
}

/**
 * Puts two samples on common bins by the rules at the top of this file, and reports their missing shares.
 * O((n + m) log(bins)) for raw numeric values plus the sort of the reference; O(n + m) for categories plus
 * sorting them by count; O(r log r) for a profile's sketch of r retained values (about 1,200 at k = 400).
 * `opts` are the caller's options after {@link binningOptions}.
 * @throws LockstepError `INVALID_ARGUMENT` for an empty sample, an unknown profile feature, or a numeric
 * sample compared with a categorical one.
 */
export function binSamples(fn: string, reference: Sample, current: Sample, opts: CheckedBinning): Binned {
  const [ref, cur] = readPair(fn, reference, current);
  checkNotEmpty(fn, 'reference', ref, opts.missing);
  checkNotEmpty(fn, 'current', cur, opts.missing);
  const sources: SampleSources = { reference: ref.from, current: cur.from };
  const missing: MissingShares = {
    reference: ref.total === 0 ? 0 : ref.missing / ref.total,
    current: cur.total === 0 ? 0 : cur.missing / cur.total,
    referenceCount: ref.missing,
    currentCount: cur.missing,
  };
  let bins: Bin[];
  let rc: Float64Array;
  let cc: Float64Array;
  let edges: readonly number[] | undefined;
  let exact: boolean;
  if (ref.type === 'numeric' && cur.type === 'numeric') {
    edges = opts.edges ?? quantileEdges(ref, opts.bins);
    bins = intervalBins(edges);
    rc = numericCounts(ref, edges);
    cc = numericCounts(cur, edges);
    exact =
      (ref.from === 'values' || sketchExact(ref.feature)) &&
      (cur.from === 'values' || sketchExact(cur.feature));
  } else if (ref.type === 'categorical' && cur.type === 'categorical') {
    if (opts.edges)
      throw invalidArgument(
        fn,
        'options.edges',
        'applies to numeric samples only, and these are categorical',
      );
    const order = byCount(ref.counts);
    const extra = new Map([...cur.counts].filter(([value]) => !ref.counts.has(value)));
    for (const value of byCount(extra)) order.push(value);
    const other = !ref.exact || !cur.exact;
    bins = order.map((value) => ({ label: value, kind: 'category' as const, value }));
    rc = new Float64Array(order.length + (other ? 1 : 0));
    cc = new Float64Array(rc.length);
    order.forEach((value, i) => {
      rc[i] = ref.counts.get(value) ?? 0;
      cc[i] = cur.counts.get(value) ?? 0;
    });
    if (other) {
      bins.push({ label: 'other values', kind: 'other' });
      rc[order.length] = ref.other;
      cc[order.length] = cur.other;
    }
    exact = !other;
  } else {
    // readPair has made the types equal.
    throw invalidArgument(fn, 'current', 'must be of the same type as the reference');
  }
  if (opts.missing === 'bin') {
    bins.push({ label: 'missing', kind: 'missing' });
    rc = appended(rc, ref.missing);
    cc = appended(cc, cur.missing);
  }
  return {
    type: ref.type,
    bins,
    reference: toShares(rc),
    current: toShares(cc),
    ...(edges ? { edges } : {}),
    missing,
    missingRule: opts.missing,
    exact,
    sources,
  };
}

/**
 * Shares with every 0 replaced by a floor: `epsilon` when given, else Evidently's rule (EMPTY_BIN_FLOOR,
 * or the smallest non-zero share / 10⁶ when that share is at most EMPTY_BIN_FLOOR). Not renormalised.
 */
export function floorShares(shares: Float64Array, epsilon?: number): { shares: Float64Array; floor: number } {
  let floor = epsilon;
  if (floor === undefined) {
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < shares.length; i++)
      if (shares[i]! > 0 && shares[i]! < smallest) smallest = shares[i]!;
    floor = smallest <= EMPTY_BIN_FLOOR ? smallest / 1e6 : EMPTY_BIN_FLOOR;
  }
  const out = new Float64Array(shares.length);
  for (let i = 0; i < shares.length; i++) out[i] = shares[i]! === 0 ? floor : shares[i]!;
  return { shares: out, floor };
}
