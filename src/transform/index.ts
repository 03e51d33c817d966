export { LockstepError, type LockstepErrorCode } from '../core/errors.js';
export type {
  ArrowTableLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from '../core/frame-types.js';
export {
  type ApplyBatchOptions,
  type ApplyExplanation,
  type ApplyOptions,
  apply,
  applyBatch,
  type BatchIssue,
  type BatchIssueCode,
} from './apply.js';
export { parseTransform, specOf } from './artifact.js';
export { checkOutput, type OutputCheck } from './check-output.js';
export { diffTransforms, type TransformChange, type TransformChangeCode } from './diff.js';
export { createFitter, type FitOptions, type Fitter, fit, fitStream } from './fit.js';
export {
  type BucketizeStep,
  bucketize,
  type ClipStep,
  type CrossStep,
  clip,
  cross,
  type DatePart,
  type DatetimeStep,
  datetime,
  type FeatureSpec,
  type HashBucketStep,
  hashBucket,
  type ImputeStep,
  type ImputeStrategy,
  impute,
  type Log1pStep,
  log1p,
  type MinMaxStep,
  type MissingBucketRule,
  type MultiHotStep,
  minMax,
  multiHot,
  type NoOptions,
  type OneHotStep,
  oneHot,
  type PassthroughStep,
  passthrough,
  type RecencyWeightStep,
  type RobustScaleStep,
  recencyWeight,
  robustScale,
  type StandardizeStep,
  type Step,
  standardize,
  type TokenizeStep,
  type TransformSpec,
  tokenize,
  type VocabularyStep,
  vocabulary,
} from './spec.js';
export type { TokenKey } from './steps/tokenize.js';
export { tokenKey } from './token-key.js';
export type {
  FittedFeature,
  FittedStep,
  InputKind,
  OutputColumn,
  TransformArtifact,
  TransformedBatch,
} from './types.js';
