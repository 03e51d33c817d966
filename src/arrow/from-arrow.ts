// Arrow → matrix: the inverse of toArrowTable, for feature tables read back from disk (to train on them).
// The table is read in two phases: first every field, column and chunk is read once and checked (types,
// lengths against the chunks' own buffers, chunks lining up across columns), then the words are copied
// from those snapshots. An Arrow-like object made by hand can therefore never make the copy read past a
// buffer, allocate what its data does not hold, or throw from a getter halfway through.
import { Precision, type RecordBatch, type Table, Type } from 'apache-arrow';
import { describe, invalidArgument, type LockstepError } from '../core/errors.js';
import { readFields } from '../core/read-fields.js';
import {
  float32Of,
  isCount,
  MAX_CHUNKS,
  MAX_COLUMNS,
  MAX_NAME_LENGTH,
  MAX_ROWS,
  type MatrixLike,
  readList,
  readWeightColumn,
  type WeightColumnOptions,
} from './matrix.js';

/** Options of {@link fromArrowTable}. */
export type FromArrowOptions = WeightColumnOptions;

const FN = 'fromArrowTable';

/** One column chunk, checked: its values as 32-bit words, exactly `length` of them. */
interface Chunk {
  readonly words: Uint32Array;
  readonly length: number;
}

/**
 * A row-major feature matrix of an Arrow table or record batch of Float32 columns, such as
 * {@link toArrowTable} writes: every column but `options.weightColumn` (default `'__weight'`) becomes a
 * matrix column, in schema order, and the weight column, when there is one, becomes `weights`. Values are
 * copied as 32-bit words, so `fromArrowTable(toArrowTable(m))` gives back m's exact bits.
 * O(rows × columns). Bounds: at most 2^32 − 1 rows, 2^24 (16,777,216) columns and 2^24 record batches;
 * column names at most 65,536 characters long. The table is read and checked in full before anything is
 * allocated for the matrix.
 * @throws LockstepError `INVALID_ARGUMENT` when `table` is not an Arrow table or record batch, has a
 * column that is not Float32, has nulls, or repeats a name, is malformed (chunks whose lengths do not fit
 * their buffers or do not line up across columns, a getter that throws), or exceeds a bound; or when
 * `options` is not an object of known keys (`weightColumn`, a non-empty string; a misspelled key is named
 * with the key meant).
 * @example const { values, rows, columns } = fromArrowTable(tableFromIPC(bytes)); tf.tensor2d(values, [rows, columns])
 * @example fromArrowTable(toArrowTable({ values: Float32Array.of(1, 2), rows: 1, columns: 2, names: ['a', 'b'] })).names // => ['a', 'b']
 */
export function fromArrowTable(table: Table | RecordBatch, options?: FromArrowOptions): MatrixLike {
  const weightColumn = readWeightColumn(FN, options);
  const { rows, columns: read } = readTable(table);
  const names: string[] = [];
  const chunks: (readonly Chunk[])[] = [];
  let weightChunks: readonly Chunk[] | undefined;
  for (const { name, chunks: data } of read) {
    if (name === weightColumn) weightChunks = data;
    else {
      names.push(name);
      chunks.push(data);
    }
  }
  const columns = names.length;
  // Column chunks of a table line up (chunk c of every column is record batch c; checked below), so each
  // chunk is copied row by row: sequential writes, one sequential read stream per column.
  const first = chunks[0] ?? [];
  for (let j = 1; j < columns; j++) {
    const other = chunks[j]!;
    if (other.length !== first.length || other.some((chunk, c) => chunk.length !== first[c]!.length)) {
      throw invalidArgument(
        FN,
        'table',
        `must have columns whose chunks line up (record batches), but column ${JSON.stringify(names[j])} is chunked unlike column ${JSON.stringify(names[0])}`,
      );
    }
  }
  const at = first.reduce((sum, chunk) => sum + chunk.length, 0);
  if (columns > 0 && at !== rows) {
    throw invalidArgument(FN, 'table', `must have ${rows} rows in every column, got ${at}`);
  }
  const weightRows = weightChunks?.reduce((sum, chunk) => sum + chunk.length, 0);
  if (weightRows !== undefined && weightRows !== rows) {
    throw invalidArgument(FN, 'table', `must have ${rows} rows in every column, got ${weightRows}`);
  }
  const out = new Uint32Array(rows * columns);
  let row = 0;
  for (let c = 0; c < first.length; c++) {
    const words = chunks.map((data) => wordsOf(data[c]!));
    const length = first[c]!.length;
    for (let i = 0, k = row * columns; i < length; i++) {
      for (let j = 0; j < columns; j++, k++) out[k] = words[j]![i]!;
    }
    row += length;
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

/**
 * A chunk's words, checked again just before they are copied: nothing of the caller's runs between the
 * check and the copy, but a buffer detached or shrunk by a getter read after this chunk's reads shows as a
 * view shorter than the chunk.
 */
function wordsOf(chunk: Chunk): Uint32Array {
  if (chunk.words.length !== chunk.length) {
    throw invalidArgument(FN, 'table', 'must keep its buffers while it is read (one was detached or shrunk)');
  }
  return chunk.words;
}

function notATable(table: unknown): LockstepError {
  return invalidArgument(FN, 'table', 'must be an Arrow Table or RecordBatch', table);
}

function malformed(what: string): LockstepError {
  return invalidArgument(FN, 'table', `must be a well-formed Arrow table, but ${what}`);
}

/** A short, never-throwing name of an Arrow type for messages (`Float64`, `Int16`, …). */
function typeText(type: unknown): string {
  try {
    const text = String(type);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return 'an unreadable type';
  }
}

/**
 * Reads an Arrow table or record batch (or an object of its shape) once: its row count, and for each
 * field its name and its Float32 chunks' words. Checks everything a copy relies on except that chunks
 * line up across columns, which needs the weight column's name.
 */
function readTable(table: unknown): {
  rows: number;
  columns: { name: string; chunks: readonly Chunk[] }[];
} {
  if (typeof table !== 'object' || table === null) throw notATable(table);
  const t = readFields(FN, 'table', table, ['numRows', 'schema', 'getChild', 'getChildAt']);
  const { numRows, schema, getChildAt } = t;
  if (
    typeof numRows !== 'number' ||
    typeof t.getChild !== 'function' ||
    typeof getChildAt !== 'function' ||
    typeof schema !== 'object' ||
    schema === null
  ) {
    throw notATable(table);
  }
  const fieldList = readFields(FN, 'table.schema', schema, ['fields']).fields;
  if (!Array.isArray(fieldList)) throw notATable(table);
  if (!isCount(numRows) || numRows > MAX_ROWS)
    throw malformed(`its numRows is not an integer in [0, ${MAX_ROWS}] (got ${describe(numRows)})`);
  const fields = readList(FN, 'table.schema.fields', fieldList, MAX_COLUMNS + 1, 'must be an array');
  const seen = new Set<string>();
  const columns: { name: string; chunks: readonly Chunk[] }[] = [];
  for (let j = 0; j < fields.length; j++) {
    const field = fields[j];
    if (typeof field !== 'object' || field === null) throw malformed(`its field ${j} is not an object`);
    const { name, type } = readFields(FN, `table.schema.fields[${j}]`, field, ['name', 'type']);
    if (typeof name !== 'string') throw malformed(`the name of its field ${j} is not a string`);
    if (name.length > MAX_NAME_LENGTH) {
      throw invalidArgument(
        FN,
        'table',
        `must have column names of at most ${MAX_NAME_LENGTH} characters, but field ${j}'s has ${name.length}`,
      );
    }
    if (seen.has(name)) {
      throw invalidArgument(
        FN,
        'table',
        `must have distinct column names, but ${JSON.stringify(name)} repeats`,
      );
    }
    seen.add(name);
    const typeFields =
      typeof type === 'object' && type !== null
        ? readFields(FN, `table.schema.fields[${j}].type`, type, ['typeId', 'precision'])
        : undefined;
    if (typeFields?.typeId !== Type.Float || typeFields.precision !== Precision.SINGLE) {
      throw invalidArgument(
        FN,
        'table',
        `must hold only Float32 columns, but column ${JSON.stringify(name)} is ${typeText(type)}`,
      );
    }
    columns.push({ name, chunks: readChunks(table, getChildAt as (j: number) => unknown, j, name) });
  }
  return { rows: numRows, columns };
}

/** Column j's chunks, each checked against its own buffer. */
function readChunks(
  table: object,
  getChildAt: (j: number) => unknown,
  j: number,
  name: string,
): readonly Chunk[] {
  const column = JSON.stringify(name);
  let child: unknown;
  try {
    child = getChildAt.call(table, j);
  } catch {
    throw invalidArgument(FN, 'table', `must be readable, but reading column ${column} threw`);
  }
  if (child === null || child === undefined) return [];
  if (typeof child !== 'object') throw malformed(`column ${column} is not a vector`);
  const data = readFields(FN, `table column ${column}`, child, ['data']).data;
  const list = readList(FN, 'table', data ?? [], MAX_CHUNKS, `must have column ${column} in chunks`);
  return list.map((chunk, c) => {
    if (typeof chunk !== 'object' || chunk === null)
      throw malformed(`chunk ${c} of column ${column} is not an object`);
    const fields = readFields(FN, `table column ${column} chunk ${c}`, chunk, [
      'values',
      'length',
      'nullCount',
    ]);
    const { length, nullCount } = fields;
    if (!isCount(nullCount)) throw malformed(`chunk ${c} of column ${column} has no count of nulls`);
    if (nullCount > 0) {
      throw invalidArgument(FN, 'table', `must have no nulls, but column ${column} has some`);
    }
    const values = float32Of(fields.values);
    if (values === undefined) {
      throw malformed(`chunk ${c} of column ${column} does not hold its values in a Float32Array`);
    }
    if (!isCount(length) || length > values.length) {
      throw malformed(
        `chunk ${c} of column ${column} says it has ${describe(length)} rows but holds ${values.length} values`,
      );
    }
    // Arrow slices the values buffer with the data, so a chunk's values start at 0.
    const words =
      length === 0 ? new Uint32Array(0) : new Uint32Array(values.buffer, values.byteOffset, length);
    return { words, length };
  });
}
