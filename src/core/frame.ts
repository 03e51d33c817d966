import { describe, LockstepError } from './errors.js';

/** Numbers as float64. `valid[i] === 0` marks a missing value; a NaN in the data stays NaN and is present. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
  /** Validity mask (1 present, 0 missing), or undefined when every value is present. */
  readonly valid: Uint8Array | undefined;
  /** `'timestamp'` when the values are epoch milliseconds (from Dates or Arrow date/timestamp columns). */
  readonly logical?: 'timestamp';
}

/** Strings; `undefined` marks a missing value. */
export interface StringColumn {
  readonly kind: 'string';
  readonly values: ReadonlyArray<string | undefined>;
}

/** Dictionary-encoded strings, as Arrow's: `dictionary[codes[i]]`, with code -1 for a missing value. */
export interface DictionaryColumn {
  readonly kind: 'dictionary';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/** Booleans as 0/1 with a validity mask. */
export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
  readonly valid: Uint8Array | undefined;
}

/**
 * Anything else, kept as given: columns mixing types, objects, or nothing but missing values.
 * `undefined` marks a missing value.
 */
export interface MixedColumn {
  readonly kind: 'mixed';
  readonly values: readonly unknown[];
}

export type Column = NumericColumn | StringColumn | DictionaryColumn | BooleanColumn | MixedColumn;

/** The columnar batch every batch function accepts. Columns live in a Map, so no column name is special. */
export interface Frame {
  readonly kind: 'lockstep.frame';
  readonly length: number;
  readonly names: readonly string[];
  readonly columns: ReadonlyMap<string, Column>;
}

/** Rows, an Arrow table (recognised by shape), a record of columns, or a Frame. */
export type FrameInput =
  | Frame
  | readonly unknown[]
  | ArrowTableLike
  | Readonly<Record<string, ArrayLike<unknown>>>;

/** The parts of an Apache Arrow `Table` that lockstep reads; no import of apache-arrow is needed. */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: ReadonlyArray<{ readonly name: string }> };
  getChild(name: string): ArrowVectorLike | null;
}

/** The fields of an Arrow column chunk (apache-arrow's `Data`) that toFrame reads. */
export interface ArrowDataLike {
  readonly type: {
    readonly typeId: number;
    readonly precision?: number;
    readonly bitWidth?: number;
    readonly unit?: number;
  };
  readonly valueOffsets?: ArrayLike<number | bigint>;
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | null | undefined;
  readonly values: ArrayLike<number | bigint>;
  readonly dictionary?: { toArray(): ArrayLike<unknown> } | null;
}

interface ArrowVectorLike {
  readonly length: number;
  readonly data: readonly ArrowDataLike[];
  get(index: number): unknown;
}

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

/** An Arrow table or record batch, recognised by shape (no import of apache-arrow). */
export function isArrowTable(input: object): input is ArrowTableLike {
  const t = input as Partial<ArrowTableLike>;
  return (
    typeof t.numRows === 'number' &&
    typeof t.getChild === 'function' &&
    typeof t.schema === 'object' &&
    t.schema !== null &&
    Array.isArray(t.schema.fields)
  );
}

/**
 * Reads rows, an Arrow table, a record of columns or a Frame into a Frame, copying only where the layout
 * must change (a Float64Array column is used as is). Column types are inferred per column: all numbers →
 * numeric, all Dates → numeric timestamps (epoch ms), all strings → string, all booleans → boolean,
 * anything else → mixed. `null` and `undefined` are missing; NaN is a present value. Keys such as
 * `__proto__` and `constructor` are ordinary column names: only own properties of a row are read.
 * `select` limits the columns read (the others are not converted). Arrow string columns come back
 * dictionary-encoded, each distinct string decoded once. O(rows × columns).
 * @throws LockstepError `INVALID_DATA` for a row that is not an object, or columns of unequal length.
 */
export function toFrame(input: FrameInput, fn = 'toFrame', select?: ReadonlySet<string>): Frame {
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

// Arrow type ids (apache-arrow's `Type` enum), read by shape.
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_UTF8 = 5;
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;
const ARROW_LARGE_UTF8 = 20;
const ARROW_DICTIONARY = -1;

function fromArrow(table: ArrowTableLike, select?: ReadonlySet<string>): Frame {
  const n = table.numRows;
  const columns = new Map<string, Column>();
  for (const field of table.schema.fields) {
    if (select && !select.has(field.name)) continue;
    const vector = table.getChild(field.name);
    if (!vector) continue;
    columns.set(field.name, arrowColumn(vector, n));
  }
  return makeFrame(n, columns);
}

function isValid(bitmap: Uint8Array, bit: number): boolean {
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

/** Milliseconds per unit of an Arrow date or timestamp type, or undefined for another type. */
function msPerUnit(type: ArrowDataLike['type']): number | undefined {
  if (type.typeId === ARROW_DATE) return type.unit === 0 ? 86_400_000 : 1;
  if (type.typeId === ARROW_TIMESTAMP) return [1000, 1, 1e-3, 1e-6][type.unit ?? 1];
  return undefined;
}

/**
 * Numbers of one chunk into out[at..), times `scale`. 64-bit integers are read through their 32-bit
 * halves (exact below 2^53), which is several times faster than converting each bigint. Arrow slices
 * value and offset buffers when it slices data, so they are indexed from 0; only the validity bitmap is
 * read at `offset`.
 */
function readNumbers(chunk: ArrowDataLike, out: Float64Array, at: number, scale: number): void {
  const { values, length } = chunk;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const halves = new Uint32Array(values.buffer, values.byteOffset, length * 2);
    const signed = values instanceof BigInt64Array;
    for (let i = 0; i < length; i++) {
      const lo = halves[2 * i]!;
      const hi = halves[2 * i + 1]!;
      out[at + i] = ((signed ? hi | 0 : hi) * 4294967296 + lo) * scale;
    }
  } else if (scale === 1) {
    for (let i = 0; i < length; i++) out[at + i] = (values as ArrayLike<number>)[i]!;
  } else {
    for (let i = 0; i < length; i++) out[at + i] = (values as ArrayLike<number>)[i]! * scale;
  }
}

/**
 * True when toFrame reads these chunks straight from their buffers: integers, floats (not half floats),
 * dates, timestamps, Utf8 and LargeUtf8, all chunks of one type. Other columns go through the vector's get().
 */
export function readsArrowBuffers(chunks: readonly ArrowDataLike[]): boolean {
  const type = chunks[0]?.type;
  if (!type || !chunks.every((c) => c.type.typeId === type.typeId)) return false;
  const id = type.typeId;
  if (id === ARROW_FLOAT) return chunks.every((c) => c.type.precision !== 0);
  return id === ARROW_INT || id === ARROW_UTF8 || id === ARROW_LARGE_UTF8 || msPerUnit(type) !== undefined;
}

function arrowColumn(vector: ArrowVectorLike, n: number): Column {
  const chunks = vector.data;
  const type = chunks[0]?.type;
  const typeId = type?.typeId;
  const uniform = chunks.every((c) => c.type.typeId === typeId);
  const unitMs = type && msPerUnit(type);
  const numeric =
    uniform &&
    (typeId === ARROW_INT || (typeId === ARROW_FLOAT && type?.precision !== 0) || unitMs !== undefined);
  if (numeric) {
    const out = new Float64Array(n);
    let valid: Uint8Array | undefined;
    let at = 0;
    for (const chunk of chunks) {
      readNumbers(chunk, out, at, unitMs ?? 1);
      const { nullBitmap, offset, length } = chunk;
      if (chunk.nullCount > 0 && nullBitmap) {
        valid ??= new Uint8Array(n).fill(1);
        for (let i = 0; i < length; i++) {
          if (!isValid(nullBitmap, offset + i)) {
            valid[at + i] = 0;
            out[at + i] = 0;
          }
        }
      }
      at += length;
    }
    return unitMs === undefined
      ? { kind: 'numeric', values: out, valid }
      : { kind: 'numeric', values: out, valid, logical: 'timestamp' };
  }
  if (uniform && (typeId === ARROW_UTF8 || typeId === ARROW_LARGE_UTF8)) return encodeUtf8Chunks(chunks, n);
  const first = chunks[0]?.dictionary;
  if (typeId === ARROW_DICTIONARY && first && chunks.every((c) => c.dictionary === first)) {
    const dictionary = Array.from(first.toArray(), (v) => String(v));
    const codes = new Int32Array(n);
    let at = 0;
    for (const chunk of chunks) {
      const { values, offset, length, nullBitmap } = chunk;
      const nulls = chunk.nullCount > 0 && nullBitmap;
      for (let i = 0; i < length; i++) {
        codes[at + i] = nulls && !isValid(nullBitmap, offset + i) ? -1 : Number(values[i]);
      }
      at += length;
    }
    return { kind: 'dictionary', codes, dictionary };
  }
  // Everything else through the vector's own accessor.
  const raw = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i);
    raw[i] = typeof v === 'bigint' ? Number(v) : v;
  }
  return inferColumn(raw, n);
}

/**
 * Arrow Utf8 / LargeUtf8 chunks as a dictionary column: each value's bytes are looked up in a hash table of
 * the distinct values seen, and only new values are decoded. O(total bytes).
 */
function encodeUtf8Chunks(chunks: readonly ArrowDataLike[], n: number): DictionaryColumn {
  const codes = new Int32Array(n);
  const dictionary: string[] = [];
  const decoder = new TextDecoder();
  let slots: Int32Array = new Int32Array(1024); // code + 1, 0 = empty
  const hashes: number[] = [];
  const keys: Uint8Array[] = [];
  let at = 0;
  for (const chunk of chunks) {
    const { offset, length, nullBitmap } = chunk;
    const bytes = chunk.values as unknown as Uint8Array;
    // LargeUtf8 offsets are a BigInt64Array: read their 32-bit halves, as readNumbers does, rather than
    // making two bigints per value.
    const raw = chunk.valueOffsets!;
    const wide = raw instanceof BigInt64Array;
    const offsets = wide
      ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length * 2)
      : (raw as ArrayLike<number>);
    const nulls = chunk.nullCount > 0 && nullBitmap;
    for (let i = 0; i < length; i++) {
      if (nulls && !isValid(nullBitmap, offset + i)) {
        codes[at + i] = -1;
        continue;
      }
      const start = wide ? offsets[2 * i]! + offsets[2 * i + 1]! * 4294967296 : offsets[i]!;
      const end = wide ? offsets[2 * i + 2]! + offsets[2 * i + 3]! * 4294967296 : offsets[i + 1]!;
      let h = 0x811c9dc5; // FNV-1a
      for (let b = start; b < end; b++) h = Math.imul(h ^ bytes[b]!, 0x01000193);
      const mask = slots.length - 1;
      let slot = h & mask;
      let code = -1;
      for (;;) {
        const entry = slots[slot]!;
        if (entry === 0) break;
        const key = keys[entry - 1]!;
        if (hashes[entry - 1] === h && key.length === end - start && sameBytes(key, bytes, start)) {
          code = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (code < 0) {
        code = dictionary.length;
        const key = bytes.slice(start, end);
        keys.push(key);
        hashes.push(h);
        dictionary.push(decoder.decode(key));
        slots[slot] = code + 1;
        if (dictionary.length * 2 > slots.length) slots = rehash(hashes, slots.length * 4);
      }
      codes[at + i] = code;
    }
    at += length;
  }
  return { kind: 'dictionary', codes, dictionary };
}

function sameBytes(key: Uint8Array, bytes: Uint8Array, start: number): boolean {
  for (let j = 0; j < key.length; j++) if (key[j] !== bytes[start + j]) return false;
  return true;
}

function rehash(hashes: readonly number[], size: number): Int32Array {
  const slots = new Int32Array(size);
  const mask = size - 1;
  for (let code = 0; code < hashes.length; code++) {
    let slot = hashes[code]! & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = code + 1;
  }
  return slots;
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
