// HDDM_A: drift detection with Hoeffding's bounds and the moving-average test (Frías-Blanco et al. 2015),
// as River's `drift.binary.HDDM_A` (after MOA's HDDM_A_Test) computes it.
import * as z from 'zod/mini';
import { readOptions } from '../../core/check.js';
import {
  badValue,
  checkBoolean,
  checkInterval,
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

/** HDDM_A's parameters, with River's names (camelCased) and defaults. */
export interface HddmAParams {
  /** Confidence of the drift test, in (0, 1). Default 0.001. */
  readonly driftConfidence: number;
  /** Confidence of the warning test, in (0, 1). Default 0.005. */
  readonly warningConfidence: number;
  /** Also watch for the mean falling (an error rate improving). Default false. */
  readonly twoSidedTest: boolean;
}

export interface HddmAOptions extends Partial<HddmAParams> {
  /** Resume from `hddm.state()`; the parameters come from the state. */
  readonly state?: HddmAState;
}

/** A running mean: values seen and their mean. */
export interface RunningMean {
  readonly n: number;
  readonly mean: number;
}

/** HDDM_A's saved state: the global mean and the two cut points' means. */
export interface HddmAState extends DetectorStateBase<'lockstep.drift.hddm-a', HddmAParams> {
  readonly z: RunningMean;
  readonly xMin: RunningMean;
  readonly xMax: RunningMean;
}

/** An HDDM_A detector: {@link DriftDetector} plus the running mean it tests. */
export interface HddmA extends DriftDetector<HddmAState> {
  readonly params: HddmAParams;
  /** The mean of the values since the detector last started afresh (the error rate for 0/1 errors). */
  readonly mean: number;
}

const FN = 'createHddmA';
const WHAT = 'HDDM_A state';
const KEYS = ['driftConfidence', 'warningConfidence', 'twoSidedTest', 'state'] as const;

/**
 * HDDM_A, drift detection with Hoeffding's bounds on moving averages, for values in [0, 1] (usually 0/1
 * errors). It keeps the global mean Z over n values and a cut point X: the prefix whose mean plus its
 * Hoeffding bound ε(m) = sqrt(ln(1/driftConfidence) / (2m)) was least. The mean has risen, with
 * confidence c, when Z − X ≥ sqrt((n − m) / (2 m n) · ln(2 / c)): c = `driftConfidence` reports drift,
 * c = `warningConfidence` warns. With `twoSidedTest` a second cut point watches for the mean falling.
 * O(1) time and memory per value.
 *
 * Reference: I. Frías-Blanco, J. del Campo-Ávila, G. Ramos-Jiménez, R. Morales-Bueno, A. Ortiz-Díaz,
 * Y. Caballero-Mota, "Online and non-parametric drift detection methods based on Hoeffding's bounds",
 * IEEE TKDE 27(3), 2015; River's `drift.binary.HDDM_A` (same parameters, defaults and decisions: on
 * River's documented stream, `random.Random(42)`, 1,000 fair 0/1 draws then 1,000 with P(1) = 0.7,
 * both warn first at 451 and report drift at 1206).
 *
 * Input: values in [0, 1]; 1 for an error, 0 for a correct prediction. Resume with
 * `createHddmA({ state: hddm.state() })`.
 * @example const hddm = createHddmA(); hddm.update(isError ? 1 : 0).drift // => true once the error rate has risen significantly
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range or an unknown option, naming the
 *   closest known key (and, from `update`, a value outside [0, 1]); `INVALID_ARTIFACT` for a malformed
 *   `state`.
 */
export function createHddmA(options?: HddmAOptions): HddmA {
  const o = readOptions(FN, options, KEYS);
  let params: HddmAParams;
  let saved: HddmAState | undefined;
  if (o.state !== undefined) {
    saved = parseState(FN, WHAT, o.state, hddmSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
  } else {
    params = checkParams(fromOptions(FN), {
      driftConfidence: o.driftConfidence ?? 0.001,
      warningConfidence: o.warningConfidence ?? 0.005,
      twoSidedTest: o.twoSidedTest ?? false,
    });
  }
  const { driftConfidence, warningConfidence, twoSidedTest } = params;
  const lnBound = Math.log(1 / driftConfidence);
  const sig = signals();

  // The global mean Z and the cut points: the prefixes to beat for an increase (xMin) and a decrease (xMax).
  let zN = 0;
  let zMean = 0;
  let minN = 0;
  let minMean = 0;
  let maxN = 0;
  let maxMean = 0;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;

  function clear(): void {
    zN = 0;
    zMean = 0;
    minN = 0;
    minMean = 0;
    maxN = 0;
    maxMean = 0;
  }

  if (saved) {
    ({ n: zN, mean: zMean } = saved.z);
    ({ n: minN, mean: minMean } = saved.xMin);
    ({ n: maxN, mean: maxMean } = saved.xMax);
    nDetections = saved.nDetections;
    last = signalOf(saved.drift, saved.warning);
  }

  const bound = (n: number): number => Math.sqrt((1 / (2 * n)) * lnBound);

  /** Z − X ≥ ε: the mean rose since the cut point, with confidence `c`. */
  function increased(c: number): boolean {
    if (minN === zN) return false;
    const m = ((zN - minN) / minN) * (1 / zN);
    return zMean - minMean >= Math.sqrt((m / 2) * Math.log(2 / c));
  }

  function decreased(c: number): boolean {
    if (maxN === zN) return false;
    const m = ((zN - maxN) / maxN) * (1 / zN);
    return maxMean - zMean >= Math.sqrt((m / 2) * Math.log(2 / c));
  }

  return {
    params,
    update(x) {
      if (typeof x !== 'number' || !(x >= 0 && x <= 1)) {
        throw badValue('hddmA.update', 'must be a number in [0, 1] (1 for an error)', x);
      }
      if (last.drift) clear();
      zN += 1;
      zMean += (1 / zN) * (x - zMean);
      if (minN === 0) {
        minN = zN;
        minMean = zMean;
      }
      if (maxN === 0) {
        maxN = zN;
        maxMean = zMean;
      }
      const epsZ = bound(zN);
      if (minMean + bound(minN) >= zMean + epsZ) {
        minN = zN;
        minMean = zMean;
      }
      if (maxMean - bound(maxN) <= zMean - epsZ) {
        maxN = zN;
        maxMean = zMean;
      }
      let drift = false;
      let warning = false;
      if (increased(driftConfidence)) drift = true;
      else if (increased(warningConfidence)) warning = true;
      if (twoSidedTest) {
        if (decreased(driftConfidence)) drift = true;
        else if (decreased(warningConfidence)) warning = true;
      }
      if (drift) nDetections++;
      last = signalOf(drift, warning && !drift);
      return last;
    },
    reset() {
      clear();
      last = sig.stable;
      nDetections = 0;
    },
    state() {
      return frozenState({
        kind: 'lockstep.drift.hddm-a',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: last.warning,
        nDetections,
        z: { n: zN, mean: zMean },
        xMin: { n: minN, mean: minMean },
        xMax: { n: maxN, mean: maxMean },
      });
    },
    get drift() {
      return last.drift;
    },
    get warning() {
      return last.warning;
    },
    get n() {
      return zN;
    },
    get nDetections() {
      return nDetections;
    },
    get mean() {
      return zMean;
    },
  };
}

function checkParams(src: ParamSource, p: { readonly [K in keyof HddmAParams]: unknown }): HddmAParams {
  return {
    driftConfidence: checkInterval(src, 'driftConfidence', p.driftConfidence, 0, 1),
    warningConfidence: checkInterval(src, 'warningConfidence', p.warningConfidence, 0, 1),
    twoSidedTest: checkBoolean(src, 'twoSidedTest', p.twoSidedTest),
  };
}

let schema: z.ZodMiniType<HddmAState> | undefined;

function hddmSchema(): z.ZodMiniType<HddmAState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const mean = z.object({ n: count, mean: z.number().check(z.gte(0), z.lte(1)) });
  schema = z.object({
    kind: z.literal('lockstep.drift.hddm-a'),
    formatVersion: z.literal(1),
    params: z.object({
      driftConfidence: z.number(),
      warningConfidence: z.number(),
      twoSidedTest: z.boolean(),
    }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    z: mean,
    xMin: mean,
    xMax: mean,
  }) as z.ZodMiniType<HddmAState>;
  return schema;
}
