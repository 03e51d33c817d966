// The chi-square test of homogeneity for two categorical samples (chiSquareTest), as
// scipy.stats.chi2_contingency; see samples.ts for the shared argument rules.

import { describe, invalidArgument } from '../core/errors.js';
import { clamp01 } from '../core/math/common.js';
import { chiSquareSf } from '../core/math/gamma.js';
import {
  type CategoricalSample,
  checkBoolean,
  checkOptions,
  MAX_SAMPLE_VALUES,
  readGuarded,
} from './samples.js';

/** The known option keys. */
const KEYS = ['correction'] as const;
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
 *   `current` not a Map or object of counts or an array of strings (at most 2^25), a count that is
 *   negative or not finite, a value that is not a string (drop missing values first), a sample whose
 *   total count is 0; an unknown option key (naming the closest); `options.correction` not a boolean.
 */
export function chiSquareTest(
  reference: CategoricalSample,
  current: CategoricalSample,
  options: ChiSquareTestOptions = {},
): ChiSquareTestResult {
  const fn = 'chiSquareTest';
  const opts = checkOptions(fn, options, KEYS);
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
  return readGuarded(fn, arg, () => readCounts(fn, arg, sample));
}

function readCounts(fn: string, arg: string, sample: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: unknown, count: unknown) => {
    if (typeof key !== 'string') throw invalidArgument(fn, arg, 'must use strings as categories', key);
    if (typeof count !== 'number' || !(count >= 0) || count === Number.POSITIVE_INFINITY)
      throw invalidArgument(fn, arg, `must hold finite counts ≥ 0 (category ${describe(key)})`, count);
    counts.set(key, (counts.get(key) ?? 0) + count);
  };
  if (Array.isArray(sample)) {
    if (sample.length > MAX_SAMPLE_VALUES)
      throw invalidArgument(
        fn,
        arg,
        `must hold at most ${MAX_SAMPLE_VALUES} values as an array (pass larger samples as counts), got ${sample.length}`,
      );
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
