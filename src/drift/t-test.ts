// Welch's unequal-variance t-test (welchTTest), as scipy.stats.ttest_ind(equal_var=False); see
// samples.ts for the shared argument rules.

import { invalidArgument } from '../core/errors.js';
import { studentTCdf, studentTSf } from '../core/math/beta.js';
import { clamp01 } from '../core/math/common.js';
import {
  type Alternative,
  checkAlternative,
  checkedSample,
  checkOptions,
  type NumericSample,
} from './samples.js';

/** The known option keys. */
const KEYS = ['alternative'] as const;
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
 *   numbers (at most 2^25) or a Float64Array, with fewer than 2 values, holding NaN (drop missing values
 *   first) or ±Infinity; an unknown option key (naming the closest) or `options.alternative`.
 */
export function welchTTest(
  a: NumericSample,
  b: NumericSample,
  options: WelchTTestOptions = {},
): WelchTTestResult {
  const fn = 'welchTTest';
  const opts = checkOptions(fn, options, KEYS);
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
