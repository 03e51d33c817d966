// The transformed-feature matrix, known by shape only: lockstep/arrow imports core, never transform, so
// this interface mirrors transform's `TransformedBatch` field for field and any object of that shape fits.
// Everything lockstep/arrow is handed (options, matrices, Arrow-like tables, what a stream yields) is read
// here once, into snapshots it then trusts: a getter, a Proxy or a typed-array subclass can neither throw
// from deep inside apache-arrow nor change a value between its check and its use.
import { checkString, MAX_STRING, readOptions } from '../core/check.js';
import { invalidArgument, LockstepError } from '../core/errors.js';
import { MAX_FRAME_ROWS } from '../core/frame.js';
import { readFields } from '../core/read-fields.js';

/**
 * A row-major matrix of features with column names: the shape of `applyBatch`'s result in
 * lockstep/transform (`TransformedBatch`), declared here by shape so lockstep/arrow does not import
 * the transform module. Row `i`, column `j` is `values[i * columns + j]`.
 */
export interface MatrixLike {
  readonly values: Float32Array;
  readonly rows: number;
  readonly columns: number;
  readonly names: readonly string[];
  /** One sample weight per row, when the transform has a weight feature. */
  readonly weights?: Float32Array | undefined;
}

/** Options shared by the functions that put a matrix's weights into, or take them out of, an Arrow column. */
export interface WeightColumnOptions {
  /** Name of the column that holds `weights`: a non-empty string of at most 65,536 characters. Default `'__weight'`. */
  readonly weightColumn?: string;
}

/** The weight column's name when none is given. */
export const DEFAULT_WEIGHT_COLUMN = '__weight';

/** Most rows of a matrix or table: 2^32 − 1, as many as a Frame holds. */
export const MAX_ROWS = MAX_FRAME_ROWS;
/** Most columns of a matrix or table: 2^24, as many indices as one transform step may have. */
export const MAX_COLUMNS = 16_777_216;
/** Longest column name (and weight column name), in UTF-16 units: 65,536. */
export const MAX_NAME_LENGTH = MAX_STRING;
/** Most chunks (record batches) in one column of a table, or batches of a Table given to mapBatches: 2^24. */
export const MAX_CHUNKS = 16_777_216;

const OPTION_KEYS = ['weightColumn'] as const;

/**
 * Reads `options` (known keys only) and returns `options.weightColumn`, or the default. The name must be
 * non-empty: Arrow JS writes no name for an empty one and reads it back as `"null"`.
 */
export function readWeightColumn(fn: string, options: unknown): string {
  const { weightColumn } = readOptions(fn, options, OPTION_KEYS);
  if (weightColumn === undefined) return DEFAULT_WEIGHT_COLUMN;
  return checkString(fn, 'options.weightColumn', weightColumn, MAX_NAME_LENGTH, true);
}

/** True for a non-negative safe integer. */
export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * A genuine Float32Array's memory as a plain Float32Array, or undefined for anything else. Read through
 * the intrinsic %TypedArray% getters, so a Proxy, an object that only inherits from Float32Array.prototype
 * or a subclass overriding `length` or `buffer` cannot lie about its size; the view returned has a fixed
 * length, and an empty one is a fresh array (so a detached buffer is never touched).
 */
export function float32Of(value: unknown): Float32Array | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const proto = Object.getPrototypeOf(Int8Array.prototype) as object;
  const getter = (key: PropertyKey) =>
    (Object.getOwnPropertyDescriptor(proto, key)?.get ?? (() => undefined)) as (this: unknown) => unknown;
  if (getter(Symbol.toStringTag).call(value) !== 'Float32Array') return undefined;
  const length = getter('length').call(value) as number;
  if (length === 0) return new Float32Array(0);
  const buffer = getter('buffer').call(value) as ArrayBufferLike;
  return new Float32Array(buffer, getter('byteOffset').call(value) as number, length);
}

/**
 * A snapshot of an array argument: its items read once each (holes as undefined), at most `max` of them.
 * @throws LockstepError `INVALID_ARGUMENT` for a non-array, more than `max` items, or a throwing read.
 */
export function readList(fn: string, arg: string, value: unknown, max: number, must: string): unknown[] {
  if (!Array.isArray(value)) throw invalidArgument(fn, arg, must, value);
  try {
    const length: unknown = value.length;
    if (!isCount(length)) throw invalidArgument(fn, arg, 'must be an array (its length is not a count)');
    if (length > max) throw invalidArgument(fn, arg, `must have at most ${max} items, got ${length}`);
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = value[i];
    return out;
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    throw invalidArgument(fn, arg, 'must be a readable array (reading it threw)');
  }
}

const MATRIX_KEYS = ['values', 'rows', 'columns', 'names', 'weights'] as const;

/**
 * Checks a matrix at the public boundary and returns a frozen snapshot of it: Float32Array values of
 * length rows × columns, at most 2^32 − 1 rows and 2^24 columns, one distinct non-empty string name of at
 * most 65,536 characters per column, weights (if any) a Float32Array of one value per row, and no feature
 * named like the weight column. `arg` is the argument's name in messages (`'matrix'`, or
 * `'fn(batch 3)'`). The snapshot's arrays are plain Float32Array views of the caller's memory.
 */
export function checkMatrix(fn: string, arg: string, matrix: unknown, weightColumn: string): MatrixLike {
  if (typeof matrix !== 'object' || matrix === null) {
    throw invalidArgument(fn, arg, 'must be a matrix { values, rows, columns, names }', matrix);
  }
  const m = readFields(fn, arg, matrix, MATRIX_KEYS);
  const values = float32Of(m.values);
  if (values === undefined) throw invalidArgument(fn, `${arg}.values`, 'must be a Float32Array', m.values);
  const { rows, columns } = m;
  if (!isCount(rows)) throw invalidArgument(fn, `${arg}.rows`, 'must be a non-negative integer', rows);
  if (rows > MAX_ROWS) throw invalidArgument(fn, `${arg}.rows`, `must be at most ${MAX_ROWS}`, rows);
  if (!isCount(columns))
    throw invalidArgument(fn, `${arg}.columns`, 'must be a non-negative integer', columns);
  if (columns > MAX_COLUMNS)
    throw invalidArgument(fn, `${arg}.columns`, `must be at most ${MAX_COLUMNS}`, columns);
  if (values.length !== rows * columns) {
    throw invalidArgument(
      fn,
      `${arg}.values`,
      `must hold rows × columns = ${rows} × ${columns} = ${rows * columns} values`,
      values,
    );
  }
  const names = readList(fn, `${arg}.names`, m.names, MAX_COLUMNS, 'must be an array of strings');
  if (names.some((name) => typeof name !== 'string'))
    throw invalidArgument(fn, `${arg}.names`, 'must be an array of strings', names);
  if (names.length !== columns)
    throw invalidArgument(fn, `${arg}.names`, `must have one name per column (${columns})`, names);
  const seen = new Set<string>();
  for (const name of names as string[]) {
    // apache-arrow (JS) writes no name for an empty one, and reads the missing name back as "null".
    if (name === '')
      throw invalidArgument(fn, `${arg}.names`, "must be non-empty (Arrow IPC would read '' back as 'null')");
    if (name.length > MAX_NAME_LENGTH) {
      throw invalidArgument(
        fn,
        `${arg}.names`,
        `must be at most ${MAX_NAME_LENGTH} characters long each, but one has ${name.length}`,
      );
    }
    if (seen.has(name))
      throw invalidArgument(fn, `${arg}.names`, `must be distinct, but ${JSON.stringify(name)} repeats`);
    seen.add(name);
  }
  let weights: Float32Array | undefined;
  if (m.weights !== undefined) {
    weights = float32Of(m.weights);
    if (weights === undefined)
      throw invalidArgument(fn, `${arg}.weights`, 'must be a Float32Array or undefined', m.weights);
    if (weights.length !== rows)
      throw invalidArgument(fn, `${arg}.weights`, `must hold one weight per row (${rows})`, weights);
    if (seen.has(weightColumn)) {
      throw invalidArgument(
        fn,
        'options.weightColumn',
        `must differ from every column name of '${arg}' (pass another weightColumn)`,
        weightColumn,
      );
    }
  }
  return Object.freeze({ values, rows, columns, names: Object.freeze(names as string[]), weights });
}
