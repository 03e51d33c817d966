// The steps a transform spec is made of: plain JSON objects, built by plain functions. A step's options
// are what the user chose; what fitting learns goes under the step's `fitted` key in the artifact. Each
// step's type and builder live in its own file under steps/; this file gathers them into the spec's types.
import type { BucketizeStep } from './steps/bucketize.js';
import type { ClipStep } from './steps/clip.js';
import type { CrossStep } from './steps/cross.js';
import type { DatetimeStep } from './steps/datetime.js';
import type { HashBucketStep } from './steps/hash-bucket.js';
import type { ImputeStep } from './steps/impute.js';
import type { Log1pStep } from './steps/log1p.js';
import type { MinMaxStep } from './steps/min-max.js';
import type { MultiHotStep } from './steps/multi-hot.js';
import type { OneHotStep } from './steps/one-hot.js';
import type { PassthroughStep } from './steps/passthrough.js';
import type { RecencyWeightStep } from './steps/recency-weight.js';
import type { RobustScaleStep } from './steps/robust-scale.js';
import type { StandardizeStep } from './steps/standardize.js';
import type { TokenizeStep } from './steps/tokenize.js';
import type { VocabularyStep } from './steps/vocabulary.js';

export { type BucketizeStep, bucketize } from './steps/bucketize.js';
export { type ClipStep, clip } from './steps/clip.js';
export type { MissingBucketRule, NoOptions } from './steps/common.js';
export { type CrossStep, cross } from './steps/cross.js';
export { type DatePart, type DatetimeStep, datetime } from './steps/datetime.js';
export { type HashBucketStep, hashBucket } from './steps/hash-bucket.js';
export { type ImputeStep, type ImputeStrategy, impute } from './steps/impute.js';
export { type Log1pStep, log1p } from './steps/log1p.js';
export { type MinMaxStep, minMax } from './steps/min-max.js';
export { type MultiHotStep, multiHot } from './steps/multi-hot.js';
export { type OneHotStep, oneHot } from './steps/one-hot.js';
export { type PassthroughStep, passthrough } from './steps/passthrough.js';
export { type RecencyWeightStep, recencyWeight } from './steps/recency-weight.js';
export { type RobustScaleStep, robustScale } from './steps/robust-scale.js';
export { type StandardizeStep, standardize } from './steps/standardize.js';
export { type TokenizeStep, tokenize } from './steps/tokenize.js';
export { type VocabularyStep, vocabulary } from './steps/vocabulary.js';

/** One step of a feature's chain. */
export type Step =
  | StandardizeStep
  | MinMaxStep
  | RobustScaleStep
  | ClipStep
  | Log1pStep
  | BucketizeStep
  | VocabularyStep
  | OneHotStep
  | MultiHotStep
  | HashBucketStep
  | CrossStep
  | ImputeStep
  | DatetimeStep
  | PassthroughStep
  | RecencyWeightStep
  | TokenizeStep;

/** A feature of a spec: the input column (the key, unless `input` names another) and its chain of steps. */
export type FeatureSpec =
  | Step
  | readonly Step[]
  | { readonly input: string; readonly steps: readonly Step[] };

/** A transform spec: output feature names to their chains, in output order. */
export type TransformSpec = Readonly<Record<string, FeatureSpec>>;
