// Hostile inputs to every public function of lockstep/tfjs (useBackend, toTensor, toTensors,
// createBatches, epochOrder) and to what they return (the dataset's iterator and forEachAsync, the tensors):
// each call gives a result or a LockstepError, never a TypeError from deep inside tfjs, a RangeError, a
// hang or a polluted prototype. Tensors that only look like tensors (tfjs's own `instanceof` tests three
// method names), disposed, string or rank-0 tensors, and tensors disposed while a dataset is read are
// refused naming the argument. Every tensor a call makes is disposed, and the suite checks that the
// number of live tensors ends where it began.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  createBatches,
  epochOrder,
  LockstepError,
  toTensor,
  toTensors,
  useBackend,
} from '../../src/tfjs/index.js';
import {
  fit as fitTransform,
  log1p,
  oneHot,
  recencyWeight,
  standardize,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';
import {
  corruption,
  corruptOne,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 80 };
const ROWS = 6;

const rows = Array.from({ length: 40 }, (_, i) => ({
  x: i * 1.5,
  y: i % 5,
  origin: ['SEA', 'LAX', 'JFK'][i % 3],
  date: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
}));
const fitted = fitTransform(
  {
    x: standardize(),
    y: log1p(),
    origin: [vocabulary(), oneHot()],
    recency: recencyWeight({ column: 'date', halfLife: 86_400_000 }),
  },
  rows,
);
const fittedJson = JSON.parse(JSON.stringify(fitted)) as unknown;

let xs: tf.Tensor2D;
let ys: tf.Tensor1D;
let weights: tf.Tensor1D;
let liveAtStart = 0;

beforeAll(async () => {
  await useBackend('cpu');
  xs = tf.tensor2d(
    Array.from({ length: ROWS * 2 }, (_, k) => k),
    [ROWS, 2],
  );
  ys = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => i));
  weights = tf.tensor1d(Array.from({ length: ROWS }, () => 1));
  liveAtStart = tf.memory().numTensors;
});

afterAll(() => {
  // Every tensor the suite made (datasets' batches, toTensor's results, bad tensors) was disposed.
  expect(tf.memory().numTensors).toBe(liveAtStart);
  tf.dispose([xs, ys, weights]);
  expectNoPrototypePollution();
});

/** Disposes whatever tensors a result holds (a tensor, or an object or array of them). */
function release(result: unknown): void {
  if (result instanceof tf.Tensor) result.dispose();
  else if (typeof result === 'object' && result !== null) {
    for (const value of Object.values(result)) if (value instanceof tf.Tensor) value.dispose();
  }
}

/** Reads up to `max` batches of a dataset's next pass, disposing each. */
async function readPass(dataset: tf.data.Dataset<Batch>, max = 4): Promise<number> {
  const iterator = await dataset.iterator();
  let n = 0;
  for (; n < max; n++) {
    const { done, value } = await iterator.next();
    if (done) break;
    tf.dispose(value);
  }
  return n;
}

/** Real tensors the bad-tensor makers made, so each can be disposed whatever wraps it. */
const made: tf.Tensor[] = [];

function keep<T extends tf.Tensor>(t: T): T {
  made.push(t);
  return t;
}

/** Disposes every tensor the bad-tensor makers made. */
function disposeMade(): void {
  for (const t of made.splice(0)) if (!t.isDisposed) t.dispose();
}

/**
 * Tensors and tensor look-alikes with a bad shape, each made fresh (its real tensors kept for
 * disposeMade): disposed, rank 0, string, complex, no rows, too many rows, rank 3, objects passing tfjs's
 * duck-typed `instanceof`, an object inheriting from Tensor.prototype, Proxies (one forwarding to a real
 * tensor, which is that tensor), hostile values.
 */
function badTensors(): (() => unknown)[] {
  return [
    () => {
      const t = tf.tensor1d([1, 2, 3, 4, 5, 6]);
      t.dispose();
      return t;
    },
    () => keep(tf.scalar(1)),
    () => keep(tf.tensor1d(['a', 'b', 'c', 'd', 'e', 'f'], 'string')),
    () => keep(tf.complex(new Float32Array(ROWS), new Float32Array(ROWS))),
    () => keep(tf.zeros([0, 2])),
    () => keep(tf.zeros([ROWS + 1])),
    () => keep(tf.zeros([ROWS, 2, 2])),
    () => ({ data: 1, dataSync: 1, throwIfDisposed: 1 }),
    () => ({ data: 1, dataSync: 1, throwIfDisposed: 1, shape: [ROWS], dtype: 'float32', isDisposed: false }),
    () => Object.create(tf.Tensor.prototype),
    () => new Proxy(keep(tf.zeros([ROWS])), {}),
    () =>
      new Proxy(keep(tf.zeros([ROWS])), { get: (t, k) => (k === 'shape' ? [2 ** 40] : Reflect.get(t, k)) }),
    () =>
      new Proxy(keep(tf.zeros([ROWS])), {
        get: (t, k) => {
          if (k === 'dataId') throw new Error('dataId');
          return Reflect.get(t, k);
        },
      }),
    () => throwingProxy(),
    () => throwingGetters(),
    () => [[1, 2]],
    () => new Float32Array(ROWS),
    () => null,
    () => Number.NaN,
    () => 'xs',
    () => protoKey(),
    () => ({ shape: [ROWS], dtype: 'float32' }),
  ];
}

describe('epochOrder', () => {
  /** Valid but large row counts only cost time; the property keeps to small ones. */
  const small = (rows: unknown) => !(typeof rows === 'number' && rows > 10_000 && rows <= 2 ** 25);

  it('answers any rows, seed and epoch with a permutation or a LockstepError', () => {
    fc.assert(
      fc.property(hostile(), hostile(), hostile(), (n, seed, epoch) => {
        for (const [r, s, e] of [
          [n, seed, epoch],
          [n, 's', 0],
          [4, seed, 0],
          [4, 's', epoch],
        ] as const) {
          if (!small(r)) continue;
          let order: Int32Array | undefined;
          expectLockstepOrResult(() => {
            order = epochOrder(r as never, s as never, e as never);
          });
          if (order !== undefined) {
            expect(Array.from(order).sort((a, b) => a - b)).toEqual(
              Array.from({ length: r as number }, (_, i) => i),
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('states its bounds: at most 2^25 rows, a seed of at most 4,096 characters', () => {
    catchLockstep(() => epochOrder(2 ** 25 + 1, 's', 0), {
      code: 'INVALID_ARGUMENT',
      fn: 'epochOrder',
      arg: 'rows',
      message: "epochOrder: argument 'rows' must be a non-negative integer of at most 33554432, got 33554433",
    });
    catchLockstep(() => epochOrder(3, 'x'.repeat(4097), 0), {
      arg: 'seed',
      message: "epochOrder: argument 'seed' must be at most 4096 characters long, got 4097",
    });
    expect(epochOrder(3, 'x'.repeat(4096), 0)).toHaveLength(3);
    catchLockstep(() => epochOrder(3, 's', 2 ** 53), { arg: 'epoch' });
  });
});

describe('createBatches and its dataset', () => {
  it('answers any data and options with a dataset whose passes read, or a LockstepError', async () => {
    await fc.assert(
      fc.asyncProperty(hostile(), hostile(), async (data, options) => {
        const before = tf.memory().numTensors;
        for (const [d, o] of [
          [data, options],
          [data, { batchSize: 2, seed: 's' }],
          [{ xs, ys }, options],
        ] as const) {
          await expectLockstepOrResultAsync(async () => readPass(createBatches(d as never, o as never)));
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
  });

  it('data with one bad tensor: a LockstepError naming it, or batches (each case, each field)', async () => {
    const wrong: string[] = [];
    const before = tf.memory().numTensors;
    for (const field of ['xs', 'ys', 'weights'] as const) {
      for (const [i, make] of badTensors().entries()) {
        const data = { xs, ys, weights, [field]: make() };
        try {
          const n = await readPass(createBatches(data as never, { batchSize: 4, seed: 1 }));
          // Only a Proxy forwarding to a good tensor, or a 1-D tensor of ROWS rows as xs or ys, reads.
          if (n !== 2) wrong.push(`${field} case ${i}: ${n} batches`);
        } catch (error) {
          if (!(error instanceof LockstepError)) wrong.push(`${field} case ${i}: ${String(error)}`);
          // A replaced xs can make ys or weights the odd one out; any other field is named itself.
          else if (
            error.fn !== 'createBatches' ||
            !error.arg?.startsWith(field === 'xs' ? 'data.' : `data.${field}`)
          ) {
            wrong.push(`${field} case ${i}: ${error.message}`);
          }
        } finally {
          disposeMade();
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('options with one hostile field: a LockstepError naming it, or batches', async () => {
    const fields = ['batchSize', 'seed', 'initialEpoch'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), hostile(), async (field, value) => {
        const options = { batchSize: 4, seed: 's', [field]: value };
        try {
          await readPass(createBatches({ xs, ys }, options as never));
        } catch (error) {
          if (!(error instanceof LockstepError)) expect.fail(`${field}: ${String(error)}`);
          expect(error.arg).toBe(`options.${field}`);
        }
      }),
      RUNS,
    );
  });

  it('refuses look-alike tensors that pass tfjs instanceof, string and complex tensors, by name', () => {
    const bad = badTensors().map((make) => make());
    try {
      const expected: [number, RegExp][] = [
        [0, /'data\.xs' must not be disposed$/],
        [1, /'data\.xs' must be a tf\.Tensor of rank 1 or more/],
        [2, /'data\.xs' must have dtype float32, int32 or bool, got "string"$/],
        [3, /'data\.xs' must have dtype float32, int32 or bool, got "complex64"$/],
        [4, /'data\.xs' must have at least one row, got 0$/],
        [7, /'data\.xs' must be a tf\.Tensor \(an object with tfjs's method names is not one\)/],
        [8, /'data\.xs' must be a live tensor of the running tfjs engine/],
        [9, /'data\.xs' must be a tf\.Tensor \(an object with tfjs's method names is not one\)/],
        [11, /'data\.xs' must have at most 33554432 rows, got 1099511627776$/],
        [12, /'data\.xs\.dataId' must be readable \(its getter threw\)$/],
        [13, /'data\.xs' must be a readable tf\.Tensor \(reading it threw\)$/],
        [14, /'data\.xs' must be a readable tf\.Tensor \(reading it threw\)$/],
      ];
      for (const [i, message] of expected) {
        catchLockstep(() => createBatches({ xs: bad[i] as never, ys }, { batchSize: 2, seed: 1 }), {
          code: 'INVALID_ARGUMENT',
          fn: 'createBatches',
          message,
        });
      }
      // A Proxy that forwards to a real tensor is that tensor.
      const forwarded = createBatches({ xs: bad[10] as never, ys }, { batchSize: 2, seed: 1 });
      expect(forwarded.size).toBe(3);
    } finally {
      disposeMade();
    }
  });

  it('a tensor disposed while the dataset is in use fails the pass naming it, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const own = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => i));
    const dataset = createBatches({ xs, ys: own }, { batchSize: 4, seed: 'd' });
    expect(await readPass(dataset)).toBe(2);
    own.dispose();
    await rejectsLockstep(() => readPass(dataset), {
      code: 'INVALID_ARGUMENT',
      fn: 'createBatches',
      arg: 'data.ys',
      // tf.data prefixes the message of an error thrown while a dataset is read ("Error thrown while
      // iterating through a dataset: "); the error is still ours, with its code, fn and arg.
      message:
        /createBatches: argument 'data\.ys' must stay undisposed while the dataset is in use, but it was disposed$/,
    });
    // Disposed between two batches of one pass.
    const later = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => i));
    const iterator = await createBatches({ xs, ys: later }, { batchSize: 4, seed: 'd' }).iterator();
    tf.dispose((await iterator.next()).value);
    later.dispose();
    await rejectsLockstep(() => iterator.next(), { arg: 'data.ys' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the dataset reads through forEachAsync and toArray, batches disposed, memory flat', async () => {
    const before = tf.memory().numTensors;
    const dataset = createBatches({ xs, ys, weights }, { batchSize: 4, seed: 'm' });
    let seen = 0;
    await dataset.forEachAsync((batch) => {
      seen += batch.xs.shape[0]!;
      tf.dispose(batch);
    });
    expect(seen).toBe(ROWS);
    const all = await dataset.toArray();
    expect(all.map((b) => b.xs.shape[0])).toEqual([4, 2]);
    tf.dispose(all);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('strict options', () => {
  it('createBatches: a misspelled option or data key is an INVALID_ARGUMENT naming it and the key meant', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ batchsize: 4, seed: 1 }, 'options.batchsize', 'batchSize'],
      [{ batch_size: 4, seed: 1 }, 'options.batch_size', 'batchSize'],
      [{ batchSize: 4, seeds: 1 }, 'options.seeds', 'seed'],
      [{ batchSize: 4, seed: 1, initialepoch: 2 }, 'options.initialepoch', 'initialEpoch'],
      [{ batchSize: 4, seed: 1, initialEpochs: 2 }, 'options.initialEpochs', 'initialEpoch'],
    ];
    for (const [options, arg, meant] of cases) {
      const key = arg.slice('options.'.length);
      catchLockstep(() => createBatches({ xs, ys }, options as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'createBatches',
        arg,
        message: `createBatches: argument 'options' has an unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?); known keys: batchSize, seed, initialEpoch`,
      });
    }
    catchLockstep(() => createBatches({ xs, ys }, { batchSize: 4, seed: 1, shuffle: true } as never), {
      arg: 'options.shuffle',
      message: /unknown key "shuffle"; known keys: batchSize, seed, initialEpoch$/,
    });
    for (const [key, meant] of [
      ['weight', 'weights'],
      ['x', 'xs'],
      ['y', 'ys'],
      ['Weights', 'weights'],
    ] as const) {
      catchLockstep(() => createBatches({ xs, ys, [key]: weights } as never, { batchSize: 4, seed: 1 }), {
        code: 'INVALID_ARGUMENT',
        arg: `data.${key}`,
        message: `createBatches: argument 'data' has an unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?); known keys: xs, ys, weights, names`,
      });
    }
    for (const options of [undefined, null, 5, 'batchSize', [4]]) {
      catchLockstep(() => createBatches({ xs, ys }, options as never), {
        arg: 'options',
        message: /must be an object/,
      });
    }
    catchLockstep(() => createBatches({ xs, ys }, throwingProxy() as never), {
      arg: 'options',
      message: /reading its keys threw/,
    });
    catchLockstep(() => createBatches({ xs, ys }, protoKey() as never), { arg: 'options.__proto__' });
  });

  it("createBatches: toTensors' names may come along, and bounds are stated", () => {
    const { xs: x, weights: w, names } = toTensors(fitted, rows);
    try {
      const y = tf.zeros([rows.length]);
      const dataset = createBatches({ xs: x, ys: y, weights: w!, names } as never, { batchSize: 8, seed: 1 });
      expect(dataset.size).toBe(5);
      y.dispose();
    } finally {
      tf.dispose([x, w!]);
    }
    catchLockstep(() => createBatches({ xs, ys }, { batchSize: 2 ** 25 + 1, seed: 1 }), {
      arg: 'options.batchSize',
      message: /must be a positive integer of at most 33554432, got 33554433$/,
    });
    catchLockstep(() => createBatches({ xs, ys }, { batchSize: 4, seed: 'x'.repeat(4097) }), {
      arg: 'options.seed',
      message: /must be at most 4096 characters long, got 4097$/,
    });
  });
});

describe('toTensor and toTensors', () => {
  it('answer any artifact and data with tensors (disposed here) or a LockstepError', () => {
    fc.assert(
      fc.property(hostile(), hostile(), (f, data) => {
        const before = tf.memory().numTensors;
        for (const call of [toTensor, toTensors]) {
          for (const [a, b] of [
            [f, rows],
            [fitted, data],
            [f, data],
          ] as const) {
            let result: unknown;
            expectLockstepOrResult(() => {
              result = call(a as never, b as never);
            });
            release(result);
          }
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
  });

  it('a wrong type is refused naming toTensor or toTensors and the argument', () => {
    for (const [fn, call] of [
      ['toTensor', toTensor],
      ['toTensors', toTensors],
    ] as const) {
      for (const bad of [null, undefined, 5, 'fitted', [fitted], Symbol('f')]) {
        catchLockstep(() => call(bad as never, rows), { code: 'INVALID_ARGUMENT', fn, arg: 'fitted' });
      }
      for (const bad of [null, undefined, 5, 'rows', true, 1n]) {
        catchLockstep(() => call(fitted, bad as never), { code: 'INVALID_ARGUMENT', fn, arg: 'data' });
      }
    }
  });

  it('a fitted transform corrupted in one field gives tensors or a LockstepError, and leaks nothing', () => {
    fc.assert(
      fc.property(fc.nat(), corruption(), (pick, replacement) => {
        const before = tf.memory().numTensors;
        const corrupted = corruptOne(fittedJson, pick, replacement);
        for (const call of [toTensor, toTensors]) {
          let result: unknown;
          expectLockstepOrResult(() => {
            result = call(corrupted as never, rows);
          });
          release(result);
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});

describe('useBackend', () => {
  it("answers any backend name with 'cpu', 'wasm' or a LockstepError", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(), async (prefer) => {
        await expectLockstepOrResultAsync(() => useBackend(prefer as never));
      }),
      { numRuns: 40 },
    );
    for (const prefer of [null, 'CPU', 'webgl', new String('cpu'), throwingProxy()]) {
      await rejectsLockstep(() => useBackend(prefer as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'useBackend',
        arg: 'prefer',
      });
    }
    expect(await useBackend('cpu')).toBe('cpu');
  });
});
