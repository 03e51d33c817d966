import * as tf from '@tensorflow/tfjs';
import { readOptions } from '../core/check.js';
import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import { readFields } from '../core/read-fields.js';
import { createRng, MAX_RNG_ITEMS } from '../core/rng.js';

/** The tensors to batch: inputs, targets and optional per-row sample weights, all with one row per example. */
export interface BatchData {
  /** Inputs; the first dimension is the row (example). */
  readonly xs: tf.Tensor;
  /** Targets, with as many rows as `xs`. */
  readonly ys: tf.Tensor;
  /** Sample weights, one per row (a 1-D tensor), e.g. from `toTensors`. */
  readonly weights?: tf.Tensor1D;
}

/** Options for {@link createBatches}. */
export interface BatchOptions {
  /**
   * Rows per batch, a positive integer of at most 2^25 (33,554,432); the last batch of an epoch holds what
   * is left.
   */
  readonly batchSize: number;
  /** The seed of every epoch's order: a string of at most 4,096 characters, or a finite number. */
  readonly seed: string | number;
  /** The epoch number of the dataset's first pass (default 0), for resuming a run at a later epoch. */
  readonly initialEpoch?: number;
}

/** Most rows an epoch's order holds, and so most rows of a dataset, and the largest batch: 2^25. */
export const MAX_ROWS = MAX_RNG_ITEMS;
/** Longest string seed: 4,096 characters (with `:epoch`, well under createRng's own bound). */
export const MAX_SEED_LENGTH = 4096;

/**
 * One batch: `xs` and `ys` (what `model.fitDataset` reads), and `weights` when the data had them. A type
 * rather than an interface, so it is a tfjs `TensorContainer`.
 */
export type Batch = {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
  readonly weights?: tf.Tensor1D;
};

const FN = 'createBatches';

/**
 * The row order of one epoch: a seeded permutation of `0 … rows − 1`, a pure function of the seed and the
 * epoch number, so any epoch can be replayed without replaying the ones before it.
 *
 * Rule: Fisher–Yates shuffle of `[0, rows)` driven by `createRng(`${seed}:${epoch}`)` (Alea, identical in
 * Node and every browser). `String(42)` and `'42'` seed alike. Cost: O(rows) time, 4 bytes a row.
 * Bounds: at most 2^25 (33,554,432) rows; a string seed of at most 4,096 characters.
 * @throws LockstepError `INVALID_ARGUMENT` when `rows` is not an integer in [0, 2^25], `epoch` is not a
 *   non-negative safe integer, or `seed` is neither a string of at most 4,096 characters nor a finite
 *   number.
 * @example
 * epochOrder(5, 'run-1', 0); // an Int32Array holding 0, 1, 2, 3 and 4 once each, in a seeded order
 * @example Array.from(epochOrder(5, 'run-1', 0)) // => [4, 1, 2, 0, 3] (and [2, 0, 3, 1, 4] for epoch 1)
 */
export function epochOrder(rows: number, seed: string | number, epoch: number): Int32Array {
  checkCount('epochOrder', 'rows', rows, MAX_ROWS);
  checkSeed('epochOrder', 'seed', seed);
  checkCount('epochOrder', 'epoch', epoch);
  return orderOf(rows, seed, epoch);
}

/**
 * Seeded, reproducible mini-batches for `model.fitDataset` (or a hand-written training loop), in place of
 * `model.fit`'s shuffle, which draws from `Math.random` and so differs on every run.
 *
 * Rule: the result is a `tf.data.Dataset` in which every pass (every `iterator()` that is read) is the next
 * epoch, starting at `initialEpoch`. Epoch `e` visits the rows in `epochOrder(rows, seed, e)`, cut into
 * batches of `batchSize`; every row appears exactly once an epoch, and the last, partial batch is kept. An
 * epoch number is taken when a pass yields its first batch, so an iterator made and never read (as
 * `fitDataset` makes one before its first epoch) uses none. The dataset holds a counter, so make a new one
 * for each training run (or pass `initialEpoch` to resume one). Do not pass `batchesPerEpoch` to
 * `fitDataset`: each pass already ends with its epoch. `size` is the number of batches an epoch.
 * Each batch is `{ xs, ys }`, plus `weights` when given; `fitDataset` disposes `xs` and `ys` after each
 * step but ignores (and does not dispose) `weights`, which are for your own loop, where you dispose each
 * batch (`tf.dispose(batch)`) yourself. Weighted training therefore goes through your own loop, e.g. with
 * `optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs), weights))`.
 *
 * `data` holds live tensors of dtype float32, int32 or bool (what `tf.gather` takes); it may also carry
 * `names` (as `toTensors` gives, so `{ ...toTensors(fitted, rows), ys }` fits), which is ignored. Any other
 * key of `data` or `options` is refused, naming the key meant. Bounds: at most 2^25 (33,554,432) rows, a
 * `batchSize` of at most 2^25, a string seed of at most 4,096 characters.
 *
 * Cost: O(rows) per epoch for the order, plus one `tf.gather` per tensor per batch; the input tensors are
 * referenced, not copied, and must stay undisposed while the dataset is in use (a pass that finds one
 * disposed fails with a LockstepError naming it; tf.data prefixes the message of any error thrown while a
 * dataset is read with "Error thrown while iterating through a dataset: ", and the error keeps its `code`,
 * `fn` and `arg`).
 * @throws LockstepError `INVALID_ARGUMENT` when `data` is not an object of known keys, `data.xs` or
 *   `data.ys` is not a live tensor (of a dtype above) with at least one row, `data.xs` has more than 2^25
 *   rows, `data.ys` or `data.weights` has a different number of rows from `data.xs`, `data.weights` is not
 *   1-D, `options` is not an object of known keys (`batchSize`, `seed`, `initialEpoch`), `batchSize` is not
 *   an integer in [1, 2^25], `seed` is neither a string of at most 4,096 characters nor a finite number,
 *   or `initialEpoch` is not a non-negative safe integer.
 * @example
 * const batches = createBatches({ xs, ys }, { batchSize: 32, seed: 'run-1' });
 * await model.fitDataset(batches, { epochs: 5 }); // epochs 0 … 4, the same order on every run
 */
export function createBatches(data: BatchData, options: BatchOptions): tf.data.Dataset<Batch> {
  if (typeof data !== 'object' || data === null) {
    throw invalidArgument(FN, 'data', 'must be an object { xs, ys, weights? } of tensors', data);
  }
  const given = readOptions(FN, data, DATA_KEYS, 'data');
  const xs = readTensor('data.xs', given.xs, 'must be a tf.Tensor of rank 1 or more');
  if (xs.shape.length < 1)
    throw invalidArgument(FN, 'data.xs', 'must be a tf.Tensor of rank 1 or more', xs.tensor);
  const rows = xs.shape[0]!;
  if (rows === 0) throw invalidArgument(FN, 'data.xs', 'must have at least one row', 0);
  if (rows > MAX_ROWS) throw invalidArgument(FN, 'data.xs', `must have at most ${MAX_ROWS} rows`, rows);
  const ys = readTensor('data.ys', given.ys, 'must be a tf.Tensor of rank 1 or more');
  if (ys.shape.length < 1)
    throw invalidArgument(FN, 'data.ys', 'must be a tf.Tensor of rank 1 or more', ys.tensor);
  if (ys.shape[0] !== rows) {
    throw invalidArgument(FN, 'data.ys', `must have as many rows as data.xs (${rows})`, ys.shape[0]);
  }
  let weights: Checked | undefined;
  if (given.weights !== undefined) {
    weights = readTensor('data.weights', given.weights, 'must be a 1-D tf.Tensor');
    if (weights.shape.length !== 1) {
      throw invalidArgument(FN, 'data.weights', 'must be a 1-D tf.Tensor', weights.tensor);
    }
    if (weights.shape[0] !== rows) {
      throw invalidArgument(
        FN,
        'data.weights',
        `must have as many rows as data.xs (${rows})`,
        weights.shape[0],
      );
    }
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(FN, 'options', 'must be an object { batchSize, seed }', options);
  }
  const o = readOptions(FN, options, OPTION_KEYS);
  const batchSize = checkBatchSize(o.batchSize);
  const seed = checkSeed(FN, 'options.seed', o.seed);
  const initialEpoch = checkCount(FN, 'options.initialEpoch', o.initialEpoch ?? 0);

  const inputs = weights === undefined ? [xs, ys] : [xs, ys, weights];
  let nextEpoch = initialEpoch;
  function* pass(): Generator<Batch> {
    // A generator's body starts at its first next(), so an unread iterator takes no epoch number.
    checkLive(inputs);
    const order = orderOf(rows, seed, nextEpoch++);
    for (let start = 0; start < rows; start += batchSize) {
      if (start > 0) checkLive(inputs);
      yield tf.tidy(() => {
        const index = tf.tensor1d(order.subarray(start, start + batchSize), 'int32');
        const batch: Batch = { xs: tf.gather(xs.tensor, index), ys: tf.gather(ys.tensor, index) };
        return weights === undefined
          ? batch
          : { ...batch, weights: tf.gather(weights.tensor as tf.Tensor1D, index) };
      });
    }
  }
  const dataset = tf.data.generator(pass);
  // tfjs types `size` readonly, but its own datasets assign it; a known size lets fitDataset's progress
  // callbacks know the number of steps an epoch.
  (dataset as { size: number }).size = Math.ceil(rows / batchSize);
  return dataset;
}

const DATA_KEYS = ['xs', 'ys', 'weights', 'names'] as const;
const OPTION_KEYS = ['batchSize', 'seed', 'initialEpoch'] as const;
/** The dtypes `tf.gather` takes on every backend (not string, not complex64). */
const DTYPES: readonly unknown[] = ['float32', 'int32', 'bool'];

/** A tensor checked at the boundary, with the shape read then. */
interface Checked {
  readonly arg: string;
  readonly tensor: tf.Tensor;
  readonly shape: readonly number[];
}

/**
 * True when tfjs's engine holds data for `dataId`: the test that a tensor is live and real, not an object
 * that only looks like one (tfjs's own `instanceof tf.Tensor` tests three method names). Read from the
 * engine's registry where this version of tfjs has one; without it, the check is skipped.
 */
function registered(dataId: unknown): boolean {
  const info = (tf.engine() as unknown as { state?: { tensorInfo?: unknown } }).state?.tensorInfo;
  if (!(info instanceof WeakMap)) return true;
  return typeof dataId === 'object' && dataId !== null && info.has(dataId);
}

/** Reads a tensor argument once: a live tf.Tensor of a gatherable dtype and a well-formed shape. */
function readTensor(arg: string, value: unknown, must: string): Checked {
  if (typeof value !== 'object' || value === null) throw invalidArgument(FN, arg, must, value);
  let isTensor: boolean;
  try {
    isTensor = value instanceof tf.Tensor;
  } catch {
    throw invalidArgument(FN, arg, 'must be a readable tf.Tensor (reading it threw)');
  }
  if (!isTensor) throw invalidArgument(FN, arg, must, value);
  const t = readFields(FN, arg, value, ['shape', 'dtype', 'isDisposed', 'dataId']);
  if (t.isDisposed === true) throw invalidArgument(FN, arg, 'must not be disposed');
  const shape = readShape(t.shape);
  if (t.isDisposed !== false || shape === undefined) {
    throw invalidArgument(
      FN,
      arg,
      "must be a tf.Tensor (an object with tfjs's method names is not one)",
      value,
    );
  }
  if (!DTYPES.includes(t.dtype)) {
    throw invalidArgument(FN, arg, `must have dtype float32, int32 or bool, got ${describe(t.dtype)}`);
  }
  if (!registered(t.dataId)) {
    throw invalidArgument(
      FN,
      arg,
      'must be a live tensor of the running tfjs engine (it holds no data for this one)',
    );
  }
  return { arg, tensor: value as tf.Tensor, shape };
}

/** A copy of a tensor's shape: at most 16 sizes, each a non-negative safe integer; undefined otherwise. */
function readShape(value: unknown): number[] | undefined {
  try {
    if (!Array.isArray(value) || value.length > 16) return undefined;
    const shape = Array.from(value as unknown[]);
    return shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
      ? (shape as number[])
      : undefined;
  } catch {
    return undefined;
  }
}

/** Fails when an input tensor was disposed after createBatches checked it. */
function checkLive(inputs: readonly Checked[]): void {
  for (const { arg, tensor } of inputs) {
    let disposed: unknown;
    try {
      disposed = tensor.isDisposed;
    } catch {
      disposed = true;
    }
    if (disposed !== false) {
      throw new LockstepError(
        'INVALID_ARGUMENT',
        `${FN}: argument '${arg}' must stay undisposed while the dataset is in use, but it was disposed`,
        { fn: FN, arg },
      );
    }
  }
}

function orderOf(rows: number, seed: string | number, epoch: number): Int32Array {
  const identity = Array.from({ length: rows }, (_, i) => i);
  return Int32Array.from(createRng(`${seed}:${epoch}`).shuffle(identity));
}

/** Rows per batch: an integer in [1, MAX_ROWS]. */
function checkBatchSize(batchSize: unknown): number {
  if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw invalidArgument(FN, 'options.batchSize', 'must be a positive integer', batchSize);
  }
  if (batchSize > MAX_ROWS) {
    throw invalidArgument(
      FN,
      'options.batchSize',
      `must be a positive integer of at most ${MAX_ROWS}`,
      batchSize,
    );
  }
  return batchSize;
}

function checkCount(fn: string, arg: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(fn, arg, 'must be a non-negative integer', value);
  }
  if (value > max) throw invalidArgument(fn, arg, `must be a non-negative integer of at most ${max}`, value);
  return value;
}

function checkSeed(fn: string, arg: string, seed: unknown): string | number {
  if (typeof seed === 'string') {
    if (seed.length > MAX_SEED_LENGTH) {
      throw invalidArgument(
        fn,
        arg,
        `must be at most ${MAX_SEED_LENGTH} characters long, got ${seed.length}`,
      );
    }
    return seed;
  }
  if (!(typeof seed === 'number' && Number.isFinite(seed))) {
    throw invalidArgument(fn, arg, 'must be a string or a finite number', seed);
  }
  return seed;
}
