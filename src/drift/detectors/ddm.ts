// DDM: the drift detection method of Gama et al. (2004), as River's `drift.binary.DDM` computes it.
import * as z from 'zod/mini';
import { readOptions } from '../../core/check.js';
import {
  badValue,
  checkFinite,
  checkInt,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  fromOptions,
  fromState,
  frozenState,
  type ParamSource,
  parseState,
  signalOf,
  signals,
} from './common.js';

/** DDM's parameters, with River's names (camelCased) and defaults. */
export interface DdmParams {
  /** No decision until more than this many values. Default 30. */
  readonly warmStart: number;
  /** Warning when p + s > p_min + warningThreshold · s_min. Default 2 (about 95 %). */
  readonly warningThreshold: number;
  /** Drift when p + s > p_min + driftThreshold · s_min. Default 3 (about 99 %). */
  readonly driftThreshold: number;
}

export interface DdmOptions extends Partial<DdmParams> {
  /** Resume from `ddm.state()`; the parameters come from the state. */
  readonly state?: DdmState;
}

/** DDM's saved state. `pMin`, `sMin` are null until the warm start is over. */
export interface DdmState extends DetectorStateBase<'lockstep.drift.ddm', DdmParams> {
  readonly n: number;
  readonly errorRate: number;
  readonly pMin: number | null;
  readonly sMin: number | null;
}

/** A DDM detector: {@link DriftDetector} plus its error-rate statistics. */
export interface Ddm extends DriftDetector<DdmState> {
  readonly params: DdmParams;
  /** p: the error rate since the detector last started afresh. */
  readonly errorRate: number;
  /** p_min and s_min, recorded where p + s was least (null during the warm start). */
  readonly pMin: number | null;
  readonly sMin: number | null;
}

const FN = 'createDdm';
const WHAT = 'DDM state';
const KEYS = ['warmStart', 'warningThreshold', 'driftThreshold', 'state'] as const;

/**
 * DDM, the drift detection method for a stream of 0/1 errors. With p the error rate over the n values
 * seen and s = sqrt(p (1 − p) / n), it records p_min and s_min where p + s was least (after the warm
 * start), warns when p + s > p_min + `warningThreshold` · s_min and reports drift when
 * p + s > p_min + `driftThreshold` · s_min. O(1) time and memory per value.
 *
 * Reference: J. Gama, P. Medas, G. Castillo, P. Rodrigues, "Learning with drift detection", SBIA 2004;
 * River's `drift.binary.DDM` (same parameters, defaults and decisions: on River's documented stream,
 * `random.Random(42)`, 1,000 fair 0/1 draws then 1,000 with P(1) = 0.7, both warn first at 1084 and
 * report drift at 1334).
 *
 * Input: 1 for an error (a wrong prediction), 0 for a correct one. Resume with
 * `createDdm({ state: ddm.state() })`.
 * @example const ddm = createDdm(); ddm.update(prediction === label ? 0 : 1).drift // => true when the error rate has risen
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range or an unknown option, naming the
 *   closest known key (and, from `update`, a value other than 0 or 1); `INVALID_ARTIFACT` for a malformed
 *   `state`.
 */
export function createDdm(options?: DdmOptions): Ddm {
  const o = readOptions(FN, options, KEYS);
  let params: DdmParams;
  let saved: DdmState | undefined;
  if (o.state !== undefined) {
    saved = parseState(FN, WHAT, o.state, ddmSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
  } else {
    params = checkParams(fromOptions(FN), {
      warmStart: o.warmStart ?? 30,
      warningThreshold: o.warningThreshold ?? 2,
      driftThreshold: o.driftThreshold ?? 3,
    });
  }
  const { warmStart, warningThreshold, driftThreshold } = params;
  const sig = signals();

  let n = 0;
  let p = 0;
  let pMin: number | null = null;
  let sMin: number | null = null;
  let psMin = Number.POSITIVE_INFINITY;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;

  function clear(): void {
    n = 0;
    p = 0;
    pMin = null;
    sMin = null;
    psMin = Number.POSITIVE_INFINITY;
  }

  if (saved) {
    ({ n, pMin, sMin, nDetections } = saved);
    p = saved.errorRate;
    psMin = pMin === null || sMin === null ? Number.POSITIVE_INFINITY : pMin + sMin;
    last = signalOf(saved.drift, saved.warning);
  }

  return {
    params,
    update(x) {
      if (x !== 0 && x !== 1) throw badValue('ddm.update', 'must be 0 (correct) or 1 (error)', x);
      let warning = last.warning;
      if (last.drift) {
        clear();
        warning = false;
      }
      n += 1;
      p += (1 / n) * (x - p);
      const s = Math.sqrt((p * (1 - p)) / n);
      let drift = false;
      if (n > warmStart) {
        if (p + s <= psMin) {
          pMin = p;
          sMin = s;
          psMin = p + s;
        }
        // pMin and sMin are set: the first value after the warm start always beats +Infinity.
        warning = p + s > pMin! + warningThreshold * sMin!;
        if (p + s > pMin! + driftThreshold * sMin!) {
          drift = true;
          warning = false;
          nDetections++;
        }
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
        kind: 'lockstep.drift.ddm',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: last.warning,
        nDetections,
        n,
        errorRate: p,
        pMin,
        sMin,
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
    get errorRate() {
      return p;
    },
    get pMin() {
      return pMin;
    },
    get sMin() {
      return sMin;
    },
  };
}

function checkParams(src: ParamSource, p: { readonly [K in keyof DdmParams]: unknown }): DdmParams {
  const warningThreshold = checkFinite(src, 'warningThreshold', p.warningThreshold, 0, true);
  const driftThreshold = checkFinite(src, 'driftThreshold', p.driftThreshold, warningThreshold);
  return { warmStart: checkInt(src, 'warmStart', p.warmStart, 0), warningThreshold, driftThreshold };
}

let schema: z.ZodMiniType<DdmState> | undefined;

function ddmSchema(): z.ZodMiniType<DdmState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const unit = z.number().check(z.gte(0), z.lte(1));
  schema = z.object({
    kind: z.literal('lockstep.drift.ddm'),
    formatVersion: z.literal(1),
    params: z.object({ warmStart: z.number(), warningThreshold: z.number(), driftThreshold: z.number() }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    n: count,
    errorRate: unit,
    pMin: z.nullable(unit),
    sMin: z.nullable(unit),
  }) as z.ZodMiniType<DdmState>;
  return schema;
}
