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
  accuracy,
  logLoss,
  type Metric,
  type MetricOptions,
  type MetricState,
  type MetricStateInput,
  mae,
} from '../core/metrics.js';
export { type AndersonDarlingResult, andersonDarling } from './anderson-darling.js';
export type {
  Bin,
  BinningOptions,
  CategoricalValues,
  MissingRule,
  MissingShares,
  NumericValues,
  ProfileFeature,
  Sample,
} from './bins.js';
export { type ChiSquareTestResult, chiSquareTest } from './chi-square-test.js';
export {
  type CompareOptions,
  compare,
  type DriftAnomaly,
  type DriftMethod,
  type DriftReport,
  type FeatureDrift,
} from './compare.js';
export * from './detectors/index.js';
export {
  type BinContribution,
  type BinnedDistance,
  type BinnedDistanceOptions,
  energyDistance,
  type FlooredDistanceOptions,
  hellinger,
  type JensenShannonOptions,
  jensenShannon,
  klDivergence,
  lInfinity,
  psi,
  type SampleDistance,
  totalVariation,
  type WassersteinOptions,
  wasserstein,
} from './distances.js';
export {
  type ExampleSkewOptions,
  type ExampleSkewReport,
  exampleSkew,
  type FeatureSkew,
  type Tolerance,
} from './example-skew.js';
export { type KsTestOptions, type KsTestResult, ksTest } from './ks-test.js';
export { type MannWhitneyUResult, mannWhitneyU } from './mann-whitney-test.js';
export {
  type LabelledExample,
  type ProgressiveValidationOptions,
  type ProgressiveValidationResult,
  progressiveValidation,
} from './progressive.js';
export type { Alternative, CategoricalSample, NumericSample } from './samples.js';
export { type WelchTTestResult, welchTTest } from './t-test.js';
export { type ZTestProportionsResult, zTestProportions } from './z-test-proportions.js';
