// lockstep/registry: versioned models with lineage, aliases, history and content-addressed artifacts behind
// one `ModelRegistry` interface; `createMemoryRegistry` here, the file system in `lockstep/registry/fs`.
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
export { modelAge } from './lineage.js';
export { createMemoryRegistry } from './memory.js';
export { parseRef } from './names.js';
export type {
  ArtifactInput,
  ArtifactRef,
  AuthorizeRequest,
  ChangeOptions,
  CreateVersionInput,
  HistoryEvent,
  JsonValue,
  Lineage,
  MetricFilter,
  ModelInfo,
  ModelRegistry,
  ModelVersion,
  ParsedRef,
  RegistryAction,
  RegistryOptions,
  SearchOptions,
  SearchPage,
  SetAliasOptions,
  VersionStatus,
} from './types.js';
