// The reproducible-training recipe of docs/tfjs.md, run as written: the same seed and data give a model whose
// every weight is bit-identical, on the CPU backend and on the WASM one; another seed gives other weights.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { createBatches, useBackend } from '../../src/tfjs/index.js';

const ROWS = 300;
const FEATURES = 6;

/** A small regression problem drawn from a seeded stream: y = x · w + noise. */
function makeData(): { x: Float32Array; y: Float32Array } {
  const rng = createRng('tfjs-data');
  const w = Array.from({ length: FEATURES }, () => rng.next() * 2 - 1);
  const x = Float32Array.from({ length: ROWS * FEATURES }, () => rng.next() * 2 - 1);
  const y = Float32Array.from({ length: ROWS }, (_, r) => {
    let sum = 0;
    for (let f = 0; f < FEATURES; f++) sum += x[r * FEATURES + f]! * w[f]!;
    return sum + (rng.next() - 0.5) * 0.1;
  });
  return { x, y };
}

const data = makeData();

/** The recipe: seeded initializers, seeded batches, no dropout, a single-threaded backend. */
async function train(
  seed: number,
  batchSeed: string | number = seed,
): Promise<{ weights: Float32Array[]; loss: number[] }> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [FEATURES],
        units: 16,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const xs = tf.tensor2d(data.x, [ROWS, FEATURES]);
  const ys = tf.tensor2d(data.y, [ROWS, 1]);
  const history = await model.fitDataset(createBatches({ xs, ys }, { batchSize: 32, seed: batchSeed }), {
    epochs: 4,
    verbose: 0,
  });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  model.dispose();
  return { weights, loss: history.history.loss as number[] };
}

/** The raw bits of every weight, so -0 vs 0 and NaN payloads count as differences. */
const bits = (weights: Float32Array[]) =>
  weights.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));

describe.each(['cpu', 'wasm'] as const)('reproducible training on the %s backend', (backend) => {
  it(`uses the ${backend} backend`, async () => {
    expect(await useBackend(backend)).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it('trains twice with the same seed to bit-identical weights, and learns', async () => {
    await useBackend(backend);
    const first = await train(7);
    const second = await train(7);
    expect(first.weights.length).toBe(4); // two kernels, two biases
    expect(bits(second.weights)).toEqual(bits(first.weights));
    expect(second.loss).toEqual(first.loss);
    expect(first.loss.at(-1)!).toBeLessThan(first.loss[0]! / 2);
  });

  it('gives other weights for another seed, and for another batch order alone', async () => {
    await useBackend(backend);
    const base = bits((await train(7)).weights);
    expect(bits((await train(8)).weights)).not.toEqual(base);
    const reordered = bits((await train(7, 'another-order')).weights);
    expect(reordered).not.toEqual(base);
    expect(reordered[0]!.length).toBe(base[0]!.length);
  });
});
