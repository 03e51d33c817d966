export { LockstepError, type LockstepErrorCode } from '../core/errors.js';
export { toFrame, toRows } from '../core/frame.js';
export type {
  ArrowTableLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  FrameIssue,
  FrameIssueCode,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from '../core/frame-types.js';
export { createRng, type Rng, type RngOptions, type RngState, type RngStateInput } from '../core/rng.js';
export type { SplitWeights } from '../core/weights.js';
export { assignSplit, sampleByKey } from './assign.js';
export { type FingerprintDataIssue, fingerprintData } from './fingerprint-data.js';
export { type HashKey, hash32, hashUnit, type SaltOptions } from './hash.js';
export {
  type KeySelector,
  type MissingPolicy,
  type SplitByTimeOptions,
  type SplitIndices,
  type SplitIssue,
  type SplitOptions,
  splitByTime,
  splitFrame,
  splitIndices,
  type TimePoint,
} from './split-frame.js';
