// bucketize: numbers to bucket indices. Bucket i holds [b(i−1), b(i)), so a value on a boundary goes to the
// bucket above it (numpy's `digitize`, tf's `bucketize`); boundaries are given, or fitted as the quantiles
// i/n of the training data with duplicates dropped. An optional last bucket holds missing values.
import { invalidArgument } from '../../core/errors.js';
import { countAtMost } from '../../core/search.js';
import type { IndexSpace, Prep } from '../kernel.js';
import {
  buildStep,
  checkCount,
  checkMissingRule,
  fittedObject,
  MISSING_NUMBER,
  type MissingBucketRule,
  type StepKernel,
  type StepRules,
} from './common.js';

export interface BucketizeStep {
  readonly type: 'bucketize';
  /** Fixed boundaries, strictly increasing. */
  readonly boundaries?: readonly number[];
  /** Fit this many buckets of about equal mass (quantile boundaries; duplicates dropped). */
  readonly quantiles?: number;
  readonly missing?: MissingBucketRule;
}

export type FittedBucketize = BucketizeStep & { readonly fitted: { readonly boundaries: readonly number[] } };

/**
 * Buckets numbers: bucket i holds [b(i−1), b(i)), so a value equal to a boundary goes to the bucket above
 * it (numpy's `digitize`, tf's `bucketize`). Boundaries are given, or fitted as quantiles.
 * @example bucketize({ quantiles: 4 }) // => { type: 'bucketize', quantiles: 4 }
 */
export function bucketize(
  options:
    | { readonly boundaries: readonly number[]; readonly missing?: MissingBucketRule }
    | { readonly quantiles: number; readonly missing?: MissingBucketRule },
): BucketizeStep {
  return buildStep(bucketizeStep, options);
}

/** Most boundaries a bucketize step may have, given or fitted (quantiles: at most 10,000 buckets). */
export const MAX_BOUNDARIES = 1 << 16;

/** What is wrong with boundaries (at most MAX_BOUNDARIES finite numbers, strictly increasing), if anything. */
function boundariesProblem(b: unknown): string | undefined {
  if (Array.isArray(b) && b.length > MAX_BOUNDARIES)
    return `must have at most ${MAX_BOUNDARIES} items, got ${b.length}`;
  return increasing(b) ? undefined : 'must be finite numbers in strictly increasing order';
}

/** True for finite numbers in strictly increasing order (an array of at most MAX_BOUNDARIES). */
function increasing(b: unknown): b is readonly number[] {
  if (!Array.isArray(b) || b.length > MAX_BOUNDARIES) return false;
  for (let i = 0; i < b.length; i++) {
    const x: unknown = b[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && !(x > b[i - 1]))) return false;
  }
  return true;
}

/** Checks bucket boundaries: finite and strictly increasing. */
export function checkBoundaries(fn: string, at: string, b: unknown): void {
  const problem = boundariesProblem(b);
  if (problem !== undefined) throw invalidArgument(fn, at, problem, b);
}

/** The index space of a bucketize step: bucket i is [b(i−1), b(i)), then an optional missing bucket. */
export function bucketSpace(boundaries: readonly number[], missingBucket: boolean): IndexSpace {
  const m = boundaries.length;
  return {
    size: m + 1 + (missingBucket ? 1 : 0),
    masked: false,
    label: (i) =>
      i > m ? '#missing' : `[${i === 0 ? '-inf' : boundaries[i - 1]},${i === m ? 'inf' : boundaries[i]})`,
  };
}

/** countAtMost by a branch-free scan: faster than bisecting up to about 16 boundaries. */
function countAtMostByScan(b: Float64Array, v: number): number {
  let k = 0;
  for (let j = 0; j < b.length; j++) k += +(b[j]! <= v);
  return k;
}

export const bucketizeStep: StepRules<BucketizeStep, FittedBucketize> = {
  type: 'bucketize',
  options: ['boundaries', 'quantiles', 'missing'],
  check(fn, at, s) {
    checkMissingRule(fn, at, s);
    if ((s.boundaries === undefined) === (s.quantiles === undefined))
      throw invalidArgument(fn, at, 'must give either boundaries or quantiles', s);
    if (s.boundaries !== undefined) checkBoundaries(fn, `${at}.boundaries`, s.boundaries);
    else checkCount(fn, at, s, 'quantiles', 2, 10_000, true);
  },
  fit: {
    phases: (step) => (step.quantiles !== undefined ? 1 : 0),
    accumulator: () => 'quantiles',
    finish(step, stats) {
      const n = step.quantiles!;
      const boundaries: number[] = [];
      for (let i = 1; i < n; i++) {
        const b = stats.quantile(i / n);
        if (boundaries.length === 0 || b > boundaries[boundaries.length - 1]!) boundaries.push(b);
      }
      return { ...step, fitted: { boundaries } };
    },
  },
  fixed: (step) => ({ ...step, fitted: { boundaries: step.boundaries! } }),
  fittedProblem(step) {
    const f = step.fitted as unknown;
    const problem = fittedObject(f, ['boundaries']);
    if (problem) return problem;
    const boundaries = (f as { boundaries?: unknown }).boundaries;
    const bad = boundariesProblem(boundaries);
    if (bad !== undefined || !increasing(boundaries)) return ['fitted.boundaries', bad ?? ''];
    if (step.quantiles !== undefined && boundaries.length > step.quantiles - 1)
      return ['fitted.boundaries', `must hold at most quantiles − 1 (${step.quantiles - 1}) boundaries`];
    if (step.boundaries !== undefined && JSON.stringify(step.boundaries) !== JSON.stringify(boundaries))
      return ['fitted.boundaries', 'must equal the given boundaries'];
    return undefined;
  },
};

export const bucketizeKernel: StepKernel<FittedBucketize> = {
  buckets(step, imputed) {
    const bounds = Float64Array.from(step.fitted.boundaries);
    const missingBucket = step.missing === 'bucket';
    const space = bucketSpace(step.fitted.boundaries, missingBucket);
    const missingIndex = bounds.length + 1;
    const few = bounds.length <= 16;
    const prep: Prep = (s, n, fail) => {
      const { x, miss } = s;
      for (let i = 0; i < n; i++) {
        if (miss[i] === 1 && !imputed) {
          if (missingBucket) x[i] = missingIndex;
          else fail(i, 'MISSING_VALUE', MISSING_NUMBER);
        } else x[i] = few ? countAtMostByScan(bounds, x[i]!) : countAtMost(bounds, x[i]!);
      }
    };
    return { prep, space, handlesMissing: missingBucket && !imputed };
  },
};
