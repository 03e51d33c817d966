// The messages between profileInWorkers (the calling thread) and each worker thread (worker.ts). Only plain,
// structured-cloneable data crosses: Frame columns and raw Arrow buffers as objects whose typed arrays are
// transferred, and the profile artifact as JSON-shaped data.
import type { Column } from '../../core/frame.js';
import type { ProfileArtifact } from '../artifact.js';
import type { ProfileOptions } from '../profile.js';

/** The profile options a worker builds its profiler with: everything but the callback (functions cannot cross). */
export type WorkerProfileOptions = Omit<ProfileOptions, 'onProgress'>;

/** `workerData` of every worker thread. */
export interface WorkerData {
  readonly options: WorkerProfileOptions;
}

/**
 * One chunk of an Arrow column that toFrame reads straight from its buffers, as the fields toFrame reads
 * (apache-arrow's `Data`, by shape): the type's ids, the rows, the validity bitmap (read from `offset`), the
 * values and, for strings, the offsets into them. Every array is a fresh copy, transferred.
 */
export interface RawArrowChunk {
  readonly type: {
    readonly typeId: number;
    readonly precision?: number;
    readonly bitWidth?: number;
    readonly unit?: number;
  };
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | null;
  readonly values: ArrayLike<number | bigint>;
  readonly valueOffsets?: ArrayLike<number | bigint>;
}

/**
 * Calling thread → worker: a batch to add, or the end of the batches. A batch is `length` rows whose columns,
 * in `order`, are either converted already (`columns`) or raw Arrow chunks for the worker to convert (`arrow`).
 */
export type ToWorker =
  | {
      readonly type: 'batch';
      readonly length: number;
      readonly order: readonly string[];
      readonly columns: readonly (readonly [string, Column])[];
      readonly arrow: readonly (readonly [string, readonly RawArrowChunk[]])[];
    }
  | { readonly type: 'end' };

/**
 * Worker → calling thread: rows profiled so far by this worker (after every chunk), a batch finished (the
 * worker is ready for another), its profile after `end`, or the error that stopped it.
 */
export type FromWorker =
  | { readonly type: 'progress'; readonly rows: number }
  | { readonly type: 'done' }
  | { readonly type: 'result'; readonly profile: ProfileArtifact }
  | { readonly type: 'error'; readonly code: string | undefined; readonly message: string };
