import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import {
  type Column,
  type Frame,
  type FrameInput,
  frameOf,
  isDate,
  rowAt,
  takeRows,
  valueAt,
} from '../core/frame.js';
import { keyText, saltSeed, unitOf } from '../core/hash-key.js';
import { parseTimestamp } from '../core/timestamp.js';
import { compileWeights, pickIndex, type SplitWeights } from '../core/weights.js';

/** What to do with rows whose key (or timestamp) is missing: throw (default), or put them in a named split. */
export type MissingPolicy<M extends string = string> = 'error' | { readonly split: M };

/** A row's key: a column name, or a function of the row (and its index) returning the key. */
export type KeySelector = string | ((row: Readonly<Record<string, unknown>>, index: number) => unknown);

export interface SplitOptions<S extends string, M extends string = never> {
  /** The grouping key: every row with the same key lands in the same split (a user, a session, a route). */
  readonly key: KeySelector;
  /** Split names and weights in declared order, summing to 1. */
  readonly splits: SplitWeights<S>;
  /** Names this split; change it to draw a new, independent split. Default `''`. */
  readonly salt?: string;
  /** Rows with no key (missing, null, NaN): `'error'` (default) or `{ split: name }`. Never dropped. */
  readonly missingKey?: MissingPolicy<M>;
}

/** Row indices per split, in input order. */
export type SplitIndices<S extends string> = Record<S, Uint32Array>;

const NO_SPLIT = -1;

/**
 * Row indices of each split, for data the caller keeps in its own arrays or tensors. Same rules as
 * {@link splitFrame}. O(rows × key length).
 * @example splitIndices(rows, { key: 'user', splits: { train: 0.9, test: 0.1 } }) // => { train: Uint32Array [...], test: Uint32Array [...] }
 * @throws LockstepError as splitFrame.
 */
export function splitIndices<S extends string, M extends string = never>(
  data: FrameInput,
  options: SplitOptions<S, M>,
): SplitIndices<S | M> {
  return assignByKey(data, options, 'splitIndices').indices as SplitIndices<S | M>;
}

/**
 * Splits data into one Frame per split by a stable key: a row's split is `assignSplit(key, splits,
 * { salt })`, so every row sharing a key lands in the same split, on every run and every machine. Zero
 * weights give empty Frames. Rows with a missing key throw `MISSING_KEY` (listing them) unless
 * `missingKey: { split }` names a split for them. Every input row is in exactly one output Frame.
 * O(rows × (key length + columns)).
 * @example splitFrame(rows, { key: 'user', splits: { train: 0.8, eval: 0.1, test: 0.1 }, salt: 'v1' })
 *   // => { train: Frame, eval: Frame, test: Frame }
 * @throws LockstepError `INVALID_ARGUMENT` for bad weights, salt or key column; `MISSING_KEY` for rows
 *   without a key under the default policy; `INVALID_DATA` for a key that is not a string or number.
 */
export function splitFrame<S extends string, M extends string = never>(
  data: FrameInput,
  options: SplitOptions<S, M>,
): Record<S | M, Frame> {
  const { frame, indices } = assignByKey(data, options, 'splitFrame');
  return mapSplits(indices, (rows) => takeRows(frame, rows)) as Record<S | M, Frame>;
}

function mapSplits<T>(indices: Record<string, Uint32Array>, f: (rows: Uint32Array) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(indices).map(([name, rows]) => [name, f(rows)]));
}

function assignByKey(
  data: FrameInput,
  options: SplitOptions<string, string>,
  fn: string,
): { frame: Frame; indices: Record<string, Uint32Array> } {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(fn, 'options', 'must be an object', options);
  const weights = compileWeights(options.splits, fn, 'options.splits');
  const seed = saltSeed(options.salt ?? '', fn);
  const missing = checkMissingPolicy(options.missingKey, fn, 'options.missingKey');
  const frame = frameOf(data, fn);
  const n = frame.length;
  const assignment = new Int32Array(n);
  const { key } = options;

  if (typeof key === 'string') {
    const column = frame.columns.get(key);
    if (!column) {
      if (n === 0)
        return {
          frame,
          indices: collect(assignment, weights.names, missing, fn, keyPhrase(key), 'missingKey'),
        };
      throw invalidArgument(fn, 'options.key', `must name a column of 'data' (${listNames(frame)})`, key);
    }
    assignFromColumn(column, n, seed, weights, assignment, fn);
  } else if (typeof key === 'function') {
    const rows = Array.isArray(data) ? data : undefined;
    for (let i = 0; i < n; i++) {
      const value = key(rows ? (rows[i] as Record<string, unknown>) : rowAt(frame, i), i);
      assignment[i] = isMissing(value) ? NO_SPLIT : pickIndex(weights, unitOf(keyAt(value, fn, i), seed));
    }
  } else {
    throw invalidArgument(fn, 'options.key', 'must be a column name or a function of the row', key);
  }
  return { frame, indices: collect(assignment, weights.names, missing, fn, keyPhrase(key), 'missingKey') };
}

function keyPhrase(key: KeySelector): string {
  return typeof key === 'string' ? `no key in column ${JSON.stringify(key)}` : 'no key from options.key';
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value));
}

function keyAt(value: unknown, fn: string, row: number): string | Uint8Array {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'bigint' || value instanceof Uint8Array) {
    return keyText(value, fn, `key of row ${row}`);
  }
  throw new LockstepError(
    'INVALID_DATA',
    `${fn}: the key of row ${row} must be a string, a finite number or a bigint, got ${describe(value)}`,
    [{ row, value }],
  );
}

function assignFromColumn(
  column: Column,
  n: number,
  seed: number,
  weights: ReturnType<typeof compileWeights>,
  out: Int32Array,
  fn: string,
): void {
  switch (column.kind) {
    case 'numeric': {
      const { values, valid } = column;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        out[i] =
          (valid && valid[i] === 0) || Number.isNaN(v)
            ? NO_SPLIT
            : pickIndex(weights, unitOf(keyText(v, fn, `key of row ${i}`), seed));
      }
      return;
    }
    case 'dictionary': {
      // Hash each dictionary entry once.
      const picks = column.dictionary.map((entry) => pickIndex(weights, unitOf(entry, seed)));
      for (let i = 0; i < n; i++) {
        const code = column.codes[i]!;
        out[i] = code < 0 ? NO_SPLIT : picks[code]!;
      }
      return;
    }
    case 'boolean': {
      const picks = [pickIndex(weights, unitOf('false', seed)), pickIndex(weights, unitOf('true', seed))];
      for (let i = 0; i < n; i++)
        out[i] = column.valid && column.valid[i] === 0 ? NO_SPLIT : picks[column.values[i]!]!;
      return;
    }
    default: {
      const { values } = column;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        out[i] = isMissing(v) ? NO_SPLIT : pickIndex(weights, unitOf(keyAt(v, fn, i), seed));
      }
    }
  }
}

function checkMissingPolicy(policy: unknown, fn: string, arg: string): MissingPolicy {
  if (policy === undefined || policy === 'error') return 'error';
  if (
    typeof policy === 'object' &&
    policy !== null &&
    typeof (policy as { split?: unknown }).split === 'string'
  ) {
    return policy as { split: string };
  }
  throw invalidArgument(fn, arg, "must be 'error' or { split: name }", policy);
}

function listNames(frame: Frame): string {
  const shown = frame.names.slice(0, 10).map((n) => JSON.stringify(n));
  if (frame.names.length === 0) return 'it has no columns';
  return `columns: ${shown.join(', ')}${frame.names.length > 10 ? ', ...' : ''}`;
}

const EXAMPLES = 10;

/** Turns per-row split numbers into index arrays, applying the missing policy to NO_SPLIT rows. */
function collect(
  assignment: Int32Array,
  names: readonly string[],
  missing: MissingPolicy,
  fn: string,
  problem: string,
  option: string,
): Record<string, Uint32Array> {
  const all = missing === 'error' || names.includes(missing.split) ? [...names] : [...names, missing.split];
  const missingIndex = missing === 'error' ? NO_SPLIT : all.indexOf(missing.split);
  const counts = new Uint32Array(all.length);
  const missingRows: number[] = [];
  let missingCount = 0;
  for (let i = 0; i < assignment.length; i++) {
    let s = assignment[i]!;
    if (s === NO_SPLIT) {
      missingCount++;
      if (missingIndex === NO_SPLIT) {
        if (missingRows.length < EXAMPLES) missingRows.push(i);
        continue;
      }
      s = assignment[i] = missingIndex;
    }
    counts[s]!++;
  }
  if (missingIndex === NO_SPLIT && missingCount > 0) {
    throw new LockstepError(
      'MISSING_KEY',
      `${fn}: ${missingCount} of ${assignment.length} rows of 'data' have ${problem}, first at rows ${missingRows.join(', ')}; pass ${option}: { split: 'name' } to keep them in a split of their own`,
      [{ code: 'MISSING_KEY', count: missingCount, rows: missingRows }],
    );
  }
  const out = all.map((_, s) => new Uint32Array(counts[s]!));
  const fill = new Uint32Array(all.length);
  for (let i = 0; i < assignment.length; i++) {
    const s = assignment[i]!;
    out[s]![fill[s]!++] = i;
  }
  return Object.fromEntries(all.map((name, s) => [name, out[s]!]));
}

/** A point in time: epoch milliseconds, a Date, or an ISO-8601 string (UTC unless it has an offset). */
export type TimePoint = number | Date | string;

export interface SplitByTimeOptions<S extends string, M extends string = never> {
  /** The time column: numbers (epoch ms or any ordered number), Dates, or ISO-8601 strings. */
  readonly column: string;
  /** Strictly increasing cut points; split i holds times in [boundaries[i-1], boundaries[i]). */
  readonly boundaries: readonly TimePoint[];
  /** One name per split: boundaries.length + 1 of them. Default ['train', 'test'] or ['train', 'eval', 'test']. */
  readonly names?: readonly S[];
  /** Rows with a missing or unparseable time: `'error'` (default) or `{ split: name }`. */
  readonly missingTime?: MissingPolicy<M>;
}

/** Each row's time in epoch ms (or the column's own numbers); NaN where missing or unparseable. */
function timesOf(column: Column, n: number): Float64Array {
  const out = new Float64Array(n);
  const cache = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = valueAt(column, i);
    if (typeof v !== 'string') out[i] = v === undefined ? Number.NaN : toTime(v);
    else {
      let t = cache.get(v);
      if (t === undefined) cache.set(v, (t = parseTimestamp(v)));
      out[i] = t;
    }
  }
  return out;
}

function toTime(point: unknown): number {
  if (typeof point === 'number') return point;
  if (typeof point === 'string') return parseTimestamp(point);
  if (isDate(point)) return point.getTime();
  return Number.NaN;
}

/**
 * Splits data by time: with boundaries [b1, b2], split 0 holds rows with time < b1, split 1 those in
 * [b1, b2), split 2 those ≥ b2. Strings are read as ISO-8601 in UTC unless they carry an offset, so the
 * split never depends on the machine's time zone. Rows whose time is missing or unparseable are never
 * dropped: `missingTime` sends them to a named split, or (default) the call throws, listing them.
 * O(rows × (log boundaries + columns)).
 * @example splitByTime(rows, { column: 'date', boundaries: ['2001-03-01', '2001-04-01'] })
 *   // => { train: Frame (before March), eval: Frame (March), test: Frame (April on) }
 * @throws LockstepError `INVALID_ARGUMENT` for unordered boundaries or a wrong number of names;
 *   `MISSING_KEY` for rows without a time under the default policy.
 */
export function splitByTime<S extends string = 'train' | 'eval' | 'test', M extends string = never>(
  data: FrameInput,
  options: SplitByTimeOptions<S, M>,
): Record<S | M, Frame> {
  const fn = 'splitByTime';
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(fn, 'options', 'must be an object', options);
  const { boundaries } = options;
  if (!Array.isArray(boundaries) || boundaries.length === 0) {
    throw invalidArgument(fn, 'options.boundaries', 'must be a non-empty array of times', boundaries);
  }
  const cuts = boundaries.map(toTime);
  for (let i = 0; i < cuts.length; i++) {
    if (Number.isNaN(cuts[i]!)) {
      throw invalidArgument(
        fn,
        `options.boundaries[${i}]`,
        'must be a number, a Date or an ISO-8601 string',
        boundaries[i],
      );
    }
    if (i > 0 && !(cuts[i]! > cuts[i - 1]!)) {
      throw invalidArgument(fn, 'options.boundaries', 'must be strictly increasing', boundaries);
    }
  }
  const defaults =
    cuts.length === 1 ? ['train', 'test'] : cuts.length === 2 ? ['train', 'eval', 'test'] : undefined;
  const names = (options.names ?? defaults) as readonly string[] | undefined;
  if (!Array.isArray(names) || names.length !== cuts.length + 1 || new Set(names).size !== names.length) {
    throw invalidArgument(
      fn,
      'options.names',
      `must be ${cuts.length + 1} distinct split names (one more than the boundaries)`,
      names,
    );
  }
  const missing = checkMissingPolicy(options.missingTime, fn, 'options.missingTime');
  const frame = frameOf(data, fn);
  const column = frame.columns.get(options.column);
  if (!column && frame.length > 0) {
    throw invalidArgument(
      fn,
      'options.column',
      `must name a column of 'data' (${listNames(frame)})`,
      options.column,
    );
  }
  const times = column ? timesOf(column, frame.length) : new Float64Array(0);
  const assignment = new Int32Array(frame.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    let s = 0;
    while (s < cuts.length && t >= cuts[s]!) s++;
    assignment[i] = Number.isNaN(t) ? NO_SPLIT : s;
  }
  const indices = collect(
    assignment,
    names,
    missing,
    fn,
    `no valid time in column ${JSON.stringify(options.column)}`,
    'missingTime',
  );
  return mapSplits(indices, (rows) => takeRows(frame, rows)) as Record<S | M, Frame>;
}
