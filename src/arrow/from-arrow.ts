// Arrow → matrix: the inverse of toArrowTable, for feature tables read back from disk (to train on them).
import { Precision, type RecordBatch, type Table, Type } from 'apache-arrow';
import { invalidArgument } from '../core/errors.js';
import { isArrowTable } from '../core/frame.js';
import { checkWeightColumn, type MatrixLike, type WeightColumnOptions } from './matrix.js';

/** Options of {@link fromArrowTable}. */
export type FromArrowOptions = WeightColumnOptions;

interface Chunk {
  readonly values: ArrayLike<number>;
  readonly length: number;
  readonly nullCount: number;
}

/**
 * A row-major feature matrix of an Arrow table or record batch of Float32 columns, such as
 * {@link toArrowTable} writes: every column but `options.weightColumn` (default `'__weight'`) becomes a
 * matrix column, in schema order, and the weight column, when there is one, becomes `weights`. Values are
 * copied as 32-bit words, so `fromArrowTable(toArrowTable(m))` gives back m's exact bits.
 * O(rows × columns).
 * @throws LockstepError `INVALID_ARGUMENT` when `table` is not an Arrow table or record batch, or has a
 * column that is not Float32, has nulls, or repeats a name.
 * @example const { values, rows, columns } = fromArrowTable(tableFromIPC(bytes)); tf.tensor2d(values, [rows, columns])
 */
export function fromArrowTable(table: Table | RecordBatch, options?: FromArrowOptions): MatrixLike {
  const fn = 'fromArrowTable';
  const weightColumn = checkWeightColumn(fn, options);
  if (typeof table !== 'object' || table === null || !isArrowTable(table) || !('getChildAt' in table))
    throw invalidArgument(fn, 'table', 'must be an Arrow Table or RecordBatch', table);
  const rows = table.numRows;
  const names: string[] = [];
  const chunks: (readonly Chunk[])[] = [];
  let weightChunks: readonly Chunk[] | undefined;
  const seen = new Set<string>();
  const fields = table.schema.fields;
  for (let j = 0; j < fields.length; j++) {
    const { name, type } = fields[j]!;
    if (seen.has(name)) {
      throw invalidArgument(
        fn,
        'table',
        `must have distinct column names, but ${JSON.stringify(name)} repeats`,
      );
    }
    seen.add(name);
    if (type.typeId !== Type.Float || type.precision !== Precision.SINGLE) {
      throw invalidArgument(
        fn,
        'table',
        `must hold only Float32 columns, but column ${JSON.stringify(name)} is ${String(type)}`,
      );
    }
    const data = (table.getChildAt(j)?.data ?? []) as readonly Chunk[];
    if (data.some((chunk) => chunk.nullCount > 0 || !(chunk.values instanceof Float32Array))) {
      throw invalidArgument(fn, 'table', `must have no nulls, but column ${JSON.stringify(name)} has some`);
    }
    if (name === weightColumn) weightChunks = data;
    else {
      names.push(name);
      chunks.push(data);
    }
  }
  const columns = names.length;
  const out = new Uint32Array(rows * columns);
  // Column chunks of a table line up (chunk c of every column is record batch c), so each chunk is copied
  // row by row: sequential writes, one sequential read stream per column.
  const chunkCount = chunks[0]?.length ?? 0;
  let at = 0;
  for (let c = 0; c < chunkCount; c++) {
    const words = chunks.map((data) => wordsOf(data[c]!));
    const length = words[0]!.length;
    for (let i = 0, k = at * columns; i < length; i++) {
      for (let j = 0; j < columns; j++, k++) out[k] = words[j]![i]!;
    }
    at += length;
  }
  if (columns > 0 && at !== rows) {
    throw invalidArgument(fn, 'table', `must have ${rows} rows in every column, got ${at}`);
  }
  const values = new Float32Array(out.buffer);
  if (weightChunks === undefined) return { values, rows, columns, names };
  const weights = new Uint32Array(rows);
  let w = 0;
  for (const chunk of weightChunks) {
    weights.set(wordsOf(chunk), w);
    w += chunk.length;
  }
  return { values, rows, columns, names, weights: new Float32Array(weights.buffer) };
}

/** A Float32 chunk's values as 32-bit words (Arrow slices the values buffer with the data, so from 0). */
function wordsOf(chunk: Chunk): Uint32Array {
  const values = chunk.values as Float32Array;
  return new Uint32Array(values.buffer, values.byteOffset, chunk.length);
}
