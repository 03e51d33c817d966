// cross: two or more columns crossed into one category, their values joined with U+001F, then hashed into
// `buckets` indices as hashBucket does; a missing value in any column makes the tuple missing.
import { invalidArgument } from '../../core/errors.js';
import {
  buildStep,
  learnsNothing,
  MAX_NAME,
  type MissingBucketRule,
  type StepKernel,
  type StepRules,
} from './common.js';
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
  checkInputs('cross', 'inputs', inputs);
  return buildStep(crossStep, options, { inputs: [...inputs] });
}

/** Most columns one cross may read. */
export const MAX_CROSS = 64;

/** Checks a cross's input columns: 2 to MAX_CROSS distinct column names. */
function checkInputs(fn: string, arg: string, inputs: unknown): void {
  if (
    !Array.isArray(inputs) ||
    inputs.length < 2 ||
    inputs.length > MAX_CROSS ||
    !inputs.every((c) => typeof c === 'string' && c.length <= MAX_NAME) ||
    new Set(inputs).size !== inputs.length
  ) {
    throw invalidArgument(fn, arg, `must be 2 to ${MAX_CROSS} distinct column names`, inputs);
  }
}

export const crossStep: StepRules<CrossStep, CrossStep> = {
  type: 'cross',
  options: ['inputs', 'buckets', 'salt', 'missing'],
  check(fn, at, s) {
    checkHashOptions(fn, at, s);
    checkInputs(fn, `${at}.inputs`, s.inputs);
  },
  fittedProblem: learnsNothing,
};

export const crossKernel: StepKernel<CrossStep> = {
  index: hashIndex,
};
