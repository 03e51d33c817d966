// recencyWeight: a sample weight, not a model input: 2^(−max(0, t_ref − t) / halfLife), where t_ref is the
// latest time in the training data, so recent rows weigh more after a shift; weights lie in (0, 1].
import { checkString } from '../../core/check.js';
import { invalidArgument } from '../../core/errors.js';
import type { Emit } from '../kernel.js';
import { buildStep, MAX_NAME, needsNumbers, type StepKernel, type StepRules } from './common.js';

export interface RecencyWeightStep {
  readonly type: 'recencyWeight';
  /** The time column the weight decays along. */
  readonly column: string;
  /** Milliseconds over which the weight halves. */
  readonly halfLife: number;
}

export type FittedRecencyWeight = RecencyWeightStep & { readonly fitted: { readonly reference: number } };

/**
 * A sample weight, not a model input: 2^(−max(0, t_ref − t) / halfLife), where t_ref is the latest time in
 * the training data, so recent rows weigh more after a shift; weights lie in (0, 1]. `halfLife` is in ms.
 * @example recencyWeight({ column: 'date', halfLife: 86400000 }) // => { type: 'recencyWeight', column: 'date', halfLife: 86400000 }
 */
export function recencyWeight(options: {
  readonly column: string;
  readonly halfLife: number;
}): RecencyWeightStep {
  return buildStep(recencyWeightStep, options);
}

export const recencyWeightStep: StepRules<RecencyWeightStep, FittedRecencyWeight> = {
  type: 'recencyWeight',
  options: ['column', 'halfLife'],
  check(fn, at, s) {
    if (typeof s.column !== 'string' || s.column === '')
      throw invalidArgument(fn, `${at}.column`, 'must be a column name', s.column);
    checkString(fn, `${at}.column`, s.column, MAX_NAME);
    if (typeof s.halfLife !== 'number' || !(s.halfLife > 0) || !Number.isFinite(s.halfLife))
      throw invalidArgument(fn, `${at}.halfLife`, 'must be a positive number of milliseconds', s.halfLife);
  },
  fit: {
    phases: () => 1,
    accumulator: () => 'range',
    finish: (step, stats) => ({ ...step, fitted: { reference: stats.range().max } }),
  },
  fittedProblem: (step) => needsNumbers(step.fitted, 'reference'),
};

export const recencyWeightKernel: StepKernel<FittedRecencyWeight> = {
  time(step) {
    const { reference } = step.fitted;
    const halfLife = step.halfLife;
    // Writes one weight per row: the caller passes the weights array with stride 1 and base 0.
    const emit: Emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        // Rows newer than the newest training row weigh 1, like it: weights stay in (0, 1].
        const age = reference - x[i]!;
        out[base + i * stride] = age > 0 ? 2 ** (-age / halfLife) : 1;
      }
    };
    return { emit, names: [] };
  },
};
