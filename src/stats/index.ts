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
export type {
  CategoricalProfile,
  FeatureProfile,
  FeatureType,
  NumericProfile,
  ProfileArtifact,
  QuantileSketch,
} from './artifact.js';
export { parseProfile } from './artifact.js';
export {
  type FeatureAssociation,
  type FeatureLabelAssociationOptions,
  featureLabelAssociation,
  type LabelAssociation,
} from './association.js';
export {
  type CorrelationMethod,
  type CorrelationPair,
  type Correlations,
  type CorrelationsOptions,
  correlations,
  type SkippedPair,
} from './correlations.js';
export type { PiiMode, SketchSizes, TypeCounts } from './feature.js';
export {
  createProfiler,
  mergeProfiles,
  type PiiOption,
  type ProfileOptions,
  type ProfileProgress,
  type Profiler,
  profile,
  profileStream,
  type StreamItem,
} from './profile.js';
export {
  cdf,
  type Histogram,
  type HistogramOptions,
  histogram,
  quantiles,
  type TopValue,
  topValues,
} from './read.js';
