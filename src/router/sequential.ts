// The statistics behind a rollout's analysis: is the candidate worse than the baseline on a metric (error
// rate, latency, a business KPI such as conversion), better, or not yet known? compareArms answers from
// two arms' summaries (summary.ts) with an interval for Δ = mean(candidate) − mean(baseline), and a
// verdict the rollout controller acts on: 'worse' (roll back), 'better' (may promote), 'inconclusive'.
//
// The rule, written once (method 'sequential', the default): the asymptotic confidence sequence of
// Waudby-Smith, Arnold, Wu, Howard & Ramdas (2023), "Time-uniform central limit theory and asymptotic
// confidence sequences" (arXiv 2103.06476, eq. 9 for the boundary and eq. 161 for ρ), in the two-sample
// form GrowthBook's sequential testing uses (gbstats, SequentialTwoSidedTTest):
//
//   Δ̂ ± SE · √( (t + 1) / t · (ln(t + 1) − 2 ln α) ),   t = n ρ²,   n = n_baseline + n_candidate,
//   ρ² = (−2 ln α + ln(1 − 2 ln α)) / N,                  SE² = s²_b / n_b + s²_c / n_c,
//
// which is the paper's σ̂ √(2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α)) with σ̂² = n · SE² (the boundary
// is core/math/sequence.ts, which the online trainer's rollback rule shares). N (`tuning`,
// default 5000 as GrowthBook's) is the total sample size at which the sequence is tightest; it costs
// width elsewhere but never validity. Why n is the total and σ̂² is n · SE²: the router assigns each
// request to an arm at random with fixed weights, so Δ̂ is (to first order) the mean of i.i.d. per-request
// terms, the inverse-probability-weighted ones, whose variance is s²_c / π_c + s²_b / π_b ≈ n · SE².
//
// The guarantee (stated honestly, in docs/router.md too): under Δ = 0, the probability that
// the interval ever excludes 0, over unboundedly many looks (every request), is at most α in the limit;
// the sequence is asymptotic (a CLT with plug-in variances), not exact at small samples. So each wrong
// verdict ('worse' or 'better' when the arms are alike) is at most α, and both together too. Two guards
// keep small samples honest; the simulation (test/router/simulation.test.ts) measures both:
//  - a burn-in, `minSamples` values in each arm before any verdict (default 100). With the floor below,
//    the simulation finds no burn-in (minSamples 2) gives the same A/A rates, the sequence being very
//    wide at small n; 100 is kept as cheap insurance for the CLT (it ends after about 500 requests at a
//    20 % share, long before the earliest rollback of the A/B simulation) and for method 'fixed';
//  - a variance floor, `varianceFloor: 'pooled'` (default): each arm's variance is at least the variance
//    of both arms' values taken together. For rare 0/1 events the plug-in variance of an arm with no
//    event yet is 0, which would make the interval collapse onto a difference made of one or two events;
//    the pooled variance is the one the classic two-proportion test uses under the null hypothesis, is
//    what any arm's variance estimates when the arms are alike, and only widens the interval otherwise.
//    This guard is the one A/A needs: without it, false promotions on a 1 % error rate reach 11 %.
//
// Method 'fixed' is the classic fixed-sample Welch z-interval Δ̂ ± z₁₋α/₂ · SE (unpooled variances, same
// floor and burn-in). It is valid only when looked at once, at a sample size fixed in advance; checked
// after every request its false alarms grow without bound with the number of looks (the law of the
// iterated logarithm), which the simulation shows. It is offered for a single planned read.
//
// Verdicts, for a metric where `direction: 'lower'` is better (error rate, latency; 'higher' mirrors it):
// 'worse' when low > margin (the candidate is worse by more than the tolerated margin), 'better' when
// high < 0 (better than the baseline, the interval excludes 0 on the good side), else 'inconclusive'.
import { checkChoice, checkInteger, checkNumber, readOptions } from '../core/check.js';
import { LockstepError } from '../core/errors.js';
import { deepFreeze } from '../core/freeze.js';
import { SQRT_2PI } from '../core/math/common.js';
import { normalCdf } from '../core/math/normal.js';
import { sequenceHalfWidth, sequenceRho2 } from '../core/math/sequence.js';
import { type ArmSummary, readSummary } from './summary.js';

/** `'sequential'`: an anytime-valid confidence sequence (default); `'fixed'`: a one-look z-interval. */
export type ComparisonMethod = 'sequential' | 'fixed';
/** Which way the metric is better: `'lower'` (error rate, latency) or `'higher'` (conversion). */
export type MetricDirection = 'lower' | 'higher';
/** `'worse'`: roll back; `'better'`: the candidate beats the baseline; `'inconclusive'`: not yet known. */
export type ComparisonVerdict = 'worse' | 'better' | 'inconclusive';
/** `'pooled'`: each arm's variance is at least both arms' pooled variance (default); `'none'`: plug-in only. */
export type VarianceFloor = 'pooled' | 'none';

/** compareArms' options; no other key is accepted. */
export interface CompareArmsOptions {
  /** Which way the metric is better. Required: guessing it would swap rollback and promotion. */
  readonly direction: MetricDirection;
  /** Default `'sequential'`. */
  readonly method?: ComparisonMethod;
  /** 1 − confidence level, in [1e-12, 1). Default 0.05. */
  readonly alpha?: number;
  /** How much worse (in the metric's units) is tolerated before 'worse', ≥ 0. Default 0. */
  readonly margin?: number;
  /** Values each arm needs before any verdict (a burn-in), an integer ≥ 2. Default 100. */
  readonly minSamples?: number;
  /** 'sequential': the total sample size N where the sequence is tightest, in [1, 1e12]. Default 5000. */
  readonly tuning?: number;
  /** Default `'pooled'`. */
  readonly varianceFloor?: VarianceFloor;
}

/** compareArms' result: plain, deeply frozen data. */
export interface ArmComparison {
  /** The verdict the rollout acts on. */
  readonly verdict: ComparisonVerdict;
  /** Δ̂ = mean(candidate) − mean(baseline); NaN when an arm is empty. */
  readonly estimate: number;
  /** The interval for Δ at level 1 − alpha (±Infinity while an arm has fewer than 2 values). */
  readonly low: number;
  readonly high: number;
  /** SE = √(s²_b / n_b + s²_c / n_c) after the variance floor. */
  readonly standardError: number;
  /** False while an arm has fewer than `minSamples` values (the verdict is then 'inconclusive'). */
  readonly burnedIn: boolean;
  readonly n: { readonly baseline: number; readonly candidate: number };
  readonly method: ComparisonMethod;
  readonly direction: MetricDirection;
  readonly alpha: number;
  readonly margin: number;
  /** 'sequential' only: the tuning N. */
  readonly tuning?: number;
}

const KEYS = ['direction', 'method', 'alpha', 'margin', 'minSamples', 'tuning', 'varianceFloor'] as const;
const METHODS: readonly ComparisonMethod[] = ['sequential', 'fixed'];
const DIRECTIONS: readonly MetricDirection[] = ['lower', 'higher'];
const FLOORS: readonly VarianceFloor[] = ['pooled', 'none'];

/** The default burn-in: values each arm needs before any verdict (see the simulation in docs). */
export const DEFAULT_MIN_SAMPLES = 100;
/** The default tuning N of the confidence sequence: GrowthBook's. */
export const DEFAULT_TUNING = 5000;

/**
 * Internal (shared by compareArms and the simulation tests, not part of lockstep/router's surface): the
 * options of a comparison, checked once, with the boundary's constants worked out.
 */
export interface ComparisonSettings {
  readonly method: ComparisonMethod;
  readonly direction: MetricDirection;
  readonly alpha: number;
  readonly margin: number;
  readonly minSamples: number;
  readonly tuning: number;
  readonly pooledFloor: boolean;
  /** method === 'sequential', read once by the kernel. */
  readonly sequential: boolean;
  /** direction === 'lower'. */
  readonly lowerIsBetter: boolean;
  /** 'sequential': ρ²; 'fixed': 0. */
  readonly rho2: number;
  /** −2 ln α ('sequential'). */
  readonly minusTwoLogAlpha: number;
  /** z₁₋α/₂ ('fixed'). */
  readonly z: number;
}

/** Verdict codes of the kernel. */
export const INCONCLUSIVE = 0;
export const WORSE = 1;
export const BETTER = 2;
const VERDICTS: readonly ComparisonVerdict[] = ['inconclusive', 'worse', 'better'];

/**
 * Internal: reads and checks compareArms' options for `fn`.
 * @throws LockstepError `INVALID_ARGUMENT` as {@link compareArms}.
 */
export function comparisonSettings(fn: string, options: unknown): ComparisonSettings {
  const o = readOptions(fn, options, KEYS);
  if (o.direction === undefined)
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument 'options.direction' is required ("lower" when lower is better, as for an error rate or a latency; "higher" for a conversion)`,
      { fn, arg: 'options.direction' },
    );
  const direction = checkChoice(fn, 'options.direction', o.direction, DIRECTIONS);
  const method = o.method === undefined ? 'sequential' : checkChoice(fn, 'options.method', o.method, METHODS);
  const alpha =
    o.alpha === undefined
      ? 0.05
      : checkNumber(fn, 'options.alpha', o.alpha, { min: 1e-12, max: 1, maxOpen: true });
  const margin = o.margin === undefined ? 0 : checkNumber(fn, 'options.margin', o.margin, { min: 0 });
  const minSamples =
    o.minSamples === undefined
      ? DEFAULT_MIN_SAMPLES
      : checkInteger(fn, 'options.minSamples', o.minSamples, 2);
  const tuning =
    o.tuning === undefined
      ? DEFAULT_TUNING
      : checkNumber(fn, 'options.tuning', o.tuning, { min: 1, max: 1e12 });
  const floor =
    o.varianceFloor === undefined
      ? 'pooled'
      : checkChoice(fn, 'options.varianceFloor', o.varianceFloor, FLOORS);
  const minusTwoLogAlpha = -2 * Math.log(alpha);
  return {
    method,
    direction,
    alpha,
    margin,
    minSamples,
    tuning,
    pooledFloor: floor === 'pooled',
    sequential: method === 'sequential',
    lowerIsBetter: direction === 'lower',
    rho2: method === 'sequential' ? sequenceRho2(alpha, tuning) : 0,
    minusTwoLogAlpha,
    z: method === 'fixed' ? -normalQuantileLower(alpha / 2) : 0,
  };
}

/**
 * Internal, the kernel: the verdict code (INCONCLUSIVE, WORSE, BETTER) for two arms given as (n, mean,
 * m2) each, checked by the caller; writes [estimate, low, high, standardError] into `out` when given.
 * O(1), one logarithm and one square root, no allocation: the simulation calls it after every request.
 */
export function decide(
  s: ComparisonSettings,
  nb: number,
  mb: number,
  qb: number,
  nc: number,
  mc: number,
  qc: number,
  out?: Float64Array,
): number {
  const estimate = nb > 0 && nc > 0 ? mc - mb : Number.NaN;
  let se = Number.POSITIVE_INFINITY;
  let half = Number.POSITIVE_INFINITY;
  if (nb >= 2 && nc >= 2) {
    let vb = qb / (nb - 1);
    let vc = qc / (nc - 1);
    const n = nb + nc;
    if (s.pooledFloor) {
      // Chan's merge of the two arms: the variance of all the values together.
      const pooled = (qb + qc + estimate * estimate * ((nb / n) * nc)) / (n - 1);
      if (vb < pooled) vb = pooled;
      if (vc < pooled) vc = pooled;
    }
    se = Math.sqrt(vb / nb + vc / nc);
    half = s.sequential ? sequenceHalfWidth(se, n, s.minusTwoLogAlpha, s.rho2) : s.z * se;
  }
  // Unbounded while an arm has fewer than 2 values (and so also for an empty arm, whose estimate is NaN).
  const low = half === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : estimate - half;
  const high = half === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : estimate + half;
  if (out !== undefined) {
    out[0] = estimate;
    out[1] = low;
    out[2] = high;
    out[3] = se;
  }
  if (nb < s.minSamples || nc < s.minSamples) return INCONCLUSIVE;
  if (s.lowerIsBetter) {
    if (low > s.margin) return WORSE;
    if (high < 0) return BETTER;
  } else {
    if (high < -s.margin) return WORSE;
    if (low > 0) return BETTER;
  }
  return INCONCLUSIVE;
}

/**
 * Compares a candidate arm with the baseline on one metric: an interval for Δ = mean(candidate) −
 * mean(baseline) at level 1 − alpha and a verdict. Method 'sequential' (default) is the asymptotic
 * confidence sequence Δ̂ ± SE · √((t + 1) / t · (ln(t + 1) − 2 ln α)), t = nρ², n = n_b + n_c,
 * ρ² = (−2 ln α + ln(1 − 2 ln α)) / tuning, valid over every look (checking after each request does not
 * raise false alarms above alpha, asymptotically); 'fixed' is the Welch z-interval Δ̂ ± z₁₋α/₂ · SE, valid
 * for one look at a sample size fixed in advance only. SE² = s²_b / n_b + s²_c / n_c with sample variances
 * m2 / (n − 1), each at least the pooled variance of both arms unless `varianceFloor: 'none'`. Verdict
 * (direction 'lower'; 'higher' mirrors it): 'worse' when low > margin, 'better' when high < 0, else
 * 'inconclusive', and always 'inconclusive' until both arms hold `minSamples` values. O(1).
 * Reference: Waudby-Smith, Arnold, Wu, Howard & Ramdas (2023), "Time-uniform central limit theory and
 * asymptotic confidence sequences", eq. 9 and 161, as GrowthBook's gbstats SequentialTwoSidedTTest.
 * @example compareArms({ n: 5000, mean: 0.01, m2: 49.5 }, { n: 5000, mean: 0.03, m2: 145.5 }, { direction: 'lower' }).verdict // => 'worse'
 * @example compareArms({ n: 400, mean: 0.01, m2: 3.96 }, { n: 400, mean: 0.02, m2: 7.84 }, { direction: 'lower' }).verdict // => 'inconclusive'
 * @throws LockstepError `INVALID_ARGUMENT` naming compareArms and the argument: a summary that is not
 *   `{ n, mean, m2 }` (n a non-negative safe integer, mean finite, m2 finite ≥ 0 and 0 below 2 values),
 *   options that are not an object, an unknown option key (naming the closest), a missing or unknown
 *   `direction`, `alpha` outside [1e-12, 1), a negative `margin`, `minSamples` not an integer ≥ 2,
 *   `tuning` outside [1, 1e12]; `INVALID_DATA` when the difference or the spread overflows float64.
 */
export function compareArms(
  baseline: ArmSummary,
  candidate: ArmSummary,
  options: CompareArmsOptions,
): ArmComparison {
  const fn = 'compareArms';
  const b = readSummary(fn, 'baseline', baseline);
  const c = readSummary(fn, 'candidate', candidate);
  const s = comparisonSettings(fn, options);
  const out = new Float64Array(4);
  const code = decide(s, b.n, b.mean, b.m2, c.n, c.mean, c.m2, out);
  const [estimate, low, high, standardError] = out as unknown as [number, number, number, number];
  const spread = b.n >= 2 && c.n >= 2;
  if (
    (b.n > 0 && c.n > 0 && !Number.isFinite(estimate)) ||
    (spread && !(Number.isFinite(standardError) && !Number.isNaN(low) && !Number.isNaN(high)))
  )
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: the summaries' difference or spread overflows float64 (means ${b.mean} and ${c.mean})`,
      { fn, arg: 'candidate' },
    );
  return deepFreeze({
    verdict: VERDICTS[code]!,
    estimate,
    low,
    high,
    standardError,
    burnedIn: b.n >= s.minSamples && c.n >= s.minSamples,
    n: { baseline: b.n, candidate: c.n },
    method: s.method,
    direction: s.direction,
    alpha: s.alpha,
    margin: s.margin,
    ...(s.method === 'sequential' ? { tuning: s.tuning } : {}),
  });
}

/**
 * The half-width of the two-sided asymptotic confidence sequence at total sample size n for an estimate
 * with standard error `standardError`: SE · √((t + 1) / t · (ln(t + 1) − 2 ln α)), t = nρ²,
 * ρ² = (−2 ln α + ln(1 − 2 ln α)) / tuning; that is, with σ̂² = n · SE², the paper's
 * σ̂ √(2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α)). O(1). Reference: Waudby-Smith et al. (2023), eq. 9 and
 * 161; GrowthBook's `sequential_interval_halfwidth`.
 * @example confidenceSequenceHalfWidth(1, 5000, 0.05, 5000) // => 3.0352089903762534 (a fixed z-interval's is 1.96)
 * @throws LockstepError `INVALID_ARGUMENT` for `standardError` not finite and ≥ 0, `n` not an integer
 *   ≥ 1, `alpha` outside [1e-12, 1) or `tuning` outside [1, 1e12].
 */
export function confidenceSequenceHalfWidth(
  standardError: number,
  n: number,
  alpha: number,
  tuning: number = DEFAULT_TUNING,
): number {
  const fn = 'confidenceSequenceHalfWidth';
  const se = checkNumber(fn, 'standardError', standardError, { min: 0 });
  const total = checkInteger(fn, 'n', n, 1);
  const a = checkNumber(fn, 'alpha', alpha, { min: 1e-12, max: 1, maxOpen: true });
  const N = checkNumber(fn, 'tuning', tuning, { min: 1, max: 1e12 });
  return sequenceHalfWidth(se, total, -2 * Math.log(a), sequenceRho2(a, N));
}

// Acklam's rational approximation of the normal quantile (relative error 1.15e-9), polished by Halley
// steps on core's normalCdf to float precision. Only compareArms needs a normal quantile; the day another
// module does, it moves to core/math/normal.ts.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 0.5]: the lower tail, where p is exact and the answer ≤ 0. */
function normalQuantileLower(p: number): number {
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}
