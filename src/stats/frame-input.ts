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
  const must = `must be a well-formed Frame: ${problem}`;
  return got === undefined ? invalidArgument(fn, 'data', must) : invalidArgument(fn, 'data', must, got);
}

/** Throws unless `frame` has a row count, names matching its columns, and columns of the kinds Frames hold. */
function checkFrame(fn: string, frame: Frame): void {
  const n = frame.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw bad(fn, 'its length must be a non-negative integer', n);
  const names = frame.names;
  if (
    !Array.isArray(names) ||
    names.length !== frame.columns.size ||
    names.some((name) => !frame.columns.has(name))
  )
    throw bad(fn, 'its names must list its columns');
  for (const [name, column] of frame.columns) {
    if (!wellFormed(column, n))
      throw bad(fn, `column ${describe(name)} must be a column of its kind (Frame types) with ${n} rows`);
  }
}

function wellFormed(c: Column, n: number): boolean {
  if (typeof c !== 'object' || c === null) return false;
  const long = (a: unknown, type?: typeof Uint8Array | typeof Int32Array | typeof Float64Array) =>
    (type ? a instanceof type : Array.isArray(a)) && (a as ArrayLike<unknown>).length >= n;
  switch (c.kind) {
    case 'numeric':
    case 'boolean':
      return (
        long(c.values, c.kind === 'numeric' ? Float64Array : Uint8Array) &&
        (c.valid === undefined || long(c.valid, Uint8Array)) &&
        (c.kind === 'boolean' || c.logical === undefined || c.logical === 'timestamp')
      );
    case 'dictionary': {
      const { dictionary } = c;
      if (!long(c.codes, Int32Array) || !Array.isArray(dictionary)) return false;
      for (let i = 0; i < dictionary.length; i++) if (typeof dictionary[i] !== 'string') return false;
      return true;
    }
    case 'string':
    case 'mixed':
      return long(c.values);
    default:
      return false;
  }
}
