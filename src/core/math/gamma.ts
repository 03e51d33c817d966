// The gamma family: log-gamma, the regularized incomplete gamma functions P and Q, and the chi-square
// survival function, in float64, accurate to about 1e-12 relative (most to a few ulps) over the ranges the
// two-sample tests use. Out-of-domain arguments give NaN, as scipy.special does; callers (the two-sample
// tests of lockstep/drift) check their arguments before calling these. The code is written from the maths,
// not translated.
//
// Sources:
//  - log-gamma: Stirling's series with the Bernoulli-number correction for x ≥ 10, the recurrence below;
//  - incomplete gamma: Numerical Recipes (Press et al., 3rd ed., §6.2): power series and continued fraction
//    evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986), with the prefactor
//    x^a e^-x / Γ(a) computed from Stirling's series so that the large terms cancel analytically (Temme,
//    "Special Functions", 1996, §11.3; DiDonato & Morris 1992).

import { EPS, LOG_SQRT_2PI, LOG_SQRT_PI, TINY } from './common.js';

/** Σ B_2k / (2k (2k−1) x^(2k−1)), the Stirling-series remainder ln Γ(x) − [(x−½) ln x − x + ½ ln 2π]; x ≥ 10. */
export function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (
    (0.08333333333333333 +
      r *
        (-0.002777777777777778 +
          r *
            (0.0007936507936507937 +
              r *
                (-0.0005952380952380952 +
                  r * (0.0008417508417508417 + r * (-0.0019175269175269176 + r * 0.00641025641025641)))))) /
    x
  );
}

/**
 * ln Γ(x) for x > 0: Stirling's series with seven correction terms for x ≥ 10 (error < 1e-17 relative),
 * Γ(x) = Γ(x + k) / (x (x+1) … (x+k−1)) below, and the factorial products for whole and half-whole x < 10.
 * NaN for x ≤ 0 or NaN. Absolute error about 2e-15 near the zeros at 1 and 2, relative error a few ulps
 * elsewhere. Equals scipy.special.gammaln for x > 0.
 * @example [logGamma(1), logGamma(4), logGamma(0.5)] // => [0, 1.791759469228055, 0.5723649429247001]
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x);
  if (Number.isInteger(2 * x)) {
    // Whole and half-whole x (degrees of freedom over 2): Γ(n) = (n − 1)!, Γ(n + ½) = (n − ½)(n − 3/2)…(½)√π,
    // a product good to a few ulps, so ln Γ is too (ln Γ(1) = ln Γ(2) = 0 exactly).
    let product = 1;
    for (let y = x - 1; y > 0; y -= 1) product *= y;
    return Number.isInteger(x) ? Math.log(product) : Math.log(product) + LOG_SQRT_PI;
  }
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + stirlingCorrection(y) - Math.log(product);
}

/** log1p(u) − u, accurate also where the two nearly cancel (|u| small). */
function log1pmx(u: number): number {
  if (Math.abs(u) > 0.5) return Math.log1p(u) - u;
  // log1p(u) = 2 atanh(v) with v = u / (2 + u), and u − 2v = u v, so log1p(u) − u = −u v + 2 (v³/3 + v⁵/5 …).
  const v = u / (2 + u);
  const v2 = v * v;
  let power = v * v2;
  let sum = 0;
  for (let k = 3; ; k += 2) {
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.5) break;
    power *= v2;
  }
  return 2 * sum - u * v;
}

/**
 * a (ln r − r + 1) for a ratio r = 1 + u: through log1pmx(u) near r = 1, where u carries the accuracy,
 * and through ln r away from it, where r does (1 + u rounded would lose digits as r → 0).
 */
export function scaledLogRatio(a: number, r: number, u: number): number {
  return Math.abs(u) <= 0.5 ? a * log1pmx(u) : a * (Math.log(r) - u);
}

/** ln(x^a e^−x / Γ(a)), with the large terms of ln Γ(a) cancelled analytically when a ≥ 10. */
function logGammaPrefix(a: number, x: number): number {
  // a ln x − x − ln Γ(a) = a (ln(x/a) − (x/a − 1)) + ½ ln a − ½ ln 2π − corr(a)
  if (a >= 10)
    return scaledLogRatio(a, x / a, (x - a) / a) + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorrection(a);
  return a * Math.log(x) - x - logGamma(a);
}

// ------------------------------------------------------------------------------------ incomplete gamma

/** Σ x^n / ((a+1)…(a+n)) · x^a e^−x / Γ(a+1): the lower regularized gamma P(a, x); converges for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  const maxIterations = 1000 + 20 * Math.ceil(Math.sqrt(a));
  for (let n = 1; n < maxIterations; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS * 0.5) break;
  }
  return sum * Math.exp(logGammaPrefix(a, x));
}

/** Upper regularized gamma Q(a, x) by its continued fraction (Lentz); converges fast for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  // Q = prefix / (x + 1 − a − 1(1−a) / (x + 3 − a − 2(2−a) / (x + 5 − a − …)))
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  const maxIterations = 1000 + 20 * Math.ceil(Math.sqrt(a));
  for (let i = 1; i < maxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logGammaPrefix(a, x)) * h;
}

/**
 * Lower regularized incomplete gamma P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0: the series for
 * x < a + 1, else 1 − Q by the continued fraction. NaN outside the domain.
 * @example [regularizedGammaP(1, 2), regularizedGammaP(3, 0)] // => [0.8646647167633873, 0]
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQFraction(a, x);
}

/**
 * Upper regularized incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), accurate to about 1e-14
 * relative also deep in the upper tail (the continued fraction computes Q itself there).
 * @example [regularizedGammaQ(1, 2), regularizedGammaQ(0.5, 0)] // => [0.1353352832366127, 1]
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/**
 * Survival function of the chi-square distribution with `dof` degrees of freedom: P(X ≥ x) =
 * Q(dof / 2, x / 2), as scipy.stats.chi2.sf. 1 for x ≤ 0; NaN when dof ≤ 0.
 * @example [chiSquareSf(3.841458820694124, 1), chiSquareSf(0, 4)] // => [0.05000000000000011, 1]
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}
