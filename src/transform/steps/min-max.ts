// minMax: (x − min) / (max − min) over the training range, as scikit-learn's MinMaxScaler; optionally
// clipped to [0, 1] when serving (scikit-learn's `clip=True`).
import { buildStep, checkFlag, needsNumbers, type StepKernel, type StepRules } from './common.js';

export interface MinMaxStep {
  readonly type: 'minMax';
  /** Clip serving values to [0, 1] (scikit-learn's `clip=True`). Default false. */
  readonly clip?: boolean;
}

export type FittedMinMax = MinMaxStep & { readonly fitted: { readonly min: number; readonly max: number } };

/**
 * Scales to [0, 1] over the training range: (x − min) / (max − min), as scikit-learn's MinMaxScaler. A
 * constant feature is scaled by 1, so it outputs 0.
 * @example minMax({ clip: true }) // => { type: 'minMax', clip: true }
 */
export function minMax(options: { readonly clip?: boolean } = {}): MinMaxStep {
  return buildStep(minMaxStep, options);
}

export const minMaxStep: StepRules<MinMaxStep, FittedMinMax> = {
  type: 'minMax',
  options: ['clip'],
  check(fn, at, s) {
    checkFlag(fn, at, s, 'clip');
  },
  fit: {
    phases: () => 1,
    accumulator: () => 'range',
    finish(step, stats) {
      const { min, max } = stats.range();
      return { ...step, fitted: { min, max } };
    },
  },
  fittedProblem(step) {
    const f = step.fitted;
    return (
      needsNumbers(f, 'min', 'max') ??
      (f.min > f.max ? ['fitted.max', 'must be at least fitted.min'] : undefined)
    );
  },
};

export const minMaxKernel: StepKernel<FittedMinMax> = {
  number(step) {
    const { min, max } = step.fitted;
    const scale = max - min === 0 ? 1 : max - min;
    if (step.clip) {
      return (s, n) => {
        const x = s.x;
        for (let i = 0; i < n; i++) {
          const v = (x[i]! - min) / scale;
          x[i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      };
    }
    return (s, n) => {
      const x = s.x;
      for (let i = 0; i < n; i++) x[i] = (x[i]! - min) / scale;
    };
  },
};
