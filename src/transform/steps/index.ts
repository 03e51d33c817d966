// The two tables of transform steps: each step's type to its rules (options, fitting, fitted-value check)
// and to its kernel (steps/common.ts says what each holds). Fitting, parsing and the chain grammar look a
// step up in the rules table; the kernel's assembly only in the kernel table, so the request path bundles
// no rules. Adding a step is a file, a line in each table, and its place in the chain grammar
// (normalize.ts).
import type { Step } from '../spec.js';
import type { FittedStep } from '../types.js';
import { bucketizeKernel, bucketizeStep } from './bucketize.js';
import { clipKernel, clipStep } from './clip.js';
import type { StepKernel, StepRules } from './common.js';
import { crossKernel, crossStep } from './cross.js';
import { datetimeKernel, datetimeStep } from './datetime.js';
import { hashBucketKernel, hashBucketStep } from './hash-bucket.js';
import { imputeKernel, imputeStep } from './impute.js';
import { log1pKernel, log1pStep } from './log1p.js';
import { minMaxKernel, minMaxStep } from './min-max.js';
import { multiHotKernel, multiHotStep } from './multi-hot.js';
import { oneHotKernel, oneHotStep } from './one-hot.js';
import { passthroughKernel, passthroughStep } from './passthrough.js';
import { recencyWeightKernel, recencyWeightStep } from './recency-weight.js';
import { robustScaleKernel, robustScaleStep } from './robust-scale.js';
import { standardizeKernel, standardizeStep } from './standardize.js';
import { tokenizeKernel, tokenizeStep } from './tokenize.js';
import { vocabularyKernel, vocabularyStep } from './vocabulary.js';

type Of<U, T> = Extract<U, { readonly type: T }>;

/** Every step's rules, by type: the numeric steps first, then the index steps, then those that lead a chain. */
export const STEPS: {
  readonly [T in Step['type']]: StepRules<Of<Step, T>, Of<FittedStep, T>>;
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
  tokenize: tokenizeStep,
};

/** Every step's kernel, by type, in the same order. */
const KERNELS: { readonly [T in Step['type']]: StepKernel<Of<FittedStep, T>> } = {
  standardize: standardizeKernel,
  minMax: minMaxKernel,
  robustScale: robustScaleKernel,
  clip: clipKernel,
  log1p: log1pKernel,
  passthrough: passthroughKernel,
  bucketize: bucketizeKernel,
  vocabulary: vocabularyKernel,
  oneHot: oneHotKernel,
  multiHot: multiHotKernel,
  hashBucket: hashBucketKernel,
  cross: crossKernel,
  impute: imputeKernel,
  datetime: datetimeKernel,
  recencyWeight: recencyWeightKernel,
  tokenize: tokenizeKernel,
};

/** The rules of a step's type, typed for any step (the table's entries are each for their own). */
export function stepRules(type: Step['type']): StepRules<Step, FittedStep> {
  return STEPS[type] as unknown as StepRules<Step, FittedStep>;
}

/** The kernel of a step's type, typed for any step. */
export function stepKernel(type: Step['type']): StepKernel<FittedStep> {
  return KERNELS[type] as unknown as StepKernel<FittedStep>;
}

/** True for a step type lockstep knows. */
export function isStepType(type: unknown): type is Step['type'] {
  return typeof type === 'string' && Object.hasOwn(STEPS, type);
}
