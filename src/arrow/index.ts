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
export { type FromArrowOptions, fromArrowTable } from './from-arrow.js';
export { type BatchMapper, type MapBatchesOptions, mapBatches } from './map-batches.js';
export type { MatrixLike, WeightColumnOptions } from './matrix.js';
export { type IpcSource, ipcBatches, readIpcBatches } from './read-ipc.js';
export { type ToArrowOptions, toArrowTable, toRecordBatch } from './to-arrow.js';
