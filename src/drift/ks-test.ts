// The two-sample Kolmogorov–Smirnov test (ksTest), as scipy.stats.ks_2samp; see samples.ts for the
// shared argument rules.

import { clamp01 } from '../core/math/common.js';
import { gcd, ksTwoSampleExactSf, kstwoSf } from '../core/math/kolmogorov.js';
import {
  type Alternative,
  checkAlternative,
  checkChoice,
  checkOptions,
  type NumericSample,
  sortedSample,
} from './samples.js';

/** The known option keys. */
const KEYS = ['alternative', 'method'] as const;
export interface KsTestOptions {
  /**
   * 'two-sided' (default): D = max |F_a − F_b|. 'greater': D+ = max (F_a − F_b), large when `a` tends to
   * be smaller than `b`. 'less': D− = max (F_b − F_a). (As scipy: the alternatives are about the CDFs.)
   */
  readonly alternative?: Alternative;
  /** 'auto' (default): exact when both samples have at most 10 000 values, else asymptotic. */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
}

export interface KsTestResult {
  /** The Kolmogorov–Smirnov statistic for the alternative, in [0, 1]. */
  readonly statistic: number;
  readonly pValue: number;
  /** The observation (from `a` or `b`) at which the statistic is attained, as scipy's statistic_location. */
  readonly statisticLocation: number;
  /** +1 if F_a exceeds F_b there, −1 if F_b exceeds F_a (scipy's statistic_sign). */
  readonly statisticSign: 1 | -1;
  /** How the p-value was computed (an exact computation that cannot be done falls back to 'asymptotic'). */
  readonly method: 'exact' | 'asymptotic';
}

/**
 * Two-sample Kolmogorov–Smirnov test: are `a` and `b` drawn from the same continuous distribution?
 * D = max |F_a(x) − F_b(x)| over the empirical CDFs (D+ = max(F_a − F_b) for 'greater', D− for 'less').
 * The p-value is exact for samples of at most 10 000 values (Hodges' lattice-path counts; for the
 * one-sided test with unequal sizes only while C(n + m, n) fits a double) and asymptotic otherwise: the
 * two-sided P(D_k ≥ d) of the one-sample KS law with k = round(nm/(n+m)), the one-sided Hodges (1958)
 * approximation exp(−2z² − 2z(m + 2n)/(3√(mn(m+n)))), z = d√(nm/(n+m)), m ≥ n. In exact mode the
 * statistic is reported as h / lcm(n, m), h = round(D · lcm), as scipy does. Equals
 * scipy.stats.ks_2samp(a, b, alternative, method) including where its 'auto' switches.
 * Cost: O((n + m) log(n + m)) to sort copies (radix sort) and find D; the exact two-sided p-value adds
 * O(max(n, m) · D · min(n, m)), the exact one-sided O(n·m) (n + m ≤ about 1 030 there).
 * References: Smirnov (1939); Hodges, Ark. Mat. 3 (1958); Viehmann, arXiv:2102.08037 (2021); Simard &
 * L'Ecuyer, J. Stat. Softw. 39(11) (2011).
 * @example ksTest([1, 2, 3], [4, 5, 6]) // => { statistic: 1, pValue: 0.09999999999999999, statisticLocation: 3, statisticSign: 1, method: 'exact' }
 * @throws LockstepError `INVALID_ARGUMENT` naming `ksTest` and the argument: `a` or `b` not an array of
 *   numbers (at most 2^25) or a Float64Array, empty, or holding NaN (drop missing values first); an
 *   unknown option key (naming the closest), `options.alternative` or `options.method`.
 */
export function ksTest(a: NumericSample, b: NumericSample, options: KsTestOptions = {}): KsTestResult {
  const fn = 'ksTest';
  const opts = checkOptions(fn, options, KEYS);
  const alternative = checkAlternative(fn, opts.alternative);
  let mode = checkChoice(fn, 'options.method', opts.method, ['auto', 'exact', 'asymptotic'] as const);
  const x = sortedSample(fn, 'a', a);
  const y = sortedSample(fn, 'b', b);
  const n1 = x.length;
  const n2 = y.length;

  // F_a − F_b at every observation. scipy takes the first maximiser (and minimiser) in the order
  // [sorted a, sorted b], so the location is the smallest value of `a` attaining it, else of `b`.
  let maxA = Number.NEGATIVE_INFINITY;
  let maxALocation = Number.NaN;
  let maxB = Number.NEGATIVE_INFINITY;
  let maxBLocation = Number.NaN;
  let minA = Number.POSITIVE_INFINITY;
  let minALocation = Number.NaN;
  let minB = Number.POSITIVE_INFINITY;
  let minBLocation = Number.NaN;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    const i0 = i;
    const j0 = j;
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    const diff = i / n1 - j / n2; // as scipy: cdf1 − cdf2 in float64
    if (i > i0) {
      if (diff > maxA) [maxA, maxALocation] = [diff, x[i0]!];
      if (diff < minA) [minA, minALocation] = [diff, x[i0]!];
    }
    if (j > j0) {
      if (diff > maxB) [maxB, maxBLocation] = [diff, y[j0]!];
      if (diff < minB) [minB, minBLocation] = [diff, y[j0]!];
    }
  }
  const maxS = Math.max(maxA, maxB);
  const minDiff = Math.min(minA, minB);
  const maxLocation = maxA === maxS ? maxALocation : maxBLocation;
  const minLocation = minA === minDiff ? minALocation : minBLocation;
  const minS = clamp01(-minDiff) + 0; // + 0: −0 (no negative gap) becomes 0, as the other statistics

  let d: number;
  let statisticLocation: number;
  let statisticSign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && minS > maxS)) {
    [d, statisticLocation, statisticSign] = [minS, minLocation, -1];
  } else {
    [d, statisticLocation, statisticSign] = [maxS, maxLocation, 1];
  }

  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  if (mode === 'auto') mode = Math.max(n1, n2) <= 10_000 ? 'exact' : 'asymptotic';
  else if (mode === 'exact' && n1g >= 2147483647 / n2g) mode = 'asymptotic'; // lcm(n1, n2) too large

  let pValue = Number.NaN;
  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    const exact = ksTwoSampleExactSf(n1, n2, h, alternative);
    if (exact === undefined) mode = 'asymptotic';
    else pValue = exact;
  }
  if (mode === 'asymptotic') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    if (alternative === 'two-sided') {
      // scipy's kstwo.sf(d, round(en)); n1 = n2 = 1 gives round(0.5) = 0 there (NaN), 1 here.
      pValue = kstwoSf(Math.max(1, roundHalfEven(en)), d);
    } else {
      const z = Math.sqrt(en) * d;
      pValue = Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
    }
  }
  return {
    statistic: d,
    pValue: clamp01(pValue),
    statisticLocation,
    statisticSign,
    method: mode === 'exact' ? 'exact' : 'asymptotic',
  };
}

/** Rounds half to even, as numpy.round does. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}
