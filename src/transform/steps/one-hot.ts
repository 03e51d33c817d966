// oneHot: the index of the step before it (vocabulary, hashBucket, bucketize, cross) as one column per
// index, 1 at the index and 0 elsewhere; a masked index 0 is all zeros.
import type { Emit } from '../kernel.js';
import { buildStep, learnsNothing, type NoOptions, type StepKernel, type StepRules } from './common.js';

export interface OneHotStep {
  readonly type: 'oneHot';
}

/**
 * Expands the index of the step before into one column per index, 1 at the index and 0 elsewhere.
 * @example oneHot() // => { type: 'oneHot' }
 */
export function oneHot(options?: NoOptions): OneHotStep {
  return buildStep(oneHotStep, options);
}

export const oneHotStep: StepRules<OneHotStep, OneHotStep> = {
  type: 'oneHot',
  options: [],
  check() {},
  fittedProblem: learnsNothing,
};

export const oneHotKernel: StepKernel<OneHotStep> = {
  expand(space, name, offset) {
    const shift = space.masked ? 1 : 0;
    const width = space.size - shift;
    const names = Array.from({ length: width }, (_, j) => `${name}=${space.label(j + shift)}`);
    const emit: Emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        const row = base + i * stride + offset;
        out.fill(0, row, row + width);
        const k = x[i]! - shift;
        if (k >= 0) out[row + k] = 1;
      }
    };
    return { emit, names };
  },
};
