import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Batch, createBatches, epochOrder, useBackend } from '../../src/tfjs/index.js';
import { catchLockstep } from '../helpers/errors.js';

const ROWS = 10;
// Row i of xs is [i, 100 + i]; ys is 1000 + i; weights is i / 10: every batch says which rows it holds.
const xsData = Float32Array.from({ length: ROWS * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 + (k - 1) / 2));

let xs: tf.Tensor2D;
let ys: tf.Tensor1D;
let weights: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  xs = tf.tensor2d(xsData, [ROWS, 2]);
  ys = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => 1000 + i));
  weights = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => i / 10));
});
afterAll(() => tf.dispose([xs, ys, weights]));

/** Reads one pass of the dataset: the row ids of each batch, checked consistent across xs, ys and weights. */
async function pass(dataset: tf.data.Dataset<Batch>): Promise<number[][]> {
  const batches: number[][] = [];
  await dataset.forEachAsync((batch) => {
    const x = batch.xs.arraySync() as number[][];
    const ids = x.map((row) => row[0]!);
    expect(x.map((row) => row[1])).toEqual(ids.map((i) => 100 + i));
    expect(Array.from(batch.ys.dataSync())).toEqual(ids.map((i) => 1000 + i));
    if (batch.weights)
      expect(Array.from(batch.weights.dataSync())).toEqual(ids.map((i) => Math.fround(i / 10)));
    batches.push(ids);
    tf.dispose(batch);
  });
  return batches;
}

describe('epochOrder', () => {
  it('is a permutation of the rows, fixed by seed and epoch', () => {
    const order = epochOrder(1000, 'run-1', 3);
    expect(order).toBeInstanceOf(Int32Array);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochOrder(1000, 'run-1', 3)).toEqual(order);
    expect(epochOrder(1000, 'run-1', 4)).not.toEqual(order);
    expect(epochOrder(1000, 'run-2', 3)).not.toEqual(order);
    expect(epochOrder(1000, 42, 0)).toEqual(epochOrder(1000, '42', 0));
  });

  it("is seedrandom Alea's Fisher-Yates shuffle seeded with 'seed:epoch' (oracle)", () => {
    for (const [rows, seed, epoch] of [
      [8, 'run-1', 0],
      [257, 'run-1', 5],
      [100, 42, 1],
    ] as const) {
      const oracle = seedrandom.alea(`${seed}:${epoch}`);
      const expected = Array.from({ length: rows }, (_, i) => i);
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(oracle.double() * (i + 1));
        [expected[i], expected[j]] = [expected[j]!, expected[i]!];
      }
      expect(Array.from(epochOrder(rows, seed, epoch))).toEqual(expected);
    }
    expect(Array.from(epochOrder(0, 'x', 0))).toEqual([]);
    expect(Array.from(epochOrder(1, 'x', 0))).toEqual([0]);
  });
});

describe('createBatches', () => {
  it('visits every row exactly once an epoch, in epochOrder, keeping the last partial batch', async () => {
    const dataset = createBatches({ xs, ys, weights }, { batchSize: 4, seed: 'run-1' });
    expect(dataset.size).toBe(3);
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = await pass(dataset);
      expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
      expect(batches.flat()).toEqual(Array.from(epochOrder(ROWS, 'run-1', epoch)));
      expect([...batches.flat()].sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    }
  });

  it('gives the same batches for the same seed, a new order each epoch, and another order for another seed', async () => {
    const run = async (seed: string | number) => {
      const dataset = createBatches({ xs, ys }, { batchSize: 3, seed });
      return [await pass(dataset), await pass(dataset), await pass(dataset)];
    };
    const a = await run('run-1');
    const b = await run('run-1');
    expect(b).toEqual(a);
    expect(a[1]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
    const c = await run('run-2');
    expect(c[0]).not.toEqual(a[0]);
    expect(await run(7)).toEqual(await run('7'));
  });

  it('resumes at initialEpoch, and an unread iterator takes no epoch', async () => {
    const dataset = createBatches({ xs, ys }, { batchSize: 4, seed: 's', initialEpoch: 2 });
    await dataset.iterator(); // made and dropped, as fitDataset does before its first epoch
    expect((await pass(dataset)).flat()).toEqual(Array.from(epochOrder(ROWS, 's', 2)));
    expect((await pass(dataset)).flat()).toEqual(Array.from(epochOrder(ROWS, 's', 3)));
  });

  it('leaves no tensor behind once fitDataset-style consumers dispose each batch', async () => {
    const before = tf.memory().numTensors;
    const dataset = createBatches({ xs, ys, weights }, { batchSize: 4, seed: 'm' });
    await pass(dataset);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a model through fitDataset on the seeded epochs', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const seen: number[] = [];
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(createBatches({ xs, ys }, { batchSize: 4, seed: 'f' }), {
      epochs: 2,
      verbose: 0,
      callbacks: { onBatchEnd: async (_batch, logs) => void seen.push(logs?.size ?? -1) },
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(seen).toEqual([4, 4, 2, 4, 4, 2]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  function rejects(call: () => unknown, arg: string, message: RegExp): void {
    const error = catchLockstep(call, { code: 'INVALID_ARGUMENT', message });
    expect(error.message).toMatch(new RegExp(`^createBatches: argument '${arg}' `));
  }

  it('refuses bad arguments with a LockstepError naming the function and the argument', () => {
    const options = { batchSize: 4, seed: 1 };
    rejects(() => createBatches(null as never, options), 'data', /must be an object/);
    rejects(() => createBatches({ xs: [[1]] as never, ys }, options), 'data\\.xs', /must be a tf\.Tensor/);
    rejects(() => createBatches({ xs, ys: [1] as never }, options), 'data\\.ys', /must be a tf\.Tensor/);
    const short = tf.tensor1d([1, 2, 3]);
    const empty = tf.zeros([0, 2]);
    const matrix = tf.zeros([ROWS, 1]);
    try {
      rejects(
        () => createBatches({ xs, ys: short }, options),
        'data\\.ys',
        /as many rows as data\.xs \(10\), got 3$/,
      );
      rejects(() => createBatches({ xs: empty, ys: short }, options), 'data\\.xs', /at least one row/);
      rejects(() => createBatches({ xs, ys, weights: short }, options), 'data\\.weights', /got 3$/);
      rejects(() => createBatches({ xs, ys, weights: matrix as never }, options), 'data\\.weights', /1-D/);
    } finally {
      tf.dispose([short, empty, matrix]);
    }
    rejects(() => createBatches({ xs, ys }, null as never), 'options', /must be an object/);
    for (const batchSize of [0, -1, 2.5, Number.NaN, '4'] as never[]) {
      rejects(
        () => createBatches({ xs, ys }, { batchSize, seed: 1 }),
        'options\\.batchSize',
        /positive integer/,
      );
    }
    rejects(
      () => createBatches({ xs, ys }, { batchSize: 4, seed: Number.NaN }),
      'options\\.seed',
      /got NaN$/,
    );
    rejects(() => createBatches({ xs, ys }, { batchSize: 4, seed: {} as never }), 'options\\.seed', /string/);
    rejects(
      () => createBatches({ xs, ys }, { batchSize: 4, seed: 1, initialEpoch: -1 }),
      'options\\.initialEpoch',
      /non-negative integer, got -1$/,
    );
    expect(() => epochOrder(-1, 's', 0)).toThrow(
      /^epochOrder: argument 'rows' must be a non-negative integer/,
    );
    expect(() => epochOrder(3, 's', 0.5)).toThrow(/^epochOrder: argument 'epoch'/);
    expect(() => epochOrder(3, null as never, 0)).toThrow(/^epochOrder: argument 'seed'/);
  });
});
