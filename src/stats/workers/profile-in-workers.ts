// profileInWorkers: the profile of many batches, computed on worker threads and merged. Node only: the
// calling-thread side; worker.ts is the program each thread runs, protocol.ts the messages between them,
// arrow-raw.ts the Arrow columns the workers convert themselves.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkArray, checkFunction, checkInteger, readOptions } from '../../core/check.js';
import {
  invalidArgument,
  isLockstepError,
  LockstepError,
  type LockstepErrorCode,
} from '../../core/errors.js';
import {
  type ArrowTableLike,
  type Column,
  type Frame,
  type FrameInput,
  isFrame,
  makeFrame,
  takeRows,
} from '../../core/frame.js';
import { type ProfileArtifact, parseProfileAs } from '../artifact.js';
import { readFrame } from '../frame-input.js';
import { createProfiler, type ProfileOptions, type ProfileProgress, profileSettings } from '../profile.js';
import { copyOf, isArrowLike, splitArrow } from './arrow-raw.js';
import type { FromWorker, ToWorker, WorkerData, WorkerProfileOptions } from './protocol.js';

const FN = 'profileInWorkers';
/** Batches sent to a worker and not yet profiled: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 2;
/** When batches are cut because there are fewer than workers, and `workers` is not given, the fewest rows a piece gets. */
const MIN_PIECE_ROWS = 65_536;
/** Most worker threads one call starts. */
export const MAX_WORKERS = 256;
/** Most batches one call takes. */
const MAX_BATCHES = 1 << 20;
const KEYS: readonly (keyof ProfileInWorkersOptions)[] = [
  'features',
  'types',
  'sketches',
  'chunkRows',
  'workers',
  'onProgress',
];

/** Options of profileInWorkers: those of `profile`, the number of threads, and progress in the calling thread. */
export interface ProfileInWorkersOptions extends Omit<ProfileOptions, 'onProgress'> {
  /**
   * Worker threads to start, an integer in [1, 256]. Default `os.availableParallelism()` (at most 256);
   * never more than there are batches (after cutting, see profileInWorkers) or rows.
   */
  readonly workers?: number;
  /** Called in the calling thread as the workers report rows profiled (after every chunk of every batch). */
  readonly onProgress?: (progress: ProfileProgress) => void;
}

/** Batches to profile in parallel (anything `profile` takes, one per element), or one table. */
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
 * timing. Cost: Arrow number, date, timestamp and string columns go to the workers as their raw buffers
 * (one copy, then transferred) and are read there; other columns, and rows, are read in the calling thread
 * (O(rows × columns)) and go with their typed arrays transferred (a caller's array is copied, never
 * detached; strings and mixed values by structured clone). Batches are dealt by rows, at most two in flight
 * per worker, so memory stays bounded; each worker costs a thread start (about 80 ms) and runs cold code.
 * Profiling is memory-bound, so threads pay only with millions of rows per thread on cores that do not share
 * memory bandwidth: on a 2-vCPU VM, 2 workers were no faster than 1 on 3 M rows, and `profile` in the
 * calling thread was faster than either. Measure before choosing it.
 *
 * `source` is an array of batches (Arrow record batches or tables, Frames, arrays of rows, records of
 * columns), or one table (an Arrow table stands for its record batches). When there are fewer batches than
 * workers, batches are cut into contiguous ranges of rows (of at least 65,536 rows unless `workers` is
 * given) so every worker has a share. To profile an Arrow IPC file, read it with apache-arrow in the
 * caller: `profileInWorkers(tableFromIPC(readFileSync(path)))`. lockstep does not read IPC itself because
 * only `lockstep/arrow` may import apache-arrow (an optional peer dependency); tables and record batches are
 * recognised by their shape, as `toFrame` recognises them. Node only (node:worker_threads).
 * @example With apache-arrow's tableFromIPC and node:fs's readFileSync in the caller,
 *   `await profileInWorkers(tableFromIPC(readFileSync('flights.arrow')), { workers: 4 })` resolves to the
 *   profile of every row of the file, as `profile(table)` would give it, computed on 4 threads.
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
  let plan: Plan;
  try {
    plan = planBatches(source, settings);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    // A getter or Proxy in the source that throws while the batches are counted.
    throw new LockstepError(
      'INVALID_DATA',
      `${FN}: argument 'source' could not be read (${(error as Error)?.message})`,
      {
        fn: FN,
        arg: 'source',
      },
    );
  }
  if (plan.threads === 0) {
    // No rows: nothing to share out. The batches still name the features, as in `profile`.
    const alone = createProfiler(settings.profilerOptions);
    plan.batches.forEach((batch, b) => {
      alone.update(convert(batch as FrameInput, plan.where(b), settings.select));
    });
    return alone.result();
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
  const o = readOptions(FN, options, KEYS);
  const workers =
    o.workers === undefined ? undefined : checkInteger(FN, 'options.workers', o.workers, 1, MAX_WORKERS);
  const onProgress =
    o.onProgress === undefined
      ? undefined
      : checkFunction<(progress: ProfileProgress) => void>(FN, 'options.onProgress', o.onProgress);
  // The profile options are checked here, once, rather than in every thread; only the known, cloneable
  // ones, as checked, go to the threads.
  const checked = profileSettings(FN, { ...o, onProgress: undefined });
  const profilerOptions: WorkerProfileOptions = {
    features: checked.features,
    types: checked.types,
    sketches: checked.sketches,
    chunkRows: o.chunkRows === undefined ? undefined : checked.chunkRows,
  };
  return { workers, onProgress, profilerOptions, select: checked.only };
}

/** Rows [start, end) of batch `batch`: what one message to a worker carries. */
interface Piece {
  readonly batch: number;
  readonly start: number;
  readonly end: number;
}

interface Plan {
  readonly batches: readonly object[];
  readonly pieces: readonly Piece[];
  readonly threads: number;
  /** Batch b named for an error message. */
  where(b: number): string;
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
  return typeof first?.length === 'number' ? first.length : 0;
}

/** The batch as a Frame (a caller's Frame checked), with the batch named in its errors. */
function convert(batch: FrameInput, where: string, select: ReadonlySet<string> | undefined): Frame {
  try {
    return readFrame(FN, batch, select);
  } catch (error) {
    if (!isLockstepError(error)) throw error;
    // Which batch: the error's own words, then where it was (its fields say the same).
    throw new LockstepError(error.code, `${error.message} (in ${where})`, {
      fn: FN,
      arg: where.replace(/'/g, ''),
      path: error.path,
      issues: error.issues,
    });
  }
}

function planBatches(source: ProfileSource, settings: Settings): Plan {
  if (typeof source !== 'object' || source === null) {
    throw invalidArgument(
      FN,
      'source',
      'must be an array of batches, or an Arrow table, a Frame or a record of columns',
      source,
    );
  }
  const tableBatches = (source as { batches?: unknown }).batches;
  const [batches, name] = Array.isArray(source)
    ? [checkArray(FN, 'source', source, MAX_BATCHES), 'source']
    : isArrowLike(source) && Array.isArray(tableBatches)
      ? [checkArray(FN, 'source.batches', tableBatches, MAX_BATCHES), 'source.batches']
      : [[source] as const, undefined];
  const where = (b: number) => (name ? `${name}[${b}]` : "'source'");
  const rows: number[] = [];
  // A for loop, not forEach: a hole in a sparse array is refused, not skipped.
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b];
    if (typeof batch !== 'object' || batch === null) {
      throw invalidArgument(
        FN,
        where(b),
        'must be a batch: rows, a record of columns, an Arrow table or record batch, or a Frame',
        batch,
      );
    }
    if (isRow(batch)) {
      throw invalidArgument(
        FN,
        where(b),
        'must be a batch, not a row: to profile one array of rows, pass it as a batch, [rows]',
        batch,
      );
    }
    if (isFrame(batch)) convert(batch, where(b), undefined); // a caller's Frame: its shape checked now
    const count = rowCount(batch);
    if (!Number.isSafeInteger(count) || count < 0)
      throw invalidArgument(FN, where(b), 'must have a row count that is a non-negative integer', count);
    rows.push(count);
  }
  const wanted = settings.workers ?? Math.min(MAX_WORKERS, availableParallelism());
  const pieces = cut(rows, wanted, settings.workers === undefined ? MIN_PIECE_ROWS : 1);
  const total = rows.reduce((s, r) => s + r, 0);
  return {
    batches: batches as readonly object[],
    pieces,
    threads: total === 0 ? 0 : Math.min(wanted, pieces.length),
    where,
  };
}

/**
 * Whole batches when there are at least as many as workers wanted; else each batch cut into near-equal
 * ranges of rows, about total / wanted rows each (at least `minRows`).
 */
function cut(rows: readonly number[], wanted: number, minRows: number): Piece[] {
  if (rows.length >= wanted) return rows.map((end, batch) => ({ batch, start: 0, end }));
  const total = rows.reduce((s, r) => s + r, 0);
  const target = Math.max(minRows, Math.ceil(total / wanted));
  return rows.flatMap((n, batch) => {
    const count = Math.max(1, Math.ceil(n / target));
    const bound = (k: number) => Math.floor((k * n) / count);
    return Array.from({ length: count }, (_, k) => ({ batch, start: bound(k), end: bound(k + 1) }));
  });
}

/**
 * The buffers behind the typed arrays of a batch as the caller gave it. toFrame uses a caller's Float64Array
 * (and a Frame's columns) as they are; transferring those would detach the caller's data, so they are copied.
 */
function callerBuffers(batch: object): Set<ArrayBufferLike> {
  const out = new Set<ArrayBufferLike>();
  const add = (value: unknown) => {
    if (ArrayBuffer.isView(value)) out.add(value.buffer);
  };
  if (Array.isArray(batch)) return out;
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
 * A Frame's columns for a message, adding the buffers to transfer: each typed array whose buffer is wholly
 * its own and not the caller's goes as is; any other is copied to a fresh buffer first. Strings,
 * dictionaries and mixed values go by structured clone.
 */
function packColumns(
  frame: Frame,
  caller: ReadonlySet<ArrayBufferLike>,
  select: ReadonlySet<string> | undefined,
  transfer: ArrayBuffer[],
): [string, Column][] {
  const sent = new Set<ArrayBufferLike>(transfer);
  const own = <T>(array: T): T => {
    if (!ArrayBuffer.isView(array)) return array;
    const { buffer } = array;
    if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return array;
    const whole = array.byteOffset === 0 && array.byteLength === buffer.byteLength;
    const mine = whole && !caller.has(buffer) && !sent.has(buffer) ? array : copyOf(array);
    sent.add(mine.buffer);
    transfer.push(mine.buffer as ArrayBuffer);
    return mine as T;
  };
  const columns: [string, Column][] = [];
  for (const [name, column] of frame.columns) {
    if (select && !select.has(name)) continue; // toFrame keeps a Frame's columns as they are
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
  return columns;
}

/** Deals pieces to threads by rows, largest first, each to the least-loaded thread (ties: the lowest). */
function deal(pieces: readonly Piece[], threads: number): number[][] {
  const rows = pieces.map((p) => p.end - p.start);
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

/**
 * Reads pieces into messages in the calling thread. A batch cut into several pieces is read once (the
 * Frame is kept until its last piece is sent).
 */
function createPacker(plan: Plan, select: ReadonlySet<string> | undefined) {
  const left = new Map<number, number>();
  for (const piece of plan.pieces) left.set(piece.batch, (left.get(piece.batch) ?? 0) + 1);
  const frames = new Map<number, Frame>();

  /** Batch b read by toFrame, only the columns `only` (when given). */
  const readBatch = (b: number, only: ReadonlySet<string> | undefined): Frame => {
    let frame = frames.get(b);
    if (!frame) {
      frame = convert(plan.batches[b] as FrameInput, plan.where(b), only);
      if (left.get(b)! > 1) frames.set(b, frame);
    }
    return frame;
  };

  return (i: number): { message: ToWorker; transfer: ArrayBuffer[]; names: readonly string[] } => {
    const { batch: b, start, end } = plan.pieces[i]!;
    const batch = plan.batches[b]!;
    const whole = start === 0 && end === rowCount(batch);
    const range = () => Int32Array.from({ length: end - start }, (_, j) => start + j);
    const transfer: ArrayBuffer[] = [];
    let message: ToWorker;
    if (isArrowLike(batch)) {
      const split = splitArrow(batch, start, end, select);
      transfer.push(...split.transfer);
      let columns: [string, Column][] = [];
      if (split.rest.size > 0) {
        const frame = readBatch(b, split.rest);
        const part = whole ? frame : takeRows(frame, range());
        columns = packColumns(part, callerBuffers(batch), undefined, transfer);
      }
      message = { type: 'batch', length: end - start, order: split.order, columns, arrow: split.raw };
    } else {
      const frame = Array.isArray(batch)
        ? convert(whole ? batch : batch.slice(start, end), plan.where(b), select)
        : whole
          ? readBatch(b, select)
          : takeRows(readBatch(b, select), range());
      const columns = packColumns(frame, callerBuffers(batch), select, transfer);
      message = { type: 'batch', length: end - start, order: columns.map(([n]) => n), columns, arrow: [] };
    }
    const remaining = left.get(b)! - 1;
    left.set(b, remaining);
    if (remaining === 0) frames.delete(b);
    return { message, transfer, names: message.order };
  };
}

const CODES: readonly LockstepErrorCode[] = [
  'INVALID_ARGUMENT',
  'INVALID_DATA',
  'INVALID_ARTIFACT',
  'MISSING_KEY',
];

function threadFailed(w: number, message: string, code?: string): LockstepError {
  const known = CODES.find((c) => c === code) ?? 'INVALID_DATA';
  return new LockstepError(known, `${FN}: worker thread ${w} failed: ${message}`, { fn: FN });
}

/**
 * Starts the threads (pushed to `threads` as they start, for the caller to stop), feeds them their pieces
 * and collects their profiles in thread order, and the feature names in the order of the pieces. Rejects on
 * the first failure.
 */
function runThreads(
  plan: Plan,
  settings: Settings,
  start: StartWorker,
  threads: Worker[],
): Promise<{ results: ProfileArtifact[]; names: string[] }> {
  const { onProgress } = settings;
  const n = plan.threads;
  const total = plan.pieces.reduce((sum, p) => sum + p.end - p.start, 0);
  const queues = deal(plan.pieces, n);
  const pack = createPacker(plan, settings.select);
  const inFlight = new Int32Array(n);
  const ended = new Uint8Array(n);
  const rowsDone = new Float64Array(n);
  const results: (ProfileArtifact | undefined)[] = new Array(n).fill(undefined);
  const namesOf: (readonly string[] | undefined)[] = new Array(plan.pieces.length).fill(undefined);
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
        const { message, transfer, names } = pack(i);
        namesOf[i] = names;
        try {
          thread.postMessage(message, transfer);
        } catch (error) {
          const piece = plan.pieces[i]!;
          throw new LockstepError(
            'INVALID_DATA',
            `${FN}: ${plan.where(piece.batch)} (rows ${piece.start} to ${piece.end - 1}) cannot be sent to a worker thread (${(error as Error).message}); a mixed column must hold values structured clone can copy`,
            { fn: FN, arg: plan.where(piece.batch).replace(/'/g, '') },
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
  // A profile that crossed a thread is a structured clone, not one this thread made: it is parsed (shape,
  // sketches and fingerprint checked) before it merges.
  for (const result of results) merged.merge(parseProfileAs(result, FN, 'worker result'));
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
