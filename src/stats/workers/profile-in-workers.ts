// profileInWorkers: the profile of many batches, computed on worker threads and merged. Node only: the
// calling-thread side; worker.ts is the program each thread runs, protocol.ts the messages between them.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { invalidArgument, LockstepError, type LockstepErrorCode } from '../../core/errors.js';
import {
  type ArrowTableLike,
  type Column,
  type Frame,
  type FrameInput,
  isFrame,
  makeFrame,
  takeRows,
  toFrame,
} from '../../core/frame.js';
import type { ProfileArtifact } from '../artifact.js';
import { createProfiler, type ProfileOptions, type ProfileProgress } from '../profile.js';
import type { FromWorker, ToWorker, WorkerData, WorkerProfileOptions } from './protocol.js';

const FN = 'profileInWorkers';
/** Batches sent to a worker and not yet profiled: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 2;
/** When one table is cut into slices and `workers` is not given, each worker gets at least this many rows. */
const SLICE_ROWS = 65_536;

export interface ProfileInWorkersOptions extends Omit<ProfileOptions, 'onProgress'> {
  /** Worker threads to start, a positive integer. Default `os.availableParallelism()`; never more than batches. */
  readonly workers?: number;
  /** Called in the calling thread as the workers report rows profiled (after every chunk of every batch). */
  readonly onProgress?: (progress: ProfileProgress) => void;
}

/** Batches to profile in parallel (anything `profile` takes, one per element), or one table to cut up. */
export type ProfileSource =
  | readonly FrameInput[]
  | Frame
  | ArrowTableLike
  | Readonly<Record<string, ArrayLike<unknown>>>;

/** Starts one worker thread running worker.ts with `data` as its workerData. */
export type StartWorker = (data: WorkerData) => Worker;

/**
 * The profile of many batches, computed on worker threads and merged. Each worker builds one profiler over
 * its share of the batches and the profiles merge as `mergeProfiles` does (Chan et al. 1979 for the
 * moments), so the result is `profile` of all the rows within each sketch's bound: counts, minimum,
 * maximum, frequencies under capacity and distinct-count registers exactly, mean and variance to rounding,
 * quantiles within the KLL rank error; it depends on the data and the number of workers, never on thread
 * timing. Cost: batches become Frames in the calling thread (O(rows × columns)) and go to the workers with
 * their typed arrays transferred (an array the caller owns is copied first, never detached; string and
 * mixed columns are copied by structured clone); batches are dealt by rows, at most two in flight per
 * worker, so memory stays bounded; each worker costs a thread start (tens of milliseconds) and its sketches.
 * Worth it from about a million rows; below that `profile` in the calling thread is faster.
 *
 * `source` is an array of batches (Arrow record batches or tables, Frames, arrays of rows, records of
 * columns), or one table, cut along its record batches when it has at least one for every worker, else
 * into one contiguous slice of rows per worker. To profile an Arrow IPC file, read it with apache-arrow in
 * the caller: `profileInWorkers(tableFromIPC(readFileSync(path)).batches)`. lockstep does not read IPC
 * itself because only `lockstep/arrow` may import apache-arrow (an optional peer dependency); record batches
 * are recognised by their shape, as `toFrame` recognises tables. Node only (node:worker_threads).
 * @example With apache-arrow's tableFromIPC and node:fs's readFileSync in the caller,
 *   `await profileInWorkers(tableFromIPC(readFileSync('flights.arrow')).batches, { workers: 4 })` resolves to
 *   the profile of every row of the file, as `profile(table)` would give it, computed on 4 threads.
 * @throws LockstepError (the promise rejects) `INVALID_ARGUMENT` for a bad `source` or option (`workers` not
 *   a positive integer, bad sketch sizes, …); `INVALID_DATA` for a batch that cannot be read or cannot be sent
 *   to a thread, or a worker thread that fails. Every thread has stopped when the promise settles.
 */
export async function profileInWorkers(
  source: ProfileSource,
  options: ProfileInWorkersOptions = {},
): Promise<ProfileArtifact> {
  return profileWith(source, options, startWorker);
}

/** `profileInWorkers` with the way a thread is started given (tests start failing ones). Not public. */
export async function profileWith(
  source: ProfileSource,
  options: ProfileInWorkersOptions,
  start: StartWorker,
): Promise<ProfileArtifact> {
  const settings = checkOptions(options);
  const plan = planBatches(source, settings.workers, settings.select);
  if (plan.threads === 0) {
    const alone = createProfiler(settings.profilerOptions);
    return (plan.whole ? alone.update(plan.whole) : alone).result();
  }
  const threads: Worker[] = [];
  try {
    const { results, names } = await runThreads(plan, settings, start, threads);
    return mergeInOrder(settings.profilerOptions, names, results);
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

interface Settings {
  readonly workers: number | undefined;
  readonly onProgress: ((progress: ProfileProgress) => void) | undefined;
  readonly profilerOptions: WorkerProfileOptions;
  readonly select: ReadonlySet<string> | undefined;
}

function checkOptions(options: ProfileInWorkersOptions): Settings {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(FN, 'options', 'must be an object', options);
  const { workers, onProgress, features, types, sketches, chunkRows } = options;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
    throw invalidArgument(FN, 'options.workers', 'must be a positive integer', workers);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidArgument(FN, 'options.onProgress', 'must be a function', onProgress);
  // Only the known, cloneable options go to the threads.
  const profilerOptions: WorkerProfileOptions = { features, types, sketches, chunkRows };
  try {
    createProfiler(profilerOptions); // checks the options here, once, rather than in every thread
  } catch (error) {
    // createProfiler names itself; the caller called profileInWorkers.
    if (error instanceof LockstepError && error.message.startsWith('createProfiler:')) {
      throw new LockstepError(error.code, `${FN}:${error.message.slice('createProfiler:'.length)}`);
    }
    throw error;
  }
  return { workers, onProgress, profilerOptions, select: features ? new Set(features) : undefined };
}

/** Which batches there are, their rows (known before conversion), and how each becomes a Frame. */
interface Plan {
  readonly threads: number;
  readonly rows: readonly number[];
  /** Batch i as a Frame, converted on demand, and the buffers the caller owns (copied, never transferred). */
  batch(i: number): { readonly frame: Frame; readonly caller: ReadonlySet<ArrayBufferLike> };
  /** The whole source as one Frame, when it was converted whole (one table cut into slices). */
  readonly whole: Frame | undefined;
  /** Batch i named for an error message. */
  where(i: number): string;
}

function isArrowLike(input: object): input is ArrowTableLike {
  const t = input as Partial<ArrowTableLike>;
  return (
    typeof t.numRows === 'number' &&
    typeof t.getChild === 'function' &&
    typeof t.schema === 'object' &&
    t.schema !== null &&
    Array.isArray(t.schema.fields)
  );
}

/** A plain object that holds a non-array value: a row, not a batch. */
function isRow(batch: object): boolean {
  if (Array.isArray(batch) || isFrame(batch) || isArrowLike(batch)) return false;
  return Object.values(batch).some(
    (v) => typeof v !== 'object' || v === null || typeof (v as ArrayLike<unknown>).length !== 'number',
  );
}

function rowCount(batch: object): number {
  if (isFrame(batch) || Array.isArray(batch)) return batch.length;
  if (isArrowLike(batch)) return batch.numRows;
  const first = Object.values(batch)[0] as ArrayLike<unknown> | undefined;
  return first?.length ?? 0;
}

/** toFrame, with the batch named in its errors. */
function convert(batch: FrameInput, where: string, select: ReadonlySet<string> | undefined): Frame {
  try {
    return toFrame(batch, FN, select);
  } catch (error) {
    if (error instanceof LockstepError)
      throw new LockstepError(error.code, `${error.message} (in ${where})`, error.issues);
    throw error;
  }
}

function planBatches(
  source: ProfileSource,
  workers: number | undefined,
  select: ReadonlySet<string> | undefined,
): Plan {
  if (typeof source !== 'object' || source === null) {
    throw invalidArgument(
      FN,
      'source',
      'must be an array of batches, or an Arrow table, a Frame or a record of columns',
      source,
    );
  }
  const wanted = workers ?? availableParallelism();
  const tableBatches = Array.isArray(source)
    ? undefined
    : ((source as { batches?: unknown }).batches as unknown[] | undefined);
  const batches: readonly unknown[] | undefined = Array.isArray(source)
    ? source
    : isArrowLike(source) && Array.isArray(tableBatches) && tableBatches.length >= wanted
      ? tableBatches
      : undefined;

  if (batches) {
    const where = (i: number) => (batches === source ? `source[${i}]` : `source.batches[${i}]`);
    batches.forEach((batch, i) => {
      if (typeof batch !== 'object' || batch === null) {
        throw invalidArgument(
          FN,
          where(i),
          'must be a batch: rows, a record of columns, an Arrow table or record batch, or a Frame',
          batch,
        );
      }
      if (isRow(batch)) {
        throw invalidArgument(
          FN,
          where(i),
          'must be a batch, not a row: to profile one array of rows, pass it as a batch, [rows], or in slices',
          batch,
        );
      }
    });
    return {
      threads: Math.min(wanted, batches.length),
      rows: batches.map((batch) => rowCount(batch as object)),
      batch: (i) => ({
        frame: convert(batches[i] as FrameInput, where(i), select),
        caller: callerBuffers(batches[i]),
      }),
      whole: undefined,
      where,
    };
  }

  // One table: converted whole, then cut into one contiguous slice per worker.
  const whole = convert(source as FrameInput, "'source'", select);
  const n = whole.length;
  const threads = Math.min(workers ?? Math.min(wanted, Math.ceil(n / SLICE_ROWS)), n);
  const bound = (k: number) => Math.floor((k * n) / threads);
  return {
    threads,
    rows: Array.from({ length: threads }, (_, k) => bound(k + 1) - bound(k)),
    batch: (k) => {
      const start = bound(k);
      const rows = Int32Array.from({ length: bound(k + 1) - start }, (_, j) => start + j);
      return { frame: takeRows(whole, rows), caller: callerBuffers(source) };
    },
    whole,
    where: (k) => `slice ${k} (rows ${bound(k)} to ${bound(k + 1) - 1}) of 'source'`,
  };
}

/**
 * The buffers behind the typed arrays of a batch as the caller gave it. toFrame uses a caller's Float64Array
 * (and a Frame's columns) as they are; transferring those would detach the caller's data, so they are copied.
 */
function callerBuffers(batch: unknown): Set<ArrayBufferLike> {
  const out = new Set<ArrayBufferLike>();
  const add = (value: unknown) => {
    if (ArrayBuffer.isView(value)) out.add(value.buffer);
  };
  if (typeof batch !== 'object' || batch === null || Array.isArray(batch)) return out;
  if (isFrame(batch)) {
    for (const column of batch.columns.values()) Object.values(column).forEach(add);
  } else if (isArrowLike(batch)) {
    for (const field of batch.schema.fields) {
      const vector = batch.getChild(field.name) as { data?: readonly object[] } | null;
      for (const chunk of vector?.data ?? []) Object.values(chunk).forEach(add);
    }
  } else {
    Object.values(batch).forEach(add);
  }
  return out;
}

/**
 * A Frame's columns as a message, and the buffers to transfer with it: each typed array whose buffer is
 * wholly its own and not the caller's goes as is; any other is copied to a fresh buffer first. Strings,
 * dictionaries and mixed values go by structured clone.
 */
function pack(
  frame: Frame,
  caller: ReadonlySet<ArrayBufferLike>,
): { message: ToWorker; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const own = <T>(array: T): T => {
    if (!ArrayBuffer.isView(array)) return array;
    const { buffer } = array;
    if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return array;
    const whole = array.byteOffset === 0 && array.byteLength === buffer.byteLength;
    const mine =
      whole && !caller.has(buffer) && !transfer.has(buffer as ArrayBuffer)
        ? array
        : (array as unknown as Uint8Array).slice();
    transfer.add(mine.buffer as ArrayBuffer);
    return mine as T;
  };
  const columns: [string, Column][] = [];
  for (const [name, column] of frame.columns) {
    switch (column.kind) {
      case 'numeric':
      case 'boolean':
        columns.push([name, { ...column, values: own(column.values), valid: own(column.valid) } as Column]);
        break;
      case 'dictionary':
        columns.push([name, { ...column, codes: own(column.codes) }]);
        break;
      default:
        columns.push([name, column]);
    }
  }
  return { message: { type: 'batch', length: frame.length, columns }, transfer: [...transfer] };
}

/** Deals batches to threads by rows, largest first, each to the least-loaded thread (ties: the lowest). */
function deal(rows: readonly number[], threads: number): number[][] {
  const order = rows.map((_, i) => i).sort((a, b) => rows[b]! - rows[a]! || a - b);
  const load = new Float64Array(threads);
  const queues = Array.from({ length: threads }, (): number[] => []);
  for (const i of order) {
    let w = 0;
    for (let k = 1; k < threads; k++) if (load[k]! < load[w]!) w = k;
    load[w]! += rows[i]!;
    queues[w]!.push(i);
  }
  for (const queue of queues) queue.sort((a, b) => a - b);
  return queues;
}

const CODES: readonly LockstepErrorCode[] = [
  'INVALID_ARGUMENT',
  'INVALID_DATA',
  'INVALID_ARTIFACT',
  'MISSING_KEY',
];

function threadFailed(w: number, message: string, code?: string): LockstepError {
  const known = CODES.find((c) => c === code) ?? 'INVALID_DATA';
  return new LockstepError(known, `${FN}: worker thread ${w} failed: ${message}`);
}

/**
 * Starts the threads (pushed to `threads` as they start, for the caller to stop), feeds them their batches
 * and collects their profiles in thread order. Rejects on the first failure.
 */
function runThreads(
  plan: Plan,
  settings: Settings,
  start: StartWorker,
  threads: Worker[],
): Promise<{ results: ProfileArtifact[]; names: string[] }> {
  const { onProgress, select } = settings;
  const n = plan.threads;
  const total = plan.rows.reduce((sum, r) => sum + r, 0);
  const queues = deal(plan.rows, n);
  const inFlight = new Int32Array(n);
  const ended = new Uint8Array(n);
  const rowsDone = new Float64Array(n);
  const results: (ProfileArtifact | undefined)[] = new Array(n).fill(undefined);
  const namesOf: (readonly string[] | undefined)[] = new Array(plan.rows.length).fill(undefined);
  let waiting = n;
  let settled = false;

  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };

    const feed = (w: number) => {
      const thread = threads[w]!;
      const queue = queues[w]!;
      while (!settled && inFlight[w]! < IN_FLIGHT && queue.length > 0) {
        const i = queue.shift()!;
        const { frame, caller } = plan.batch(i);
        namesOf[i] = frame.names.filter((name) => !select || select.has(name));
        const { message, transfer } = pack(frame, caller);
        try {
          thread.postMessage(message, transfer);
        } catch (error) {
          throw new LockstepError(
            'INVALID_DATA',
            `${FN}: ${plan.where(i)} cannot be sent to a worker thread (${(error as Error).message}); a mixed column must hold values structured clone can copy`,
          );
        }
        inFlight[w]!++;
      }
      if (!settled && queue.length === 0 && ended[w] === 0) {
        ended[w] = 1;
        thread.postMessage({ type: 'end' } satisfies ToWorker);
      }
    };

    const listen = (thread: Worker, w: number) => {
      thread.on('message', (message: FromWorker) => {
        if (settled) return;
        try {
          switch (message.type) {
            case 'progress': {
              rowsDone[w] = message.rows;
              let rows = 0;
              for (const r of rowsDone) rows += r;
              onProgress?.({ rows, total });
              break;
            }
            case 'done':
              inFlight[w]!--;
              feed(w);
              break;
            case 'result':
              results[w] = message.profile;
              if (--waiting === 0) {
                settled = true;
                const names = [...new Set(namesOf.flatMap((names) => names ?? []))];
                resolve({ results: results as ProfileArtifact[], names });
              }
              break;
            case 'error':
              fail(threadFailed(w, message.message, message.code));
              break;
          }
        } catch (error) {
          fail(error);
        }
      });
      thread.on('error', (error) => fail(threadFailed(w, `${error.name}: ${error.message}`)));
      thread.on('messageerror', (error) => fail(threadFailed(w, `${error.name}: ${error.message}`)));
      thread.on('exit', (code) => {
        if (results[w] === undefined)
          fail(threadFailed(w, `it stopped (exit code ${code}) before returning its profile`));
      });
    };

    for (let w = 0; w < n; w++) {
      const thread = start({ options: settings.profilerOptions });
      threads.push(thread);
      listen(thread, w);
    }
    for (let w = 0; w < n; w++) feed(w);
  });
}

/**
 * The workers' profiles merged in thread order, with the features in the order `profile` of all the batches
 * would list them (first appearance, batch by batch), so the result does not depend on how batches were dealt.
 */
function mergeInOrder(
  options: WorkerProfileOptions,
  names: readonly string[],
  results: readonly ProfileArtifact[],
): ProfileArtifact {
  const merged = createProfiler({ sketches: options.sketches, features: options.features });
  // A frame of no rows creates the features, in order, and adds nothing to them.
  const none: Column = { kind: 'mixed', values: [] };
  merged.update(makeFrame(0, new Map(names.map((name) => [name, none]))));
  for (const result of results) merged.merge(result);
  return merged.result();
}

/** This module's URL. The CommonJS build has no import.meta (esbuild leaves it empty); `__filename` does. */
function moduleUrl(): string {
  const url: string | undefined = import.meta.url;
  return url ?? pathToFileURL(__filename).href;
}

/**
 * Starts worker.js next to this module in the ESM build, worker.cjs in the CommonJS build, and worker.ts
 * through tsx when running from the TypeScript sources (tests, tsx), where this module's URL ends in `.ts`.
 */
function startWorker(data: WorkerData): Worker {
  const here = moduleUrl();
  const path = new URL(here).pathname;
  if (/\.[cm]?ts$/.test(path)) {
    // A bootstrap registers tsx's loader in the new thread, then imports worker.ts. (On Node 20,
    // `execArgv: ['--import', 'tsx']` registers the loader too late for a worker's entry module.)
    const tsx = import.meta.resolve?.('tsx/esm/api') ?? 'tsx/esm/api';
    const worker = new URL('./worker.ts', here).href;
    const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
    return new Worker(code, { eval: true, workerData: data });
  }
  if (path.endsWith('.cjs')) return new Worker(new URL('./worker.cjs', here), { workerData: data });
  return new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
}
