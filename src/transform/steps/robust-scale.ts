// robustScale: (x − median) / (q_high − q_low), as scikit-learn's RobustScaler, with numpy's linear
// quantiles (exact up to `exactQuantiles` values).
import { buildStep, checkProbabilities, needsNumbers, type StepKernel, type StepRules } from './common.js';

export interface RobustScaleStep {
  readonly type: 'robustScale';
  /** The quantiles whose difference is the scale. Default [0.25, 0.75] (scikit-learn's IQR). */
  readonly quantiles?: readonly [number, number];
}

export type FittedRobustScale = RobustScaleStep & {
  readonly fitted: { readonly center: number; readonly low: number; readonly high: number };
};

/**
 * Scales by the interquartile range: (x − median) / (q75 − q25), as scikit-learn's RobustScaler, with
 * numpy's linear quantiles. A zero range is replaced by 1.
 * @example robustScale() // => { type: 'robustScale' }
 */
export function robustScale(
  options: { readonly quantiles?: readonly [number, number] } = {},
): RobustScaleStep {
  return buildStep(robustScaleStep, options);
}

export const robustScaleStep: StepRules<RobustScaleStep, FittedRobustScale> = {
  type: 'robustScale',
  options: ['quantiles'],
  check(fn, at, s) {
    if (s.quantiles !== undefined) checkProbabilities(fn, at, s, 'quantiles');
  },
  fit: {
    phases: () => 1,
    accumulator: () => 'quantiles',
    finish(step, stats) {
      const [lo, hi] = step.quantiles ?? [0.25, 0.75];
      return {
        ...step,
        fitted: { center: stats.quantile(0.5), low: stats.quantile(lo), high: stats.quantile(hi) },
      };
    },
  },
  fittedProblem(step) {
    const f = step.fitted;
    return (
      needsNumbers(f, 'center', 'low', 'high') ??
      (f.low > f.high ? ['fitted.high', 'must be at least fitted.low'] : undefined)
    );
  },
};

export const robustScaleKernel: StepKernel<FittedRobustScale> = {
  number(step) {
    const { center, low, high } = step.fitted;
    const scale = high - low === 0 ? 1 : high - low;
    return (s, n) => {
      const x = s.x;
      for (let i = 0; i < n; i++) x[i] = (x[i]! - center) / scale;
    };
  },
};
