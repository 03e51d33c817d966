// clip: to fixed bounds (either side may be open), or to quantiles of the training data.
import { invalidArgument } from '../../core/errors.js';
import {
  buildStep,
  checkProbabilities,
  isFiniteNumber,
  needsNumbers,
  type StepKernel,
  type StepRules,
} from './common.js';

export interface ClipStep {
  readonly type: 'clip';
  readonly min?: number;
  readonly max?: number;
  /** Clip at these quantiles of the training data instead of fixed bounds. */
  readonly quantiles?: readonly [number, number];
}

export type FittedClip = ClipStep & { readonly fitted?: { readonly min: number; readonly max: number } };

/**
 * Clips to fixed bounds, or to quantiles of the training data.
 * @example clip({ quantiles: [0.01, 0.99] }) // => { type: 'clip', quantiles: [0.01, 0.99] }
 */
export function clip(
  options:
    | { readonly min?: number; readonly max?: number }
    | { readonly quantiles: readonly [number, number] },
): ClipStep {
  return buildStep(clipStep, options);
}

export const clipStep: StepRules<ClipStep, FittedClip> = {
  type: 'clip',
  options: ['min', 'max', 'quantiles'],
  check(fn, at, s) {
    if (s.quantiles !== undefined) {
      if (s.min !== undefined || s.max !== undefined)
        throw invalidArgument(fn, at, 'must give either quantiles or min/max, not both', s);
      checkProbabilities(fn, at, s, 'quantiles');
      return;
    }
    // Finite: JSON cannot carry an infinity, and an open side is written by leaving its bound out.
    for (const key of ['min', 'max']) {
      if (s[key] !== undefined && !isFiniteNumber(s[key]))
        throw invalidArgument(
          fn,
          `${at}.${key}`,
          'must be a finite number (leave it out for an open side)',
          s[key],
        );
    }
    if (s.min === undefined && s.max === undefined)
      throw invalidArgument(fn, at, 'must give min, max or quantiles', s);
    if (s.min !== undefined && s.max !== undefined && !((s.min as number) <= (s.max as number)))
      throw invalidArgument(fn, `${at}.max`, `must be at least min (${s.min as number})`, s.max);
  },
  fit: {
    phases: (step) => (step.quantiles !== undefined ? 1 : 0),
    accumulator: () => 'quantiles',
    finish(step, stats) {
      const [lo, hi] = step.quantiles!;
      return { ...step, fitted: { min: stats.quantile(lo), max: stats.quantile(hi) } };
    },
  },
  fittedProblem(step) {
    const f = step.fitted;
    if (step.quantiles === undefined)
      return f === undefined ? undefined : ['fitted', 'must be absent for fixed bounds'];
    return (
      needsNumbers(f, 'min', 'max') ??
      (f!.min > f!.max ? ['fitted.max', 'must be at least fitted.min'] : undefined)
    );
  },
};

export const clipKernel: StepKernel<FittedClip> = {
  number(step) {
    const lo = step.fitted?.min ?? step.min ?? Number.NEGATIVE_INFINITY;
    const hi = step.fitted?.max ?? step.max ?? Number.POSITIVE_INFINITY;
    return (s, n) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        x[i] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  },
};
