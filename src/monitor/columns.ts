// A window's profile, built a request at a time without building a Frame per request. The rule, written
// once:
//
// - Each observed value is classified once, by its JavaScript type, into a per-feature chunk of
//   preallocated storage: a Float64Array for numbers (and Dates, as epoch milliseconds), an array of
//   references for strings and booleans, and a one-byte tag saying which. Storing a value allocates
//   nothing. A value of any other type (an object, a bigint, a symbol, a function) is never kept: it is
//   recorded as "other", which is all a profile records of it.
// - When the chunk is full (CHUNK_ROWS rows), or when the window's profile is asked for, the chunk becomes
//   the columns core's toFrame would have built from the same rows (all numbers: numeric; all Dates:
//   numeric timestamps; all strings: strings; all booleans: booleans; otherwise mixed) and goes through
//   lockstep/stats' profiler. So a window's profile is the profile of its rows, the same counts as
//   `profile(rows)` exactly, and its sketches within their stated error (the stream is cut into chunks
//   at other places than `profile` cuts it, so the moments agree to rounding, not bit for bit), and it
//   merges with any other profile of the same sketch sizes.
// - Memory is the sketches' (bounded by their sizes) plus one chunk per feature (CHUNK_ROWS × 17 bytes),
//   however many requests the window holds.
import type { Column } from '../core/frame.js';
import { dateValue, isDate, makeFrame } from '../core/frame.js';
import type { ProfileArtifact } from '../stats/artifact.js';
import type { SketchSizes } from '../stats/feature.js';
import { createProfiler, type PiiOption, type Profiler } from '../stats/profile.js';

/** Rows a chunk holds before it is profiled. */
export const CHUNK_ROWS = 1024;

const MISSING = 0;
const NUMBER = 1;
const STRING = 2;
const BOOLEAN = 3;
const DATE = 4;
const OTHER = 5;

/** What stands for a value of another type in a mixed column: the profile counts it as `other`, as it would the value. */
const OTHER_VALUE: object = { toString: () => 'other' };

/** One feature's chunk. */
interface ChunkColumn {
  readonly name: string;
  readonly numbers: Float64Array;
  readonly tags: Uint8Array;
  readonly refs: (string | boolean | undefined)[];
}

/** A window's profile under construction: a profiler, and the chunk not yet given to it. */
export interface ProfileBuffer {
  readonly names: readonly string[];
  readonly columns: readonly ChunkColumn[];
  /** Rows in the chunk. */
  rows: number;
  readonly profiler: Profiler;
  /** PII features (profile's `pii` option): their profiles keep no raw value. */
  readonly pii: PiiOption | undefined;
}

/** A buffer for the features `names`, with sketches of `sizes` (and PII features profiled as such). */
export function createProfileBuffer(
  names: readonly string[],
  sizes: SketchSizes,
  pii?: PiiOption,
): ProfileBuffer {
  return {
    names,
    pii,
    columns: names.map((name) => ({
      name,
      numbers: new Float64Array(CHUNK_ROWS),
      tags: new Uint8Array(CHUNK_ROWS),
      refs: new Array<string | boolean | undefined>(CHUNK_ROWS).fill(undefined),
    })),
    rows: 0,
    profiler: createProfiler({ features: names, sketches: sizes, ...(pii === undefined ? {} : { pii }) }),
  };
}

/** A fresh profiler for the next window, reusing the chunk storage. */
export function resetProfileBuffer(buffer: ProfileBuffer, sizes: SketchSizes): ProfileBuffer {
  return {
    names: buffer.names,
    columns: buffer.columns,
    rows: 0,
    pii: buffer.pii,
    profiler: createProfiler({
      features: buffer.names,
      sketches: sizes,
      ...(buffer.pii === undefined ? {} : { pii: buffer.pii }),
    }),
  };
}

/** Stores `value` as row `row` of `column`'s chunk. O(1), no allocation. */
export function putValue(column: ChunkColumn, row: number, value: unknown): void {
  switch (typeof value) {
    case 'number':
      column.tags[row] = NUMBER;
      column.numbers[row] = value;
      return;
    case 'string':
      column.tags[row] = STRING;
      column.refs[row] = value;
      return;
    case 'boolean':
      column.tags[row] = BOOLEAN;
      column.refs[row] = value;
      return;
    case 'undefined':
      column.tags[row] = MISSING;
      return;
    case 'object':
      if (value === null) column.tags[row] = MISSING;
      else if (isDate(value)) {
        column.tags[row] = DATE;
        column.numbers[row] = dateValue(value);
      } else column.tags[row] = OTHER;
      return;
    default:
      column.tags[row] = OTHER;
  }
}

/** The column toFrame would have built from the chunk's first `n` values. */
function chunkColumn(c: ChunkColumn, n: number): Column {
  let seen = 0;
  let missing = 0;
  const tags = c.tags;
  for (let i = 0; i < n; i++) {
    const tag = tags[i]!;
    if (tag === MISSING) missing++;
    else seen |= 1 << tag;
  }
  const valid = (want: number): Uint8Array | undefined => {
    if (missing === 0) return undefined;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = tags[i] === want ? 1 : 0;
    return out;
  };
  if (seen === 1 << NUMBER) return { kind: 'numeric', values: c.numbers.slice(0, n), valid: valid(NUMBER) };
  if (seen === 1 << DATE)
    return { kind: 'numeric', values: c.numbers.slice(0, n), valid: valid(DATE), logical: 'timestamp' };
  if (seen === 1 << BOOLEAN) {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) values[i] = c.refs[i] === true ? 1 : 0;
    return { kind: 'boolean', values, valid: valid(BOOLEAN) };
  }
  if (seen === 1 << STRING || seen === 0) {
    const values = new Array<string | undefined>(n);
    for (let i = 0; i < n; i++) values[i] = tags[i] === STRING ? (c.refs[i] as string) : undefined;
    return seen === 0 ? { kind: 'mixed', values } : { kind: 'string', values };
  }
  // Mixed types: as toFrame, each value as it came (a Date among other types is an object there).
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const tag = tags[i]!;
    values[i] =
      tag === NUMBER
        ? c.numbers[i]
        : tag === STRING || tag === BOOLEAN
          ? c.refs[i]
          : tag === MISSING
            ? undefined
            : OTHER_VALUE;
  }
  return { kind: 'mixed', values };
}

/** Profiles the chunk and empties it. O(rows × features). */
export function flushBuffer(buffer: ProfileBuffer): void {
  const n = buffer.rows;
  if (n === 0) return;
  const columns = new Map<string, Column>();
  for (const c of buffer.columns) columns.set(c.name, chunkColumn(c, n));
  buffer.profiler.update(makeFrame(n, columns));
  for (const c of buffer.columns) c.refs.fill(undefined, 0, n);
  buffer.rows = 0;
}

/** The profile of every row stored so far (the buffer can keep going). */
export function bufferProfile(buffer: ProfileBuffer): ProfileArtifact {
  flushBuffer(buffer);
  return buffer.profiler.result();
}
