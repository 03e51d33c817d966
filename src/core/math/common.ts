// Shared by the special functions of core/math (gamma.ts, beta.ts, normal.ts, binomial.ts, kolmogorov.ts,
// mann-whitney.ts): float64 constants and the clamp every probability goes through.

export const LOG_SQRT_2PI = 0.9189385332046728; // ½ ln(2π)
export const SQRT_2PI = 2.5066282746310002;
export const LOG_SQRT_PI = 0.5723649429247001; // ½ ln π
export const INV_SQRT_PI = 0.5641895835477563; // 1 / √π
export const EPS = 2.220446049250313e-16;
export const TINY = 1e-300; // Lentz's stand-in for a zero denominator
export const LOG_MAX = 709.782712893384; // ln(Number.MAX_VALUE)
export const LOG_MIN_NORMAL = -708.3964185322641; // ln(2^-1022)
export const TWO_POW_128 = 3.402823669209385e38;
export const TWO_POW_MINUS_128 = 2.938735877055719e-39;

/** p clamped to [0, 1]: a probability computed in floating point can stray just outside. */
export function clamp01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
