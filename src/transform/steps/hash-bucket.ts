// hashBucket: categories to `buckets` indices by murmur3(UTF-8 of the value, murmur3(salt, 0)) mod buckets,
// the hash of lockstep/split (Python's mmh3 reproduces it); an optional last bucket holds missing values.
import { murmur3String } from '../../core/murmur3.js';
import type { CategoryIndex } from '../kernel.js';
import {
  buildStep,
  checkCount,
  checkMissingRule,
  checkSalt,
  learnsNothing,
  MAX_BUCKETS,
  type MissingBucketRule,
  type StepKernel,
  type StepRules,
} from './common.js';

export interface HashBucketStep {
  readonly type: 'hashBucket';
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}

/**
 * Maps categories to `buckets` indices by hash: murmur3(UTF-8 of the value, murmur3(salt, 0)) mod buckets,
 * the same hash as lockstep/split, reproducible with Python's mmh3.
 * @example hashBucket({ buckets: 64 }) // => { type: 'hashBucket', buckets: 64 }
 */
export function hashBucket(options: {
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}): HashBucketStep {
  return buildStep(hashBucketStep, options);
}

/** Checks the options hashBucket and cross share: buckets, salt and the missing rule. */
export function checkHashOptions(fn: string, at: string, s: Readonly<Record<string, unknown>>): void {
  checkCount(fn, at, s, 'buckets', 1, MAX_BUCKETS, true);
  checkSalt(fn, at, s);
  checkMissingRule(fn, at, s);
}

/** The index space and indexer of a hashed category (hashBucket, cross): buckets, then a missing bucket. */
export function hashIndex(step: {
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}): CategoryIndex {
  const seed = murmur3String(step.salt ?? '', 0);
  const buckets = step.buckets;
  const extra = step.missing === 'bucket' ? 1 : 0;
  return {
    space: {
      size: buckets + extra,
      masked: false,
      label: (i) => (i < buckets ? `#${i}` : '#missing'),
    },
    index: (text) => murmur3String(text, seed) % buckets,
    outside: Number.POSITIVE_INFINITY,
  };
}

export const hashBucketStep: StepRules<HashBucketStep, HashBucketStep> = {
  type: 'hashBucket',
  options: ['buckets', 'salt', 'missing'],
  check: checkHashOptions,
  fittedProblem: learnsNothing,
};

export const hashBucketKernel: StepKernel<HashBucketStep> = {
  index: hashIndex,
};
