// multiHot: a list of categories as one column per index of the index step before it, 1 where any element
// of the list has that index. A missing list is an empty one; a masked index 0 is not written.
import type { Emit } from '../kernel.js';
import { toText } from '../read.js';
import { buildStep, learnsNothing, type NoOptions, type StepKernel, type StepRules } from './common.js';

export interface MultiHotStep {
  readonly type: 'multiHot';
}

/**
 * For list-valued features: one column per index, 1 where any element of the list has that index.
 * @example multiHot() // => { type: 'multiHot' }
 */
export function multiHot(options?: NoOptions): MultiHotStep {
  return buildStep(multiHotStep, options);
}

export const multiHotStep: StepRules<MultiHotStep, MultiHotStep> = {
  type: 'multiHot',
  options: [],
  check() {},
  fittedProblem: learnsNothing,
};

export const multiHotKernel: StepKernel<MultiHotStep> = {
  list(feature, { space: sp, index, outside }) {
    const width = sp.size - (sp.masked ? 1 : 0);
    const shift = sp.masked ? 1 : 0;
    const names = Array.from({ length: width }, (_, j) => `${feature.name}=${sp.label(j + shift)}`);
    const emit: Emit = (s, n, out, base, stride, fail) => {
      const { lists, oov } = s;
      for (let i = 0; i < n; i++) {
        const row = base + i * stride + feature.offset;
        out.fill(0, row, row + width);
        oov[i] = 0;
        const list = lists[i];
        if (list === undefined) continue;
        for (const v of list) {
          const t = toText(v);
          if (t === undefined) continue;
          if (typeof t === 'object') {
            fail(i, 'INVALID_VALUE', 'must hold categories (strings, finite numbers or booleans)', v);
            continue;
          }
          const k = index(t);
          if (k < 0)
            fail(
              i,
              'OUT_OF_VOCABULARY',
              'holds a value that is not in the vocabulary, and the vocabulary has no OOV buckets',
              t,
            );
          else {
            if (k >= outside) oov[i] = 1;
            if (k >= shift) out[row + k - shift] = 1;
          }
        }
      }
    };
    return { emit, names };
  },
};
