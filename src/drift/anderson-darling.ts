// The k-sample Anderson–Darling test (andersonDarling), as scipy.stats.anderson_ksamp; see samples.ts for
// the shared argument rules.

import { invalidArgument } from '../core/errors.js';
import { sortFloat64 } from '../core/sort.js';
import { type NumericSample, readGuarded, sortedSample } from './samples.js';

export interface AndersonDarlingResult {
  /** The normalized statistic (A²_kN − (k − 1)) / σ_N, as scipy's. */
  readonly statistic: number;
  /** Interpolated from Scholz & Stephens' table, floored at 0.001 and capped at 0.25 (see pValueCapped). */
  readonly pValue: number;
  /** True when the p-value is the floor 0.001 or the cap 0.25: the true value is beyond it. */
  readonly pValueCapped: boolean;
  /** The critical values for significance levels 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001. */
  readonly criticalValues: readonly number[];
}

const AD_SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const AD_B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const AD_B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const AD_B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

/**
 * k-sample Anderson–Darling test: are the samples drawn from one distribution? The midrank statistic
 * A²_akN of Scholz & Stephens (1987, eq. 7), valid with ties, standardized as (A² − (k − 1)) / σ_N; the
 * p-value is exp of a quadratic fitted (least squares) to ln(significance) against the k-dependent
 * critical values of their Table 2, floored at 0.001 and capped at 0.25 outside the table. Equals
 * scipy.stats.anderson_ksamp(samples, variant='midrank') (statistic and p-value; no permutation method).
 * Cost: O(N log N + k · distinct values).
 * Reference: Scholz & Stephens, "K-sample Anderson–Darling tests", JASA 82 (1987).
 * @example andersonDarling([[1, 2, 3, 4], [1, 2, 3, 4]]) // => { statistic: -1.6399445001598159, pValue: 0.25, pValueCapped: true, criticalValues: [0.32500000000000007, 1.226, 1.9609999999999999, 2.718, 3.752, 4.592, 6.546] }
 * @throws LockstepError `INVALID_ARGUMENT` naming `andersonDarling` and the argument: `samples` not an
 *   array of 2 to 1,000 samples, with fewer than 4 values in all or fewer than 2 distinct values; a sample
 *   (`samples[i]`) not an array of numbers or a Float64Array, empty, or holding NaN (drop missing values
 *   first).
 */
export function andersonDarling(samples: readonly NumericSample[]): AndersonDarlingResult {
  const fn = 'andersonDarling';
  const sorted = readGuarded(fn, 'samples', () => sortedSamples(fn, samples));
  const k = sorted.length;
  const sizes = sorted.map((s) => s.length);
  const N = sizes.reduce((s, n) => s + n, 0);
  if (N < 4) throw invalidArgument(fn, 'samples', 'must hold at least 4 values in all', N);
  const pooled = new Float64Array(N);
  let at = 0;
  for (const s of sorted) {
    pooled.set(s, at);
    at += s.length;
  }
  sortFloat64(pooled);
  // Distinct values z_j, their multiplicities l_j, and B_j = #{Z < z_j} + l_j / 2.
  const distinct: number[] = [];
  const multiplicity: number[] = [];
  for (let i = 0; i < N; ) {
    const v = pooled[i]!;
    let e = i;
    while (e < N && pooled[e] === v) e++;
    distinct.push(v);
    multiplicity.push(e - i);
    i = e;
  }
  if (distinct.length < 2) throw invalidArgument(fn, 'samples', 'must hold at least 2 distinct values');

  let a2 = 0;
  for (let s = 0; s < k; s++) {
    const sample = sorted[s]!;
    const n = sample.length;
    let inner = 0;
    let below = 0; // #{Z < z_j}
    let pos = 0; // #{sample ≤ previous z}
    for (let j = 0; j < distinct.length; j++) {
      const v = distinct[j]!;
      const l = multiplicity[j]!;
      const start = pos;
      while (pos < n && sample[pos] === v) pos++;
      const f = pos - start;
      const M = pos - f / 2;
      const B = below + l / 2;
      inner += ((l / N) * (N * M - B * n) ** 2) / (B * (N - B) - (N * l) / 4);
      below += l;
    }
    a2 += inner / n;
  }
  a2 *= (N - 1) / N;

  // σ²_N from Scholz & Stephens (1987, p. 920).
  let H = 0;
  for (const n of sizes) H += 1 / n;
  let hCumulative = 0; // Σ_{i=N−1 down to 2} 1/i, running
  let g = 0;
  for (let idx = 0; idx < N - 2; idx++) {
    hCumulative += 1 / (N - 1 - idx);
    g += hCumulative / (idx + 2);
  }
  const h = hCumulative + 1;
  const A = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const Bc = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const C = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const D = (2 * h + 6) * k * k - 4 * h * k;
  const sigma2 = (A * N ** 3 + Bc * N ** 2 + C * N + D) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const statistic = (a2 - m) / Math.sqrt(sigma2);

  const criticalValues = AD_B0.map((b0, i) => b0 + AD_B1[i]! / Math.sqrt(m) + AD_B2[i]! / m);
  const low = Math.min(...criticalValues);
  const high = Math.max(...criticalValues);
  if (statistic < low) return { statistic, pValue: 0.25, pValueCapped: true, criticalValues };
  if (statistic > high) return { statistic, pValue: 0.001, pValueCapped: true, criticalValues };
  const logSignificanceAt = quadraticFit(
    criticalValues,
    AD_SIGNIFICANCE.map((s) => Math.log(s)),
  );
  return { statistic, pValue: Math.exp(logSignificanceAt(statistic)), pValueCapped: false, criticalValues };
}

/** Most samples `andersonDarling` compares: its statistic costs O(k · distinct values). */
export const MAX_ANDERSON_DARLING_SAMPLES = 1000;

/** Each sample checked and sorted (a copy), read by index so a hole is refused, never skipped. */
function sortedSamples(fn: string, samples: unknown): Float64Array[] {
  if (!Array.isArray(samples) || samples.length < 2)
    throw invalidArgument(fn, 'samples', 'must be an array of at least 2 samples', samples);
  if (samples.length > MAX_ANDERSON_DARLING_SAMPLES)
    throw invalidArgument(
      fn,
      'samples',
      `must hold at most ${MAX_ANDERSON_DARLING_SAMPLES} samples, got ${samples.length}`,
    );
  const sorted: Float64Array[] = [];
  for (let i = 0; i < samples.length; i++) sorted.push(sortedSample(fn, `samples[${i}]`, samples[i]));
  return sorted;
}

/**
 * The least-squares quadratic through (x_i, y_i), as a function (numpy.polyfit(x, y, 2) then polyval).
 * Solved by the normal equations in x centred and scaled to [-1, 1], where they are well conditioned.
 */
function quadraticFit(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  const n = xs.length;
  const mid = xs.reduce((s, v) => s + v, 0) / n;
  const half = Math.max(...xs.map((v) => Math.abs(v - mid)));
  const t = xs.map((v) => (v - mid) / half);
  // Normal equations M c = r with M_pq = Σ t^(p+q), r_p = Σ t^p y.
  const M = [0, 1, 2].map((p) => [0, 1, 2].map((q) => t.reduce((s, v) => s + v ** (p + q), 0)));
  const r = [0, 1, 2].map((p) => t.reduce((s, v, i) => s + v ** p * ys[i]!, 0));
  // Gaussian elimination with partial pivoting on the 3 × 3 system.
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let row = col + 1; row < 3; row++)
      if (Math.abs(M[row]![col]!) > Math.abs(M[pivot]![col]!)) pivot = row;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    [r[col], r[pivot]] = [r[pivot]!, r[col]!];
    for (let row = col + 1; row < 3; row++) {
      const factor = M[row]![col]! / M[col]![col]!;
      for (let q = col; q < 3; q++) M[row]![q]! -= factor * M[col]![q]!;
      r[row]! -= factor * r[col]!;
    }
  }
  const c = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let s = r[row]!;
    for (let q = row + 1; q < 3; q++) s -= M[row]![q]! * c[q]!;
    c[row] = s / M[row]![row]!;
  }
  return (x) => {
    const v = (x - mid) / half;
    return c[0]! + v * (c[1]! + v * c[2]!);
  };
}
