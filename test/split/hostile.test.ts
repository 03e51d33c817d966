// Hostile inputs to every public function of lockstep/split (and to toFrame and toRows, which every
// module's batch functions read data through): each call gives a result or a LockstepError, never a
// TypeError, a RangeError, a stack overflow or a hang, and nothing reaches Object.prototype. Saved RNG
// states with one field corrupted are refused or resume within [0, 1); what lockstep writes it reads back.
import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { MAX_ARRAY_ROWS } from '../../src/core/frame.js';
import {
  assignSplit,
  createRng,
  fingerprintData,
  hash32,
  hashUnit,
  type Rng,
  sampleByKey,
  splitByTime,
  splitFrame,
  splitIndices,
  toFrame,
  toRows,
} from '../../src/split/index.js';
import { catchLockstep } from '../helpers/errors.js';
import {
  corruption,
  corruptOne,
  deepArray,
  deepObject,
  expectLockstepOrResult,
  expectNoPrototypePollution,
  hostile,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 150 };

/** An array of `length` holes and one value at its end, made without allocating the holes. */
function sparseWithOne(length: number, value: unknown): unknown[] {
  const a: unknown[] = [];
  a[length - 1] = value;
  return a;
}

const numeric = () => ({ kind: 'numeric', values: new Float64Array([1, 2, 3]), valid: undefined });
const frameLike = (length: unknown, columns: [string, unknown][], names?: unknown) => ({
  kind: 'lockstep.frame',
  length,
  names: names ?? columns.map(([name]) => name),
  columns: new Map(columns),
});

/**
 * Data with a bad shape, each made fresh: hand-made Frames of length -1, NaN or 2^40, columns that are
 * numbers or of no kind, codes outside the dictionary; records of columns that are numbers or of unequal
 * length; rows with Object.create(null) and Proxy cells, Proxy rows, sparse arrays (2^32 − 1 long with one
 * element), __proto__ keys; Arrow-like tables whose lengths do not fit.
 */
function badData(): (() => unknown)[] {
  return [
    () => frameLike(-1, [['x', numeric()]]),
    () => frameLike(Number.NaN, [['x', numeric()]]),
    () => frameLike(2 ** 40, [['x', numeric()]]),
    () => frameLike(2 ** 32 - 1, []),
    () => frameLike('3', [['x', numeric()]]),
    () => frameLike(3, [['x', 5]]),
    () => frameLike(3, [['x', null]]),
    () => frameLike(3, [['x', { kind: 'other', values: [] }]]),
    () => frameLike(3, [['x', { kind: 'numeric', values: [1, 2, 3] }]]),
    () => frameLike(4, [['x', numeric()]]),
    () =>
      frameLike(3, [['x', { kind: 'dictionary', codes: Int32Array.of(0, 1, 9), dictionary: ['a', 'b'] }]]),
    () => frameLike(3, [['x', { kind: 'dictionary', codes: Int32Array.of(0, 0, 0), dictionary: [1] }]]),
    () => frameLike(3, [['x', { kind: 'boolean', values: Uint8Array.of(0, 1, 7), valid: undefined }]]),
    () => frameLike(1, [['x', { kind: 'string', values: [Object.create(null)] }]]),
    () => frameLike(1, [['x', { kind: 'mixed', values: [Object.create(null)] }]]),
    () => frameLike(1, [['x', { kind: 'mixed', values: [throwingProxy()] }]]),
    () => frameLike(3, [['x', numeric()]], ['y']),
    () => frameLike(3, [['x', numeric()]], null),
    () => ({ kind: 'lockstep.frame', length: 3, names: ['x'], columns: { x: numeric() } }),
    () => ({ x: 5 }),
    () => ({ x: 'abc' }),
    () => ({ x: [1, 2], y: [1] }),
    () => ({ x: new Float64Array(2), y: ['a'] }),
    () => ({ x: { length: 2 ** 32 - 1 } }),
    () => ({ x: { length: -1 } }),
    () => ({ x: { length: Number.NaN } }),
    () => ({ x: sparseWithOne(2 ** 32 - 1, 1) }),
    () => ({ x: new DataView(new ArrayBuffer(8)) }),
    () => [{ a: Object.create(null) }],
    () => [{ a: 1 }, { a: Object.create(null) }],
    () => [{ a: throwingProxy() }],
    () => [{ a: throwingGetters() }],
    () => [{ a: Symbol('s') }],
    () => [
      {
        a: {
          toString: () => {
            throw new Error('toString');
          },
          valueOf: () => {
            throw new Error('valueOf');
          },
        },
      },
    ],
    () => [throwingGetters()],
    () => [throwingProxy()],
    () => {
      const withHole: unknown[] = [{ a: 1 }];
      withHole[2] = { a: 2 };
      return withHole;
    },
    () => sparseWithOne(2 ** 32 - 1, { a: 1 }),
    () => [protoKey(), JSON.parse('{"constructor": {"prototype": {"polluted": true}}}')],
    () => [{ a: deepArray(10_000) }],
    () => [{ a: deepObject(10_000) }],
    () => [{ a: { [Symbol.toStringTag]: 'Date' } }],
    () => new Proxy([{ a: 1 }], { get: (t, k) => (k === 'length' ? 2 ** 40 : Reflect.get(t, k)) }),
    () => new Proxy([{ a: 1 }], { get: (t, k) => (k === 'length' ? Number.NaN : Reflect.get(t, k)) }),
    () => ({ numRows: -1, schema: { fields: [] }, getChild: () => null }),
    () => ({ numRows: 2 ** 32 - 1, schema: { fields: [] }, getChild: () => null }),
    () => ({ numRows: 3, schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 5, data: [] }) }),
    () => ({ numRows: 3, schema: { fields: [{ name: 5 }] }, getChild: () => null }),
    () => ({
      numRows: 2 ** 31,
      schema: { fields: [{ name: 'x' }] },
      getChild: () => ({
        length: 2 ** 31,
        data: [{ type: { typeId: 2 }, offset: 0, length: 2 ** 31, nullCount: 0, values: new Int32Array(3) }],
        get: () => 1,
      }),
    }),
    () => ({
      numRows: 3,
      schema: { fields: [{ name: 'x' }] },
      getChild: () => ({
        length: 3,
        data: [
          {
            type: { typeId: 5 },
            offset: 0,
            length: 3,
            nullCount: 0,
            values: new Uint8Array(2),
            valueOffsets: Int32Array.of(0, 9, 1, 2),
          },
        ],
        get: () => 'v',
      }),
    }),
    () => ({ numRows: 3, schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 3, data: 5 }) }),
    () => ({ numRows: 1, schema: { fields: [{ name: 'x' }] }, getChild: () => throwingProxy() }),
  ];
}

/** Hostile values, and data with a bad shape (by index, made fresh each time). */
function hostileData(): fc.Arbitrary<unknown> {
  const bad = badData();
  return fc.oneof(
    hostile(),
    fc.nat({ max: bad.length - 1 }).map((i) => bad[i]!()),
  );
}

afterAll(() => expectNoPrototypePollution());

describe('toFrame and toRows', () => {
  it('every bad shape is an INVALID_DATA or INVALID_ARGUMENT naming toFrame (each case)', () => {
    for (const [i, make] of badData().entries()) {
      let result: unknown;
      try {
        result = toFrame(make() as never);
      } catch (error) {
        if (!(error instanceof LockstepError)) expect.fail(`case ${i}: ${String(error)}`);
        expect(['INVALID_DATA', 'INVALID_ARGUMENT'], `case ${i}`).toContain(error.code);
        expect(error.fn, `case ${i}`).toBe('toFrame');
        expect(error.message.startsWith('toFrame: '), `case ${i}`).toBe(true);
        continue;
      }
      // The few bad shapes that are still data (the __proto__ rows) come back as a sound Frame.
      const frame = result as ReturnType<typeof toFrame>;
      expect(Number.isSafeInteger(frame.length), `case ${i}`).toBe(true);
      expect(Object.isFrozen(frame), `case ${i}`).toBe(true);
    }
  });

  it('answer any value with a Frame or a LockstepError, and the Frame reads back (property)', () => {
    fc.assert(
      fc.property(hostileData(), (data) => {
        let frame: ReturnType<typeof toFrame> | undefined;
        expectLockstepOrResult(() => {
          frame = toFrame(data as never);
        });
        if (frame === undefined) return;
        expect(toFrame(frame)).toBe(frame); // a Frame lockstep built is trusted as is
        if (frame.length <= 10_000) {
          const rows = toRows(frame);
          expect(rows.length).toBe(frame.length);
        }
      }),
      RUNS,
    );
  });

  it('toRows takes anything toFrame takes, and nothing else', () => {
    fc.assert(
      fc.property(hostileData(), (data) => expectLockstepOrResult(() => toRows(data as never))),
      RUNS,
    );
  });

  it('refuses a sparse array of 2^32 - 1 rows or values at once', () => {
    const started = performance.now();
    catchLockstep(() => toFrame(sparseWithOne(2 ** 32 - 1, { a: 1 })), {
      code: 'INVALID_DATA',
      fn: 'toFrame',
    });
    const e = catchLockstep(() => toFrame({ x: sparseWithOne(2 ** 32 - 1, 1) }), { code: 'INVALID_DATA' });
    expect(e.issues).toEqual([
      expect.objectContaining({
        code: 'TOO_MANY_ROWS',
        severity: 'error',
        length: 2 ** 32 - 1,
        expected: MAX_ARRAY_ROWS,
      }),
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('hash32, hashUnit, assignSplit and sampleByKey', () => {
  it('hash32', () => {
    fc.assert(
      fc.property(hostile(), hostile(), (key, seed) =>
        expectLockstepOrResult(() => hash32(key as never, seed as never)),
      ),
      RUNS,
    );
  });

  it('hashUnit: any key and any options, and options with one hostile salt', () => {
    fc.assert(
      fc.property(hostile(), hostile(), (key, options) => {
        expectLockstepOrResult(() => hashUnit(key as never, options as never));
        expectLockstepOrResult(() => hashUnit('k', { salt: options } as never));
      }),
      RUNS,
    );
  });

  it('assignSplit: any key, splits and options', () => {
    fc.assert(
      fc.property(hostile(), hostile(), hostile(), (key, splits, options) => {
        expectLockstepOrResult(() => assignSplit(key as never, splits as never, options as never));
        expectLockstepOrResult(() => assignSplit('k', { a: 0.5, b: splits } as never));
        expectLockstepOrResult(() => assignSplit('k', { a: 1 }, { salt: options } as never));
      }),
      RUNS,
    );
  });

  it('sampleByKey', () => {
    fc.assert(
      fc.property(hostile(), hostile(), hostile(), (key, rate, options) =>
        expectLockstepOrResult(() => sampleByKey(key as never, rate as never, options as never)),
      ),
      RUNS,
    );
  });

  it('Proxy and throwing-getter weights and options are INVALID_ARGUMENTs', () => {
    for (const v of [throwingGetters(), throwingProxy()]) {
      const e = catchLockstep(() => assignSplit('k', v as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'assignSplit',
      });
      expect(e.arg).toMatch(/^splits/);
      catchLockstep(() => hashUnit('k', v as never), { code: 'INVALID_ARGUMENT', fn: 'hashUnit' });
      catchLockstep(() => sampleByKey('k', 0.5, v as never), { code: 'INVALID_ARGUMENT', fn: 'sampleByKey' });
      catchLockstep(() => hash32(v as never), { code: 'INVALID_ARGUMENT', fn: 'hash32', arg: 'key' });
    }
  });
});

describe('splitFrame, splitIndices and splitByTime', () => {
  const rows = [
    { k: 'a', t: '2001-01-01' },
    { k: 'b', t: '2001-06-01' },
    { k: 3, t: 5 },
  ];

  it('splitFrame and splitIndices: any data and options', () => {
    fc.assert(
      fc.property(hostileData(), hostile(), (data, options) => {
        expectLockstepOrResult(() => splitFrame(data as never, options as never));
        expectLockstepOrResult(() => splitIndices(data as never, { key: 'k', splits: { a: 1 } }));
        expectLockstepOrResult(() =>
          splitIndices(data as never, { key: () => options, splits: { a: 1 } } as never),
        );
      }),
      RUNS,
    );
  });

  it('splitFrame: options with one hostile field', () => {
    const fields = ['key', 'splits', 'salt', 'missingKey', 'other'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostile(), (field, value) => {
        const options = { key: 'k', splits: { train: 0.5, test: 0.5 }, [field]: value };
        expectLockstepOrResult(() => splitFrame(rows, options as never));
        expectLockstepOrResult(() =>
          splitIndices(rows, { ...options, missingKey: { split: value } } as never),
        );
      }),
      RUNS,
    );
  });

  it('splitByTime: any data, and options with one hostile field', () => {
    const fields = ['column', 'boundaries', 'names', 'missingTime', 'other'] as const;
    fc.assert(
      fc.property(hostileData(), fc.constantFrom(...fields), hostile(), (data, field, value) => {
        const options = {
          column: 't',
          boundaries: ['2001-03-01'],
          missingTime: { split: 'none' },
          [field]: value,
        };
        expectLockstepOrResult(() => splitByTime(rows, options as never));
        expectLockstepOrResult(() =>
          splitByTime(data as never, { column: 't', boundaries: [value] } as never),
        );
        expectLockstepOrResult(() => splitByTime(data as never, value as never));
      }),
      RUNS,
    );
  });

  it('a key function returning hostile values gives INVALID_DATA or a split', () => {
    for (const value of [
      throwingProxy(),
      throwingGetters(),
      Object.create(null),
      Symbol('k'),
      Number.POSITIVE_INFINITY,
      [1],
    ]) {
      catchLockstep(() => splitIndices([{}], { key: () => value, splits: { a: 1 } }), {
        code: 'INVALID_DATA',
        fn: 'splitIndices',
      });
    }
  });
});

describe('createRng and the Rng it returns', () => {
  const methods = (rng: Rng, a: unknown, b: unknown) => [
    () => rng.next(),
    () => rng.int(a as never),
    () => rng.int(a as never, b as never),
    () => rng.int(0, b as never),
    () => rng.shuffle(a as never),
    () => rng.sample(a as never, b as never),
    () => rng.sample([1, 2, 3], a as never),
    () => rng.bootstrap(a as never),
    () => rng.bootstrap(a as never, b as never),
    () => rng.bootstrap([1, 2], a as never),
    () => rng.state(),
  ];

  it('createRng: any seed and options', () => {
    fc.assert(
      fc.property(hostile(), hostile(), (seed, options) => {
        expectLockstepOrResult(() => createRng(seed as never, options as never));
        expectLockstepOrResult(() => createRng('s', { state: options } as never));
      }),
      RUNS,
    );
  });

  it('every method, with any arguments', () => {
    fc.assert(
      fc.property(hostile(), hostile(), (a, b) => {
        for (const call of methods(createRng('hostile'), a, b)) expectLockstepOrResult(call);
      }),
      RUNS,
    );
  });

  it('a saved state with one field corrupted is refused, or resumes within [0, 1) (property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.nat({ max: 50 }),
        fc.nat(),
        corruption(),
        (seed, draws, pick, replacement) => {
          const rng = createRng(seed);
          for (let i = 0; i < draws; i++) rng.next();
          const corrupted = corruptOne(JSON.parse(JSON.stringify(rng.state())), pick, replacement);
          let resumed: Rng | undefined;
          try {
            resumed = createRng(seed, { state: corrupted as never });
          } catch (error) {
            if (!(error instanceof LockstepError)) expect.fail(String(error));
            expect(['INVALID_ARTIFACT', 'INVALID_ARGUMENT']).toContain(error.code);
            expect(error.fn).toBe('createRng');
            return;
          }
          for (let i = 0; i < 20; i++) {
            const x = resumed.next();
            expect(x >= 0 && x < 1).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fingerprintData', () => {
  it('any data', () => {
    fc.assert(
      fc.property(hostileData(), (data) => expectLockstepOrResult(() => fingerprintData(data as never))),
      RUNS,
    );
  });

  it('a Frame of 2^25 rows and no columns is fingerprinted at once', () => {
    const started = performance.now();
    const many = { kind: 'lockstep.frame', length: MAX_ARRAY_ROWS, names: [], columns: new Map() };
    expect(fingerprintData(many as never)).toMatch(/^[0-9a-f]{64}$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('round trips', () => {
  const cell = fc.oneof(
    fc.string(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
  );
  const rowsArb = fc.array(fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), cell), {
    maxLength: 30,
  });

  it('toFrame of toRows of a Frame gives the same fingerprint, from rows, columns and Arrow alike (property)', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const frame = toFrame(rows);
        const back = toRows(frame);
        expect(fingerprintData(back)).toBe(fingerprintData(frame));
        expect(toFrame(back).names).toEqual(
          frame.names.filter((name) => back.some((r) => Object.hasOwn(r, name))),
        );
      }),
      RUNS,
    );
    const columns = { a: Float64Array.of(1, 2, 3), b: ['x', 'y', 'z'] };
    expect(fingerprintData(tableFromArrays(columns))).toBe(fingerprintData(toRows(toFrame(columns))));
  });

  it('the splits of a Frame are Frames that toFrame takes as they are', () => {
    const out = splitFrame(
      Array.from({ length: 50 }, (_, i) => ({ k: `u${i % 7}`, v: i })),
      { key: 'k', splits: { a: 0.5, b: 0.5 } },
    );
    for (const frame of Object.values(out)) {
      expect(toFrame(frame)).toBe(frame);
      expect(Object.isFrozen(frame) && Object.isFrozen(frame.names)).toBe(true);
    }
  });
});
