// The exact null distribution of the Mann–Whitney U statistic (no ties), in float64, accurate to about
// 1e-12 relative (most to a few ulps) over the ranges the two-sample tests use. Out-of-domain arguments
// give NaN, as scipy.special does; callers (the two-sample tests of lockstep/drift) check their arguments
// before calling these. The code is written from the maths, not translated.
//
// Source: the distribution's generating function is the Gaussian binomial coefficient [n1 + n2 choose n1]_q
// (Mann & Whitney, Ann. Math. Stat. 18, 1947; Andrews, "The Theory of Partitions", 1976, §3.3).

import { clamp01 } from './common.js';

/**
 * P(U ≤ k) for the Mann–Whitney U statistic of samples of sizes n1 and n2 without ties. The counts of U's
 * null distribution are the coefficients of the Gaussian binomial coefficient
 * [n1 + n2 choose m]_q = Π_{i=1}^{m} (1 − q^(N+i)) / (1 − q^i), m = min(n1, n2), N = max(n1, n2), built
 * factor by factor (divide by 1 − q^i: a running sum with stride i; then multiply by 1 − q^(N+i)) and
 * truncated at degree k; after factor i they are divided by C(N + i, i) (multiplied by i / (N + i)), so
 * they stay probabilities and never overflow. O(m·k) time, O(k) memory.
 */
function mannWhitneyCdf(n1: number, n2: number, k: number): number {
  const m = Math.min(n1, n2);
  const big = Math.max(n1, n2);
  const mass = new Float64Array(k + 1);
  mass[0] = 1;
  for (let i = 1; i <= m; i++) {
    for (let u = i; u <= k; u++) mass[u]! += mass[u - i]!;
    const shift = big + i;
    for (let u = k; u >= shift; u--) mass[u]! -= mass[u - shift]!;
    const scale = i / shift;
    for (let u = 0; u <= k; u++) mass[u]! *= scale;
  }
  let below = 0;
  for (let u = 0; u <= k; u++) below += mass[u]!;
  return below;
}

/**
 * Exact P(U ≥ u) for the Mann–Whitney U statistic of two samples of sizes n1 and n2 without ties (the
 * null distribution is symmetric about n1·n2/2; the smaller tail is summed). As
 * scipy.stats.mannwhitneyu(method='exact') before its doubling for a two-sided test. Cost
 * O(min(n1, n2) · min(u, n1·n2 − u)).
 * @example [mannWhitneyUSf(2, 2, 4), mannWhitneyUSf(2, 2, 0)] // => [0.16666666666666666, 1]
 */
export function mannWhitneyUSf(n1: number, n2: number, u: number): number {
  const total = n1 * n2;
  if (u <= 0) return 1;
  if (u > total) return 0;
  const upper = total - u; // P(U ≥ u) = P(U ≤ n1 n2 − u)
  if (upper <= u - 1) return clamp01(mannWhitneyCdf(n1, n2, upper));
  return clamp01(1 - mannWhitneyCdf(n1, n2, u - 1));
}
