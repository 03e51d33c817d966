// Binomial probabilities and binomial coefficients, for the Kolmogorov–Smirnov laws (kolmogorov.ts), in
// float64, accurate to about 1e-12 relative (most to a few ulps) over the ranges the two-sample tests use.
// Out-of-domain arguments give NaN, as scipy.special does; callers (the two-sample tests of lockstep/drift)
// check their arguments before calling these. The code is written from the maths, not translated.
//
// Source: Loader, "Fast and accurate computation of binomial probabilities" (2000): the saddle-point form,
// with Stirling's error and the deviance term computed without cancellation.

import { LOG_SQRT_2PI } from './common.js';
import { logGamma, stirlingCorrection } from './gamma.js';

/** ln(n!) − ln(√(2πn) (n/e)^n), the error of Stirling's formula (Loader 2000). */
function stirlingError(n: number): number {
  if (n > 15) return stirlingCorrection(n);
  return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LOG_SQRT_2PI;
}

/** The deviance term x ln(x / m) + m − x, computed without cancellation when x ≈ m (Loader 2000). */
function devianceTerm(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * Binomial probability C(n, k) p^k q^(n−k) for 0 < k < n, given n·p and n·q (= n − n·p) to full
 * accuracy; relative error a few ulps (Loader's saddle-point form, no large cancelling logarithms).
 */
export function binomialPmf(k: number, n: number, np: number, nq: number): number {
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    devianceTerm(k, np) -
    devianceTerm(n - k, nq);
  return Math.exp(lc) * Math.sqrt(n / (2 * Math.PI * k * (n - k)));
}

/** ln C(n, k) for integers 0 ≤ k ≤ n. */
export function logBinomial(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
