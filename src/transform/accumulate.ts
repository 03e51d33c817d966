// What fitting accumulates for each stateful step, one chunk at a time, mergeable: exact sums (Shewchuk's
// partials, as Python's math.fsum), a range, quantiles (exact up to a limit, then lockstep/stats' KLL
// sketch), and frequencies (exact up to a capacity, then lockstep/stats' Misra–Gries summary). Sums are
// exact so a fitted mean or variance does not depend on how the data was cut into batches or merged.
import { createFrequencies, type Frequencies, frequenciesAdd, frequenciesMerge } from '../stats/frequent.js';
import { createKll, type Kll, kllAdd, kllMerge, kllSorted } from '../stats/kll.js';

export interface FitSizes {
  /** Values per quantile step kept exactly before the KLL sketch takes over. */
  readonly exactQuantiles: number;
  /** KLL's k once the sketch takes over. */
  readonly quantileK: number;
  /** Distinct categories counted exactly before the Misra–Gries summary takes over. */
  readonly maxCategories: number;
}

export type Accumulator =
  | SumAccumulator
  | { type: 'range'; min: number; max: number; n: number }
  | QuantileAccumulator
  | { readonly type: 'counts'; readonly f: Frequencies };

/**
 * The exact sum of values (or, with `center`, of squared deviations (x − center)², each square rounded
 * once), as non-overlapping partials whose sum is exact, and how many values it holds.
 */
export interface SumAccumulator {
  readonly type: 'sum';
  readonly center: number | undefined;
  readonly partials: number[];
  n: number;
}

/** Adds x to the partials, keeping their sum exact (Shewchuk 1997, "Adaptive precision floating-point"). */
function addExact(partials: number[], value: number): void {
  let x = value;
  let k = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[k++] = lo;
    x = hi;
  }
  partials.length = k;
  partials.push(x);
}

/** The partials' sum, correctly rounded (the final step of Python's math.fsum). */
export function exactSum(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Round half-way cases the way exact arithmetic would: look at the next partial's sign.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

export interface QuantileAccumulator {
  readonly type: 'quantiles';
  readonly limit: number;
  readonly k: number;
  /** Values so far while exact; undefined once the sketch took over. */
  exact: Float64Array | undefined;
  n: number;
  kll: Kll | undefined;
}

export function createAccumulator(type: Accumulator['type'], sizes: FitSizes, center?: number): Accumulator {
  switch (type) {
    case 'sum':
      return { type, center, partials: [], n: 0 };
    case 'range':
      return { type, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, n: 0 };
    case 'quantiles':
      return {
        type,
        limit: sizes.exactQuantiles,
        k: sizes.quantileK,
        exact: new Float64Array(Math.min(1024, sizes.exactQuantiles)),
        n: 0,
        kll: undefined,
      };
    case 'counts':
      return { type, f: createFrequencies(sizes.maxCategories) };
  }
}

/** Adds the values x[i] for i < n where keep[i] is 1 (finite numbers). */
export function addNumbers(a: Accumulator, x: Float64Array, keep: Uint8Array, n: number): void {
  switch (a.type) {
    case 'sum': {
      const { partials, center } = a;
      for (let i = 0; i < n; i++) {
        if (keep[i] === 1) {
          if (center === undefined) addExact(partials, x[i]!);
          else {
            const d = x[i]! - center;
            addExact(partials, d * d);
          }
          a.n++;
        }
      }
      return;
    }
    case 'range':
      for (let i = 0; i < n; i++) {
        if (keep[i] === 1) {
          const v = x[i]!;
          if (v < a.min) a.min = v;
          if (v > a.max) a.max = v;
          a.n++;
        }
      }
      return;
    case 'quantiles': {
      let kept = 0;
      for (let i = 0; i < n; i++) if (keep[i] === 1) kept++;
      const values = new Float64Array(kept);
      let j = 0;
      for (let i = 0; i < n; i++) if (keep[i] === 1) values[j++] = x[i]!;
      addQuantiles(a, values);
      return;
    }
    case 'counts':
      for (let i = 0; i < n; i++) if (keep[i] === 1) frequenciesAdd(a.f, String(x[i]), 1);
  }
}

function addQuantiles(a: QuantileAccumulator, values: Float64Array): void {
  if (a.exact !== undefined && a.n + values.length <= a.limit) {
    if (a.n + values.length > a.exact.length) {
      const grown = new Float64Array(Math.min(a.limit, Math.max(a.n + values.length, a.exact.length * 2)));
      grown.set(a.exact.subarray(0, a.n));
      a.exact = grown;
    }
    a.exact.set(values, a.n);
    a.n += values.length;
    return;
  }
  if (a.exact !== undefined) {
    a.kll = createKll(a.k);
    kllAdd(a.kll, a.exact, 0, a.n);
    a.exact = undefined;
  }
  kllAdd(a.kll!, values, 0, values.length);
  a.n += values.length;
}

/** Adds category texts (undefined = missing, skipped; `skip` is left out too: a vocabulary's mask token). */
export function addTexts(
  a: Accumulator,
  texts: readonly (string | undefined)[],
  n: number,
  skip?: string,
): void {
  if (a.type !== 'counts') throw new Error('unreachable: texts go to counts');
  for (let i = 0; i < n; i++) {
    const t = texts[i];
    if (t !== undefined && t !== skip) frequenciesAdd(a.f, t, 1);
  }
}

/** Adds `b` into `a` (same type and sizes). */
export function mergeAccumulators(a: Accumulator, b: Accumulator): void {
  if (a.type === 'sum' && b.type === 'sum') {
    for (const p of b.partials) addExact(a.partials, p);
    a.n += b.n;
  } else if (a.type === 'range' && b.type === 'range') {
    a.min = Math.min(a.min, b.min);
    a.max = Math.max(a.max, b.max);
    a.n += b.n;
  } else if (a.type === 'quantiles' && b.type === 'quantiles') {
    if (b.exact !== undefined) addQuantiles(a, b.exact.subarray(0, b.n));
    else {
      if (a.exact !== undefined) {
        a.kll = createKll(a.k);
        kllAdd(a.kll, a.exact, 0, a.n);
        a.exact = undefined;
      }
      kllMerge(a.kll!, b.kll!);
      a.n += b.n;
    }
  } else if (a.type === 'counts' && b.type === 'counts') frequenciesMerge(a.f, b.f);
  else throw new Error('unreachable: accumulators of different types');
}

/** Values sorted with their weights: every value at weight 1 while exact. */
export interface SortedValues {
  readonly items: Float64Array;
  /** Cumulative weights, or undefined when every weight is 1. */
  readonly cumulative: Float64Array | undefined;
  readonly total: number;
  readonly exact: boolean;
}

export function sortedValues(a: QuantileAccumulator): SortedValues {
  if (a.exact !== undefined) {
    const items = a.exact.slice(0, a.n).sort();
    return { items, cumulative: undefined, total: a.n, exact: true };
  }
  const { items, weights } = kllSorted(a.kll!);
  const cumulative = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) cumulative[i] = total += weights[i]!;
  return { items, cumulative, total, exact: false };
}

/** The value of 0-based rank r (items cover consecutive ranks by weight). */
function atRank(s: SortedValues, r: number): number {
  if (s.cumulative === undefined) return s.items[Math.min(r, s.items.length - 1)]!;
  let lo = 0;
  let hi = s.items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.cumulative[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return s.items[lo]!;
}

/**
 * numpy's default ('linear') quantile: h = (n − 1) p, then interpolation between the values of rank ⌊h⌋
 * and ⌊h⌋ + 1 written as numpy's `_lerp` writes it, so exact quantiles equal numpy's to the bit.
 */
export function linearQuantile(s: SortedValues, p: number): number {
  const h = (s.total - 1) * p;
  const lo = Math.floor(h);
  const a = atRank(s, lo);
  const b = atRank(s, Math.min(lo + 1, s.total - 1));
  const t = h - lo;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** numpy's median: the middle value, or the mean of the middle two, (a + b) / 2. */
export function median(s: SortedValues): number {
  const n = s.total;
  const a = atRank(s, Math.floor((n - 1) / 2));
  if (n % 2 === 1) return a;
  return (a + atRank(s, n / 2)) / 2;
}
