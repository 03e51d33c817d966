// The beta family: the regularized incomplete beta function and Student's t distribution built on it, in
// float64, accurate to about 1e-12 relative (most to a few ulps) over the ranges the two-sample tests use.
// Out-of-domain arguments give NaN, as scipy.special does; callers (the two-sample tests of lockstep/drift)
// check their arguments before calling these. The code is written from the maths, not translated.
//
// Sources:
//  - incomplete beta: Numerical Recipes (Press et al., 3rd ed., §6.4): continued fraction evaluated by the
//    modified Lentz method (Lentz 1976; Thompson & Barnett 1986), with the prefactor x^a y^b / B(a, b)
//    computed from Stirling's series so that the large terms cancel analytically (Temme, "Special
//    Functions", 1996, §11.3); for large a and small b the expansion behind BGRAT (DiDonato & Morris,
//    "Significant digit computation of the incomplete beta function ratios", ACM TOMS 18, 1992).

import { clamp01, EPS, LOG_SQRT_2PI, TINY } from './common.js';
import {
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
  scaledLogRatio,
  stirlingCorrection,
} from './gamma.js';

/** ln(x^a y^b / B(a, b)) with y = 1 − x given separately; the large terms cancel analytically. */
function logBetaPrefix(a: number, b: number, x: number, y: number): number {
  const c = a + b;
  if (a >= 10 && b >= 10) {
    // ln B = a ln(a/c) + b ln(b/c) − ½ ln(ab/c) + ½ ln 2π + corr(a) + corr(b) − corr(c). With
    // w = xb − ya, x c/a = 1 + w/a and y c/b = 1 − w/b, and the linear parts of a ln(xc/a) + b ln(yc/b)
    // cancel: a w/a − b w/b = 0.
    const w = x * b - y * a;
    return (
      scaledLogRatio(a, (x * c) / a, w / a) +
      scaledLogRatio(b, (y * c) / b, -w / b) +
      0.5 * Math.log((a / c) * b) -
      LOG_SQRT_2PI -
      stirlingCorrection(a) -
      stirlingCorrection(b) +
      stirlingCorrection(c)
    );
  }
  if (a >= 10 || b >= 10) {
    // One large parameter (say a): ln Γ(a) − ln Γ(c) = −(a − ½) ln(c/a) − b ln c + b + corr(a) − corr(c),
    // so the prefix is a ln(xc/a) + ½ ln(a/c) + b ln(yc) − b − ln Γ(b) − corr(a) + corr(c).
    const [big, small, xBig, xSmall] = a >= 10 ? [a, b, x, y] : [b, a, y, x];
    const u = (xBig * small - xSmall * big) / big; // xBig·c/big − 1
    const logRatio = Math.abs(u) <= 0.5 ? Math.log1p(u) : Math.log((xBig * c) / big);
    return (
      big * logRatio +
      0.5 * Math.log(big / c) +
      small * Math.log(xSmall * c) -
      small -
      logGamma(small) -
      stirlingCorrection(big) +
      stirlingCorrection(c)
    );
  }
  return a * Math.log(x) + b * Math.log(y) - logGamma(a) - logGamma(b) + logGamma(c);
}

/** The k-th partial numerator (k ≥ 1) of the continued fraction I_x(a, b) = prefix / (a (1 + d₁/(1 + d₂/…))). */
function betaFractionTerm(a: number, b: number, x: number, k: number): number {
  const m = k >> 1;
  if (k % 2 === 0) return (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
  return (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
}

/**
 * The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) of I_x(a, b) (Numerical Recipes' betacf). The
 * modified Lentz method finds how many terms it needs; the value is then summed from that depth back up,
 * because with a large and x near the switch-over point the partial numerators approach −1 and the forward
 * evaluation loses digits (1e-12 relative at a = 10⁴), the backward one does not.
 */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 0;
  let depth = 0;
  const maxTerms = 2000 + 40 * Math.ceil(Math.sqrt(Math.max(a, b)));
  for (let k = 1; k < maxTerms; k++) {
    const term = betaFractionTerm(a, b, x, k);
    d = 1 + term * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + term / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    depth = k;
    if (k % 2 === 0 && Math.abs(delta - 1) < EPS) break;
  }
  let f = 1;
  for (let k = Math.min(2 * depth + 20, maxTerms); k >= 1; k--) f = 1 + betaFractionTerm(a, b, x, k) / f;
  return 1 / f;
}

/**
 * c_k = B_2k / (2k (2k)!): ln(sinh(w/2) / (w/2)) = Σ_{k≥1} c_k w^(2k) (B_2k the Bernoulli numbers).
 */
const SINH_LOG_COEFFICIENTS = [
  0.041666666666666664, -0.00034722222222222224, 5.5114638447971785e-6, -1.033399470899471e-7,
  2.08767569878681e-9, -4.403491782239578e-11, 9.55895466477477e-13, -2.1185501852016142e-14,
  4.770034475709914e-16, -1.087434349279031e-17, 2.5040921947091955e-19, -5.814360285755218e-21,
  1.3595027075497952e-22, -3.1976847953705525e-24, 7.559841507792277e-26, -1.7952470840225633e-27,
  4.279919045926073e-29, -1.0238874835181417e-30, 2.4570353308144855e-32, -5.912556039251575e-34,
];

/**
 * I_x(a, b) (or 1 − I_x(a, b) when `complement`) for large a and small b, for −ln x ≤ 1, by the expansion
 * behind DiDonato & Morris's BGRAT (1992): with W = −ln X, X ~ Beta(a, b), T = a + (b − 1)/2 and
 * (1 − e^−w)^(b−1) = w^(b−1) e^(−(b−1)w/2) g(w), g(w) = (sinh(w/2)/(w/2))^(b−1) = Σ p_n w^(2n),
 * I_x(a, b) = P(W ≥ −ln x) = Γ(a+b)/(Γ(a) T^b) Σ_n p_n (b)_2n Q(b + 2n, u) / T^(2n), u = −T ln x
 * (and P in place of Q for the complement). Here the continued fraction is ill-conditioned (its value is
 * about a, and rounding in its terms is amplified by as much), while every term of this sum is positive.
 */
function betaLargeA(a: number, b: number, x: number, y: number, complement: boolean): number {
  const T = a + (b - 1) / 2;
  const w = y < 0.5 ? -Math.log1p(-y) : -Math.log(x);
  const u = T * w;
  const c = a + b;
  // ln(Γ(a+b) / (Γ(a) T^b)) = (a − ½) ln(c/a) + b ln(c/T) − b + corr(c) − corr(a), all terms moderate.
  const logScale =
    (a - 0.5) * Math.log1p(b / a) +
    b * Math.log1p((b + 1) / (2 * T)) -
    b +
    stirlingCorrection(c) -
    stirlingCorrection(a);
  const p: number[] = [1];
  let gamma = complement ? regularizedGammaP(b, u) : regularizedGammaQ(b, u); // at s = b + 2n
  // u^s e^−u / Γ(s + 1), the step Q(s + 1, u) − Q(s, u) = P(s, u) − P(s + 1, u).
  let step = Math.exp(b * Math.log(u) - u - logGamma(b + 1));
  let pochhammer = 1; // (b)_2n
  let inverseT2n = 1;
  let sum = gamma;
  for (let n = 1; n <= SINH_LOG_COEFFICIENTS.length; n++) {
    let pn = 0;
    for (let k = 1; k <= n; k++) pn += k * SINH_LOG_COEFFICIENTS[k - 1]! * p[n - k]!;
    pn *= (b - 1) / n;
    p.push(pn);
    const s = b + 2 * n - 2;
    if (complement) {
      gamma = regularizedGammaP(s + 2, u);
    } else {
      gamma += step;
      step *= u / (s + 1);
      gamma += step;
      step *= u / (s + 2);
    }
    pochhammer *= s * (s + 1);
    inverseT2n /= T * T;
    const term = pn * pochhammer * gamma * inverseT2n;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.05) break;
  }
  return clamp01(Math.exp(logScale) * sum);
}

/**
 * Regularized incomplete beta I_x(a, b) = B(x; a, b) / B(a, b) for a, b > 0 and 0 ≤ x ≤ 1. Pass `y`
 * = 1 − x when it is known more accurately than 1 − x rounds to (as for Student's t). Continued fraction
 * for x < (a + 1) / (a + b + 2), else 1 − I_y(b, a).
 * @example [regularizedBeta(0.5, 2, 2), regularizedBeta(0.25, 1, 1)] // => [0.5, 0.25]
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1)) return Number.NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  // Large a, small b near x = 1 (Student's t with many degrees of freedom): the expansion, not the fraction.
  if (a >= 15 && b <= 1 && x >= 0.36787944117144233) return betaLargeA(a, b, x, y, false);
  if (b >= 15 && a <= 1 && y >= 0.36787944117144233) return betaLargeA(b, a, y, x, true);
  if (x * (a + b + 2) < a + 1) return (Math.exp(logBetaPrefix(a, b, x, y)) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(logBetaPrefix(b, a, y, x)) * betaFraction(b, a, y)) / b;
}

/**
 * Survival function of Student's t with `df` degrees of freedom, P(T > t) = ½ I_{df/(df+t²)}(df/2, ½)
 * for t > 0 (and 1 minus that for t < 0), as scipy.stats.t.sf; accurate in both tails.
 * @example [studentTSf(0, 3), studentTSf(2.7764451051977987, 4)] // => [0.5, 0.024999999999999894]
 */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return Number.NaN;
  if (t === 0) return 0.5;
  const t2 = t * t;
  let x: number; // df / (df + t²)
  let y: number; // t² / (df + t²)
  if (t2 > df) {
    const r = df / t2;
    x = r / (1 + r);
    y = 1 / (1 + r);
  } else {
    const r = t2 / df;
    x = 1 / (1 + r);
    y = r / (1 + r);
  }
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, y); // P(T > |t|)
  return t > 0 ? tail : 1 - tail;
}

/**
 * Cumulative distribution function of Student's t: P(T ≤ t) = studentTSf(−t, df), as scipy.stats.t.cdf.
 * @example [studentTCdf(0, 10), studentTCdf(-Infinity, 10)] // => [0.5, 0]
 */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}
