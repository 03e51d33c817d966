// passthrough: the number as it is (booleans as 0 and 1).
import { buildStep, learnsNothing, type NoOptions, type StepKernel, type StepRules } from './common.js';

export interface PassthroughStep {
  readonly type: 'passthrough';
}

/**
 * Outputs the number as it is (booleans as 0 and 1).
 * @example passthrough() // => { type: 'passthrough' }
 */
export function passthrough(options?: NoOptions): PassthroughStep {
  return buildStep(passthroughStep, options);
}

export const passthroughStep: StepRules<PassthroughStep, PassthroughStep> = {
  type: 'passthrough',
  options: [],
  check() {},
  fittedProblem: learnsNothing,
};

export const passthroughKernel: StepKernel<PassthroughStep> = {
  number() {
    return () => {};
  },
};
