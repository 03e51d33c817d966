import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '../core/errors.js';
import { createRng } from '../core/rng.js';

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
  /** Rows per batch, a positive integer; the last batch of an epoch holds what is left. */
  readonly batchSize: number;
  /** The seed of every epoch's order: a string or a finite number. */
  readonly seed: string | number;
  /** The epoch number of the dataset's first pass (default 0), for resuming a run at a later epoch. */
  readonly initialEpoch?: number;
}

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
 * @throws LockstepError `INVALID_ARGUMENT` when `rows` or `epoch` is not a non-negative safe integer, or
 *   `seed` is neither a string nor a finite number.
 * @example
 * epochOrder(5, 'run-1', 0); // an Int32Array holding 0, 1, 2, 3 and 4 once each, in a seeded order
 */
export function epochOrder(rows: number, seed: string | number, epoch: number): Int32Array {
  checkCount('epochOrder', 'rows', rows);
  checkSeed('epochOrder', seed);
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
 * Cost: O(rows) per epoch for the order, plus one `tf.gather` per tensor per batch; the input tensors are
 * referenced, not copied, and must stay undisposed while the dataset is in use.
 * @throws LockstepError `INVALID_ARGUMENT` when `data.xs` or `data.ys` is not a tensor with at least one
 *   row, `data.ys` or `data.weights` has a different number of rows from `data.xs`, `data.weights` is not
 *   1-D, `batchSize` is not a positive safe integer, `seed` is neither a string nor a finite number, or
 *   `initialEpoch` is not a non-negative safe integer.
 * @example
 * const batches = createBatches({ xs, ys }, { batchSize: 32, seed: 'run-1' });
 * await model.fitDataset(batches, { epochs: 5 }); // epochs 0 … 4, the same order on every run
 */
export function createBatches(data: BatchData, options: BatchOptions): tf.data.Dataset<Batch> {
  if (typeof data !== 'object' || data === null) {
    throw invalidArgument(FN, 'data', 'must be an object { xs, ys, weights? } of tensors', data);
  }
  const { xs, ys, weights } = data;
  if (!(xs instanceof tf.Tensor) || xs.rank < 1) {
    throw invalidArgument(FN, 'data.xs', 'must be a tf.Tensor of rank 1 or more', xs);
  }
  const rows = xs.shape[0]!;
  if (rows === 0) throw invalidArgument(FN, 'data.xs', 'must have at least one row', 0);
  if (!(ys instanceof tf.Tensor) || ys.rank < 1) {
    throw invalidArgument(FN, 'data.ys', 'must be a tf.Tensor of rank 1 or more', ys);
  }
  if (ys.shape[0] !== rows) {
    throw invalidArgument(FN, 'data.ys', `must have as many rows as data.xs (${rows})`, ys.shape[0]);
  }
  if (weights !== undefined) {
    if (!(weights instanceof tf.Tensor) || weights.rank !== 1) {
      throw invalidArgument(FN, 'data.weights', 'must be a 1-D tf.Tensor', weights);
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
  const { batchSize, seed, initialEpoch = 0 } = options;
  if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw invalidArgument(FN, 'options.batchSize', 'must be a positive integer', batchSize);
  }
  checkSeed(FN, seed, 'options.seed');
  checkCount(FN, 'options.initialEpoch', initialEpoch);

  let nextEpoch = initialEpoch;
  function* pass(): Generator<Batch> {
    // A generator's body starts at its first next(), so an unread iterator takes no epoch number.
    const order = orderOf(rows, seed, nextEpoch++);
    for (let start = 0; start < rows; start += batchSize) {
      yield tf.tidy(() => {
        const index = tf.tensor1d(order.subarray(start, start + batchSize), 'int32');
        const batch: Batch = { xs: tf.gather(xs, index), ys: tf.gather(ys, index) };
        return weights === undefined ? batch : { ...batch, weights: tf.gather(weights, index) };
      });
    }
  }
  const dataset = tf.data.generator(pass);
  // tfjs types `size` readonly, but its own datasets assign it; a known size lets fitDataset's progress
  // callbacks know the number of steps an epoch.
  (dataset as { size: number }).size = Math.ceil(rows / batchSize);
  return dataset;
}

function orderOf(rows: number, seed: string | number, epoch: number): Int32Array {
  const identity = Array.from({ length: rows }, (_, i) => i);
  return Int32Array.from(createRng(`${seed}:${epoch}`).shuffle(identity));
}

function checkCount(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(fn, arg, 'must be a non-negative integer', value);
  }
}

function checkSeed(fn: string, seed: unknown, arg = 'seed'): void {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw invalidArgument(fn, arg, 'must be a string or a finite number', seed);
  }
}
