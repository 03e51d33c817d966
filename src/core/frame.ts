// Frames: toFrame reads rows, a record of columns, an Arrow table (through core/arrow-buffers.ts) or a
// Frame into one, inferring each column's kind; valueAt, rowAt, toRows and takeRows read it back. The
// types are in core/frame-types.ts.
//
// Every batch function of every module reads its data through frameOf, so this is where hostile input
// stops. The rules, written once:
//  - A Frame lockstep built (makeFrame) is remembered and trusted: its shape is frozen (the Frame, its
//    names, its columns Map and each column object), so it cannot change after it was built. Its value
//    arrays are not frozen: V8 reads frozen arrays several times slower, and every hot loop reads them.
//  - Any other object with `kind: 'lockstep.frame'` (a Frame from another copy of lockstep, one sent
//    through postMessage, one made by hand) is checked column by column and copied into a trusted Frame.
//  - Rows and columns given as JS arrays hold at most MAX_ARRAY_ROWS (2^25) values, so a sparse array of
//    length 2^32 − 1 is refused at once instead of read hole by hole; typed arrays and Arrow buffers, whose
//    length is memory actually held, go up to MAX_FRAME_ROWS (2^32 − 1, the Uint32 row indices' limit).
//  - A getter or Proxy that throws while being read, and a cell that cannot be read as text (an object
//    with a null prototype, a throwing toString, a symbol) are INVALID_DATA naming the row and column, so
//    no consumer meets them later as a TypeError. Keys such as `__proto__` are ordinary column names.

import { decodeArrowColumn, isArrowTable } from './arrow-buffers.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from './errors.js';
import type {
  ArrowTableLike,
  ArrowVectorLike,
  Column,
  Frame,
  FrameInput,
  FrameIssue,
  FrameIssueCode,
} from './frame-types.js';

export { isArrowTable, readsArrowBuffers } from './arrow-buffers.js';
export type {
  ArrowDataLike,
  ArrowTableLike,
  ArrowVectorLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  FrameIssue,
  FrameIssueCode,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from './frame-types.js';

/** Most rows (or values of one column) read from JS arrays or an Arrow vector's accessor: 2^25. */
export const MAX_ARRAY_ROWS = 33_554_432;
/** Most rows of any Frame (typed arrays, Arrow buffers): 2^32 − 1, the limit of Uint32 row indices. */
export const MAX_FRAME_ROWS = 4_294_967_295;

// Frames lockstep built, trusted without a check (created on first use: no work at import).
let builtFrames: WeakSet<object> | undefined;

function refuseChange(): never {
  throw new LockstepError(
    'INVALID_ARGUMENT',
    'Frame: its columns cannot be changed; build a new Frame (toFrame, or takeRows of this one)',
  );
}

/** The columns as a Map whose set, delete and clear refuse, frozen. */
function readonlyColumns(columns: ReadonlyMap<string, Column>): ReadonlyMap<string, Column> {
  const map = new Map(columns);
  Object.defineProperties(map, {
    set: { value: refuseChange },
    delete: { value: refuseChange },
    clear: { value: refuseChange },
  });
  return Object.freeze(map);
}

/**
 * Builds a Frame from columns already made and checked (internal use): freezes its shape (the Frame, its
 * names, the columns Map and every column object; not the value arrays) and remembers it as trusted.
 */
export function makeFrame(length: number, columns: ReadonlyMap<string, Column>): Frame {
  for (const column of columns.values()) Object.freeze(column);
  const frame: Frame = Object.freeze({
    kind: 'lockstep.frame',
    length,
    names: Object.freeze([...columns.keys()]),
    columns: readonlyColumns(columns),
  });
  (builtFrames ??= new WeakSet()).add(frame);
  return frame;
}

/**
 * True for an object that says it is a Frame (`kind: 'lockstep.frame'` and a Map of columns). Never
 * throws. frameOf trusts only Frames lockstep built and checks any other.
 */
export function isFrame(input: unknown): input is Frame {
  if (typeof input !== 'object' || input === null) return false;
  if (builtFrames?.has(input)) return true;
  try {
    return (input as Frame).kind === 'lockstep.frame' && (input as Frame).columns instanceof Map;
  } catch {
    return false;
  }
}

/**
 * Reads rows, an Arrow table, a record of columns or a Frame into a Frame, copying only where the layout
 * must change (a Float64Array column is used as is). Column types are inferred per column: all numbers →
 * numeric, all Dates → numeric timestamps (epoch ms), all strings → string, all booleans → boolean,
 * anything else → mixed. `null` and `undefined` are missing; NaN is a present value. Keys such as
 * `__proto__` and `constructor` are ordinary column names: only own properties of a row are read.
 * Arrow string columns come back dictionary-encoded, each distinct string decoded once.
 * The Frame's shape is frozen (to change one, build a new one); a Frame lockstep built is returned as is,
 * any other object claiming to be a Frame is checked and copied. Rows, and columns given as arrays, hold at
 * most 2^25 values (33,554,432; pass larger columns as typed arrays or Arrow); a Frame holds at most
 * 2^32 − 1 rows. O(rows × columns).
 * @example toFrame([{ a: 1 }, { a: 2 }]).length // => 2
 * @throws LockstepError `INVALID_ARGUMENT` for input of another type; `INVALID_DATA` (its `issues` say
 *   which row and column, see FrameIssue) for a row that is not an object, a column that is not an array,
 *   columns of unequal length, too many rows, a malformed Frame or Arrow table, a getter or Proxy that
 *   throws, or a cell that cannot be read as text.
 */
export function toFrame(input: FrameInput): Frame {
  return frameOf(input, 'toFrame');
}

/**
 * toFrame for lockstep's own functions: errors name `fn` and its argument `arg` (default `data`), and
 * `select` limits the columns read (the others are not converted).
 */
export function frameOf(input: FrameInput, fn: string, select?: ReadonlySet<string>, arg = 'data'): Frame {
  if (typeof input === 'object' && input !== null && builtFrames?.has(input)) return input as Frame;
  if (typeof input !== 'object' || input === null || ArrayBuffer.isView(input)) {
    throw invalidArgument(fn, arg, 'must be rows, an Arrow table, a record of columns or a Frame', input);
  }
  const at: Place = { row: undefined, column: undefined };
  try {
    if (Array.isArray(input)) return fromRows(input, fn, arg, select, at);
    if ((input as { kind?: unknown }).kind === 'lockstep.frame') return fromFrameLike(input, fn, arg, select);
    if (isArrowTable(input)) return fromArrow(input, fn, arg, select, at);
    return fromColumns(input as Readonly<Record<string, unknown>>, fn, arg, select, at);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw unreadable(fn, arg, at, error);
  }
}

// ---------------------------------------------------------------------------------------------------
// Errors: INVALID_DATA with one FrameIssue.

/** Where reading had got to, for the message when a getter or Proxy throws. */
interface Place {
  row: number | undefined;
  column: string | undefined;
}

type IssueValues = Omit<FrameIssue, 'code' | 'severity' | 'message'>;

function dataError(
  fn: string,
  arg: string,
  code: FrameIssueCode,
  message: string,
  values: IssueValues = {},
  path?: string,
): LockstepError {
  const issue: FrameIssue = { code, severity: 'error', message, ...values };
  return new LockstepError('INVALID_DATA', `${fn}: ${message}`, {
    fn,
    arg,
    path,
    issues: [path === undefined ? issue : { ...issue, path }],
  });
}

function unreadable(fn: string, arg: string, at: Place, error: unknown): LockstepError {
  const where = [
    at.row === undefined ? undefined : `row ${at.row}`,
    at.column === undefined ? undefined : `column ${describe(at.column)}`,
  ]
    .filter((w) => w !== undefined)
    .join(', ');
  let reason: string;
  try {
    reason = String((error as Error)?.message ?? error).slice(0, 200);
  } catch {
    reason = 'an unreadable error';
  }
  const values: IssueValues = {
    ...(at.row === undefined ? {} : { row: at.row }),
    ...(at.column === undefined ? {} : { feature: at.column }),
  };
  return dataError(
    fn,
    arg,
    'UNREADABLE',
    `'${arg}' could not be read${where === '' ? '' : ` at ${where}`} (a getter or Proxy threw: ${reason})`,
    values,
  );
}

function tooManyRows(fn: string, arg: string, what: string, length: number, max: number): LockstepError {
  return dataError(
    fn,
    arg,
    'TOO_MANY_ROWS',
    `${what} of '${arg}' must hold at most ${max} values, got ${describe(length)}${max === MAX_ARRAY_ROWS ? ' (pass larger columns as typed arrays or an Arrow table)' : ''}`,
    { length, expected: max },
  );
}

function malformedFrame(fn: string, arg: string, path: string, must: string, got: unknown): LockstepError {
  return dataError(
    fn,
    arg,
    'MALFORMED_FRAME',
    `'${arg}' is not a valid Frame: ${path} ${must}, got ${describe(got)}`,
    { received: describe(got) },
    path,
  );
}

function malformedArrow(fn: string, arg: string, problem: string, values: IssueValues = {}): LockstepError {
  return dataError(fn, arg, 'MALFORMED_ARROW', `'${arg}' is not a valid Arrow table: ${problem}`, values);
}

// ---------------------------------------------------------------------------------------------------
// Rows.

/** The length of a JS array given as rows or a column: a safe integer of at most MAX_ARRAY_ROWS. */
function arrayLength(values: readonly unknown[], fn: string, arg: string, what: string): number {
  const n = values.length;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw dataError(fn, arg, 'TOO_MANY_ROWS', `${what} of '${arg}' has an impossible length ${describe(n)}`, {
      received: describe(n),
    });
  }
  if (n > MAX_ARRAY_ROWS) throw tooManyRows(fn, arg, what, n, MAX_ARRAY_ROWS);
  return n;
}

function fromRows(
  rows: readonly unknown[],
  fn: string,
  arg: string,
  select: ReadonlySet<string> | undefined,
  at: Place,
): Frame {
  const n = arrayLength(rows, fn, arg, 'the rows');
  const raw = new Map<string, unknown[]>();
  for (let i = 0; i < n; i++) {
    at.row = i;
    at.column = undefined;
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw dataError(
        fn,
        arg,
        'ROW_NOT_OBJECT',
        `row ${i} of '${arg}' must be an object, got ${describe(row)}`,
        {
          row: i,
          received: describe(row),
        },
      );
    }
    const keys = Object.keys(row);
    for (let k = 0; k < keys.length; k++) {
      const name = keys[k]!;
      if (select && !select.has(name)) continue;
      at.column = name;
      let values = raw.get(name);
      if (values === undefined) {
        values = new Array(n);
        raw.set(name, values);
      }
      values[i] = (row as Record<string, unknown>)[name];
    }
  }
  at.row = undefined;
  at.column = undefined;
  const columns = new Map<string, Column>();
  for (const [name, values] of raw) columns.set(name, inferColumn(values, n, fn, arg, name));
  return makeFrame(n, columns);
}

// ---------------------------------------------------------------------------------------------------
// Records of columns.

/** The length of a column given in a record, or throws COLUMN_NOT_ARRAY / TOO_MANY_ROWS. */
function columnLength(values: unknown, fn: string, arg: string, name: string): number {
  const what = `column ${describe(name)}`;
  if (Array.isArray(values)) return arrayLength(values, fn, arg, what);
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const n = (values as unknown as ArrayLike<unknown>).length;
    if (n > MAX_FRAME_ROWS) throw tooManyRows(fn, arg, what, n, MAX_FRAME_ROWS);
    return n;
  }
  if (
    typeof values === 'object' &&
    values !== null &&
    !ArrayBuffer.isView(values) &&
    typeof (values as ArrayLike<unknown>).length === 'number'
  ) {
    return arrayLength(values as unknown as readonly unknown[], fn, arg, what);
  }
  throw dataError(
    fn,
    arg,
    'COLUMN_NOT_ARRAY',
    `column ${describe(name)} of '${arg}' must be an array or typed array, got ${describe(values)}`,
    { feature: name, received: describe(values) },
  );
}

function fromColumns(
  record: Readonly<Record<string, unknown>>,
  fn: string,
  arg: string,
  select: ReadonlySet<string> | undefined,
  at: Place,
): Frame {
  const names = Object.keys(record);
  let n = -1;
  const columns = new Map<string, Column>();
  for (const name of names) {
    at.column = name;
    const values = record[name];
    const length = columnLength(values, fn, arg, name);
    if (n === -1) n = length;
    else if (length !== n) {
      throw dataError(
        fn,
        arg,
        'COLUMN_LENGTH',
        `columns of '${arg}' must have equal lengths, but ${describe(name)} has ${length} and ${describe(names[0])} has ${n}`,
        { feature: name, length, expected: n },
      );
    }
    if (!select || select.has(name)) {
      columns.set(name, fromArrayLike(values as ArrayLike<unknown>, length, fn, arg, name));
    }
  }
  at.column = undefined;
  return makeFrame(Math.max(n, 0), columns);
}

/** True for a typed array over a buffer that can change length (resizable or growable). */
function canChangeLength(values: ArrayBufferView): boolean {
  const buffer = values.buffer as { resizable?: boolean; growable?: boolean };
  return buffer.resizable === true || buffer.growable === true;
}

function fromArrayLike(values: ArrayLike<unknown>, n: number, fn: string, arg: string, name: string): Column {
  if (values instanceof Float64Array) {
    // Used as is, unless its buffer could shrink or grow under the Frame.
    return {
      kind: 'numeric',
      values: canChangeLength(values) ? new Float64Array(values) : values,
      valid: undefined,
    };
  }
  if (ArrayBuffer.isView(values)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(values[i]);
    return { kind: 'numeric', values: out, valid: undefined };
  }
  // A copy lockstep owns, read by index (holes are missing); other array-likes through their iterator,
  // at most n values of it.
  const copy = new Array<unknown>(n);
  if (
    Array.isArray(values) ||
    typeof (values as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    for (let i = 0; i < n; i++) copy[i] = values[i];
  } else {
    let i = 0;
    for (const v of values as unknown as Iterable<unknown>) {
      if (i >= n) break;
      copy[i++] = v;
    }
  }
  return inferColumn(copy, n, fn, arg, name);
}

// ---------------------------------------------------------------------------------------------------
// Cells.

// Bit flags for the value types seen in a column.
const SEEN_NUMBER = 1;
const SEEN_STRING = 2;
const SEEN_BOOLEAN = 4;
const SEEN_DATE = 8;
const SEEN_OTHER = 16;

/**
 * True for a Date, from this realm or another: an object holding a time value (Date.prototype.getTime
 * accepts it). An object that only claims to be one (a `Symbol.toStringTag` of `'Date'`, a Proxy of a
 * Date) is not. Never throws.
 */
export function isDate(v: unknown): v is Date {
  if (typeof v !== 'object' || v === null) return false;
  try {
    Date.prototype.getTime.call(v);
    return true;
  } catch {
    return false;
  }
}

/** A Date's time value (epoch ms), read from its internal slot: an overridden getTime is not called. */
export function dateValue(d: Date): number {
  return Date.prototype.getTime.call(d);
}

/**
 * Throws UNSUPPORTED_VALUE for a cell that String() cannot convert (or a symbol), so no consumer meets it.
 * A list cell longer than MAX_ARRAY_ROWS is refused by its length, before String() would join it (a
 * sparse array of length 2^32 - 1 would take minutes).
 */
function checkCell(v: unknown, row: number, fn: string, arg: string, name: string): void {
  let problem = typeof v === 'symbol' ? 'a symbol' : undefined;
  if (problem === undefined && (typeof v === 'object' || typeof v === 'function')) {
    try {
      if (Array.isArray(v) && v.length > MAX_ARRAY_ROWS)
        problem = `a list of more than ${MAX_ARRAY_ROWS} items`;
      else String(v);
    } catch {
      problem = 'an object with a null prototype or a throwing toString';
    }
  }
  if (problem !== undefined) {
    throw dataError(
      fn,
      arg,
      'UNSUPPORTED_VALUE',
      `the value in column ${describe(name)} of row ${row} of '${arg}' cannot be read as text (${problem})`,
      { row, feature: name, received: describe(v) },
    );
  }
}

/** Infers the column kind of raw values (holes, null and undefined are missing). */
export function inferColumn(values: unknown[], n: number, fn = 'toFrame', arg = 'data', name = ''): Column {
  let seen = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === undefined || v === null) {
      missing++;
      continue;
    }
    switch (typeof v) {
      case 'number':
        seen |= SEEN_NUMBER;
        break;
      case 'string':
        seen |= SEEN_STRING;
        break;
      case 'boolean':
        seen |= SEEN_BOOLEAN;
        break;
      case 'bigint':
        seen |= SEEN_OTHER;
        break;
      default:
        if (isDate(v)) seen |= SEEN_DATE;
        else {
          checkCell(v, i, fn, arg, name);
          seen |= SEEN_OTHER;
        }
    }
  }
  if (seen === SEEN_NUMBER || seen === SEEN_DATE) {
    const out = new Float64Array(n);
    const valid = missing > 0 ? new Uint8Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === undefined || v === null) continue;
      out[i] = seen === SEEN_DATE ? dateValue(v as Date) : (v as number);
      if (valid) valid[i] = 1;
    }
    return seen === SEEN_DATE
      ? { kind: 'numeric', values: out, valid, logical: 'timestamp' }
      : { kind: 'numeric', values: out, valid };
  }
  if (seen === SEEN_BOOLEAN) {
    const out = new Uint8Array(n);
    const valid = missing > 0 ? new Uint8Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === undefined || v === null) continue;
      out[i] = v ? 1 : 0;
      if (valid) valid[i] = 1;
    }
    return { kind: 'boolean', values: out, valid };
  }
  const dense = normaliseMissing(values, n, missing);
  if (seen === SEEN_STRING) return { kind: 'string', values: dense as (string | undefined)[] };
  return { kind: 'mixed', values: dense };
}

function normaliseMissing(values: unknown[], n: number, missing: number): unknown[] {
  if (missing === 0 && values.length === n) return values;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = v === null ? undefined : v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Arrow tables.

function fromArrow(
  table: ArrowTableLike,
  fn: string,
  arg: string,
  select: ReadonlySet<string> | undefined,
  at: Place,
): Frame {
  const n = table.numRows;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw malformedArrow(fn, arg, `numRows must be a non-negative integer, got ${describe(n)}`, {
      received: describe(n),
    });
  }
  if (n > MAX_FRAME_ROWS) throw tooManyRows(fn, arg, 'the table', n, MAX_FRAME_ROWS);
  const columns = new Map<string, Column>();
  const fields = table.schema.fields;
  for (let f = 0; f < fields.length; f++) {
    const name = (fields[f] as { name?: unknown } | null | undefined)?.name;
    if (typeof name !== 'string') {
      throw malformedArrow(fn, arg, `schema.fields[${f}].name must be a string, got ${describe(name)}`);
    }
    if (select && !select.has(name)) continue;
    at.column = name;
    const vector = table.getChild(name);
    if (vector === null || vector === undefined) continue;
    if (typeof vector !== 'object' && typeof vector !== 'function') {
      throw malformedArrow(fn, arg, `column ${describe(name)} must be a vector, got ${describe(vector)}`, {
        feature: name,
      });
    }
    if (vector.length !== n) {
      throw malformedArrow(
        fn,
        arg,
        `column ${describe(name)} has ${describe(vector.length)} rows, the table ${n}`,
        { feature: name, expected: n },
      );
    }
    columns.set(name, decodeArrowColumn(vector, n) ?? viaAccessor(vector, n, fn, arg, name));
  }
  at.column = undefined;
  // Without a column, nothing shows that the table holds the rows it claims: the array bound applies.
  if (columns.size === 0 && n > MAX_ARRAY_ROWS) throw tooManyRows(fn, arg, 'the table', n, MAX_ARRAY_ROWS);
  return makeFrame(n, columns);
}

/** An Arrow column the buffer decoder does not read, through the vector's own accessor, then inferred. */
function viaAccessor(vector: ArrowVectorLike, n: number, fn: string, arg: string, name: string): Column {
  if (n > MAX_ARRAY_ROWS) throw tooManyRows(fn, arg, `column ${describe(name)}`, n, MAX_ARRAY_ROWS);
  if (typeof vector.get !== 'function') {
    throw malformedArrow(fn, arg, `column ${describe(name)} must have a get(index) method`, {
      feature: name,
    });
  }
  const raw = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i);
    raw[i] = typeof v === 'bigint' ? Number(v) : v;
  }
  return inferColumn(raw, n, fn, arg, name);
}

// ---------------------------------------------------------------------------------------------------
// Frames lockstep did not build: checked column by column, copied into a trusted Frame.

const COLUMN_KINDS: readonly string[] = ['numeric', 'boolean', 'dictionary', 'string', 'mixed'];

function fromFrameLike(
  input: object,
  fn: string,
  arg: string,
  select: ReadonlySet<string> | undefined,
): Frame {
  const f = input as { length?: unknown; names?: unknown; columns?: unknown };
  const n = f.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_FRAME_ROWS) {
    throw malformedFrame(fn, arg, '$.length', `must be an integer in [0, ${MAX_FRAME_ROWS}]`, n);
  }
  const columns = f.columns;
  if (!(columns instanceof Map)) throw malformedFrame(fn, arg, '$.columns', 'must be a Map', columns);
  const keys = [...(columns as Map<unknown, unknown>).keys()];
  const names = f.names;
  if (
    !Array.isArray(names) ||
    names.length !== keys.length ||
    names.some((name, i) => typeof name !== 'string' || name !== keys[i])
  ) {
    throw malformedFrame(fn, arg, '$.names', "must list the columns' names in order", names);
  }
  if (keys.length === 0 && n > MAX_ARRAY_ROWS) throw tooManyRows(fn, arg, 'the Frame', n, MAX_ARRAY_ROWS);
  const out = new Map<string, Column>();
  for (const [name, column] of columns as Map<string, unknown>) {
    if (select && !select.has(name)) continue;
    out.set(name, checkedColumn(column, n, fn, arg, name));
  }
  return makeFrame(n, out);
}

function checkedColumn(column: unknown, n: number, fn: string, arg: string, name: string): Column {
  const at = `$.columns[${describe(name)}]`;
  const bad = (field: string, must: string, got: unknown) =>
    malformedFrame(fn, arg, `${at}${field}`, must, got);
  if (typeof column !== 'object' || column === null) throw bad('', 'must be a column object', column);
  const c = column as Record<string, unknown>;
  const kind = c.kind;
  if (typeof kind !== 'string' || !COLUMN_KINDS.includes(kind)) {
    throw bad('.kind', `must be one of ${COLUMN_KINDS.join(', ')}`, kind);
  }
  const typed = <T>(
    field: string,
    type: new (n: number) => T,
    what: string,
    optional = false,
  ): T | undefined => {
    const v = c[field];
    if (optional && v === undefined) return undefined;
    if (!(v instanceof type) || (v as unknown as ArrayLike<number>).length !== n) {
      throw bad(`.${field}`, `must be ${optional ? 'undefined or ' : ''}${what} of length ${n}`, v);
    }
    return v;
  };
  const plain = (field: string): readonly unknown[] => {
    const v = c[field];
    if (!Array.isArray(v) || v.length !== n) throw bad(`.${field}`, `must be an array of length ${n}`, v);
    if (n > MAX_ARRAY_ROWS) throw tooManyRows(fn, arg, `column ${describe(name)}`, n, MAX_ARRAY_ROWS);
    return v;
  };
  switch (kind) {
    case 'numeric': {
      const values = typed('values', Float64Array, 'a Float64Array')!;
      const valid = typed('valid', Uint8Array, 'a Uint8Array', true);
      const logical = c.logical;
      if (logical !== undefined && logical !== 'timestamp') {
        throw bad('.logical', "must be undefined or 'timestamp'", logical);
      }
      return logical === 'timestamp' ? { kind, values, valid, logical } : { kind, values, valid };
    }
    case 'boolean': {
      const values = typed('values', Uint8Array, 'a Uint8Array')!;
      for (let i = 0; i < n; i++) {
        if (values[i]! > 1) throw bad(`.values[${i}]`, 'must be 0 or 1', values[i]);
      }
      return {
        kind,
        values: new Uint8Array(values),
        valid: typed('valid', Uint8Array, 'a Uint8Array', true),
      };
    }
    case 'dictionary': {
      const codes = typed('codes', Int32Array, 'an Int32Array')!;
      const dictionary = c.dictionary;
      if (!Array.isArray(dictionary) || dictionary.length > MAX_ARRAY_ROWS) {
        throw bad('.dictionary', 'must be an array of strings', dictionary);
      }
      const entries = Array.prototype.slice.call(dictionary) as unknown[];
      for (let d = 0; d < entries.length; d++) {
        if (typeof entries[d] !== 'string') throw bad(`.dictionary[${d}]`, 'must be a string', entries[d]);
      }
      for (let i = 0; i < n; i++) {
        const code = codes[i]!;
        if (code < -1 || code >= entries.length) {
          throw bad(`.codes[${i}]`, `must be -1 or an index of the dictionary (< ${entries.length})`, code);
        }
      }
      return { kind, codes: new Int32Array(codes), dictionary: entries as string[] };
    }
    case 'string': {
      const values = plain('values');
      const out = new Array<string | undefined>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          throw bad(`.values[${i}]`, 'must be a string or undefined', v);
        }
        out[i] = v ?? undefined;
      }
      return { kind, values: out };
    }
    default: {
      const values = plain('values');
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (
          v !== undefined &&
          v !== null &&
          typeof v !== 'number' &&
          typeof v !== 'string' &&
          typeof v !== 'boolean' &&
          !isDate(v)
        ) {
          checkCell(v, i, fn, arg, name);
        }
        out[i] = v ?? undefined;
      }
      return { kind: 'mixed', values: out };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading a Frame back.

/** The value at row `i` as a plain JS value, `undefined` when missing. */
export function valueAt(column: Column, i: number): unknown {
  switch (column.kind) {
    case 'numeric':
      return column.valid && column.valid[i] === 0 ? undefined : column.values[i];
    case 'boolean':
      return column.valid && column.valid[i] === 0 ? undefined : column.values[i] === 1;
    case 'dictionary': {
      const code = column.codes[i]!;
      return code < 0 ? undefined : column.dictionary[code];
    }
    default:
      return column.values[i];
  }
}

/** Row `i` as an object with a null prototype, so no column name can reach Object.prototype. */
export function rowAt(frame: Frame, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = Object.create(null);
  for (const [name, column] of frame.columns) {
    const v = valueAt(column, i);
    if (v !== undefined) row[name] = v;
  }
  return row;
}

/**
 * The rows of a Frame as objects, for code that wants rows back (missing values are left out). Each row has
 * a null prototype, so a column named `__proto__` or `constructor` stays data. Anything toFrame reads is
 * accepted and read first; at most 2^25 rows come back (33,554,432: read a larger Frame in slices).
 * O(rows × columns).
 * @example toRows(toFrame([{ a: 1 }, { a: null, b: 'x' }])) // => [{ a: 1 }, { b: 'x' }]
 * @throws LockstepError as toFrame (naming `toRows` and `frame`); `INVALID_ARGUMENT` for a Frame of more
 *   than 2^25 rows.
 */
export function toRows(frame: Frame): Record<string, unknown>[] {
  const f = frameOf(frame, 'toRows', undefined, 'frame');
  if (f.length > MAX_ARRAY_ROWS) {
    throw invalidArgument(
      'toRows',
      'frame',
      `must have at most ${MAX_ARRAY_ROWS} rows to become row objects`,
      f.length,
    );
  }
  return Array.from({ length: f.length }, (_, i) => rowAt(f, i));
}

/** `source[rows[j]]` for each j, into a new array of the same type. */
function gather<T extends Float64Array | Uint8Array | Int32Array>(source: T, rows: ArrayLike<number>): T {
  // The plain constructor of the kind, never `source.constructor` (a subclass, or a user's own property).
  const out = (
    source instanceof Float64Array
      ? new Float64Array(rows.length)
      : source instanceof Int32Array
        ? new Int32Array(rows.length)
        : new Uint8Array(rows.length)
  ) as T;
  for (let j = 0; j < rows.length; j++) out[j] = source[rows[j]!]!;
  return out;
}

/** A new Frame holding the given rows (indices checked by the caller), in the order given. */
export function takeRows(frame: Frame, rows: ArrayLike<number>): Frame {
  const columns = new Map<string, Column>();
  for (const [name, column] of frame.columns) {
    switch (column.kind) {
      case 'numeric':
      case 'boolean': {
        const valid = column.valid && gather(column.valid, rows);
        columns.set(name, { ...column, values: gather(column.values, rows), valid } as Column);
        break;
      }
      case 'dictionary':
        columns.set(name, {
          kind: 'dictionary',
          codes: gather(column.codes, rows),
          dictionary: column.dictionary,
        });
        break;
      default:
        columns.set(name, { kind: column.kind, values: Array.from(rows, (i) => column.values[i]) } as Column);
    }
  }
  return makeFrame(rows.length, columns);
}
