// The two-proportion z-test (zTestProportions), as statsmodels' proportions_ztest; see samples.ts for
// the shared argument rules.

import { invalidArgument } from '../core/errors.js';
import { clamp01 } from '../core/math/common.js';
import { normalCdf, normalSf } from '../core/math/normal.js';
import { type Alternative, checkAlternative, checkOptions } from './samples.js';

/** The known option keys. */
const KEYS = ['alternative'] as const;
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
 *   positive integer, `successesA` or `successesB` not an integer in [0, n]; an unknown option key
 *   (naming the closest) or `options.alternative`.
 */
export function zTestProportions(
  successesA: number,
  nA: number,
  successesB: number,
  nB: number,
  options: ZTestProportionsOptions = {},
): ZTestProportionsResult {
  const fn = 'zTestProportions';
  const opts = checkOptions(fn, options, KEYS);
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
