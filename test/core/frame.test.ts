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
import { rowAt, takeRows, toFrame, toRows, valueAt } from '../../src/core/frame.js';

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
