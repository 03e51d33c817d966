// Hostile inputs to every public function of lockstep/arrow (toArrowTable, toRecordBatch, fromArrowTable,
// mapBatches) and every method of the generator mapBatches returns: each call gives a result or a
// LockstepError, never a TypeError, a RangeError, a stack overflow or a hang, and nothing reaches
// Object.prototype. Corrupted valid inputs (a matrix whose values do not fit its names, an Arrow-like table
// whose chunks do not fit their buffers, an iterator that breaks the protocol) are refused naming the
// argument; whatever toArrowTable writes, fromArrowTable reads back bit for bit. Errors thrown by the
// caller's own code (fn, the source's iterator) pass through unchanged.
import { Float32, Float64, Table, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fromArrowTable,
  LockstepError,
  type MatrixLike,
  mapBatches,
  toArrowTable,
  toRecordBatch,
} from '../../src/arrow/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';
import {
  deepArray,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 120 };

/** The 32-bit words of a Float32Array, by its byte length (a subclass may lie about `length`). */
const bits = (a: Float32Array) =>
  a.byteLength === 0 ? [] : Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

/** A good matrix, made fresh: 2 rows, 2 named columns, weights. */
const good = (): MatrixLike => ({
  values: Float32Array.of(1, 2, 3, 4),
  rows: 2,
  columns: 2,
  names: ['a', 'b'],
  weights: Float32Array.of(0.5, 1),
});

/** An array of `length` holes and one value at its end, made without allocating the holes. */
function sparseWithOne(length: number, value: unknown): unknown[] {
  const a: unknown[] = [];
  a[length - 1] = value;
  return a;
}

/** A Float32Array whose buffer has been transferred away (length 0, detached). */
function detached(length: number): Float32Array {
  const a = new Float32Array(length);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

class LyingFloat32Array extends Float32Array {
  override get length(): number {
    return 1_000_000;
  }
}

/**
 * Matrices with a bad shape, each made fresh: values whose length does not fit rows × columns or names,
 * sizes past their bounds, sparse and Proxy name lists, look-alike and detached typed arrays, throwing
 * getters, a 1 MB name.
 */
function badMatrices(): (() => unknown)[] {
  return [
    () => ({ ...good(), values: new Float32Array(5) }),
    () => ({ ...good(), names: ['a', 'b', 'c'] }),
    () => ({ ...good(), names: ['a'] }),
    () => ({ ...good(), columns: 3 }),
    () => ({ ...good(), rows: -1 }),
    () => ({ ...good(), rows: Number.NaN }),
    () => ({ ...good(), rows: 2 ** 53 }),
    () => ({ values: new Float32Array(0), rows: 2 ** 40, columns: 0, names: [] }),
    () => ({
      values: new Float32Array(0),
      rows: 0,
      columns: 2 ** 32 - 1,
      names: sparseWithOne(2 ** 32 - 1, 'a'),
    }),
    () => ({ values: new Float32Array(0), rows: 0, columns: 2 ** 24 + 1, names: [] }),
    () => ({ values: new Float32Array(0), rows: 0, columns: 3, names: new Array(3) }),
    () => ({ values: new Float32Array(0), rows: 0, columns: 1, names: ['x'.repeat(1 << 20)] }),
    () => ({
      ...good(),
      names: new Proxy(['a', 'b'], {
        get: () => {
          throw new Error('names');
        },
      }),
    }),
    () => ({
      ...good(),
      names: new Proxy(['a', 'b'], { get: (t, k) => (k === 'length' ? 2 ** 40 : Reflect.get(t, k)) }),
    }),
    () => ({
      ...good(),
      names: new Proxy(['a', 'b'], { get: (t, k) => (k === 'length' ? Number.NaN : Reflect.get(t, k)) }),
    }),
    () => ({ ...good(), names: ['a', Symbol('b')] }),
    () => ({ ...good(), names: ['__proto__', 'constructor'] }),
    () => ({ ...good(), values: new Proxy(Float32Array.of(1, 2, 3, 4), {}) }),
    () => ({ ...good(), values: Object.create(Float32Array.prototype) }),
    () => ({ ...good(), values: new LyingFloat32Array(4) }),
    () => ({ ...good(), values: detached(4) }),
    () => ({ values: detached(4), rows: 0, columns: 2, names: ['a', 'b'] }),
    () => ({ ...good(), values: new Float32Array(new SharedArrayBuffer(16)) }),
    () => ({ ...good(), values: new DataView(new ArrayBuffer(16)) }),
    () => ({ ...good(), weights: new LyingFloat32Array(2) }),
    () => ({ ...good(), weights: detached(2) }),
    () => ({ ...good(), weights: Float32Array.of(1) }),
    () => ({ ...good(), weights: null }),
    () => ({ ...good(), names: ['a', '__weight'] }),
    () => ({
      ...good(),
      get values(): never {
        throw new Error('values');
      },
    }),
    () => throwingGetters(),
    () => throwingProxy(),
    () => protoKey(),
    () => deepArray(10_000),
  ];
}

/** Hostile values, bad matrices, and good matrices with one hostile field. */
function hostileMatrix(): fc.Arbitrary<unknown> {
  const bad = badMatrices();
  const fields = ['values', 'rows', 'columns', 'names', 'weights'] as const;
  return fc.oneof(
    hostile(),
    fc.nat({ max: bad.length - 1 }).map((i) => bad[i]!()),
    fc.tuple(fc.constantFrom(...fields), hostile()).map(([field, value]) => ({ ...good(), [field]: value })),
  );
}

/** A good Arrow-like table of Float32 columns (the shape fromArrowTable reads), made by hand. */
function arrowLike(parts: {
  numRows?: unknown;
  fields?: unknown;
  chunks?: (j: number) => unknown;
  getChildAt?: unknown;
}): unknown {
  const type = { typeId: 3, precision: 1, toString: () => 'Float32' };
  const fields = parts.fields ?? [
    { name: 'a', type },
    { name: 'b', type },
  ];
  const chunks =
    parts.chunks ?? ((j: number) => [{ values: Float32Array.of(j, j + 1), length: 2, nullCount: 0 }]);
  return {
    numRows: 'numRows' in parts ? parts.numRows : 2,
    schema: { fields },
    getChild: () => null,
    getChildAt: parts.getChildAt ?? ((j: number) => ({ data: chunks(j) })),
  };
}

const f32 = { typeId: 3, precision: 1, toString: () => 'Float32' };

/** Tables with a bad shape, each made fresh. */
function badTables(): (() => unknown)[] {
  const chunk = (values: unknown, length: unknown, nullCount: unknown = 0) => ({ values, length, nullCount });
  return [
    () => arrowLike({}),
    () => arrowLike({ numRows: -1 }),
    () => arrowLike({ numRows: Number.NaN }),
    () => arrowLike({ numRows: 2 ** 40 }),
    () => arrowLike({ numRows: 2 ** 40, fields: [] }),
    () => arrowLike({ numRows: 3 }),
    () => arrowLike({ fields: [null] }),
    () => arrowLike({ fields: [{ name: 5, type: f32 }] }),
    () => arrowLike({ fields: [{ name: 'a', type: null }] }),
    () => arrowLike({ fields: [{ name: 'a', type: throwingProxy() }] }),
    () =>
      arrowLike({
        fields: [{ name: 'a', type: { typeId: 3, precision: 2, toString: () => 'x'.repeat(1e6) } }],
      }),
    () =>
      arrowLike({
        fields: [
          {
            name: 'a',
            type: {
              typeId: 5,
              toString() {
                throw new Error('toString');
              },
            },
          },
        ],
      }),
    () => arrowLike({ fields: [{ name: 'x'.repeat(1 << 20), type: f32 }] }),
    () => arrowLike({ fields: sparseWithOne(2 ** 32 - 1, { name: 'a', type: f32 }) }),
    () => arrowLike({ fields: [throwingGetters()] }),
    () => arrowLike({ fields: 5 }),
    () =>
      arrowLike({
        getChildAt: () => {
          throw new Error('getChildAt');
        },
      }),
    () => arrowLike({ getChildAt: () => 5 }),
    () => arrowLike({ getChildAt: () => throwingProxy() }),
    () => arrowLike({ getChildAt: () => ({ data: 5 }) }),
    () => arrowLike({ chunks: () => sparseWithOne(2 ** 32 - 1, chunk(Float32Array.of(1, 2), 2)) }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1), 2)] }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1, 2), -1)] }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1, 2), 2 ** 40)] }),
    () => arrowLike({ chunks: () => [chunk(new Float64Array(2), 2)] }),
    () => arrowLike({ chunks: () => [chunk([1, 2], 2)] }),
    () => arrowLike({ chunks: () => [chunk(detached(2), 2)] }),
    () => arrowLike({ chunks: () => [chunk(new LyingFloat32Array(1), 2)] }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1, 2), 2, Number.NaN)] }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1, 2), 2, 'none')] }),
    () => arrowLike({ chunks: () => [chunk(Float32Array.of(1, 2), 2, 1)] }),
    () => arrowLike({ chunks: () => [null] }),
    () => arrowLike({ chunks: () => [throwingProxy()] }),
    // Chunks that do not line up across columns, and a weight column of another length.
    () =>
      arrowLike({
        chunks: (j) =>
          j === 0
            ? [chunk(Float32Array.of(1, 2), 2)]
            : [chunk(Float32Array.of(1), 1), chunk(Float32Array.of(2), 1)],
      }),
    () => arrowLike({ chunks: (j) => (j === 0 ? [chunk(Float32Array.of(1, 2), 2)] : []) }),
    () =>
      arrowLike({
        fields: [
          { name: 'a', type: f32 },
          { name: '__weight', type: f32 },
        ],
        chunks: (j) => [j === 0 ? chunk(Float32Array.of(1, 2), 2) : chunk(Float32Array.of(1, 2, 3), 3)],
      }),
    () =>
      arrowLike({
        fields: [{ name: '__weight', type: f32 }],
        numRows: 5,
        chunks: () => [chunk(Float32Array.of(1, 2, 3, 4, 5, 6, 7), 7)],
      }),
    () => ({ numRows: 2, schema: throwingProxy(), getChild: () => null, getChildAt: () => null }),
    () => ({ numRows: 2, schema: { fields: [] }, getChild: () => null }),
    () => new Proxy(toArrowTable(good()), { get: (t, k) => (k === 'numRows' ? -5 : Reflect.get(t, k)) }),
  ];
}

function hostileTable(): fc.Arbitrary<unknown> {
  const bad = badTables();
  return fc.oneof(
    hostile(),
    fc.nat({ max: bad.length - 1 }).map((i) => bad[i]!()),
  );
}

afterAll(() => expectNoPrototypePollution());

describe('toArrowTable, toRecordBatch and fromArrowTable', () => {
  it('every bad matrix is an INVALID_ARGUMENT naming the function and a matrix argument (each case)', () => {
    for (const [i, make] of badMatrices().entries()) {
      for (const [fn, name] of [
        [toArrowTable, 'toArrowTable'],
        [toRecordBatch, 'toRecordBatch'],
      ] as const) {
        let result: unknown;
        try {
          result = fn(make() as never);
        } catch (error) {
          if (!(error instanceof LockstepError)) expect.fail(`case ${i}: ${String(error)}`);
          expect(error.code, `case ${i}`).toBe('INVALID_ARGUMENT');
          expect(error.fn, `case ${i}`).toBe(name);
          expect(error.arg, `case ${i}: ${error.message}`).toMatch(/^(matrix|options\.weightColumn)/);
          expect(error.message.startsWith(`${name}: argument '`), `case ${i}`).toBe(true);
          continue;
        }
        // The few that are still matrices (shared memory, __proto__ names, an empty detached values).
        expect(result, `case ${i}`).toHaveProperty('numRows');
      }
    }
  });

  it('answer any matrix and options with a table (that reads back bit for bit) or a LockstepError', () => {
    fc.assert(
      fc.property(hostileMatrix(), hostile(), (matrix, options) => {
        for (const fn of [toArrowTable, toRecordBatch]) {
          expectLockstepOrResult(() => fn(matrix as never, options as never));
          let table: ReturnType<typeof toArrowTable> | undefined;
          expectLockstepOrResult(() => {
            table = toArrowTable(matrix as never);
          });
          if (table === undefined) continue;
          const m = matrix as MatrixLike;
          const back = fromArrowTable(table);
          expect(back.names).toEqual([...m.names]);
          expect(bits(back.values)).toEqual(bits(m.values));
          expect(back.weights && bits(back.weights)).toEqual(m.weights && bits(m.weights));
        }
      }),
      RUNS,
    );
  });

  it('every bad table is an INVALID_ARGUMENT naming fromArrowTable and the table (each case)', () => {
    for (const [i, make] of badTables().entries()) {
      let result: MatrixLike | undefined;
      try {
        result = fromArrowTable(make() as never);
      } catch (error) {
        if (!(error instanceof LockstepError)) expect.fail(`case ${i}: ${String(error)}`);
        expect(error.code, `case ${i}`).toBe('INVALID_ARGUMENT');
        expect(error.fn, `case ${i}`).toBe('fromArrowTable');
        expect(error.arg, `case ${i}: ${error.message}`).toMatch(/^table/);
        expect(error.message.length, `case ${i}`).toBeLessThan(400);
        continue;
      }
      // Only the good hand-made table, read as any Arrow table is.
      expect(i, `case ${i} returned ${JSON.stringify(result)}`).toBe(0);
      expect(Array.from(result.values)).toEqual([0, 1, 1, 2]);
    }
  });

  it('fromArrowTable answers any table and options with a matrix or a LockstepError', () => {
    fc.assert(
      fc.property(hostileTable(), hostile(), (table, options) => {
        expectLockstepOrResult(() => fromArrowTable(table as never));
        expectLockstepOrResult(() => fromArrowTable(table as never, options as never));
        expectLockstepOrResult(() => fromArrowTable(toArrowTable(good()), options as never));
        expectLockstepOrResult(() =>
          fromArrowTable(toArrowTable(good()), { weightColumn: options } as never),
        );
      }),
      RUNS,
    );
  });

  it('refuses a sparse names list of 2^32 - 1 and a 2^32 - 1 field table at once', () => {
    const started = performance.now();
    catchLockstep(() => toArrowTable(badMatrices()[8]!() as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'matrix.columns',
    });
    catchLockstep(
      () =>
        toArrowTable({
          values: new Float32Array(0),
          rows: 0,
          columns: 2,
          names: sparseWithOne(2 ** 32 - 1, 'a') as string[],
        }),
      { code: 'INVALID_ARGUMENT', arg: 'matrix.names', message: /at most 16777216 items, got 4294967295$/ },
    );
    catchLockstep(() => fromArrowTable(badTables()[13]!() as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'table.schema.fields',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads a matrix once: a getter that changes its answer cannot slip a bad value past the check', () => {
    let reads = 0;
    const matrix = {
      get values() {
        reads++;
        return reads === 1 ? Float32Array.of(1, 2) : new Float32Array(0);
      },
      rows: 1,
      columns: 2,
      names: ['a', 'b'],
    };
    const table = toArrowTable(matrix);
    expect(reads).toBe(1);
    expect(Array.from(fromArrowTable(table).values)).toEqual([1, 2]);
  });

  it('reads a Float32Array subclass by its real length, and a Proxy of one is refused', () => {
    const lying = new LyingFloat32Array(4);
    lying.set([1, 2, 3, 4]);
    const table = toArrowTable({ values: lying, rows: 2, columns: 2, names: ['a', 'b'] });
    expect(bits(fromArrowTable(table).values)).toEqual(bits(Float32Array.of(1, 2, 3, 4)));
    catchLockstep(() => toArrowTable({ ...good(), values: new Proxy(Float32Array.of(1, 2, 3, 4), {}) }), {
      code: 'INVALID_ARGUMENT',
      arg: 'matrix.values',
      message: /must be a Float32Array/,
    });
  });

  it('names the corrupted part of a table', () => {
    const t = badTables();
    catchLockstep(() => fromArrowTable(t[1]!() as never), { message: /numRows is not an integer/ });
    catchLockstep(() => fromArrowTable(t[21]!() as never), {
      message: /chunk 0 of column "a" says it has 2 rows but holds 1 values$/,
    });
    catchLockstep(() => fromArrowTable(t[33]!() as never), {
      message: /column "b" is chunked unlike column "a"$/,
    });
    catchLockstep(() => fromArrowTable(t[35]!() as never), {
      message: /must have 2 rows in every column, got 3$/,
    });
    catchLockstep(() => fromArrowTable(t[11]!() as never), {
      message:
        /^fromArrowTable: argument 'table' must hold only Float32 columns, but column "a" is an unreadable type$/,
    });
    catchLockstep(() => fromArrowTable(t[16]!() as never), { message: /reading column "a" threw$/ });
  });

  it('reads real tables: many record batches, sliced, through IPC', () => {
    const a = toRecordBatch({ values: Float32Array.of(1, 2, 3, 4), rows: 2, columns: 2, names: ['x', 'y'] });
    const b = toRecordBatch({ values: Float32Array.of(5, 6), rows: 1, columns: 2, names: ['x', 'y'] });
    const table = tableFromIPC(tableToIPC(new Table([a, b])));
    expect(Array.from(fromArrowTable(table.slice(1)).values)).toEqual([3, 4, 5, 6]);
    const float64 = new Table({
      x: vectorFromArray([1, 2], new Float64()),
      y: vectorFromArray([1, 2], new Float32()),
    });
    catchLockstep(() => fromArrowTable(float64), { message: /column "x" is Float64$/ });
  });
});

describe('strict options', () => {
  const table = () => toArrowTable(good());

  it('a misspelled key is an INVALID_ARGUMENT naming it and the key meant, for every function', () => {
    const calls: [string, (options: unknown) => unknown][] = [
      ['toArrowTable', (o) => toArrowTable(good(), o as never)],
      ['toRecordBatch', (o) => toRecordBatch(good(), o as never)],
      ['fromArrowTable', (o) => fromArrowTable(table(), o as never)],
      ['mapBatches', (o) => mapBatches([], () => good(), o as never)],
    ];
    for (const [fn, call] of calls) {
      for (const key of ['weightcolumn', 'weightColum', 'weight_column', 'WeightColumn']) {
        const e = catchLockstep(() => call({ [key]: 'w' }), {
          code: 'INVALID_ARGUMENT',
          fn,
          arg: `options.${key}`,
        });
        expect(e.message).toBe(
          `${fn}: argument 'options' has an unknown key ${JSON.stringify(key)} (did you mean "weightColumn"?); known keys: weightColumn`,
        );
      }
      catchLockstep(() => call({ batchSize: 3 }), {
        arg: 'options.batchSize',
        message: /unknown key "batchSize"; known keys: weightColumn$/,
      });
      for (const options of [null, 'w', ['weightColumn'], 5, new Float64Array(1)]) {
        catchLockstep(() => call(options), {
          code: 'INVALID_ARGUMENT',
          fn,
          arg: 'options',
          message: /must be an object/,
        });
      }
      catchLockstep(() => call({ weightColumn: '' }), {
        arg: 'options.weightColumn',
        message: /must not be empty/,
      });
      catchLockstep(() => call({ weightColumn: 'w'.repeat(65_537) }), {
        arg: 'options.weightColumn',
        message: /must be at most 65536 characters long, got 65537$/,
      });
      catchLockstep(() => call(throwingGetters()), { arg: 'options.a', message: /unknown key "a"/ });
      const getter = {
        get weightColumn(): never {
          throw new Error('getter');
        },
      };
      catchLockstep(() => call(getter), { arg: 'options.weightColumn', message: /its getter threw/ });
      catchLockstep(() => call(throwingProxy()), { arg: 'options', message: /reading its keys threw/ });
      catchLockstep(() => call(protoKey()), { arg: 'options.__proto__' });
    }
  });

  it('a weightColumn of at most 65,536 characters is used as given', () => {
    const name = 'w'.repeat(65_536);
    const t = toArrowTable(good(), { weightColumn: name });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['a', 'b', name]);
    expect(fromArrowTable(t, { weightColumn: name }).names).toEqual(['a', 'b']);
  });
});

/** An object with a `then` (a thenable on purpose: how mapBatches reads them is under test). */
function thenable(then: unknown): object {
  return { then };
}

/** Fails a promise that has not settled within two seconds: a hang is a failure, not a test timeout. */
function settlesSoon<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('hang: the stream neither ended nor failed within 2 s')), 2000);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** Reads a stream to its end, at most `max` batches (a hang guard). */
async function drain(stream: AsyncIterable<unknown>, max = 50): Promise<number> {
  let n = 0;
  for await (const _ of stream) if (++n >= max) break;
  return n;
}

const batchOf = (n: number) =>
  toRecordBatch({ values: new Float32Array(n), rows: n, columns: 1, names: ['v'] });
const features = (batch: { numRows: number }): MatrixLike => ({
  values: new Float32Array(batch.numRows),
  rows: batch.numRows,
  columns: 1,
  names: ['f'],
});

/** Sources that break the iterator protocol, or yield what is not a batch, each made fresh. */
function badSources(): (() => unknown)[] {
  const iterable = (iterator: unknown) => ({ [Symbol.iterator]: () => iterator });
  const asyncIterable = (iterator: unknown) => ({ [Symbol.asyncIterator]: () => iterator });
  return [
    () => iterable(5),
    () => iterable(null),
    () => iterable({}),
    () => iterable({ next: 5 }),
    () => iterable({ next: () => 5 }),
    () => iterable({ next: () => null }),
    () => iterable({ next: () => throwingProxy() }),
    () => iterable({ next: () => throwingGetters() }),
    () => iterable(throwingProxy()),
    () => asyncIterable({ next: () => 5 }),
    () => asyncIterable({ next: async () => 5 }),
    () => asyncIterable({ next: () => throwingProxy() }),
    () => asyncIterable({ next: () => thenable(5) }),
    () => asyncIterable({ next: async () => ({ done: false, value: throwingProxy() }) }),
    () => asyncIterable({ next: async () => ({ done: false, value: Promise.resolve(batchOf(1)) }) }),
    () => [Promise.resolve(5)],
    () => [throwingProxy()],
    () => [throwingGetters()],
    () => [batchOf(1), { numRows: 1 }],
    () => [
      {
        get numRows() {
          throw new Error('numRows');
        },
        schema: { fields: [] },
        getChild: () => null,
      },
    ],
    () => [[batchOf(1)]],
    () => sparseWithOne(1_000_000, batchOf(1)),
    () => new Map([[1, batchOf(1)]]),
    () => new Float64Array(3),
    () => {
      const table = new Table([batchOf(1)]);
      return new Proxy(table, {
        get: (t, k) => (k === 'batches' ? sparseWithOne(2 ** 32 - 1, 1) : Reflect.get(t, k)),
      });
    },
    () =>
      new Proxy(new Table([batchOf(1)]), {
        get: (t, k) => {
          if (k === 'batches') throw new Error('batches');
          return Reflect.get(t, k);
        },
      }),
    () => ({
      get [Symbol.iterator](): never {
        throw new Error('iterator');
      },
    }),
  ];
}

/** What fn may return: hostile values, bad matrices, and thenables of them. */
function hostileResult(): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileMatrix(),
    // A thenable of each (Promise.resolve would read a hostile value's own `then` before fn returns).
    hostileMatrix().map((m) => thenable((ok: (v: unknown) => void) => ok(m))),
    fc.constant(
      new Proxy(
        {},
        {
          get: (_t, k) => {
            if (k === 'then') throw new Error('then');
            return undefined;
          },
        },
      ),
    ),
    fc.constant(thenable((ok: (v: unknown) => void) => ok(thenable(() => {})))),
  );
}

describe('mapBatches and its generator', () => {
  it('answers any source, fn result and options with batches or a LockstepError, at the call or in the loop', async () => {
    const bad = badSources();
    const source = fc.oneof(
      hostile(),
      fc.nat({ max: bad.length - 1 }).map((i) => bad[i]!()),
      fc.constant(null).map(() => [batchOf(2), batchOf(0), new Table([batchOf(3)])]),
    );
    await fc.assert(
      fc.asyncProperty(source, hostileResult(), hostile(), async (src, result, options) => {
        await settlesSoon(
          expectLockstepOrResultAsync(() => drain(mapBatches(src as never, features as never))),
        );
        await settlesSoon(
          expectLockstepOrResultAsync(() => drain(mapBatches(src as never, () => result as never))),
        );
        await expectLockstepOrResultAsync(async () =>
          drain(mapBatches([batchOf(2)], features as never, options as never)),
        );
      }),
      RUNS,
    );
  });

  it('every bad source is an INVALID_ARGUMENT naming source, at the call or in the loop (each case)', async () => {
    const wrong: string[] = [];
    for (const [i, make] of badSources().entries()) {
      try {
        wrong.push(`case ${i} gave ${await drain(mapBatches(make() as never, features as never))} batches`);
      } catch (error) {
        if (!(error instanceof LockstepError)) wrong.push(`case ${i}: ${String(error)}`);
        else if (error.fn !== 'mapBatches' || !/^source/.test(error.arg ?? '')) {
          wrong.push(`case ${i}: ${error.message}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("generator methods take any argument: next and return resolve, throw rejects with the caller's value", async () => {
    await fc.assert(
      fc.asyncProperty(hostile(), hostile(), async (a, b) => {
        const gen = mapBatches([batchOf(1), batchOf(2)], features as never);
        await expectLockstepOrResultAsync(() => gen.next(a as never));
        // An async generator's return awaits its value: one whose `then` getter throws rejects with that
        // getter's error (the caller's own), as every async generator does.
        let thenThrows = false;
        try {
          void (b as { then?: unknown } | null)?.then;
        } catch {
          thenThrows = true;
        }
        if (thenThrows) await expect(gen.return(b as never)).rejects.toThrow(/^hostile/);
        else await expectLockstepOrResultAsync(() => gen.return(b as never));
        expect(await gen.next()).toEqual({ done: true, value: undefined });
        const thrown = mapBatches([batchOf(1)], features as never);
        await thrown.next();
        const error = await thrown.throw(a).then(
          () => ({ caught: 'nothing' }),
          (e: unknown) => ({ caught: e }),
        );
        expect(error.caught).toBe(a);
      }),
      { numRuns: 60 },
    );
  });

  it("passes the caller's own errors through unchanged, closing the source only when it did not throw", async () => {
    let closed = 0;
    const boom = new Error('boom');
    const throwing = {
      [Symbol.iterator]: () => ({
        next: () => {
          throw boom;
        },
        return: () => {
          closed++;
          return { done: true };
        },
      }),
    };
    await expect(drain(mapBatches(throwing as never, features as never))).rejects.toBe(boom);
    expect(closed).toBe(0);
    const counting = () => ({
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: batchOf(1) }),
        return: () => {
          closed++;
          return { done: true };
        },
      }),
    });
    await expect(
      drain(
        mapBatches(counting() as never, () => {
          throw boom;
        }),
      ),
    ).rejects.toBe(boom);
    expect(closed).toBe(1);
    // A LockstepError of ours closes the source too, and a return that throws does not hide it.
    const noisy = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: batchOf(1) }),
        return: () => {
          closed++;
          throw new Error('return');
        },
      }),
    };
    await rejectsLockstep(() => drain(mapBatches(noisy as never, () => 5 as never)), { arg: 'fn(batch 0)' });
    expect(closed).toBe(2);
    // Stopping early closes it, and an endless source is read one batch at a time.
    expect(await drain(mapBatches(counting() as never, features as never), 3)).toBe(3);
    expect(closed).toBe(3);
  });

  it('awaits the values of a sync iterable, and a thenable fn result, as for await does', async () => {
    const out = await (async () => {
      const rows: number[] = [];
      const source = [Promise.resolve(batchOf(2)), batchOf(3)];
      const later = (b: { numRows: number }) => thenable((ok: (m: MatrixLike) => void) => ok(features(b)));
      for await (const batch of mapBatches(source as never, later as never)) rows.push(batch.numRows);
      return rows;
    })();
    expect(out).toEqual([2, 3]);
  });
});

describe('a matrix from fn corrupted in one field', () => {
  it('is refused naming fn(batch i) and the field', async () => {
    const fields = ['values', 'rows', 'columns', 'names', 'weights'] as const;
    const corrupt: Record<(typeof fields)[number], unknown> = {
      values: new Float64Array(4),
      rows: 3,
      columns: 1,
      names: ['a', 'a'],
      weights: new Float32Array(5),
    };
    for (const field of fields) {
      const e = await rejectsLockstep(
        () => drain(mapBatches([new Table([batchOf(2)])], () => ({ ...good(), [field]: corrupt[field] }))),
        { code: 'INVALID_ARGUMENT', fn: 'mapBatches' },
      );
      expect(e.arg).toMatch(/^fn\(batch 0\)\./);
    }
  });

  it('keeps the output of a good stream exact', async () => {
    const inputs = [batchOf(3), batchOf(1)];
    const out: number[][] = [];
    for await (const batch of mapBatches(inputs, (b) => ({
      values: Float32Array.from({ length: b.numRows * 2 }, (_, k) => k + 0.5),
      rows: b.numRows,
      columns: 2,
      names: ['p', 'q'],
    }))) {
      out.push(Array.from(fromArrowTable(batch).values));
    }
    expect(out).toEqual([
      [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
      [0.5, 1.5],
    ]);
  });
});
