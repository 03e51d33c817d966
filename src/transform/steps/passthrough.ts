// passthrough: the number as it is (booleans as 0 and 1).
import { learnsNothing, type StepDefinition } from './common.js';

export interface PassthroughStep {
  readonly type: 'passthrough';
}

/**
 * Outputs the number as it is (booleans as 0 and 1).
 * @example passthrough() // => { type: 'passthrough' }
 */
export function passthrough(): PassthroughStep {
  return { type: 'passthrough' };
}

export const passthroughStep: StepDefinition<PassthroughStep, PassthroughStep> = {
  type: 'passthrough',
  options: [],
  check() {},
  fittedProblem: learnsNothing,
  number() {
    return () => {};
  },
};
