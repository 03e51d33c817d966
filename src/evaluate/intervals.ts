// Confidence intervals of a metric. Two kinds, chosen per metric by evaluate():
//  - Wilson's score interval, for metrics that are a proportion of rows (accuracy; precision and recall
//    of the positive class), with n the Kish effective size (Σw)² / Σw² of the rows the proportion is
//    over, which is the row count when every weight is 1. Reference: Wilson (1927); Brown, Cai and
//    DasGupta (2001) recommend it over the normal (Wald) interval, which collapses at 0 and 1.
//  - the percentile bootstrap, for every metric: `resamples` resamples of the slice's rows drawn with
//    replacement from a seeded createRng, the metric computed on each, and the (1 − level)/2 and
//    (1 + level)/2 quantiles of the values (numpy.percentile's linear rule). Resamples on which the
//    metric is undefined (one class drawn, for ROC AUC) are left out and counted.
//    Reference: Efron and Tibshirani (1993), ch. 13.
import { normalCdf } from '../core/math/normal.js';

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one
 * Halley step on normalCdf, accurate to about 1e-15.
 */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Wilson's score interval of a proportion p over n (effective) rows at normal quantile z; NaN when n is 0. */
export function wilsonInterval(p: number, n: number, z: number): [number, number] {
  if (!(n > 0) || Number.isNaN(p)) return [Number.NaN, Number.NaN];
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At p = 0 and p = 1 the bound is exactly 0 or 1; rounding alone would leave it a hair inside.
  return [p === 0 ? 0 : Math.max(0, center - half), p === 1 ? 1 : Math.min(1, center + half)];
}

/** The q-quantile (q in [0, 1]) of sorted values by linear interpolation (numpy.percentile's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
