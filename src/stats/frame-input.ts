// The data argument of every lockstep/stats function, read once at the boundary. Rows, records of columns
// and Arrow tables are converted by core's frameOf, which builds well-formed Frames; a Frame the caller
// passes is used as it is, so its shape is checked here (row count, column kinds, typed arrays long
// enough, dictionary entries that are strings): a hand-made Frame of length -1 or NaN, or with a column
// that is a number, is refused where it is given, never met as a TypeError deep inside a sketch. O(columns
// + dictionary entries): values themselves are read by typeof further in, so any value is safe there.
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { type Column, type Frame, type FrameInput, frameOf, isFrame } from '../core/frame.js';

/**
 * `data` as a Frame, for `fn`. `select` limits the columns converted. A caller's Frame is checked; input
 * whose reading throws (a getter, a Proxy) is an `INVALID_DATA` naming `fn`.
 * @throws LockstepError `INVALID_ARGUMENT` for input of another type or a malformed Frame; `INVALID_DATA`
 *   for rows or columns that cannot be read (as core's toFrame).
 */
export function readFrame(fn: string, data: unknown, select?: ReadonlySet<string>): Frame {
  try {
    if (isFrame(data)) {
      checkFrame(fn, data);
      return data;
    }
    return frameOf(data as FrameInput, fn, select);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: argument 'data' could not be read (${(error as Error)?.message ?? describe(error)})`,
      { fn, arg: 'data' },
    );
  }
}

function bad(fn: string, problem: string, got?: unknown): LockstepError {
  return got === undefined
    ? invalidArgument(fn, 'data', `must be a well-formed Frame: ${problem}`)
    : invalidArgument(fn, 'data', `must be a well-formed Frame: ${problem}`, got);
}

/** Throws unless `frame` has a row count, names matching its columns, and columns of the kinds Frames hold. */
function checkFrame(fn: string, frame: Frame): void {
  const n = frame.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw bad(fn, 'its length must be a non-negative integer', n);
  const names = frame.names;
  if (!Array.isArray(names) || names.length !== frame.columns.size)
    throw bad(fn, 'its names must list its columns');
  for (const name of names) {
    if (typeof name !== 'string' || !frame.columns.has(name))
      throw bad(fn, 'its names must list its columns', name);
  }
  for (const [name, column] of frame.columns) {
    const problem = columnProblem(column, n);
    if (problem !== undefined) throw bad(fn, `column ${describe(name)} ${problem}`);
  }
}

function columnProblem(column: Column, n: number): string | undefined {
  if (typeof column !== 'object' || column === null)
    return `must be a column object, got ${describe(column)}`;
  const mask = (valid: unknown) => valid === undefined || (valid instanceof Uint8Array && valid.length >= n);
  switch (column.kind) {
    case 'numeric':
      if (!(column.values instanceof Float64Array) || column.values.length < n)
        return `must hold a Float64Array of at least ${n} values`;
      if (column.logical !== undefined && column.logical !== 'timestamp')
        return "must have logical 'timestamp' or none";
      return mask(column.valid) ? undefined : `must have no mask or a Uint8Array mask of at least ${n}`;
    case 'boolean':
      if (!(column.values instanceof Uint8Array) || column.values.length < n)
        return `must hold a Uint8Array of at least ${n} values`;
      return mask(column.valid) ? undefined : `must have no mask or a Uint8Array mask of at least ${n}`;
    case 'dictionary': {
      if (!(column.codes instanceof Int32Array) || column.codes.length < n)
        return `must hold an Int32Array of at least ${n} codes`;
      const dictionary = column.dictionary;
      if (!Array.isArray(dictionary)) return 'must hold a dictionary array';
      for (let i = 0; i < dictionary.length; i++)
        if (typeof dictionary[i] !== 'string') return `must hold strings in its dictionary (entry ${i})`;
      return undefined;
    }
    case 'string':
    case 'mixed':
      return Array.isArray(column.values) && column.values.length >= n
        ? undefined
        : `must hold an array of at least ${n} values`;
    default:
      return `must be of kind numeric, string, dictionary, boolean or mixed, got ${describe((column as { kind?: unknown }).kind)}`;
  }
}
