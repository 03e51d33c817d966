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
  type Average,
  type AveragedOptions,
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  type CalibrationOptions,
  expectedCalibrationError,
  f1Score,
  type LogLossOptions,
  logLossScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rootMeanSquaredError,
  type WeightOptions,
} from './metrics.js';
export type { Values } from './read.js';
