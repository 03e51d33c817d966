// The transformed-feature matrix, known by shape only: lockstep/arrow imports core, never transform, so
// this interface mirrors transform's `TransformedBatch` field for field and any object of that shape fits.
import { invalidArgument } from '../core/errors.js';

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
  /** Name of the column that holds `weights`. Default `'__weight'`. */
  readonly weightColumn?: string;
}

/** The weight column's name when none is given. */
export const DEFAULT_WEIGHT_COLUMN = '__weight';

/** Checks `options.weightColumn` and returns it (or the default). */
export function checkWeightColumn(fn: string, options: WeightColumnOptions | undefined): string {
  if (options === undefined) return DEFAULT_WEIGHT_COLUMN;
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(fn, 'options', 'must be an object', options);
  const name = options.weightColumn ?? DEFAULT_WEIGHT_COLUMN;
  if (typeof name !== 'string') throw invalidArgument(fn, 'options.weightColumn', 'must be a string', name);
  return name;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Checks a matrix at the public boundary: Float32Array values of length rows × columns, one distinct
 * non-empty string name per column, weights (if any) a Float32Array of one value per row, and no feature named like
 * the weight column. `arg` is the argument's name in messages (`'matrix'`, or `'fn(batch 3)'`).
 */
export function checkMatrix(fn: string, arg: string, matrix: unknown, weightColumn: string): MatrixLike {
  if (typeof matrix !== 'object' || matrix === null) {
    throw invalidArgument(fn, arg, 'must be a matrix { values, rows, columns, names }', matrix);
  }
  const m = matrix as Partial<MatrixLike>;
  const { values, rows, columns, names, weights } = m;
  if (!(values instanceof Float32Array))
    throw invalidArgument(fn, `${arg}.values`, 'must be a Float32Array', values);
  if (!isCount(rows)) throw invalidArgument(fn, `${arg}.rows`, 'must be a non-negative integer', rows);
  if (!isCount(columns))
    throw invalidArgument(fn, `${arg}.columns`, 'must be a non-negative integer', columns);
  if (values.length !== rows * columns) {
    throw invalidArgument(
      fn,
      `${arg}.values`,
      `must hold rows × columns = ${rows} × ${columns} = ${rows * columns} values`,
      values,
    );
  }
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string'))
    throw invalidArgument(fn, `${arg}.names`, 'must be an array of strings', names);
  if (names.length !== columns)
    throw invalidArgument(fn, `${arg}.names`, `must have one name per column (${columns})`, names);
  const seen = new Set<string>();
  for (const name of names as readonly string[]) {
    // apache-arrow (JS) writes no name for an empty one, and reads the missing name back as "null".
    if (name === '')
      throw invalidArgument(fn, `${arg}.names`, "must be non-empty (Arrow IPC would read '' back as 'null')");
    if (seen.has(name))
      throw invalidArgument(fn, `${arg}.names`, `must be distinct, but ${JSON.stringify(name)} repeats`);
    seen.add(name);
  }
  if (weights !== undefined) {
    if (!(weights instanceof Float32Array))
      throw invalidArgument(fn, `${arg}.weights`, 'must be a Float32Array or undefined', weights);
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
  return m as MatrixLike;
}
