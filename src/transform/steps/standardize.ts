// standardize: (x − mean) / std, with the population std (ddof 0), as scikit-learn's StandardScaler. Two
// passes: the exact mean, then the exact sum of squared deviations from it (numpy's two-pass `var`, with
// exact sums), so the fitted values do not depend on how the data was cut into batches.
import { buildStep, type NoOptions, needsNumbers, type StepKernel, type StepRules } from './common.js';

export interface StandardizeStep {
  readonly type: 'standardize';
}

export type FittedStandardize = StandardizeStep & {
  readonly fitted: { readonly mean: number; readonly std: number };
};

/**
 * Standardizes to zero mean and unit variance: (x − mean) / std, with the population std (ddof 0), as
 * scikit-learn's StandardScaler. A feature with zero variance (within rounding, by scikit-learn's rule) is scaled by
 * 1, so it outputs x − mean (about 0 on the training data).
 * @example standardize() // => { type: 'standardize' }
 */
export function standardize(options?: NoOptions): StandardizeStep {
  return buildStep(standardizeStep, options);
}

export const standardizeStep: StepRules<StandardizeStep, FittedStandardize> = {
  type: 'standardize',
  options: [],
  check() {},
  fit: {
    phases: () => 2,
    accumulator: () => 'sum',
    center: (_step, stats) => stats.mean(),
    finish(step, stats, mean) {
      // Second pass: the exact sum of squared deviations from the exact mean of the first.
      if (mean === undefined) throw new Error('unreachable: standardize without its mean');
      const variance = stats.mean();
      // A variance within rounding error of zero is zero (scikit-learn's _is_constant_feature): the mean of
      // a constant column is rounded, so its computed variance can be 1e-34 instead of 0.
      const n = stats.count;
      const eps = Number.EPSILON;
      const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
      return { ...step, fitted: { mean, std: constant ? 0 : Math.sqrt(variance) } };
    },
  },
  fittedProblem(step) {
    const f = step.fitted;
    return needsNumbers(f, 'mean', 'std') ?? (f.std < 0 ? ['fitted.std', 'must be at least 0'] : undefined);
  },
};

export const standardizeKernel: StepKernel<FittedStandardize> = {
  number(step) {
    const { mean, std } = step.fitted;
    const scale = std === 0 ? 1 : std;
    return (s, n) => {
      const x = s.x;
      for (let i = 0; i < n; i++) x[i] = (x[i]! - mean) / scale;
    };
  },
};
