// The messages between profileInWorkers (the calling thread) and each worker thread (worker.ts). Only plain,
// structured-cloneable data crosses: Frame columns as objects whose typed arrays are transferred, and the
// profile artifact as JSON-shaped data.
import type { Column } from '../../core/frame.js';
import type { ProfileArtifact } from '../artifact.js';
import type { ProfileOptions } from '../profile.js';

/** The profile options a worker builds its profiler with: everything but the callback (functions cannot cross). */
export type WorkerProfileOptions = Omit<ProfileOptions, 'onProgress'>;

/** `workerData` of every worker thread. */
export interface WorkerData {
  readonly options: WorkerProfileOptions;
}

/** Calling thread → worker: a batch to add (a Frame's length and columns), or the end of the batches. */
export type ToWorker =
  | {
      readonly type: 'batch';
      readonly length: number;
      readonly columns: readonly (readonly [string, Column])[];
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
