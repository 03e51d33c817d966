// cross: two or more columns crossed into one category, their values joined with U+001F, then hashed into
// `buckets` indices as hashBucket does; a missing value in any column makes the tuple missing.
import { invalidArgument } from '../../core/errors.js';
import { learnsNothing, type MissingBucketRule, type StepKernel, type StepRules } from './common.js';
import { checkHashOptions, hashIndex } from './hash-bucket.js';

export interface CrossStep {
  readonly type: 'cross';
  /** The input columns crossed, in order. */
  readonly inputs: readonly string[];
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}

/**
 * Crosses columns into `buckets` indices by hashing their values joined with U+001F, so the pair
 * (origin, destination) becomes one feature.
 * @example cross(['origin', 'destination'], { buckets: 1000 }) // => { type: 'cross', inputs: ['origin', 'destination'], buckets: 1000 }
 */
export function cross(
  inputs: readonly string[],
  options: { readonly buckets: number; readonly salt?: string; readonly missing?: MissingBucketRule },
): CrossStep {
  return { type: 'cross', inputs, ...options };
}

export const crossStep: StepRules<CrossStep, CrossStep> = {
  type: 'cross',
  options: ['inputs', 'buckets', 'salt', 'missing'],
  check(fn, at, s) {
    checkHashOptions(fn, at, s);
    const inputs = s.inputs;
    if (
      !Array.isArray(inputs) ||
      inputs.length < 2 ||
      !inputs.every((c) => typeof c === 'string') ||
      new Set(inputs).size !== inputs.length
    ) {
      throw invalidArgument(fn, `${at}.inputs`, 'must be two or more distinct column names', inputs);
    }
  },
  fittedProblem: learnsNothing,
};

export const crossKernel: StepKernel<CrossStep> = {
  index: hashIndex,
};
