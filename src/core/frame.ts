// Frames: toFrame reads rows, a record of columns, an Arrow table (through core/arrow-buffers.ts) or a
// Frame into one, inferring each column's kind; valueAt, rowAt, toRows and takeRows read it back. The
// types are in core/frame-types.ts.

import { decodeArrowColumn, isArrowTable } from './arrow-buffers.js';
import { describe, LockstepError } from './errors.js';
import type { ArrowTableLike, ArrowVectorLike, Column, Frame, FrameInput } from './frame-types.js';

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
  MixedColumn,
  NumericColumn,
  StringColumn,
} from './frame-types.js';

/** Builds a Frame from columns already made (trusted: internal use). */
export function makeFrame(length: number, columns: ReadonlyMap<string, Column>): Frame {
  return { kind: 'lockstep.frame', length, names: [...columns.keys()], columns };
}

/** True for a Frame made by lockstep. */
export function isFrame(input: unknown): input is Frame {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as Frame).kind === 'lockstep.frame' &&
    (input as Frame).columns instanceof Map
  );
}

/**
 * Reads rows, an Arrow table, a record of columns or a Frame into a Frame, copying only where the layout
 * must change (a Float64Array column is used as is). Column types are inferred per column: all numbers →
 * numeric, all Dates → numeric timestamps (epoch ms), all strings → string, all booleans → boolean,
 * anything else → mixed. `null` and `undefined` are missing; NaN is a present value. Keys such as
 * `__proto__` and `constructor` are ordinary column names: only own properties of a row are read.
 * Arrow string columns come back dictionary-encoded, each distinct string decoded once.
 * O(rows × columns).
 * @throws LockstepError `INVALID_ARGUMENT` for input of another type; `INVALID_DATA` for a row that is not
 *   an object, or columns of unequal length.
 */
export function toFrame(input: FrameInput): Frame {
  return frameOf(input, 'toFrame');
}

/**
 * toFrame for lockstep's own functions: errors name `fn`, and `select` limits the columns read (the others
 * are not converted).
 */
export function frameOf(input: FrameInput, fn: string, select?: ReadonlySet<string>): Frame {
  if (isFrame(input)) return input;
  if (Array.isArray(input)) return fromRows(input, fn, select);
  if (typeof input === 'object' && input !== null) {
    if (isArrowTable(input)) return fromArrow(input, select);
    return fromColumns(input as Readonly<Record<string, ArrayLike<unknown>>>, fn, select);
  }
  throw new LockstepError(
    'INVALID_ARGUMENT',
    `${fn}: argument 'data' must be rows, an Arrow table or a record of columns, got ${describe(input)}`,
  );
}

function fromRows(rows: readonly unknown[], fn: string, select?: ReadonlySet<string>): Frame {
  const n = rows.length;
  const raw = new Map<string, unknown[]>();
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new LockstepError(
        'INVALID_DATA',
        `${fn}: row ${i} of 'data' must be an object, got ${describe(row)}`,
        [{ row: i, value: row }],
      );
    }
    for (const name of Object.keys(row)) {
      if (select && !select.has(name)) continue;
      let values = raw.get(name);
      if (values === undefined) {
        values = new Array(n);
        raw.set(name, values);
      }
      values[i] = (row as Record<string, unknown>)[name];
    }
  }
  const columns = new Map<string, Column>();
  for (const [name, values] of raw) columns.set(name, inferColumn(values, n));
  return makeFrame(n, columns);
}

function fromColumns(
  record: Readonly<Record<string, ArrayLike<unknown>>>,
  fn: string,
  select?: ReadonlySet<string>,
): Frame {
  const names = Object.keys(record);
  let n = -1;
  const columns = new Map<string, Column>();
  for (const name of names) {
    const values = record[name];
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new LockstepError(
        'INVALID_DATA',
        `${fn}: column ${JSON.stringify(name)} of 'data' must be an array or typed array, got ${describe(values)}`,
      );
    }
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      throw new LockstepError(
        'INVALID_DATA',
        `${fn}: columns of 'data' must have equal lengths, but ${JSON.stringify(name)} has ${values.length} and ${JSON.stringify(names[0])} has ${n}`,
      );
    }
    if (!select || select.has(name)) columns.set(name, fromArrayLike(values));
  }
  return makeFrame(Math.max(n, 0), columns);
}

function fromArrayLike(values: ArrayLike<unknown>): Column {
  if (values instanceof Float64Array) return { kind: 'numeric', values, valid: undefined };
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
    return { kind: 'numeric', values: out, valid: undefined };
  }
  return inferColumn(Array.from(values), values.length);
}

// Bit flags for the value types seen in a column.
const SEEN_NUMBER = 1;
const SEEN_STRING = 2;
const SEEN_BOOLEAN = 4;
const SEEN_DATE = 8;
const SEEN_OTHER = 16;

/** A Date, from this realm or another (instanceof first: it is the fast check). */
export function isDate(v: unknown): v is Date {
  return v instanceof Date || Object.prototype.toString.call(v) === '[object Date]';
}

/** Infers the column kind of raw values (holes, null and undefined are missing). */
export function inferColumn(values: unknown[], n: number): Column {
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
      default:
        seen |= isDate(v) ? SEEN_DATE : SEEN_OTHER;
    }
  }
  if (seen === SEEN_NUMBER || seen === SEEN_DATE) {
    const out = new Float64Array(n);
    const valid = missing > 0 ? new Uint8Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === undefined || v === null) continue;
      out[i] = seen === SEEN_DATE ? (v as Date).getTime() : (v as number);
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

function fromArrow(table: ArrowTableLike, select?: ReadonlySet<string>): Frame {
  const n = table.numRows;
  const columns = new Map<string, Column>();
  for (const field of table.schema.fields) {
    if (select && !select.has(field.name)) continue;
    const vector = table.getChild(field.name);
    if (!vector) continue;
    columns.set(field.name, decodeArrowColumn(vector, n) ?? viaAccessor(vector, n));
  }
  return makeFrame(n, columns);
}

/** An Arrow column the buffer decoder does not read, through the vector's own accessor, then inferred. */
function viaAccessor(vector: ArrowVectorLike, n: number): Column {
  const raw = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i);
    raw[i] = typeof v === 'bigint' ? Number(v) : v;
  }
  return inferColumn(raw, n);
}

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
 * a null prototype, so a column named `__proto__` or `constructor` stays data. O(rows × columns).
 * @example toRows(toFrame([{ a: 1 }, { a: null, b: 'x' }])) // => [{ a: 1 }, { b: 'x' }]
 */
export function toRows(frame: Frame): Record<string, unknown>[] {
  return Array.from({ length: frame.length }, (_, i) => rowAt(frame, i));
}

/** `source[rows[j]]` for each j, into a new array of the same type. */
function gather<T extends Float64Array | Uint8Array | Int32Array>(source: T, rows: ArrayLike<number>): T {
  const out = new (source.constructor as new (n: number) => T)(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = source[rows[j]!]!;
  return out;
}

/** A new Frame holding the given rows, in the order given. */
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
