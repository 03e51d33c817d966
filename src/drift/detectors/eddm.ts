// EDDM: the early drift detection method of Baena-García et al. (2006), as River's `drift.binary.EDDM`
// computes it.
import * as z from 'zod/mini';
import { readOptions } from '../../core/check.js';
import {
  badValue,
  checkInt,
  checkInterval,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  fromOptions,
  fromState,
  frozenState,
  MAX_STATE_SQUARES,
  MAX_STATE_SUM,
  type ParamSource,
  parseState,
  signalOf,
  signals,
} from './common.js';

/** EDDM's parameters, with River's names (camelCased) and defaults. */
export interface EddmParams {
  /** No decision until more than this many values and more than this many errors. Default 30. */
  readonly warmStart: number;
  /** Warning when (p' + 2s') / (p'max + 2s'max) < alpha, in (0, 1]. Default 0.95. */
  readonly alpha: number;
  /** Drift when that ratio < beta, in (0, alpha]. Default 0.9. */
  readonly beta: number;
}

export interface EddmOptions extends Partial<EddmParams> {
  /** Resume from `eddm.state()`; the parameters come from the state. */
  readonly state?: EddmState;
}

/** EDDM's saved state: the running moments of the distance between errors. */
export interface EddmState extends DetectorStateBase<'lockstep.drift.eddm', EddmParams> {
  readonly n: number;
  readonly nErrors: number;
  readonly lastError: number;
  /** Mean and sum of squared deviations (Welford) of the distances between consecutive errors. */
  readonly distanceMean: number;
  readonly distanceM2: number;
  /** The largest p' + 2s' seen (−1 before any). */
  readonly p2sMax: number;
}

/** An EDDM detector: {@link DriftDetector} plus the distance statistics. */
export interface Eddm extends DriftDetector<EddmState> {
  readonly params: EddmParams;
  /** Errors seen since the detector last started afresh. */
  readonly nErrors: number;
  /** p': the mean distance between consecutive errors (0 before the first error). */
  readonly meanDistance: number;
}

const FN = 'createEddm';
const WHAT = 'EDDM state';
const KEYS = ['warmStart', 'alpha', 'beta', 'state'] as const;

/**
 * EDDM, the early drift detection method for a stream of 0/1 errors. It tracks the distance (in values)
 * between consecutive errors: its running mean p' and standard deviation s' (ddof 1), and the largest
 * p' + 2s' seen. Once past the warm start (more than `warmStart` values and errors), it warns when
 * (p' + 2s') / max(p' + 2s') < `alpha` and reports drift when the ratio < `beta`: errors coming closer
 * together mean the model got worse. Decisions are taken on errors only; a warning holds until the next
 * error. O(1) time and memory per value. Better than DDM at slow, gradual drift.
 *
 * Reference: M. Baena-García, J. del Campo-Ávila, R. Fidalgo, A. Bifet, R. Gavaldà, R. Morales-Bueno,
 * "Early drift detection method", 4th International Workshop on Knowledge Discovery from Data Streams,
 * 2006; River's `drift.binary.EDDM` (same parameters, defaults and decisions: on River's documented
 * stream, `random.Random(42)`, 1,000 fair 0/1 draws then 1,000 with P(1) = 0.7, with alpha 0.8 and beta
 * 0.75, both warn first at 1059 and report drift at 1278).
 *
 * Input: 1 for an error, 0 for a correct prediction. Resume with `createEddm({ state: eddm.state() })`.
 * @example const eddm = createEddm({ alpha: 0.8, beta: 0.75 }); eddm.update(isError ? 1 : 0) // => a signal; drift once errors come markedly closer together
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range, beta > alpha, or an unknown
 *   option, naming the closest known key (and, from `update`, a value other than 0 or 1);
 *   `INVALID_ARTIFACT` for a malformed `state`.
 */
export function createEddm(options?: EddmOptions): Eddm {
  const o = readOptions(FN, options, KEYS);
  let params: EddmParams;
  let saved: EddmState | undefined;
  if (o.state !== undefined) {
    saved = parseState(FN, WHAT, o.state, eddmSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
  } else {
    params = checkParams(fromOptions(FN), {
      warmStart: o.warmStart ?? 30,
      alpha: o.alpha ?? 0.95,
      beta: o.beta ?? 0.9,
    });
  }
  const { warmStart, alpha, beta } = params;
  const sig = signals();

  let n = 0;
  let nErrors = 0;
  let lastError = 0;
  let mean = 0;
  let m2 = 0;
  let p2sMax = -1;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;

  function clear(): void {
    n = 0;
    nErrors = 0;
    lastError = 0;
    mean = 0;
    m2 = 0;
    p2sMax = -1;
  }

  if (saved) {
    ({ n, nErrors, lastError, p2sMax, nDetections } = saved);
    mean = saved.distanceMean;
    m2 = saved.distanceM2;
    last = signalOf(saved.drift, saved.warning);
  }

  return {
    params,
    update(x) {
      if (x !== 0 && x !== 1) throw badValue('eddm.update', 'must be 0 (correct) or 1 (error)', x);
      let warning = last.warning;
      if (last.drift) {
        clear();
        warning = false;
      }
      n += 1;
      let drift = false;
      if (x === 1) {
        nErrors += 1;
        // Welford's update of the distances' mean and M2 (River's stats.Var, ddof 1).
        const d = n - lastError;
        const before = mean;
        mean += (1 / nErrors) * (d - mean);
        m2 += (d - before) * (d - mean);
        if (n > warmStart) {
          const sd = Math.sqrt(nErrors > 1 ? m2 / (nErrors - 1) : 0);
          const p2s = mean + 2 * sd;
          if (p2s > p2sMax) p2sMax = p2s;
          else if (nErrors > warmStart) {
            const level = p2s / p2sMax;
            if (level < beta) {
              drift = true;
              warning = false;
              nDetections++;
            } else warning = level < alpha;
          }
        }
        lastError = n;
      }
      last = signalOf(drift, warning);
      return last;
    },
    reset() {
      clear();
      last = sig.stable;
      nDetections = 0;
    },
    state() {
      return frozenState({
        kind: 'lockstep.drift.eddm',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: last.warning,
        nDetections,
        n,
        nErrors,
        lastError,
        distanceMean: mean,
        distanceM2: m2,
        p2sMax,
      });
    },
    get drift() {
      return last.drift;
    },
    get warning() {
      return last.warning;
    },
    get n() {
      return n;
    },
    get nDetections() {
      return nDetections;
    },
    get nErrors() {
      return nErrors;
    },
    get meanDistance() {
      return mean;
    },
  };
}

function checkParams(src: ParamSource, p: { readonly [K in keyof EddmParams]: unknown }): EddmParams {
  const alpha = checkInterval(src, 'alpha', p.alpha, 0, 1, true);
  const beta = checkInterval(src, 'beta', p.beta, 0, 1, true);
  if (beta > alpha) throw src.fail('beta', `must be at most alpha (${alpha})`, beta);
  return { warmStart: checkInt(src, 'warmStart', p.warmStart, 0), alpha, beta };
}

let schema: z.ZodMiniType<EddmState> | undefined;

function eddmSchema(): z.ZodMiniType<EddmState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const finite = z.number().check(z.gte(-MAX_STATE_SUM), z.lte(MAX_STATE_SUM));
  schema = z.object({
    kind: z.literal('lockstep.drift.eddm'),
    formatVersion: z.literal(1),
    params: z.object({ warmStart: z.number(), alpha: z.number(), beta: z.number() }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    n: count,
    nErrors: count,
    lastError: count,
    distanceMean: finite,
    distanceM2: z.number().check(z.gte(0), z.lte(MAX_STATE_SQUARES)),
    p2sMax: finite,
  }) as z.ZodMiniType<EddmState>;
  return schema;
}
