// Matrix ↔ Arrow table: shapes, types, names and every value's exact bits, directly and through IPC.
import {
  Float32,
  Float64,
  Precision,
  Table,
  Type,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrowTable, type MatrixLike, toArrowTable, toRecordBatch } from '../../src/arrow/index.js';
import { LockstepError } from '../../src/core/errors.js';
import type { TransformedBatch } from '../../src/transform/types.js';
import { catchLockstep } from '../helpers/errors.js';

// lockstep/arrow knows the transform's output by shape only; this line stops type-checking (tsc -p .) if
// TransformedBatch ever stops fitting MatrixLike.
const _fits = (batch: TransformedBatch): MatrixLike => batch;

/** A matrix whose values are the given 32-bit words (NaN payloads, -0, subnormals and infinities included). */
function matrixOfWords(words: Uint32Array, rows: number, names: string[], weights?: Uint32Array): MatrixLike {
  return {
    values: new Float32Array(words.buffer, words.byteOffset, words.length),
    rows,
    columns: names.length,
    names,
    ...(weights ? { weights: new Float32Array(weights.buffer, weights.byteOffset, weights.length) } : {}),
  };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Column j of a table, as 32-bit words (read through Arrow's own accessor, not through fromArrowTable). */
function columnBits(table: Table, name: string): number[] {
  return bits(table.getChild(name)!.toArray() as Float32Array);
}

const SPECIAL = [
  0x00000000, // 0
  0x80000000, // -0
  0x7f800000, // Infinity
  0xff800000, // -Infinity
  0x7fc00000, // canonical NaN
  0x7fc00001, // NaN with a payload
  0xffa12345, // negative signalling NaN with a payload
  0x00000001, // smallest subnormal
  0x3f800000, // 1
  0xc2f6e979, // -123.456
];

describe('toArrowTable', () => {
  it('makes one non-nullable Float32 column per name; column j holds values[i * columns + j], bit for bit', () => {
    const rows = 4;
    const names = ['a', 'b', 'c'];
    const words = Uint32Array.from({ length: rows * 3 }, (_, k) => SPECIAL[k % SPECIAL.length]!);
    const table = toArrowTable(matrixOfWords(words, rows, names));
    expect(table.numRows).toBe(4);
    expect(table.numCols).toBe(3);
    expect(table.schema.fields.map((f) => f.name)).toEqual(names);
    for (const field of table.schema.fields) {
      expect(field.type.typeId).toBe(Type.Float);
      expect(field.type.precision).toBe(Precision.SINGLE);
      expect(field.nullable).toBe(false);
    }
    expect(columnBits(table, 'a')).toEqual([SPECIAL[0], SPECIAL[3], SPECIAL[6], SPECIAL[9]]);
    expect(columnBits(table, 'b')).toEqual([SPECIAL[1], SPECIAL[4], SPECIAL[7], SPECIAL[0]]);
    expect(columnBits(table, 'c')).toEqual([SPECIAL[2], SPECIAL[5], SPECIAL[8], SPECIAL[1]]);
    expect(table.getChild('a')!.nullCount).toBe(0);
  });

  it('round-trips any matrix through a table and through IPC bytes, every bit and name kept', () => {
    const word = fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc
          .uniqueArray(fc.string({ minLength: 1 }), { maxLength: 7 })
          .filter((names) => !names.includes('__weight')),
        fc.boolean(),
        fc.infiniteStream(word),
        (rows, names, weighted, stream) => {
          const next = () => stream.next().value as number;
          const words = Uint32Array.from({ length: rows * names.length }, next);
          const weights = weighted ? Uint32Array.from({ length: rows }, next) : undefined;
          const matrix = matrixOfWords(words, rows, names, weights);
          const table = toArrowTable(matrix);
          expect(table.numRows).toBe(rows);
          for (const [j, name] of names.entries()) {
            expect(columnBits(table, name)).toEqual(
              Array.from({ length: rows }, (_, i) => words[i * names.length + j]),
            );
          }
          for (const t of [table, tableFromIPC(tableToIPC(table)), tableFromIPC(tableToIPC(table, 'file'))]) {
            const back = fromArrowTable(t);
            expect(back.rows).toBe(rows);
            expect(back.columns).toBe(names.length);
            expect(back.names).toEqual(names);
            expect(bits(back.values)).toEqual(Array.from(words));
            expect(back.weights === undefined ? undefined : bits(back.weights)).toEqual(
              weights && Array.from(weights),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps names that are not identifiers, in their given order (integer-like names included)', () => {
    const names = ['z', '10', '2', '__proto__', 'constructor', 'null', 'a b', '東京'];
    const matrix = { values: new Float32Array(8).map((_, j) => j), rows: 1, columns: 8, names };
    const table = toArrowTable(matrix);
    expect(table.schema.fields.map((f) => f.name)).toEqual(names);
    expect(names.map((name) => table.getChild(name)!.get(0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('adds weights as a last Float32 column named __weight, or options.weightColumn', () => {
    const matrix = {
      values: Float32Array.of(1, 2, 3, 4),
      rows: 2,
      columns: 2,
      names: ['x', 'y'],
      weights: Float32Array.of(0.25, 0.75),
    };
    const table = toArrowTable(matrix);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['x', 'y', '__weight']);
    expect(table.schema.fields[2]!.type.precision).toBe(Precision.SINGLE);
    expect(Array.from(table.getChild('__weight')!.toArray())).toEqual([0.25, 0.75]);
    const named = toArrowTable(matrix, { weightColumn: 'w' });
    expect(named.schema.fields.map((f) => f.name)).toEqual(['x', 'y', 'w']);
    expect(Array.from(named.getChild('w')!.toArray())).toEqual([0.25, 0.75]);
    // And back: the weight column becomes weights again, not a feature.
    const back = fromArrowTable(named, { weightColumn: 'w' });
    expect(back.names).toEqual(['x', 'y']);
    expect(Array.from(back.values)).toEqual([1, 2, 3, 4]);
    expect(Array.from(back.weights!)).toEqual([0.25, 0.75]);
    // Read without naming it, the weight column is one more feature.
    expect(fromArrowTable(named).names).toEqual(['x', 'y', 'w']);
  });

  it('shares no memory with the matrix: changing the matrix later leaves the table as it was', () => {
    const matrix = {
      values: Float32Array.of(1, 2, 3, 4),
      rows: 2,
      columns: 2,
      names: ['x', 'y'],
      weights: Float32Array.of(5, 6),
    };
    const table = toArrowTable(matrix);
    matrix.values.fill(0);
    matrix.weights.fill(0);
    expect(Array.from(table.getChild('x')!.toArray())).toEqual([1, 3]);
    expect(Array.from(table.getChild('y')!.toArray())).toEqual([2, 4]);
    expect(Array.from(table.getChild('__weight')!.toArray())).toEqual([5, 6]);
  });

  it('reads a matrix that is a view into a larger buffer', () => {
    const buffer = new Float32Array([9, 9, 1, 2, 3, 4, 5, 6, 9]);
    const table = toArrowTable({ values: buffer.subarray(2, 8), rows: 3, columns: 2, names: ['p', 'q'] });
    expect(Array.from(table.getChild('p')!.toArray())).toEqual([1, 3, 5]);
    expect(Array.from(table.getChild('q')!.toArray())).toEqual([2, 4, 6]);
  });

  it('handles zero rows and zero columns', () => {
    const empty = toArrowTable({ values: new Float32Array(0), rows: 0, columns: 2, names: ['a', 'b'] });
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(tableFromIPC(tableToIPC(empty)).numRows).toBe(0);
    const onlyWeights = toArrowTable({
      values: new Float32Array(0),
      rows: 3,
      columns: 0,
      names: [],
      weights: Float32Array.of(1, 2, 3),
    });
    expect(onlyWeights.numRows).toBe(3);
    expect(Array.from(onlyWeights.getChild('__weight')!.toArray())).toEqual([1, 2, 3]);
    const back = fromArrowTable(onlyWeights);
    expect(back).toMatchObject({ rows: 3, columns: 0, names: [] });
    expect(Array.from(back.weights!)).toEqual([1, 2, 3]);
  });
});

describe('toRecordBatch', () => {
  it('makes the same single batch toArrowTable wraps', () => {
    const matrix = { values: Float32Array.of(1, 2, 3, 4, 5, 6), rows: 3, columns: 2, names: ['a', 'b'] };
    const batch = toRecordBatch(matrix);
    expect(batch.numRows).toBe(3);
    expect(batch.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(Array.from(batch.getChild('b')!.toArray())).toEqual([2, 4, 6]);
    const table = new Table([batch]);
    expect(bits(fromArrowTable(table).values)).toEqual(bits(matrix.values));
  });
});

describe('fromArrowTable', () => {
  it('reads a table of many record batches and sliced batches in row order', () => {
    const a = toRecordBatch({ values: Float32Array.of(1, 2, 3, 4), rows: 2, columns: 2, names: ['x', 'y'] });
    const b = toRecordBatch({
      values: Float32Array.of(5, 6, 7, 8, 9, 10),
      rows: 3,
      columns: 2,
      names: ['x', 'y'],
    });
    const table = new Table([a, b]);
    expect(Array.from(fromArrowTable(table).values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const sliced = table.slice(1, 4);
    expect(fromArrowTable(sliced).rows).toBe(3);
    expect(Array.from(fromArrowTable(sliced).values)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(Array.from(fromArrowTable(b.slice(1, 3)).values)).toEqual([7, 8, 9, 10]);
  });

  it('refuses columns that are not Float32, or have nulls, naming the column', () => {
    const float64 = new Table({ x: vectorFromArray([1, 2], new Float64()) });
    expect(() => fromArrowTable(float64)).toThrow(
      /^fromArrowTable: argument 'table' must hold only Float32 columns, but column "x" is Float64$/,
    );
    const withNull = tableFromIPC(tableToIPC(new Table({ x: vectorFromArray([1, null, 3], new Float32()) })));
    expect(withNull.getChild('x')!.nullCount).toBe(1);
    expect(() => fromArrowTable(withNull)).toThrow(
      /^fromArrowTable: argument 'table' must have no nulls, but column "x" has some$/,
    );
    expect(() => fromArrowTable([] as never)).toThrow(LockstepError);
    expect(() => fromArrowTable({ x: [1] } as never)).toThrow(
      "fromArrowTable: argument 'table' must be an Arrow Table or RecordBatch, got an object",
    );
  });
});

describe('bad matrices', () => {
  const good = { values: Float32Array.of(1, 2, 3, 4), rows: 2, columns: 2, names: ['a', 'b'] };
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 5, /argument 'matrix' must be a matrix \{ values, rows, columns, names \}, got 5$/],
    [
      'Float64 values',
      { ...good, values: new Float64Array(4) },
      /'matrix.values' must be a Float32Array, got Float64Array\(4\)$/,
    ],
    [
      'plain array values',
      { ...good, values: [1, 2, 3, 4] },
      /'matrix.values' must be a Float32Array, got \[1, 2, 3, 4\]$/,
    ],
    [
      'wrong length',
      { ...good, values: new Float32Array(3) },
      /'matrix.values' must hold rows × columns = 2 × 2 = 4 values, got Float32Array\(3\)$/,
    ],
    ['fractional rows', { ...good, rows: 1.5 }, /'matrix.rows' must be a non-negative integer, got 1.5$/],
    [
      'negative columns',
      { ...good, columns: -2 },
      /'matrix.columns' must be a non-negative integer, got -2$/,
    ],
    [
      'too few names',
      { ...good, names: ['a'] },
      /'matrix.names' must have one name per column \(2\), got \["a"\]$/,
    ],
    [
      'non-string name',
      { ...good, names: ['a', 1] },
      /'matrix.names' must be an array of strings, got \["a", 1\]$/,
    ],
    [
      'an empty name',
      { ...good, names: ['a', ''] },
      /'matrix.names' must be non-empty \(Arrow IPC would read '' back as 'null'\)$/,
    ],
    ['duplicate names', { ...good, names: ['a', 'a'] }, /'matrix.names' must be distinct, but "a" repeats$/],
    [
      'Float64 weights',
      { ...good, weights: new Float64Array(2) },
      /'matrix.weights' must be a Float32Array or undefined, got Float64Array\(2\)$/,
    ],
    [
      'short weights',
      { ...good, weights: new Float32Array(1) },
      /'matrix.weights' must hold one weight per row \(2\), got Float32Array\(1\)$/,
    ],
    [
      'a column named like the weight column',
      { ...good, names: ['a', '__weight'], weights: new Float32Array(2) },
      /argument 'options.weightColumn' must differ from every column name of 'matrix' \(pass another weightColumn\), got "__weight"$/,
    ],
  ];

  it.each(cases)('%s → LockstepError naming the function and argument', (_, matrix, message) => {
    for (const [fn, name] of [
      [toArrowTable, 'toArrowTable'],
      [toRecordBatch, 'toRecordBatch'],
    ] as const) {
      const error = catchLockstep(() => fn(matrix as MatrixLike), { code: 'INVALID_ARGUMENT', message });
      expect(error.message.startsWith(`${name}: argument '`)).toBe(true);
    }
  });

  it('allows a feature named __weight when there are no weights, and another weightColumn when there are', () => {
    const clash = { ...good, names: ['a', '__weight'] };
    expect(toArrowTable(clash).schema.fields.map((f) => f.name)).toEqual(['a', '__weight']);
    const weighted = { ...clash, weights: Float32Array.of(1, 1) };
    expect(toArrowTable(weighted, { weightColumn: 'w' }).schema.fields.map((f) => f.name)).toEqual([
      'a',
      '__weight',
      'w',
    ]);
  });

  it('checks options', () => {
    expect(() => toArrowTable(good, { weightColumn: 3 as never })).toThrow(
      "toArrowTable: argument 'options.weightColumn' must be a string, got 3",
    );
    expect(() => toArrowTable(good, null as never)).toThrow(
      "toArrowTable: argument 'options' must be an object, got null",
    );
  });
});
