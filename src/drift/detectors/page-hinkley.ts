// Page-Hinkley: the cumulative-sum test of Page (1954) with a fading factor, as River's `drift.PageHinkley`
// computes it (one-sided up, down, or both).
import * as z from 'zod/mini';
import { readOptions } from '../../core/check.js';
import {
  checkFinite,
  checkInt,
  checkInterval,
  checkStreamValue,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  fromOptions,
  fromState,
  frozenState,
  MAX_ABS_VALUE,
  MAX_STATE_SUM,
  type ParamSource,
  parseState,
  signals,
} from './common.js';

/** Which changes Page-Hinkley watches for: the mean going up, down, or either. */
export type PageHinkleyMode = 'up' | 'down' | 'both';

/** Page-Hinkley's parameters, with River's names (camelCased) and defaults. */
export interface PageHinkleyParams {
  /** No decision before this many values. Default 30. */
  readonly minInstances: number;
  /** The magnitude of change tolerated (the test's δ), in [0, 1e100]. Default 0.005. */
  readonly delta: number;
  /** Drift when the test statistic exceeds this (λ). Default 50. */
  readonly threshold: number;
  /** Fading factor applied to the cumulative sums, in (0, 1]. Default 1 − 0.0001. */
  readonly alpha: number;
  /** Default 'both'. */
  readonly mode: PageHinkleyMode;
}

export interface PageHinkleyOptions extends Partial<PageHinkleyParams> {
  /** Resume from `ph.state()`; the parameters come from the state. */
  readonly state?: PageHinkleyState;
}

/** Page-Hinkley's saved state. `minIncrease` is null before the first value (River's +∞). */
export interface PageHinkleyState
  extends DetectorStateBase<'lockstep.drift.page-hinkley', PageHinkleyParams> {
  readonly n: number;
  readonly mean: number;
  readonly sumIncrease: number;
  readonly sumDecrease: number;
  readonly minIncrease: number | null;
  readonly maxDecrease: number;
}

/** A Page-Hinkley detector: {@link DriftDetector} plus the running mean and the two test statistics. */
export interface PageHinkley extends DriftDetector<PageHinkleyState> {
  readonly params: PageHinkleyParams;
  /** The running mean x̄ of the values since the detector last started afresh. */
  readonly mean: number;
  /** m_T − min m_t: the statistic for an increase (compared with `threshold`). */
  readonly increase: number;
  /** max M_t − M_T: the statistic for a decrease. */
  readonly decrease: number;
}

const FN = 'createPageHinkley';
const WHAT = 'Page-Hinkley state';
const KEYS = ['minInstances', 'delta', 'threshold', 'alpha', 'mode', 'state'] as const;
const MODES: readonly PageHinkleyMode[] = ['up', 'down', 'both'];

/**
 * Page-Hinkley, the sequential test for a change in the mean of a stream. With x̄_T the running mean,
 * it keeps m_T = α · m_{T−1} + (x_T − x̄_T − δ) and M_T = α · M_{T−1} + (x_T − x̄_T + δ), and reports drift,
 * once `minInstances` values are in, when m_T − min_t m_t > λ (mode 'up'), max_t M_t − M_T > λ ('down'),
 * or either ('both'). Page-Hinkley never warns. O(1) time and memory per value.
 *
 * Reference: E. S. Page, "Continuous inspection schemes", Biometrika 41(1/2), 1954; R. Sebastião,
 * J. M. Fernandes, "Supporting the Page-Hinkley test with empirical mode decomposition for change
 * detection", ISMIS 2017; River's `drift.PageHinkley` (same parameters, defaults and decisions: on River's
 * documented stream, `random.Random(12345)`, 1,000 draws from {0, 1} then 1,000 from {4, …, 7}, both
 * report one drift, at 1006). River's quirk is kept: the decrease side starts from M = −1, not −∞.
 *
 * Input: finite numbers of at most 1e100 in absolute value (a loss, a latency, a feature's value), so the
 * cumulative sums stay finite and the state saves as JSON. Resume with
 * `createPageHinkley({ state: ph.state() })` (the state is frozen plain JSON).
 * @example const ph = createPageHinkley({ threshold: 20 }); for (const loss of losses) if (ph.update(loss).drift) retrain() // => retrain() after the mean loss shifts
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range (`delta` at most 1e100) or an
 *   unknown option, naming the closest known key (and, from `update`, a value that is not finite or beyond
 *   1e100); `INVALID_ARTIFACT` for a malformed `state`.
 */
export function createPageHinkley(options?: PageHinkleyOptions): PageHinkley {
  const o = readOptions(FN, options, KEYS);
  let params: PageHinkleyParams;
  let saved: PageHinkleyState | undefined;
  if (o.state !== undefined) {
    saved = parseState(FN, WHAT, o.state, phSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
  } else {
    params = checkParams(fromOptions(FN), {
      minInstances: o.minInstances ?? 30,
      delta: o.delta ?? 0.005,
      threshold: o.threshold ?? 50,
      alpha: o.alpha ?? 1 - 0.0001,
      mode: o.mode ?? 'both',
    });
  }
  const { minInstances, delta, threshold, alpha, mode } = params;
  const up = mode !== 'down';
  const down = mode !== 'up';
  const sig = signals();

  let n = 0;
  let mean = 0;
  let sumIncrease = 0;
  let sumDecrease = 0;
  let minIncrease = Number.POSITIVE_INFINITY;
  let maxDecrease = -1;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;

  function clear(): void {
    n = 0;
    mean = 0;
    sumIncrease = 0;
    sumDecrease = 0;
    minIncrease = Number.POSITIVE_INFINITY;
    maxDecrease = -1;
  }

  if (saved) {
    ({ n, mean, sumIncrease, sumDecrease, maxDecrease, nDetections } = saved);
    minIncrease = saved.minIncrease ?? Number.POSITIVE_INFINITY;
    last = saved.drift ? sig.drift : sig.stable;
  }

  return {
    params,
    update(x) {
      checkStreamValue('pageHinkley.update', x);
      if (last.drift) clear();
      n += 1;
      mean += (1 / n) * (x - mean);
      const dev = x - mean;
      sumIncrease = alpha * sumIncrease + dev - delta;
      sumDecrease = alpha * sumDecrease + dev + delta;
      if (sumIncrease < minIncrease) minIncrease = sumIncrease;
      if (sumDecrease > maxDecrease) maxDecrease = sumDecrease;
      // Before minInstances values the detector has just started afresh, so no drift is pending.
      const drift =
        n >= minInstances &&
        ((up && sumIncrease - minIncrease > threshold) || (down && maxDecrease - sumDecrease > threshold));
      if (drift) nDetections++;
      last = drift ? sig.drift : sig.stable;
      return last;
    },
    reset() {
      clear();
      last = sig.stable;
      nDetections = 0;
    },
    state() {
      return frozenState({
        kind: 'lockstep.drift.page-hinkley',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: false,
        nDetections,
        n,
        mean,
        sumIncrease,
        sumDecrease,
        minIncrease: Number.isFinite(minIncrease) ? minIncrease : null,
        maxDecrease,
      });
    },
    get drift() {
      return last.drift;
    },
    get warning() {
      return false;
    },
    get n() {
      return n;
    },
    get nDetections() {
      return nDetections;
    },
    get mean() {
      return mean;
    },
    get increase() {
      return n === 0 ? 0 : sumIncrease - minIncrease;
    },
    get decrease() {
      return n === 0 ? 0 : maxDecrease - sumDecrease;
    },
  };
}

function checkParams(
  src: ParamSource,
  p: { readonly [K in keyof PageHinkleyParams]: unknown },
): PageHinkleyParams {
  if (!MODES.includes(p.mode as PageHinkleyMode))
    throw src.fail('mode', "must be 'up', 'down' or 'both'", p.mode);
  return {
    minInstances: checkInt(src, 'minInstances', p.minInstances, 1),
    delta: checkFinite(src, 'delta', p.delta, 0, false, MAX_ABS_VALUE),
    threshold: checkFinite(src, 'threshold', p.threshold, 0, true),
    alpha: checkInterval(src, 'alpha', p.alpha, 0, 1, true),
    mode: p.mode as PageHinkleyMode,
  };
}

let schema: z.ZodMiniType<PageHinkleyState> | undefined;

function phSchema(): z.ZodMiniType<PageHinkleyState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const finite = z.number().check(z.gte(-MAX_STATE_SUM), z.lte(MAX_STATE_SUM));
  schema = z.object({
    kind: z.literal('lockstep.drift.page-hinkley'),
    formatVersion: z.literal(1),
    params: z.object({
      minInstances: z.number(),
      delta: z.number(),
      threshold: z.number(),
      alpha: z.number(),
      mode: z.enum(['up', 'down', 'both']),
    }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    n: count,
    mean: finite,
    sumIncrease: finite,
    sumDecrease: finite,
    minIncrease: z.nullable(finite),
    maxDecrease: finite,
  }) as z.ZodMiniType<PageHinkleyState>;
  return schema;
}
