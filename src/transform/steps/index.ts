// The one table of transform steps: each step's type to its definition (steps/common.ts says what a
// definition holds). Every part of the shared machinery looks a step up here, so adding a step is a file
// and a line in this table (and its place in the chain grammar, normalize.ts).
import type { Step } from '../spec.js';
import type { FittedStep } from '../types.js';
import { bucketizeStep } from './bucketize.js';
import { clipStep } from './clip.js';
import type { StepDefinition } from './common.js';
import { crossStep } from './cross.js';
import { datetimeStep } from './datetime.js';
import { hashBucketStep } from './hash-bucket.js';
import { imputeStep } from './impute.js';
import { log1pStep } from './log1p.js';
import { minMaxStep } from './min-max.js';
import { multiHotStep } from './multi-hot.js';
import { oneHotStep } from './one-hot.js';
import { passthroughStep } from './passthrough.js';
import { recencyWeightStep } from './recency-weight.js';
import { robustScaleStep } from './robust-scale.js';
import { standardizeStep } from './standardize.js';
import { vocabularyStep } from './vocabulary.js';

/** Every step, by type: the numeric steps first, then the index steps, then those that lead a chain. */
export const STEPS: {
  readonly [T in Step['type']]: StepDefinition<
    Extract<Step, { readonly type: T }>,
    Extract<FittedStep, { readonly type: T }>
  >;
} = {
  standardize: standardizeStep,
  minMax: minMaxStep,
  robustScale: robustScaleStep,
  clip: clipStep,
  log1p: log1pStep,
  passthrough: passthroughStep,
  bucketize: bucketizeStep,
  vocabulary: vocabularyStep,
  oneHot: oneHotStep,
  multiHot: multiHotStep,
  hashBucket: hashBucketStep,
  cross: crossStep,
  impute: imputeStep,
  datetime: datetimeStep,
  recencyWeight: recencyWeightStep,
};

/** The definition of a step's type, typed for any step (the table's entries are each for their own). */
export function stepDefinition(type: Step['type']): StepDefinition<Step, FittedStep> {
  return STEPS[type] as unknown as StepDefinition<Step, FittedStep>;
}

/** True for a step type lockstep knows. */
export function isStepType(type: unknown): type is Step['type'] {
  return typeof type === 'string' && Object.hasOwn(STEPS, type);
}
