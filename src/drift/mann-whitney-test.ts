// The Mann–Whitney U test (mannWhitneyU), as scipy.stats.mannwhitneyu; see samples.ts for the shared
// argument rules.

import { clamp01 } from '../core/math/common.js';
import { mannWhitneyUSf } from '../core/math/mann-whitney.js';
import { normalCdf } from '../core/math/normal.js';
import {
  type Alternative,
  checkAlternative,
  checkBoolean,
  checkChoice,
  checkOptions,
  type NumericSample,
  sortedSample,
} from './samples.js';

/** The known option keys. */
const KEYS = ['alternative', 'method', 'continuity'] as const;
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
 *   of numbers (at most 2^25) or a Float64Array, empty, or holding NaN (drop missing values first); an
 *   unknown option key (naming the closest), `options.alternative` or `options.method`;
 *   `options.continuity` not a boolean.
 */
export function mannWhitneyU(
  a: NumericSample,
  b: NumericSample,
  options: MannWhitneyUOptions = {},
): MannWhitneyUResult {
  const fn = 'mannWhitneyU';
  const opts = checkOptions(fn, options, KEYS);
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
