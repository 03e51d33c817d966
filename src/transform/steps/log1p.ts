// log1p: ln(1 + x). A value at or below −1 has no logarithm and is INVALID_DATA, never a NaN in the output.
import { buildStep, learnsNothing, type NoOptions, type StepKernel, type StepRules } from './common.js';

export interface Log1pStep {
  readonly type: 'log1p';
}

/**
 * ln(1 + x). Values at or below −1 have no logarithm and are an error, never a NaN in the output.
 * @example log1p() // => { type: 'log1p' }
 */
export function log1p(options?: NoOptions): Log1pStep {
  return buildStep(log1pStep, options);
}

export const log1pStep: StepRules<Log1pStep, Log1pStep> = {
  type: 'log1p',
  options: [],
  check() {},
  fittedProblem: learnsNothing,
};

export const log1pKernel: StepKernel<Log1pStep> = {
  number() {
    return (s, n, fail) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        // NaN here is a missing value no impute filled, which the missing check reports.
        if (v > -1) x[i] = Math.log1p(v);
        else if (!Number.isNaN(v)) fail(i, 'INVALID_VALUE', 'must be greater than -1 for log1p', v);
      }
    };
  },
};
