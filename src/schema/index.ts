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
  type CategoricalDomain,
  type Comparator,
  type FeatureKind,
  type FeatureSchema,
  type NumericDomain,
  type Presence,
  parseSchema,
  SCHEMA_LIMITS,
  type SchemaArtifact,
  type SchemaBody,
  sealSchema,
} from './artifact.js';
export {
  diffSchemas,
  type FeatureEnvironments,
  type RangeBounds,
  type RowBounds,
  type SchemaChange,
  type SchemaChangeCode,
} from './diff.js';
export { DEFAULT_COMPARATORS, type InferOptions, inferSchema } from './infer.js';
export {
  markPii,
  piiFeatures,
  REDACTED,
  type RedactOptions,
  redact,
  redactedDescription,
} from './redact.js';
export { compileValidator, type RowValidator } from './row-validator.js';
export {
  type Anomaly,
  type AnomalyCode,
  BATCH_CODES,
  type ValidateOptions,
  type ValidationReport,
} from './rules.js';
export {
  type PiiReasonCode,
  type PiiSuggestion,
  type SuggestPiiOptions,
  suggestPii,
} from './suggest-pii.js';
export { type ToZodOptions, type ToZodSchema, type ToZodShape, toZod } from './to-zod.js';
export {
  type SchemaUpdate,
  type SkipCode,
  type SkippedAnomaly,
  type UpdateSchemaOptions,
  updateSchema,
} from './update.js';
export {
  assertValid,
  createValidator,
  type Partition,
  partitionValid,
  type QuarantineReason,
  type Validator,
  validate,
} from './validate.js';
