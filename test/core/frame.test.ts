import {
  Dictionary,
  Int32,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import {
  frameOf,
  MAX_ARRAY_ROWS,
  MAX_FRAME_ROWS,
  rowAt,
  takeRows,
  toFrame,
  toRows,
  valueAt,
} from '../../src/core/frame.js';
import { catchLockstep } from '../helpers/errors.js';

describe('toFrame from rows', () => {
  it('infers numeric, string, boolean, timestamp and mixed columns', () => {
    const frame = toFrame([
      { n: 1, s: 'a', b: true, d: new Date(1000), m: 1 },
      { n: 2.5, s: 'b', b: false, d: new Date(2000), m: 'x' },
    ]);
    expect(frame.length).toBe(2);
    expect(frame.names).toEqual(['n', 's', 'b', 'd', 'm']);
    const n = frame.columns.get('n')!;
    expect(n.kind).toBe('numeric');
    expect(n.kind === 'numeric' && Array.from(n.values)).toEqual([1, 2.5]);
    expect(frame.columns.get('s')).toEqual({ kind: 'string', values: ['a', 'b'] });
    expect(frame.columns.get('b')?.kind).toBe('boolean');
    const d = frame.columns.get('d')!;
    expect(d.kind === 'numeric' && [Array.from(d.values), d.logical]).toEqual([[1000, 2000], 'timestamp']);
    expect(frame.columns.get('m')).toEqual({ kind: 'mixed', values: [1, 'x'] });
  });

  it('keeps missing apart from NaN', () => {
    const frame = toFrame([{ x: Number.NaN }, { x: null }, {}, { x: 3 }]);
    const x = frame.columns.get('x')!;
    expect(x.kind).toBe('numeric');
    if (x.kind !== 'numeric') return;
    expect(Array.from(x.valid!)).toEqual([1, 0, 0, 1]);
    expect(Number.isNaN(x.values[0])).toBe(true);
    expect([0, 1, 2, 3].map((i) => valueAt(x, i))).toEqual([Number.NaN, undefined, undefined, 3]);
  });

  it('treats __proto__ and constructor keys as data and pollutes nothing', () => {
    const rows = JSON.parse('[{"__proto__": "p", "constructor": 1, "toString": "t"}, {"constructor": 2}]');
    const frame = toFrame(rows);
    expect(frame.names).toEqual(['__proto__', 'constructor', 'toString']);
    expect(frame.columns.get('__proto__')).toEqual({ kind: 'string', values: ['p', undefined] });
    const c = frame.columns.get('constructor')!;
    expect(c.kind === 'numeric' && Array.from(c.values)).toEqual([1, 2]);
    const row = rowAt(frame, 0);
    expect(Object.getPrototypeOf(row)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('p');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
    // A row without the key must read as missing, not as Object.prototype.constructor.
    expect(valueAt(frame.columns.get('__proto__')!, 1)).toBeUndefined();
  });

  it('makes an all-missing column mixed and all-undefined', () => {
    const frame = toFrame([{ a: null }, { a: undefined }]);
    expect(frame.columns.get('a')).toEqual({ kind: 'mixed', values: [undefined, undefined] });
  });

  it('rejects a row that is not an object, naming the row', () => {
    expect(() => toFrame([{ a: 1 }, 5])).toThrow(LockstepError);
    expect(() => toFrame([{ a: 1 }, null])).toThrow(/toFrame: row 1 of 'data' must be an object, got null/);
    expect(() => toFrame([[1, 2]])).toThrow(/row 0/);
  });

  it('rejects input that is neither rows, Arrow nor columns', () => {
    expect(() => toFrame(42 as never)).toThrow(/toFrame: argument 'data' must be rows/);
  });
});

describe('toFrame from columns', () => {
  it('uses a Float64Array as is and converts other typed arrays', () => {
    const f64 = new Float64Array([1, 2, 3]);
    const frame = toFrame({ a: f64, b: new Int16Array([4, 5, 6]), c: ['x', 'y', null] });
    const a = frame.columns.get('a')!;
    expect(a.kind === 'numeric' && a.values).toBe(f64);
    const b = frame.columns.get('b')!;
    expect(b.kind === 'numeric' && Array.from(b.values)).toEqual([4, 5, 6]);
    expect(frame.columns.get('c')).toEqual({ kind: 'string', values: ['x', 'y', undefined] });
  });

  it('rejects columns of unequal length', () => {
    expect(() => toFrame({ a: [1, 2], b: [1] })).toThrow(
      /columns of 'data' must have equal lengths, but "b" has 1/,
    );
  });

  it('rejects a column that is not an array', () => {
    expect(() => toFrame({ a: 5 } as never)).toThrow(/column "a" of 'data' must be an array/);
  });
});

describe('toFrame from Arrow', () => {
  it('reads numeric, string, dictionary and null values from a real apache-arrow table', () => {
    const table = tableFromArrays({
      f: new Float32Array([1.5, 2.5, 3.5]),
      i: new Int32Array([1, 2, 3]),
      s: ['a', 'b', 'c'],
    });
    const dict = vectorFromArray(['x', null, 'x'], new Dictionary(new Utf8(), new Int32()));
    const ints = vectorFromArray([7, null, 9], new Int32());
    const withNulls = new Table({ d: dict, n: ints });
    // Round-trip through IPC, as data read from a file would be.
    const frame = toFrame(tableFromIPC(tableToIPC(table)));
    expect(frame.length).toBe(3);
    const f = frame.columns.get('f')!;
    expect(f.kind === 'numeric' && Array.from(f.values)).toEqual([1.5, 2.5, 3.5]);
    // tableFromArrays dictionary-encodes strings; the Frame keeps the encoding.
    const s = frame.columns.get('s')!;
    expect(s.kind).toBe('dictionary');
    expect([0, 1, 2].map((i) => valueAt(s, i))).toEqual(['a', 'b', 'c']);

    const other = toFrame(withNulls);
    const d = other.columns.get('d')!;
    expect(d.kind).toBe('dictionary');
    expect([0, 1, 2].map((i) => valueAt(d, i))).toEqual(['x', undefined, 'x']);
    const n = other.columns.get('n')!;
    expect([0, 1, 2].map((i) => valueAt(n, i))).toEqual([7, undefined, 9]);
  });

  it('reads a multi-batch table', () => {
    const a = tableFromArrays({ x: new Float64Array([1, 2]) });
    const b = tableFromArrays({ x: new Float64Array([3]) });
    const frame = toFrame(a.concat(b));
    const x = frame.columns.get('x')!;
    expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([1, 2, 3]);
  });
});

describe('takeRows', () => {
  it('selects rows of every column kind in the order given', () => {
    const frame = toFrame([
      { n: 1, s: 'a', b: true, m: 1 },
      { n: null, s: 'b', b: null, m: 'y' },
      { n: 3, s: 'c', b: false, m: null },
    ]);
    const taken = takeRows(frame, [2, 0]);
    expect(taken.length).toBe(2);
    expect([rowAt(taken, 0), rowAt(taken, 1)].map((r) => ({ ...r }))).toEqual([
      { n: 3, s: 'c', b: false },
      { n: 1, s: 'a', b: true, m: 1 },
    ]);
  });
});

describe('toRows', () => {
  it('gives the rows back, leaving missing values out', () => {
    const rows = toRows(
      toFrame([
        { a: 1, s: 'x' },
        { a: null, b: true },
      ]),
    );
    expect(rows.map((r) => ({ ...r }))).toEqual([{ a: 1, s: 'x' }, { b: true }]);
    expect(Object.getPrototypeOf(rows[0])).toBeNull();
  });
});

describe('Frames lockstep built are trusted and frozen; others are checked', () => {
  const numeric = (values: Float64Array) => ({ kind: 'numeric' as const, values, valid: undefined });

  it('returns a Frame it built as is, with its shape frozen', () => {
    const frame = toFrame([{ a: 1, s: 'x' }]);
    expect(toFrame(frame)).toBe(frame);
    expect(Object.isFrozen(frame)).toBe(true);
    expect(Object.isFrozen(frame.names)).toBe(true);
    expect(Object.isFrozen(frame.columns.get('a'))).toBe(true);
    expect(() => (frame.columns as Map<string, unknown>).set('b', 5)).toThrow(LockstepError);
    expect(() => (frame.columns as Map<string, unknown>).delete('a')).toThrow(LockstepError);
    expect(() => {
      (frame as { length: number }).length = -1;
    }).toThrow(TypeError); // a frozen object in strict mode
    expect(frame.length).toBe(1);
  });

  it('checks and copies a Frame it did not build (from another copy of lockstep, or made by hand)', () => {
    const values = new Float64Array([1, 2]);
    const codes = Int32Array.of(0, -1);
    const made = {
      kind: 'lockstep.frame',
      length: 2,
      names: ['x', 'd', 'm'],
      columns: new Map<string, unknown>([
        ['x', numeric(values)],
        ['d', { kind: 'dictionary', codes, dictionary: ['a'] }],
        ['m', { kind: 'mixed', values: [null, { k: 1 }] }],
      ]),
    };
    const frame = toFrame(made as never);
    expect(frame).not.toBe(made);
    expect(toFrame(frame)).toBe(frame);
    expect(frame.names).toEqual(['x', 'd', 'm']);
    codes[0] = 99; // the copy is the Frame's own: changing the caller's codes changes nothing
    expect(valueAt(frame.columns.get('d')!, 0)).toBe('a');
    expect(toRows(frame).map((r) => ({ ...r }))).toEqual([
      { x: 1, d: 'a' },
      { x: 2, m: { k: 1 } },
    ]);
  });

  it.each([
    ['a length of -1', { length: -1 }, '$.length'],
    ['a length of NaN', { length: Number.NaN }, '$.length'],
    ['a length that is a string', { length: '2' }, '$.length'],
    ['columns that are not a Map', { columns: { x: 1 } }, '$.columns'],
    ['names that do not list the columns', { names: ['y'] }, '$.names'],
    ['a column that is a number', { columns: new Map([['x', 5]]) }, '$.columns["x"]'],
    [
      'a column of no kind',
      { columns: new Map([['x', { kind: 'text', values: [] }]]) },
      '$.columns["x"].kind',
    ],
    [
      'numbers in a plain array',
      { columns: new Map([['x', { kind: 'numeric', values: [1, 2] }]]) },
      '$.columns["x"].values',
    ],
    [
      'a column of the wrong length',
      { columns: new Map([['x', numeric(new Float64Array(3))]]) },
      '$.columns["x"].values',
    ],
    [
      'a code outside the dictionary',
      { columns: new Map([['x', { kind: 'dictionary', codes: Int32Array.of(0, 3), dictionary: ['a'] }]]) },
      '$.columns["x"].codes[1]',
    ],
    [
      'a boolean that is not 0 or 1',
      { columns: new Map([['x', { kind: 'boolean', values: Uint8Array.of(1, 2), valid: undefined }]]) },
      '$.columns["x"].values[1]',
    ],
    [
      'a number in a string column',
      { columns: new Map([['x', { kind: 'string', values: ['a', 5] }]]) },
      '$.columns["x"].values[1]',
    ],
  ])('refuses a hand-made Frame with %s (INVALID_DATA, MALFORMED_FRAME, the path)', (_, change, path) => {
    const base = {
      kind: 'lockstep.frame',
      length: 2,
      names: ['x'],
      columns: new Map([['x', numeric(new Float64Array(2))]]),
    };
    const made = { ...base, ...change } as Record<string, unknown>;
    if ('columns' in change && !('names' in change) && change.columns instanceof Map)
      made.names = [...change.columns.keys()];
    const e = catchLockstep(() => toFrame(made as never), {
      code: 'INVALID_DATA',
      fn: 'toFrame',
      arg: 'data',
      path,
    });
    expect(e.issues).toEqual([expect.objectContaining({ code: 'MALFORMED_FRAME', severity: 'error', path })]);
    expect(e.message).toMatch(/^toFrame: 'data' is not a valid Frame: /);
  });

  it('names the function and the argument it was called for (frameOf)', () => {
    catchLockstep(
      () => frameOf({ kind: 'lockstep.frame', length: -1 } as never, 'compare', undefined, 'reference'),
      {
        code: 'INVALID_DATA',
        fn: 'compare',
        arg: 'reference',
        message: /^compare: 'reference' is not a valid Frame: \$\.length/,
      },
    );
  });
});

describe('toFrame refuses what no consumer could read', () => {
  it('a cell that String() cannot convert, or a symbol: UNSUPPORTED_VALUE with the row and column', () => {
    for (const cell of [Object.create(null), Symbol('s'), { toString: null, valueOf: null }]) {
      const e = catchLockstep(() => toFrame([{ a: 1 }, { a: cell }]), {
        code: 'INVALID_DATA',
        fn: 'toFrame',
      });
      expect(e.issues).toEqual([
        expect.objectContaining({ code: 'UNSUPPORTED_VALUE', severity: 'error', row: 1, feature: 'a' }),
      ]);
    }
    // Objects String() converts stay data, in a mixed column.
    expect(toFrame([{ a: { k: 1 } }, { a: [1, 2] }]).columns.get('a')?.kind).toBe('mixed');
  });

  it('a list cell longer than 2^25 items: UNSUPPORTED_VALUE by its length, without joining it as text', () => {
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = 1;
    const e = catchLockstep(() => toFrame([{ a: [1] }, { a: sparse }]), {
      code: 'INVALID_DATA',
      fn: 'toFrame',
    });
    expect(e.message).toContain('a list of more than 33554432 items');
    expect(e.issues).toEqual([
      expect.objectContaining({ code: 'UNSUPPORTED_VALUE', severity: 'error', row: 1, feature: 'a' }),
    ]);
  });

  it('a row or a cell whose getter or Proxy throws: UNREADABLE naming the row (and column)', () => {
    const getter = {
      get a() {
        throw new Error('no');
      },
    };
    const e = catchLockstep(() => toFrame([{ a: 1 }, getter]), { code: 'INVALID_DATA', fn: 'toFrame' });
    expect(e.issues).toEqual([expect.objectContaining({ code: 'UNREADABLE', row: 1, feature: 'a' })]);
    expect(e.message).toMatch(/could not be read at row 1, column "a"/);
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    catchLockstep(() => toFrame([proxy]), {
      code: 'INVALID_DATA',
      issues: [expect.objectContaining({ code: 'UNREADABLE', row: 0 })],
    });
    const record = new Proxy(
      {},
      {
        ownKeys: () => ['a'],
        getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true }),
        get(_target, key) {
          if (key === 'a') throw new Error('no');
          return undefined;
        },
      },
    );
    catchLockstep(() => toFrame(record), {
      code: 'INVALID_DATA',
      issues: [expect.objectContaining({ code: 'UNREADABLE', feature: 'a' })],
    });
  });

  it('an object that only claims to be a Date is not one (a Symbol.toStringTag, a Proxy of a Date)', () => {
    const fake = { [Symbol.toStringTag]: 'Date' };
    expect(toFrame([{ d: fake }]).columns.get('d')?.kind).toBe('mixed');
    const date = new Date(5);
    date.getTime = () => 999; // the time value comes from the Date itself, not an overridden method
    const d = toFrame([{ d: date }]).columns.get('d')!;
    expect(d.kind === 'numeric' && d.values[0]).toBe(5);
  });

  it('more rows than a Frame holds, and JS arrays longer than 2^25: TOO_MANY_ROWS', () => {
    const huge: unknown[] = [];
    huge.length = MAX_ARRAY_ROWS + 1;
    catchLockstep(() => toFrame(huge), {
      code: 'INVALID_DATA',
      issues: [
        expect.objectContaining({
          code: 'TOO_MANY_ROWS',
          length: MAX_ARRAY_ROWS + 1,
          expected: MAX_ARRAY_ROWS,
        }),
      ],
    });
    catchLockstep(() => toFrame({ x: huge }), {
      code: 'INVALID_DATA',
      message: /column "x" of 'data' must hold at most 33554432 values/,
    });
    const table = { numRows: MAX_FRAME_ROWS + 1, schema: { fields: [] }, getChild: () => null };
    catchLockstep(() => toFrame(table), {
      code: 'INVALID_DATA',
      issues: [expect.objectContaining({ code: 'TOO_MANY_ROWS' })],
    });
  });

  it('columns of unequal length and columns that are not arrays carry their findings', () => {
    catchLockstep(() => toFrame({ a: [1, 2], b: [1] }), {
      issues: [expect.objectContaining({ code: 'COLUMN_LENGTH', feature: 'b', length: 1, expected: 2 })],
    });
    catchLockstep(() => toFrame({ a: 5 } as never), {
      issues: [expect.objectContaining({ code: 'COLUMN_NOT_ARRAY', feature: 'a', received: '5' })],
    });
    catchLockstep(() => toFrame([{ a: 1 }, 5]), {
      issues: [expect.objectContaining({ code: 'ROW_NOT_OBJECT', row: 1, received: '5' })],
    });
  });

  it('copies a Float64Array whose buffer can shrink, and uses any other as is', () => {
    const fixed = new Float64Array([1, 2]);
    const a = toFrame({ a: fixed }).columns.get('a')!;
    expect(a.kind === 'numeric' && a.values).toBe(fixed);
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const buffer = new Resizable(16, { maxByteLength: 64 });
    if (!('resizable' in buffer)) return; // an engine without resizable buffers
    const tracking = new Float64Array(buffer);
    const b = toFrame({ b: tracking }).columns.get('b')!;
    expect(b.kind === 'numeric' && b.values).not.toBe(tracking);
    expect(b.kind === 'numeric' && b.values.length).toBe(2);
  });
});
