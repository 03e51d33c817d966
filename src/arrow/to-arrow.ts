// Matrix → Arrow: one non-nullable Float32 column per feature name, plus the weight column when the matrix
// has weights. Values are copied as 32-bit words, so every float (NaN payloads included) is bit-identical.
import { Field, Float32, makeData, RecordBatch, Schema, Struct, Table } from 'apache-arrow';
import { checkMatrix, type MatrixLike, readWeightColumn, type WeightColumnOptions } from './matrix.js';

/** Options of {@link toArrowTable} and {@link toRecordBatch}. */
export type ToArrowOptions = WeightColumnOptions;

/** The Arrow schema of a checked matrix: its names, then the weight column if it has weights. */
export function matrixSchema(matrix: MatrixLike, weightColumn: string): Schema {
  const fields = matrix.names.map((name) => new Field(name, new Float32(), false));
  if (matrix.weights !== undefined) fields.push(new Field(weightColumn, new Float32(), false));
  return new Schema(fields);
}

/** True when `schema` was made by matrixSchema for a matrix with these names and weights. */
export function fitsSchema(schema: Schema, matrix: MatrixLike): boolean {
  const { names, weights } = matrix;
  const fields = schema.fields;
  if (fields.length !== names.length + (weights === undefined ? 0 : 1)) return false;
  for (let j = 0; j < names.length; j++) if (fields[j]!.name !== names[j]) return false;
  return true;
}

/**
 * The matrix's columns, column-major in one new buffer: column j is words [j × rows, (j + 1) × rows).
 * The loop reads the row-major words in order and scatters the writes, one stream per column; measured on
 * 200k × 50 and 100k × 500 matrices it beats one strided pass per column by 3–4× and matches tiled copies.
 */
function columnMajor(matrix: MatrixLike): Uint32Array {
  const { values, rows, columns } = matrix;
  const src = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint32Array(values.length);
  for (let i = 0, k = 0; i < rows; i++) {
    for (let j = 0, at = i; j < columns; j++, at += rows, k++) out[at] = src[k]!;
  }
  return out;
}

/**
 * A record batch of a checked matrix (checkMatrix's snapshot, whose weights are a plain Float32Array), with
 * the given schema (made by matrixSchema for this matrix).
 */
export function batchOf(matrix: MatrixLike, schema: Schema): RecordBatch {
  const { rows, columns, weights } = matrix;
  const words = columnMajor(matrix);
  const floats = new Float32Array(words.buffer, 0, words.length);
  const children = schema.fields.map((field, j) =>
    makeData({
      type: field.type as Float32,
      length: rows,
      nullCount: 0,
      // Same-type TypedArray#slice copies bytes, so weights keep their exact bits too.
      data: j < columns ? floats.subarray(j * rows, (j + 1) * rows) : weights!.slice(),
    }),
  );
  const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/**
 * One Arrow record batch of a feature matrix (such as `applyBatch`'s result): a non-nullable Float32
 * column per name, in order, with column j holding `values[i * columns + j]`, then the `weights` as a
 * Float32 column named `options.weightColumn` (default `'__weight'`) when the matrix has weights.
 * Values are copied once, as 32-bit words, so every float comes out bit-identical; the batch shares no
 * memory with the matrix. O(rows × columns).
 * Bounds: at most 2^32 − 1 rows and 2^24 (16,777,216) columns; names and `weightColumn` non-empty and at
 * most 65,536 characters long. The matrix is read once (each field, and `names` item by item) before any
 * of it is used.
 * @throws LockstepError `INVALID_ARGUMENT` when `values` is not a Float32Array of rows × columns values,
 * `rows` or `columns` is not a non-negative integer within its bound, `names` are not one distinct
 * non-empty string per column, `weights` is not a Float32Array of one value per row, a field cannot be
 * read (a throwing getter), a column is named like the weight column, or `options` is not an object of
 * known keys (`weightColumn`; a misspelled key is named with the key meant).
 * @example const batch = toRecordBatch(applyBatch(fitted, rows)); writer.write(batch)
 * @example toRecordBatch({ values: Float32Array.of(1, 2, 3, 4), rows: 2, columns: 2, names: ['a', 'b'] }).numRows // => 2
 */
export function toRecordBatch(matrix: MatrixLike, options?: ToArrowOptions): RecordBatch {
  const weightColumn = readWeightColumn('toRecordBatch', options);
  const m = checkMatrix('toRecordBatch', 'matrix', matrix, weightColumn);
  return batchOf(m, matrixSchema(m, weightColumn));
}

/**
 * An Arrow table of a feature matrix (such as `applyBatch`'s result): one record batch with a
 * non-nullable Float32 column per name, in order, with column j holding `values[i * columns + j]`, then
 * the `weights` as a Float32 column named `options.weightColumn` (default `'__weight'`) when the matrix
 * has weights. Values are copied once, as 32-bit words, so every float comes out bit-identical; the
 * table shares no memory with the matrix. O(rows × columns). Write it with apache-arrow's `tableToIPC`.
 * Bounds: at most 2^32 − 1 rows and 2^24 (16,777,216) columns; names and `weightColumn` non-empty and at
 * most 65,536 characters long. The matrix is read once (each field, and `names` item by item) before any
 * of it is used.
 * @throws LockstepError `INVALID_ARGUMENT` when `values` is not a Float32Array of rows × columns values,
 * `rows` or `columns` is not a non-negative integer within its bound, `names` are not one distinct
 * non-empty string per column, `weights` is not a Float32Array of one value per row, a field cannot be
 * read (a throwing getter), a column is named like the weight column, or `options` is not an object of
 * known keys (`weightColumn`; a misspelled key is named with the key meant).
 * @example tableToIPC(toArrowTable(applyBatch(fitted, flights)))
 * @example
 * const table = toArrowTable({ values: Float32Array.of(1, 2, 3, 4), rows: 2, columns: 2, names: ['a', 'b'] });
 * Array.from(table.getChild('b').toArray()) // => [2, 4]
 */
export function toArrowTable(matrix: MatrixLike, options?: ToArrowOptions): Table {
  const weightColumn = readWeightColumn('toArrowTable', options);
  const m = checkMatrix('toArrowTable', 'matrix', matrix, weightColumn);
  const schema = matrixSchema(m, weightColumn);
  return new Table(schema, batchOf(m, schema));
}
