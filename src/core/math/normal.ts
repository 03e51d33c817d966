// The normal family: erf, erfc and the standard normal distribution, in float64, accurate to about 1e-12
// relative (most to a few ulps) over the ranges the two-sample tests use. Out-of-domain arguments give NaN,
// as scipy.special does; callers (the two-sample tests of lockstep/drift) check their arguments before
// calling these. The code is written from the maths, not translated.
//
// Sources: Maclaurin series for small arguments, Laplace's continued fraction above, with exp(-x²) split so
// that x² is not rounded (Cody, "Rational Chebyshev approximations for the error function", Math. Comp.
// 23, 1969); Φ as scipy.special.ndtr computes it from them.

import { EPS, INV_SQRT_PI, TINY } from './common.js';

/** exp(−x²) without rounding x² first: x = hi + lo with hi on a 2^-16 grid, so hi² is exact. */
function expMinusSquare(x: number): number {
  const hi = Math.floor(x * 65536) / 65536;
  return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
}

/** erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)) for |x| ≤ 1 (terms fall monotonically). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let power = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    power *= -x2 / n;
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.25) break;
  }
  return 2 * INV_SQRT_PI * sum;
}

/** erfc(x) for x ≥ 1 by Laplace's continued fraction x + ½/(x + 1/(x + 3/2/(x + 2/(x + …)))), Lentz. */
function erfcFraction(x: number): number {
  if (x > 27.3) return 0; // below the smallest subnormal
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = x + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return (expMinusSquare(x) * INV_SQRT_PI) / f;
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.
 * @example [erf(0), erf(Infinity)] // => [0, 1]
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) <= 1) return erfSeries(x);
  const tail = erfcFraction(Math.abs(x));
  return x > 0 ? 1 - tail : tail - 1;
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), accurate to a few ulps relative for x > 0 up to
 * its underflow near x = 27.2 (the continued fraction computes the tail itself).
 * @example [erfc(0), erfc(-Infinity)] // => [1, 2]
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < -1) return 2 - erfcFraction(-x);
  if (x <= 1) return 1 - erfSeries(x);
  return erfcFraction(x);
}

/**
 * Standard normal cumulative distribution function Φ(x), computed as scipy.special.ndtr does: with
 * t = x/√2, ½ + ½ erf(t) for |t| < 1/√2, else ½ erfc(|t|) (or 1 minus it), so the lower tail is
 * accurate to a few ulps relative.
 * @example [normalCdf(0), normalCdf(-Infinity)] // => [0.5, 0]
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  const t = x * Math.SQRT1_2;
  const z = Math.abs(t);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * erf(t);
  const half = 0.5 * erfc(z);
  return t > 0 ? 1 - half : half;
}

/**
 * Standard normal survival function 1 − Φ(x) = Φ(−x), accurate in the upper tail.
 * @example [normalSf(0), normalSf(Infinity)] // => [0.5, 0]
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}
