// Two-sample hypothesis tests for drift: is the serving sample drawn from the training sample's
// distribution? Each test returns plain data and agrees with its scipy (or statsmodels) counterpart to
// about 1e-12 relative; test/fixtures/make-drift-tests.py generates the oracle values.
//
// Missing values: numeric samples must not contain NaN. A test cannot say what a missing value means, so
// each rejects NaN with an error that tells the caller to drop missing values first (scipy's
// nan_policy='raise'); ±Infinity is an ordinary (extreme) value for the rank-based tests (KS, Mann–Whitney,
// Anderson–Darling) and is rejected by Welch's t-test, whose mean it would make infinite.

import { describe, invalidArgument } from '../core/errors.js';
import { sortFloat64 } from './sort.js';
import {
  type Alternative,
  chiSquareSf,
  gcd,
  ksTwoSampleExactSf,
  kstwoSf,
  mannWhitneyUSf,
  normalCdf,
  normalSf,
  studentTCdf,
  studentTSf,
} from './special.js';

export type { Alternative } from './special.js';

/** A numeric sample: plain numbers or a Float64Array (not modified; the tests sort copies). */
export type NumericSample = readonly number[] | Float64Array;

/** A categorical sample: counts per category (a Map or a plain object), or the raw values. */
export type CategoricalSample =
  | ReadonlyMap<string, number>
  | Readonly<Record<string, number>>
  | readonly string[];

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

// ------------------------------------------------------------------------------------ argument checks

function checkOptions(fn: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidArgument(fn, 'options', 'must be an object', options);
  return options as Record<string, unknown>;
}

function checkAlternative(fn: string, value: unknown): Alternative {
  if (value === undefined) return 'two-sided';
  if (!ALTERNATIVES.includes(value as Alternative))
    throw invalidArgument(fn, 'options.alternative', "must be 'two-sided', 'less' or 'greater'", value);
  return value as Alternative;
}

function checkChoice<T extends string>(fn: string, arg: string, value: unknown, choices: readonly T[]): T {
  if (value === undefined) return choices[0]!;
  if (!choices.includes(value as T))
    throw invalidArgument(fn, arg, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

function checkBoolean(fn: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgument(fn, arg, 'must be a boolean', value);
  return value;
}

/**
 * A Float64Array copy of a numeric sample, after checking it: an array of numbers or a Float64Array, not
 * empty, without NaN (and, for Welch's t-test, without ±Infinity).
 */
function checkedSample(fn: string, arg: string, values: unknown, infinite = true): Float64Array {
  if (!(Array.isArray(values) || values instanceof Float64Array))
    throw invalidArgument(fn, arg, 'must be an array of numbers or a Float64Array', values);
  const n = values.length;
  if (n === 0) throw invalidArgument(fn, arg, 'must not be empty');
  const copy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number')
      throw invalidArgument(fn, arg, `must hold only numbers (index ${i} is not one)`, v);
    if (Number.isNaN(v))
      throw invalidArgument(
        fn,
        arg,
        `must not contain NaN: drop missing values before testing (index ${i} is NaN)`,
      );
    if (!infinite && (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY))
      throw invalidArgument(fn, arg, `must hold only finite numbers (index ${i} is not)`, v);
    copy[i] = v;
  }
  return copy;
}

/** A sorted copy of a checked numeric sample (see checkedSample). */
function sortedSample(fn: string, arg: string, values: unknown): Float64Array {
  return sortFloat64(checkedSample(fn, arg, values));
}

/** Rounds half to even, as numpy.round does. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function clamp01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

// ------------------------------------------------------------------------------------- Kolmogorov–Smirnov

export interface KsTestOptions {
  /**
   * 'two-sided' (default): D = max |F_a − F_b|. 'greater': D+ = max (F_a − F_b), large when `a` tends to
   * be smaller than `b`. 'less': D− = max (F_b − F_a). (As scipy: the alternatives are about the CDFs.)
   */
  readonly alternative?: Alternative;
  /** 'auto' (default): exact when both samples have at most 10 000 values, else asymptotic. */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
}

export interface KsTestResult {
  /** The Kolmogorov–Smirnov statistic for the alternative, in [0, 1]. */
  readonly statistic: number;
  readonly pValue: number;
  /** The observation (from `a` or `b`) at which the statistic is attained, as scipy's statistic_location. */
  readonly statisticLocation: number;
  /** +1 if F_a exceeds F_b there, −1 if F_b exceeds F_a (scipy's statistic_sign). */
  readonly statisticSign: 1 | -1;
  /** How the p-value was computed (an exact computation that cannot be done falls back to 'asymptotic'). */
  readonly method: 'exact' | 'asymptotic';
}

/**
 * Two-sample Kolmogorov–Smirnov test: are `a` and `b` drawn from the same continuous distribution?
 * D = max |F_a(x) − F_b(x)| over the empirical CDFs (D+ = max(F_a − F_b) for 'greater', D− for 'less').
 * The p-value is exact for samples of at most 10 000 values (Hodges' lattice-path counts; for the
 * one-sided test with unequal sizes only while C(n + m, n) fits a double) and asymptotic otherwise: the
 * two-sided P(D_k ≥ d) of the one-sample KS law with k = round(nm/(n+m)), the one-sided Hodges (1958)
 * approximation exp(−2z² − 2z(m + 2n)/(3√(mn(m+n)))), z = d√(nm/(n+m)), m ≥ n. In exact mode the
 * statistic is reported as h / lcm(n, m), h = round(D · lcm), as scipy does. Equals
 * scipy.stats.ks_2samp(a, b, alternative, method) including where its 'auto' switches.
 * Cost: O((n + m) log(n + m)) to sort copies (radix sort) and find D; the exact two-sided p-value adds
 * O(max(n, m) · D · min(n, m)), the exact one-sided O(n·m) (n + m ≤ about 1 030 there).
 * References: Smirnov (1939); Hodges, Ark. Mat. 3 (1958); Viehmann, arXiv:2102.08037 (2021); Simard &
 * L'Ecuyer, J. Stat. Softw. 39(11) (2011).
 * @example ksTest([1, 2, 3], [4, 5, 6]) // => { statistic: 1, pValue: 0.09999999999999999, statisticLocation: 3, statisticSign: 1, method: 'exact' }
 * @throws LockstepError `INVALID_ARGUMENT` naming `ksTest` and the argument: `a` or `b` not an array of
 *   numbers or a Float64Array, empty, or holding NaN (drop missing values first); an unknown
 *   `options.alternative` or `options.method`.
 */
export function ksTest(a: NumericSample, b: NumericSample, options: KsTestOptions = {}): KsTestResult {
  const fn = 'ksTest';
  const opts = checkOptions(fn, options);
  const alternative = checkAlternative(fn, opts.alternative);
  let mode = checkChoice(fn, 'options.method', opts.method, ['auto', 'exact', 'asymptotic'] as const);
  const x = sortedSample(fn, 'a', a);
  const y = sortedSample(fn, 'b', b);
  const n1 = x.length;
  const n2 = y.length;

  // F_a − F_b at every observation. scipy takes the first maximiser (and minimiser) in the order
  // [sorted a, sorted b], so the location is the smallest value of `a` attaining it, else of `b`.
  let maxA = Number.NEGATIVE_INFINITY;
  let maxALocation = Number.NaN;
  let maxB = Number.NEGATIVE_INFINITY;
  let maxBLocation = Number.NaN;
  let minA = Number.POSITIVE_INFINITY;
  let minALocation = Number.NaN;
  let minB = Number.POSITIVE_INFINITY;
  let minBLocation = Number.NaN;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    const i0 = i;
    const j0 = j;
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    const diff = i / n1 - j / n2; // as scipy: cdf1 − cdf2 in float64
    if (i > i0) {
      if (diff > maxA) [maxA, maxALocation] = [diff, x[i0]!];
      if (diff < minA) [minA, minALocation] = [diff, x[i0]!];
    }
    if (j > j0) {
      if (diff > maxB) [maxB, maxBLocation] = [diff, y[j0]!];
      if (diff < minB) [minB, minBLocation] = [diff, y[j0]!];
    }
  }
  const maxS = Math.max(maxA, maxB);
  const minDiff = Math.min(minA, minB);
  const maxLocation = maxA === maxS ? maxALocation : maxBLocation;
  const minLocation = minA === minDiff ? minALocation : minBLocation;
  const minS = clamp01(-minDiff) + 0; // + 0: −0 (no negative gap) becomes 0, as the other statistics

  let d: number;
  let statisticLocation: number;
  let statisticSign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && minS > maxS)) {
    [d, statisticLocation, statisticSign] = [minS, minLocation, -1];
  } else {
    [d, statisticLocation, statisticSign] = [maxS, maxLocation, 1];
  }

  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  if (mode === 'auto') mode = Math.max(n1, n2) <= 10_000 ? 'exact' : 'asymptotic';
  else if (mode === 'exact' && n1g >= 2147483647 / n2g) mode = 'asymptotic'; // lcm(n1, n2) too large

  let pValue = Number.NaN;
  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    const exact = ksTwoSampleExactSf(n1, n2, h, alternative);
    if (exact === undefined) mode = 'asymptotic';
    else pValue = exact;
  }
  if (mode === 'asymptotic') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    if (alternative === 'two-sided') {
      // scipy's kstwo.sf(d, round(en)); n1 = n2 = 1 gives round(0.5) = 0 there (NaN), 1 here.
      pValue = kstwoSf(Math.max(1, roundHalfEven(en)), d);
    } else {
      const z = Math.sqrt(en) * d;
      pValue = Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
    }
  }
  return {
    statistic: d,
    pValue: clamp01(pValue),
    statisticLocation,
    statisticSign,
    method: mode === 'exact' ? 'exact' : 'asymptotic',
  };
}

// ------------------------------------------------------------------------------------------ chi-square

export interface ChiSquareTestOptions {
  /**
   * Apply Yates' continuity correction when the table has one degree of freedom (two categories), as
   * scipy.stats.chi2_contingency does by default. Default false: the plain Pearson statistic, so that
   * adding a third category does not change how the statistic is computed.
   */
  readonly correction?: boolean;
}

/** One category's row of the 2 × k table and its part of the statistic. */
export interface ChiSquareContribution {
  readonly category: string;
  /** Observed counts in the reference and current samples. */
  readonly reference: number;
  readonly current: number;
  /** Expected counts under homogeneity: row total × column total / grand total. */
  readonly expectedReference: number;
  readonly expectedCurrent: number;
  /** Σ over both rows of (observed − expected)² / expected (after Yates' correction when applied). */
  readonly contribution: number;
  /** contribution / statistic, in [0, 1] (0 when the statistic is 0). */
  readonly share: number;
}

export interface ChiSquareTestResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Degrees of freedom: categories − 1 (categories counted after dropping those absent from both). */
  readonly dof: number;
  /** Whether Yates' correction was applied (only with `correction: true` and dof = 1). */
  readonly corrected: boolean;
  /** Every category present in either sample, by contribution descending (ties in first-seen order). */
  readonly contributions: readonly ChiSquareContribution[];
}

/**
 * Chi-square test of homogeneity for two categorical samples: do `reference` and `current` have the same
 * category proportions? Builds the 2 × k contingency table over the union of the categories, so a
 * category seen in only one sample (an unseen or vanished category) is counted, with 0 in the other row;
 * categories with a zero total are dropped. Statistic Σ (O − E)² / E with E = row total · column total /
 * N, dof = k − 1, p-value from the chi-square survival function. With a single category (dof 0) the
 * statistic is 0 and the p-value 1. Equals scipy.stats.chi2_contingency(table, correction=False)
 * (correction=True with `options.correction`).
 * Cost: O(n) to count raw values plus O(k log k) to rank the contributions.
 * Reference: Pearson (1900); Yates (1934).
 * @example chiSquareTest({ a: 10, b: 10 }, { a: 10, b: 10 }) // => { statistic: 0, pValue: 1, dof: 1, corrected: false, contributions: [{ category: 'a', reference: 10, current: 10, expectedReference: 10, expectedCurrent: 10, contribution: 0, share: 0 }, { category: 'b', reference: 10, current: 10, expectedReference: 10, expectedCurrent: 10, contribution: 0, share: 0 }] }
 * @throws LockstepError `INVALID_ARGUMENT` naming `chiSquareTest` and the argument: `reference` or
 *   `current` not a Map or object of counts or an array of strings, a count that is negative or not
 *   finite, a value that is not a string (drop missing values first), a sample whose total count is 0;
 *   `options.correction` not a boolean.
 */
export function chiSquareTest(
  reference: CategoricalSample,
  current: CategoricalSample,
  options: ChiSquareTestOptions = {},
): ChiSquareTestResult {
  const fn = 'chiSquareTest';
  const opts = checkOptions(fn, options);
  const correction = checkBoolean(fn, 'options.correction', opts.correction, false);
  const ref = categoryCounts(fn, 'reference', reference);
  const cur = categoryCounts(fn, 'current', current);

  const categories: string[] = [];
  for (const key of ref.keys()) if (ref.get(key)! + (cur.get(key) ?? 0) > 0) categories.push(key);
  for (const key of cur.keys()) if (!ref.has(key) && cur.get(key)! > 0) categories.push(key);
  const k = categories.length;
  const observed = [categories.map((c) => ref.get(c) ?? 0), categories.map((c) => cur.get(c) ?? 0)];
  const rowTotals = observed.map((row) => row.reduce((s, v) => s + v, 0));
  const columnTotals = categories.map((_, c) => observed[0]![c]! + observed[1]![c]!);
  const total = rowTotals[0]! + rowTotals[1]!;
  const expected = rowTotals.map((r) => columnTotals.map((c) => (r * c) / total));
  const dof = k - 1;
  const corrected = correction && dof === 1;

  const cell = (r: number, c: number): number => {
    const e = expected[r]![c]!;
    let o = observed[r]![c]!;
    if (corrected) {
      const diff = e - o;
      o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
    }
    return ((o - e) * (o - e)) / e;
  };
  let statistic = 0;
  const parts = new Float64Array(k);
  if (dof > 0) {
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < k; c++) {
        const term = cell(r, c);
        statistic += term;
        parts[c]! += term;
      }
  }
  const pValue = dof > 0 ? clamp01(chiSquareSf(statistic, dof)) : 1;
  const contributions = categories
    .map((category, c) => ({
      category,
      reference: observed[0]![c]!,
      current: observed[1]![c]!,
      expectedReference: expected[0]![c]!,
      expectedCurrent: expected[1]![c]!,
      contribution: parts[c]!,
      share: statistic > 0 ? parts[c]! / statistic : 0,
    }))
    .sort((p, q) => q.contribution - p.contribution);
  return { statistic, pValue, dof: Math.max(dof, 0), corrected, contributions };
}

/** Counts per category, in first-seen order, from any of the CategoricalSample forms. */
function categoryCounts(fn: string, arg: string, sample: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: unknown, count: unknown) => {
    if (typeof key !== 'string') throw invalidArgument(fn, arg, 'must use strings as categories', key);
    if (typeof count !== 'number' || !(count >= 0) || count === Number.POSITIVE_INFINITY)
      throw invalidArgument(fn, arg, `must hold finite counts ≥ 0 (category ${describe(key)})`, count);
    counts.set(key, (counts.get(key) ?? 0) + count);
  };
  if (Array.isArray(sample)) {
    for (let i = 0; i < sample.length; i++) {
      const v = sample[i] as unknown;
      if (typeof v !== 'string')
        throw invalidArgument(
          fn,
          arg,
          `must hold only strings: drop missing values before testing (index ${i} is not a string)`,
          v,
        );
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  } else if (sample instanceof Map) {
    for (const [key, count] of sample) add(key, count);
  } else if (typeof sample === 'object' && sample !== null && !ArrayBuffer.isView(sample)) {
    for (const [key, count] of Object.entries(sample)) add(key, count);
  } else {
    throw invalidArgument(fn, arg, 'must be a Map or object of counts, or an array of strings', sample);
  }
  let total = 0;
  for (const c of counts.values()) total += c;
  if (!(total > 0)) throw invalidArgument(fn, arg, 'must have a total count above 0', sample);
  return counts;
}

// --------------------------------------------------------------------------------- two proportions

export interface ZTestProportionsOptions {
  /** 'two-sided' (default); 'greater': p_A > p_B; 'less': p_A < p_B. */
  readonly alternative?: Alternative;
}

export interface ZTestProportionsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly proportionA: number;
  readonly proportionB: number;
  /** (successesA + successesB) / (nA + nB), the proportion under the null hypothesis. */
  readonly pooledProportion: number;
}

/**
 * Two-proportion z-test with the pooled variance: z = (p_A − p_B) / √(p(1 − p)(1/n_A + 1/n_B)), p the
 * pooled proportion, p-value from the standard normal. Equals statsmodels' proportions_ztest([sA, sB],
 * [nA, nB]) (its 'larger' and 'smaller' are 'greater' and 'less' here), except when p is 0 or 1: there
 * both proportions are equal and the variance is 0, statsmodels gives NaN and this gives z = 0, p = 1.
 * Cost: O(1). Reference: Fleiss, Levin & Paik, "Statistical Methods for Rates and Proportions" (2003), §3.
 * @example zTestProportions(30, 100, 30, 100) // => { statistic: 0, pValue: 1, proportionA: 0.3, proportionB: 0.3, pooledProportion: 0.3 }
 * @throws LockstepError `INVALID_ARGUMENT` naming `zTestProportions` and the argument: `nA` or `nB` not a
 *   positive integer, `successesA` or `successesB` not an integer in [0, n]; an unknown
 *   `options.alternative`.
 */
export function zTestProportions(
  successesA: number,
  nA: number,
  successesB: number,
  nB: number,
  options: ZTestProportionsOptions = {},
): ZTestProportionsResult {
  const fn = 'zTestProportions';
  const opts = checkOptions(fn, options);
  const alternative = checkAlternative(fn, opts.alternative);
  for (const [arg, n] of [
    ['nA', nA],
    ['nB', nB],
  ] as const)
    if (!(Number.isSafeInteger(n) && n > 0)) throw invalidArgument(fn, arg, 'must be a positive integer', n);
  for (const [arg, s, n] of [
    ['successesA', successesA, nA],
    ['successesB', successesB, nB],
  ] as const)
    if (!(Number.isSafeInteger(s) && s >= 0 && s <= n))
      throw invalidArgument(fn, arg, `must be an integer in [0, ${n}]`, s);

  const proportionA = successesA / nA;
  const proportionB = successesB / nB;
  const pooledProportion = (successesA + successesB) / (nA + nB);
  const variance = pooledProportion * (1 - pooledProportion) * (1 / nA + 1 / nB);
  if (variance === 0) return { statistic: 0, pValue: 1, proportionA, proportionB, pooledProportion };
  const z = (proportionA - proportionB) / Math.sqrt(variance);
  const pValue =
    alternative === 'two-sided'
      ? 2 * normalSf(Math.abs(z))
      : alternative === 'greater'
        ? normalSf(z)
        : normalCdf(z);
  return { statistic: z, pValue: clamp01(pValue), proportionA, proportionB, pooledProportion };
}

// ----------------------------------------------------------------------------------- Mann–Whitney U

export interface MannWhitneyUOptions {
  /** 'two-sided' (default); 'greater': `a` stochastically greater than `b`; 'less': smaller. */
  readonly alternative?: Alternative;
  /**
   * 'auto' (default): exact when either sample has at most 8 values and there are no ties, else
   * asymptotic. 'exact' ignores ties (as scipy's).
   */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
  /** Continuity correction of ½ in the asymptotic z. Default true. */
  readonly continuity?: boolean;
}

export interface MannWhitneyUResult {
  /** U of `a`: the number of pairs (x from a, y from b) with x > y, ties counting ½. */
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/**
 * Mann–Whitney U test (Wilcoxon rank-sum): does one sample tend to have larger values than the other?
 * U_a = R_a − n_a(n_a + 1)/2 with R_a the sum of `a`'s mid-ranks in the pooled sample. Asymptotic p-value:
 * z = (U − n_a n_b/2 − ½) / √(n_a n_b/12 · (N + 1 − Σ(t³ − t)/(N(N − 1)))) with t the tie-group sizes and
 * U = U_a ('greater'), U_b ('less') or max(U_a, U_b) (two-sided, p doubled). Exact p-value from the null
 * distribution of U (Gaussian binomial coefficients). Equals scipy.stats.mannwhitneyu(a, b,
 * use_continuity, alternative, method); when every value is tied (variance 0) and `continuity` is false,
 * scipy's p is NaN and this gives 1.
 * Cost: O(N log N) to rank (radix sort of copies); the exact p-value adds O(min(n_a, n_b) · min(U, n_a n_b − U)).
 * References: Mann & Whitney, Ann. Math. Stat. 18 (1947); Löffler (1983) for the exact distribution.
 * @example mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]) // => { statistic: 17, pValue: 0.1111111111111111, method: 'exact' }
 * @throws LockstepError `INVALID_ARGUMENT` naming `mannWhitneyU` and the argument: `a` or `b` not an array
 *   of numbers or a Float64Array, empty, or holding NaN (drop missing values first); an unknown
 *   `options.alternative` or `options.method`; `options.continuity` not a boolean.
 */
export function mannWhitneyU(
  a: NumericSample,
  b: NumericSample,
  options: MannWhitneyUOptions = {},
): MannWhitneyUResult {
  const fn = 'mannWhitneyU';
  const opts = checkOptions(fn, options);
  const alternative = checkAlternative(fn, opts.alternative);
  let method = checkChoice(fn, 'options.method', opts.method, ['auto', 'exact', 'asymptotic'] as const);
  const continuity = checkBoolean(fn, 'options.continuity', opts.continuity, true);
  const x = sortedSample(fn, 'a', a);
  const y = sortedSample(fn, 'b', b);
  const n1 = x.length;
  const n2 = y.length;

  // Mid-ranks by merging the sorted samples: a tie group of t values starting after r0 smaller ones has
  // mid-rank r0 + (t + 1)/2.
  let rankSumA = 0;
  let tieTerm = 0;
  let ties = false;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    const before = i + j;
    const i0 = i;
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    const t = i + j - before;
    rankSumA += (i - i0) * (before + (t + 1) / 2);
    if (t > 1) {
      ties = true;
      tieTerm += t * t * t - t;
    }
  }
  const u1 = rankSumA - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const [u, factor] =
    alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];
  if (method === 'auto') method = (n1 > 8 && n2 > 8) || ties ? 'asymptotic' : 'exact';

  let p: number;
  if (method === 'exact') {
    p = mannWhitneyUSf(n1, n2, Math.trunc(u));
  } else {
    const n = n1 + n2;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const z = (u - (n1 * n2) / 2 - (continuity ? 0.5 : 0)) / s;
    p = Number.isNaN(z) ? 1 : normalCdf(-z);
  }
  return { statistic: u1, pValue: clamp01(p * factor), method };
}

// ----------------------------------------------------------------------------------------- Welch's t

export interface WelchTTestOptions {
  /** 'two-sided' (default); 'greater': mean of `a` > mean of `b`; 'less': smaller. */
  readonly alternative?: Alternative;
}

export interface WelchTTestResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Welch–Satterthwaite degrees of freedom (NaN when both samples are constant). */
  readonly df: number;
  /** mean(a) − mean(b). */
  readonly meanDifference: number;
}

/**
 * Welch's unequal-variance t-test: do `a` and `b` have the same mean? t = (x̄_a − x̄_b) / √(s²_a/n_a +
 * s²_b/n_b) with sample variances (n − 1 denominators), df = (s²_a/n_a + s²_b/n_b)² / ((s²_a/n_a)²/(n_a − 1)
 * + (s²_b/n_b)²/(n_b − 1)), p-value from Student's t. Equals scipy.stats.ttest_ind(a, b, equal_var=False,
 * alternative), except for two constant samples, where scipy returns NaN: here t = 0 and p = 1 if the
 * constants agree, t = ±∞ and p = 0 (or 1 for the opposite one-sided alternative) if they differ.
 * Cost: O(n), two passes (means with compensated summation, then squared deviations).
 * Reference: Welch, Biometrika 34 (1947).
 * @example welchTTest([1, 2, 3, 4], [1, 2, 3, 4]) // => { statistic: 0, pValue: 1, df: 6, meanDifference: 0 }
 * @throws LockstepError `INVALID_ARGUMENT` naming `welchTTest` and the argument: `a` or `b` not an array of
 *   numbers or a Float64Array, with fewer than 2 values, holding NaN (drop missing values first) or
 *   ±Infinity; an unknown `options.alternative`.
 */
export function welchTTest(
  a: NumericSample,
  b: NumericSample,
  options: WelchTTestOptions = {},
): WelchTTestResult {
  const fn = 'welchTTest';
  const opts = checkOptions(fn, options);
  const alternative = checkAlternative(fn, opts.alternative);
  const x = checkedSample(fn, 'a', a, false);
  const y = checkedSample(fn, 'b', b, false);
  if (x.length < 2) throw invalidArgument(fn, 'a', 'must hold at least 2 values', x.length);
  if (y.length < 2) throw invalidArgument(fn, 'b', 'must hold at least 2 values', y.length);
  const [meanA, varA] = meanAndVariance(x);
  const [meanB, varB] = meanAndVariance(y);
  const vnA = varA / x.length;
  const vnB = varB / y.length;
  const se2 = vnA + vnB;
  const meanDifference = meanA - meanB;
  if (se2 === 0) {
    const statistic =
      meanDifference === 0 ? 0 : meanDifference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    const pValue =
      statistic === 0
        ? 1
        : alternative === 'two-sided'
          ? 0
          : (alternative === 'greater') === statistic > 0
            ? 0
            : 1;
    return { statistic, pValue, df: Number.NaN, meanDifference };
  }
  // Welch–Satterthwaite df on the variances scaled by the larger one: the same value, without squares
  // of tiny variances underflowing to 0 / 0.
  const big = Math.max(vnA, vnB);
  const [rA, rB] = [vnA / big, vnB / big];
  const df = ((rA + rB) * (rA + rB)) / ((rA * rA) / (x.length - 1) + (rB * rB) / (y.length - 1));
  const t = meanDifference / Math.sqrt(se2);
  const pValue =
    alternative === 'two-sided'
      ? 2 * studentTSf(Math.abs(t), df)
      : alternative === 'greater'
        ? studentTSf(t, df)
        : studentTCdf(t, df);
  return { statistic: t, pValue: clamp01(pValue), df, meanDifference };
}

/** Mean (Neumaier-compensated sum) and sample variance (n − 1) of finite values. */
function meanAndVariance(values: Float64Array): [number, number] {
  const n = values.length;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  const mean = (sum + compensation) / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return [mean, squares / (n - 1)];
}

// ----------------------------------------------------------------------------- Anderson–Darling k-sample

export interface AndersonDarlingResult {
  /** The normalized statistic (A²_kN − (k − 1)) / σ_N, as scipy's. */
  readonly statistic: number;
  /** Interpolated from Scholz & Stephens' table, floored at 0.001 and capped at 0.25 (see pValueCapped). */
  readonly pValue: number;
  /** True when the p-value is the floor 0.001 or the cap 0.25: the true value is beyond it. */
  readonly pValueCapped: boolean;
  /** The critical values for significance levels 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001. */
  readonly criticalValues: readonly number[];
}

const AD_SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const AD_B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const AD_B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const AD_B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

/**
 * k-sample Anderson–Darling test: are the samples drawn from one distribution? The midrank statistic
 * A²_akN of Scholz & Stephens (1987, eq. 7), valid with ties, standardized as (A² − (k − 1)) / σ_N; the
 * p-value is exp of a quadratic fitted (least squares) to ln(significance) against the k-dependent
 * critical values of their Table 2, floored at 0.001 and capped at 0.25 outside the table. Equals
 * scipy.stats.anderson_ksamp(samples, variant='midrank') (statistic and p-value; no permutation method).
 * Cost: O(N log N + k · distinct values).
 * Reference: Scholz & Stephens, "K-sample Anderson–Darling tests", JASA 82 (1987).
 * @example andersonDarling([[1, 2, 3, 4], [1, 2, 3, 4]]) // => { statistic: -1.6399445001598159, pValue: 0.25, pValueCapped: true, criticalValues: [0.32500000000000007, 1.226, 1.9609999999999999, 2.718, 3.752, 4.592, 6.546] }
 * @throws LockstepError `INVALID_ARGUMENT` naming `andersonDarling` and the argument: `samples` not an
 *   array of at least 2 samples, with fewer than 4 values in all or fewer than 2 distinct values; a sample
 *   (`samples[i]`) not an array of numbers or a Float64Array, empty, or holding NaN (drop missing values
 *   first).
 */
export function andersonDarling(samples: readonly NumericSample[]): AndersonDarlingResult {
  const fn = 'andersonDarling';
  if (!Array.isArray(samples) || samples.length < 2)
    throw invalidArgument(fn, 'samples', 'must be an array of at least 2 samples', samples);
  const sorted = samples.map((s, i) => sortedSample(fn, `samples[${i}]`, s));
  const k = sorted.length;
  const sizes = sorted.map((s) => s.length);
  const N = sizes.reduce((s, n) => s + n, 0);
  if (N < 4) throw invalidArgument(fn, 'samples', 'must hold at least 4 values in all', N);
  const pooled = new Float64Array(N);
  let at = 0;
  for (const s of sorted) {
    pooled.set(s, at);
    at += s.length;
  }
  sortFloat64(pooled);
  // Distinct values z_j, their multiplicities l_j, and B_j = #{Z < z_j} + l_j / 2.
  const distinct: number[] = [];
  const multiplicity: number[] = [];
  for (let i = 0; i < N; ) {
    const v = pooled[i]!;
    let e = i;
    while (e < N && pooled[e] === v) e++;
    distinct.push(v);
    multiplicity.push(e - i);
    i = e;
  }
  if (distinct.length < 2) throw invalidArgument(fn, 'samples', 'must hold at least 2 distinct values');

  let a2 = 0;
  for (let s = 0; s < k; s++) {
    const sample = sorted[s]!;
    const n = sample.length;
    let inner = 0;
    let below = 0; // #{Z < z_j}
    let pos = 0; // #{sample ≤ previous z}
    for (let j = 0; j < distinct.length; j++) {
      const v = distinct[j]!;
      const l = multiplicity[j]!;
      const start = pos;
      while (pos < n && sample[pos] === v) pos++;
      const f = pos - start;
      const M = pos - f / 2;
      const B = below + l / 2;
      inner += ((l / N) * (N * M - B * n) ** 2) / (B * (N - B) - (N * l) / 4);
      below += l;
    }
    a2 += inner / n;
  }
  a2 *= (N - 1) / N;

  // σ²_N from Scholz & Stephens (1987, p. 920).
  let H = 0;
  for (const n of sizes) H += 1 / n;
  let hCumulative = 0; // Σ_{i=N−1 down to 2} 1/i, running
  let g = 0;
  for (let idx = 0; idx < N - 2; idx++) {
    hCumulative += 1 / (N - 1 - idx);
    g += hCumulative / (idx + 2);
  }
  const h = hCumulative + 1;
  const A = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const Bc = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const C = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const D = (2 * h + 6) * k * k - 4 * h * k;
  const sigma2 = (A * N ** 3 + Bc * N ** 2 + C * N + D) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const statistic = (a2 - m) / Math.sqrt(sigma2);

  const criticalValues = AD_B0.map((b0, i) => b0 + AD_B1[i]! / Math.sqrt(m) + AD_B2[i]! / m);
  const low = Math.min(...criticalValues);
  const high = Math.max(...criticalValues);
  if (statistic < low) return { statistic, pValue: 0.25, pValueCapped: true, criticalValues };
  if (statistic > high) return { statistic, pValue: 0.001, pValueCapped: true, criticalValues };
  const logSignificanceAt = quadraticFit(
    criticalValues,
    AD_SIGNIFICANCE.map((s) => Math.log(s)),
  );
  return { statistic, pValue: Math.exp(logSignificanceAt(statistic)), pValueCapped: false, criticalValues };
}

/**
 * The least-squares quadratic through (x_i, y_i), as a function (numpy.polyfit(x, y, 2) then polyval).
 * Solved by the normal equations in x centred and scaled to [-1, 1], where they are well conditioned.
 */
function quadraticFit(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  const n = xs.length;
  const mid = xs.reduce((s, v) => s + v, 0) / n;
  const half = Math.max(...xs.map((v) => Math.abs(v - mid)));
  const t = xs.map((v) => (v - mid) / half);
  // Normal equations M c = r with M_pq = Σ t^(p+q), r_p = Σ t^p y.
  const M = [0, 1, 2].map((p) => [0, 1, 2].map((q) => t.reduce((s, v) => s + v ** (p + q), 0)));
  const r = [0, 1, 2].map((p) => t.reduce((s, v, i) => s + v ** p * ys[i]!, 0));
  // Gaussian elimination with partial pivoting on the 3 × 3 system.
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let row = col + 1; row < 3; row++)
      if (Math.abs(M[row]![col]!) > Math.abs(M[pivot]![col]!)) pivot = row;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    [r[col], r[pivot]] = [r[pivot]!, r[col]!];
    for (let row = col + 1; row < 3; row++) {
      const factor = M[row]![col]! / M[col]![col]!;
      for (let q = col; q < 3; q++) M[row]![q]! -= factor * M[col]![q]!;
      r[row]! -= factor * r[col]!;
    }
  }
  const c = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let s = r[row]!;
    for (let q = row + 1; q < 3; q++) s -= M[row]![q]! * c[q]!;
    c[row] = s / M[row]![row]!;
  }
  return (x) => {
    const v = (x - mid) / half;
    return c[0]! + v * (c[1]! + v * c[2]!);
  };
}
