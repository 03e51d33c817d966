import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { toTensor, toTensors, useBackend } from '../../src/tfjs/index.js';
import {
  applyBatch,
  fit as fitTransform,
  log1p,
  oneHot,
  recencyWeight,
  standardize,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep } from '../helpers/errors.js';

const DAY = 86_400_000;
const rows = Array.from({ length: 500 }, (_, i) => ({
  x: Math.sin(i) * 100 + i / 3,
  y: i % 7,
  origin: ['SEA', 'LAX', 'JFK', 'ORD'][(i * 7) % 4],
  date: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
}));
const fitted = fitTransform({ x: standardize(), y: log1p(), origin: [vocabulary(), oneHot()] }, rows);
const weighted = fitTransform(
  {
    x: standardize(),
    origin: [vocabulary(), oneHot()],
    recency: recencyWeight({ column: 'date', halfLife: DAY }),
  },
  rows,
);

const bits = (values: Float32Array) =>
  Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

describe.each(['cpu', 'wasm'] as const)('toTensor and toTensors on the %s backend', (backend) => {
  it('gives applyBatch values bit for bit, shape [rows, columns], float32', async () => {
    expect(await useBackend(backend)).toBe(backend);
    const expected = applyBatch(fitted, rows);
    expect(expected.columns).toBe(fitted.columns.length);
    const xs = toTensor(fitted, rows);
    expect(xs.shape).toEqual([500, expected.columns]);
    expect(xs.dtype).toBe('float32');
    expect(bits((await xs.data()) as Float32Array)).toEqual(bits(expected.values));
    // A record of columns reads the same as the rows it holds.
    const columns = { x: rows.map((r) => r.x), y: rows.map((r) => r.y), origin: rows.map((r) => r.origin) };
    const fromColumns = toTensor(fitted, columns);
    expect(bits((await fromColumns.data()) as Float32Array)).toEqual(bits(expected.values));
    tf.dispose([xs, fromColumns]);
  });

  it('adds the sample weights, as a [rows] tensor, when the transform has a recencyWeight feature', async () => {
    await useBackend(backend);
    const expected = applyBatch(weighted, rows);
    expect(expected.weights).toBeInstanceOf(Float32Array);
    const { xs, weights, names } = toTensors(weighted, rows);
    expect(xs.shape).toEqual([500, expected.columns]);
    expect(bits((await xs.data()) as Float32Array)).toEqual(bits(expected.values));
    expect(weights?.shape).toEqual([500]);
    expect(weights?.dtype).toBe('float32');
    expect(bits((await weights!.data()) as Float32Array)).toEqual(bits(expected.weights!));
    expect(names).toEqual(weighted.columns.map((c) => c.name));
    const plain = toTensors(fitted, rows);
    expect(plain.weights).toBeUndefined();
    expect('weights' in plain).toBe(false);
    tf.dispose([xs, weights!, plain.xs]);
  });

  it("passes on applyBatch's LockstepError and leaves no tensor behind", async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const bad = [...rows.slice(0, 3), { x: 1, y: -5, origin: 'SEA' }];
    catchLockstep(() => toTensor(fitted, bad), { code: 'INVALID_DATA', message: /^applyBatch: / });
    expect(() => toTensors(fitted, bad)).toThrow(LockstepError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
