// The Arrow buffer decoder behind toFrame: reads Apache Arrow columns straight from their chunks' buffers
// (values, offsets, validity bitmaps), recognised by shape, so nothing here imports apache-arrow. The
// rules, written once for toFrame and for the worker-thread profiler (stats/workers/arrow-raw.ts), which
// sends exactly the columns readsArrowBuffers accepts to a worker as raw buffers:
//  - Arrow slices value and offset buffers when it slices data, so they are indexed from 0; only the
//    validity bitmap is read at the chunk's `offset`;
//  - 64-bit integers and LargeUtf8 offsets are read through their 32-bit halves (exact below 2^53), which
//    is several times faster than making a bigint per value;
//  - dates and timestamps become epoch milliseconds; a null is a missing value (0 in the numbers);
//  - strings come back dictionary-encoded, each distinct value decoded once (an FNV-1a hash table of the
//    bytes seen).

import type {
  ArrowDataLike,
  ArrowTableLike,
  ArrowVectorLike,
  Column,
  DictionaryColumn,
} from './frame-types.js';

// Arrow type ids (apache-arrow's `Type` enum), read by shape.
export const ARROW_INT = 2;
export const ARROW_FLOAT = 3;
export const ARROW_UTF8 = 5;
export const ARROW_DATE = 8;
export const ARROW_TIMESTAMP = 10;
export const ARROW_LARGE_UTF8 = 20;
export const ARROW_DICTIONARY = -1;

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

/** A typed array (not a DataView) holding at least `length` items. */
function holds(values: unknown, length: number): values is ArrayLike<number | bigint> {
  return (
    ArrayBuffer.isView(values) &&
    !(values instanceof DataView) &&
    (values as unknown as ArrayLike<unknown>).length >= length
  );
}

/**
 * True when a chunk's fields fit together: a type with a numeric id, an integer offset and length, and a
 * validity bitmap covering offset + length bits when it has nulls. Checked before any buffer is read, so an
 * Arrow-like table made by hand never makes the decoder read past a buffer or loop on a made-up length.
 */
function chunkFits(chunk: ArrowDataLike | null | undefined): boolean {
  if (typeof chunk !== 'object' || chunk === null) return false;
  const { type, offset, length, nullCount, nullBitmap } = chunk;
  if (typeof type !== 'object' || type === null || typeof type.typeId !== 'number') return false;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0)
    return false;
  if (typeof nullCount !== 'number') return false;
  return (
    !(nullCount > 0 && nullBitmap) ||
    (nullBitmap instanceof Uint8Array && nullBitmap.length * 8 >= offset + length)
  );
}

/** True when a chunk's own buffers hold what its length says, for the types read from buffers. */
function buffersFit(chunk: ArrowDataLike): boolean {
  const { type, length } = chunk;
  if (type.typeId === ARROW_UTF8 || type.typeId === ARROW_LARGE_UTF8) {
    // Offsets: Int32 (Utf8), BigInt64 (LargeUtf8), or numbers rebased by the worker profiler.
    return chunk.values instanceof Uint8Array && holds(chunk.valueOffsets, length + 1);
  }
  return holds(chunk.values, length);
}

/**
 * True when toFrame reads these chunks straight from their buffers: integers, floats (not half floats),
 * dates, timestamps, Utf8 and LargeUtf8, all chunks of one type, each chunk's buffers as long as its
 * length says. Other columns go through the vector's get().
 */
export function readsArrowBuffers(chunks: readonly ArrowDataLike[]): boolean {
  if (!Array.isArray(chunks) || !chunks.every(chunkFits)) return false;
  const type = chunks[0]?.type;
  if (!type || !chunks.every((c) => c.type.typeId === type.typeId && buffersFit(c))) return false;
  const id = type.typeId;
  if (id === ARROW_FLOAT) return chunks.every((c) => c.type.precision !== 0);
  return id === ARROW_INT || id === ARROW_UTF8 || id === ARROW_LARGE_UTF8 || msPerUnit(type) !== undefined;
}

/**
 * One Arrow column of `n` rows decoded from its chunks' buffers: integers, floats, dates and timestamps
 * as a numeric column (nulls missing, dates and timestamps as epoch milliseconds), Utf8 and LargeUtf8 as a
 * dictionary column (each distinct string decoded once), dictionary vectors sharing one dictionary as
 * their codes. Undefined for any other column, which the caller reads value by value. O(n) plus the bytes
 * of the strings.
 */
export function decodeArrowColumn(vector: ArrowVectorLike, n: number): Column | undefined {
  const chunks = vector.data;
  // Chunks that do not fit together (an Arrow-like vector made by hand) go through the accessor.
  if (!Array.isArray(chunks) || !chunks.every(chunkFits)) return undefined;
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  if (total !== n || (n > 0 && !chunks.every((c) => buffersFit(c)))) return undefined;
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
    if (typeof first.toArray !== 'function') return undefined;
    const entries = first.toArray();
    if (!holds(entries, 0) && !Array.isArray(entries)) return undefined;
    const dictionary = Array.from(entries as ArrayLike<unknown>, (v) => String(v));
    const size = dictionary.length;
    const codes = new Int32Array(n);
    let at = 0;
    for (const chunk of chunks) {
      const { values, offset, length, nullBitmap } = chunk;
      const nulls = chunk.nullCount > 0 && nullBitmap;
      for (let i = 0; i < length; i++) {
        if (nulls && !isValid(nullBitmap, offset + i)) codes[at + i] = -1;
        else {
          const code = Number(values[i]);
          // A code outside the dictionary (a vector made by hand): read it through the accessor instead.
          if (!(code >= 0 && code < size)) return undefined;
          codes[at + i] = code;
        }
      }
      at += length;
    }
    return { kind: 'dictionary', codes, dictionary };
  }
  return undefined; // everything else: the caller reads it through the vector's own accessor
}

/**
 * Arrow Utf8 / LargeUtf8 chunks as a dictionary column: each value's bytes are looked up in a hash table of
 * the distinct values seen, and only new values are decoded. O(total bytes).
 */
function encodeUtf8Chunks(chunks: readonly ArrowDataLike[], n: number): DictionaryColumn | undefined {
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
      // Offsets outside the bytes, or running backwards (a vector made by hand): use the accessor.
      if (!(start >= 0 && end >= start && end <= bytes.length)) return undefined;
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
