// Arrow columns that toFrame reads straight from their buffers (integers, floats, dates, timestamps, Utf8,
// LargeUtf8): profileInWorkers sends their buffers to a worker thread (copied out of the caller's memory,
// then transferred) and the worker runs toFrame on them, so the calling thread does not spend its time
// decoding strings, which costs more than profiling them. Read by shape, as toFrame reads Arrow: no import
// of apache-arrow.
import { ARROW_LARGE_UTF8, ARROW_UTF8, isArrowTable, readsArrowBuffers } from '../../core/arrow-buffers.js';
import type { ArrowDataLike, ArrowTableLike } from '../../core/frame-types.js';
import type { RawArrowChunk } from './protocol.js';

type ChunkLike = ArrowDataLike;

/** An Arrow table or record batch, recognised by shape as toFrame recognises it. */
export const isArrowLike = isArrowTable;

/** A typed array's elements [start, end) in a new buffer of their own (never a view, even of a Node Buffer). */
export function copyOf<T>(array: T, start?: number, end?: number): T {
  return (Uint8Array.prototype.slice as unknown as (this: T, start?: number, end?: number) => T).call(
    array,
    start,
    end,
  );
}

/**
 * offsets[start..end) minus `lo`, as numbers. 64-bit offsets (LargeUtf8) are read through their 32-bit
 * halves, as toFrame reads 64-bit integers, which is much faster than bigint arithmetic.
 */
function shifted(offsets: ArrayLike<number | bigint>, start: number, end: number, lo: number): Float64Array {
  const out = new Float64Array(end - start);
  if (offsets instanceof BigInt64Array || offsets instanceof BigUint64Array) {
    const halves = new Uint32Array(offsets.buffer, offsets.byteOffset, offsets.length * 2);
    for (let j = 0; j < out.length; j++) {
      const i = start + j;
      out[j] = halves[2 * i + 1]! * 4294967296 + halves[2 * i]! - lo; // offsets are never negative
    }
  } else {
    for (let j = 0; j < out.length; j++) out[j] = (offsets[start + j] as number) - lo;
  }
  return out;
}

/** Rows [a, b) of one chunk, every array copied, the buffers to transfer added to `transfer`. */
function rawChunk(c: ChunkLike, a: number, b: number, transfer: ArrayBuffer[]): RawArrowChunk {
  const { typeId, precision, bitWidth, unit } = c.type;
  let values: ArrayLike<number | bigint>;
  let valueOffsets: ArrayLike<number | bigint> | undefined;
  // The string columns' offsets are rebased when a chunk is cut.
  if (typeId === ARROW_UTF8 || typeId === ARROW_LARGE_UTF8) {
    // Offsets index the value bytes from 0: keep the bytes of rows [a, b) and shift the offsets down.
    const offsets = c.valueOffsets!;
    const lo = Number(offsets[a]);
    values = copyOf(c.values as Uint8Array, lo, Number(offsets[b]));
    valueOffsets = lo === 0 ? copyOf(offsets, a, b + 1) : shifted(offsets, a, b + 1, lo);
  } else {
    values = copyOf(c.values as Float64Array, a, b);
  }
  // The bitmap is read at `offset`: keep the bytes holding bits offset + a .. offset + b - 1.
  const bits = c.nullCount > 0 && c.nullBitmap ? c.nullBitmap : null;
  const nullBitmap = bits && copyOf(bits, (c.offset + a) >> 3, (c.offset + b + 7) >> 3);
  for (const array of [values, valueOffsets, nullBitmap]) {
    if (ArrayBuffer.isView(array)) transfer.push(array.buffer as ArrayBuffer);
  }
  return {
    type: { typeId, precision, bitWidth, unit },
    offset: nullBitmap ? (c.offset + a) & 7 : 0,
    length: b - a,
    nullCount: nullBitmap ? c.nullCount : 0,
    nullBitmap,
    values,
    ...(valueOffsets ? { valueOffsets } : {}),
  };
}

/** The Arrow columns of rows [start, end) of a batch, split into raw chunks and the rest (for toFrame here). */
export interface ArrowSplit {
  /** Column names in the order toFrame would give them. */
  readonly order: string[];
  readonly raw: [string, RawArrowChunk[]][];
  readonly rest: Set<string>;
  readonly transfer: ArrayBuffer[];
}

export function splitArrow(
  batch: ArrowTableLike,
  start: number,
  end: number,
  select: ReadonlySet<string> | undefined,
): ArrowSplit {
  const split: ArrowSplit = { order: [], raw: [], rest: new Set(), transfer: [] };
  const seen = new Set<string>();
  for (const { name } of batch.schema.fields) {
    if ((select && !select.has(name)) || seen.has(name)) continue;
    const vector = batch.getChild(name) as { readonly data?: readonly ChunkLike[] } | null;
    if (!vector) continue;
    seen.add(name);
    split.order.push(name);
    const chunks = vector.data ?? [];
    if (!readsArrowBuffers(chunks)) {
      split.rest.add(name);
      continue;
    }
    const out: RawArrowChunk[] = [];
    let at = 0;
    for (const c of chunks) {
      const a = Math.max(start, at) - at;
      const b = Math.min(end, at + c.length) - at;
      if (a < b) out.push(rawChunk(c, a, b, split.transfer));
      at += c.length;
    }
    if (out.length === 0) out.push(rawChunk(chunks[0]!, 0, 0, split.transfer)); // no rows: keep the type
    split.raw.push([name, out]);
  }
  return split;
}

/** Raw chunks as the Arrow table shape toFrame reads (in the worker). */
export function rawArrowTable(
  length: number,
  raw: readonly (readonly [string, readonly RawArrowChunk[]])[],
): ArrowTableLike {
  const byName = new Map(raw);
  return {
    numRows: length,
    schema: { fields: raw.map(([name]) => ({ name })) },
    getChild(name) {
      const data = byName.get(name);
      if (data === undefined) return null;
      return {
        length,
        data,
        get() {
          throw new Error(`column ${JSON.stringify(name)} came as Arrow buffers toFrame cannot read`);
        },
      };
    },
  };
}
