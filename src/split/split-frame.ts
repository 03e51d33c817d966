import { checkString, checkStrings, readOptions } from '../core/check.js';
import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import {
  type Column,
  dateValue,
  type Frame,
  type FrameInput,
  frameOf,
  isDate,
  rowAt,
  takeRows,
  valueAt,
} from '../core/frame.js';
import { saltSeed, unitOf } from '../core/hash-key.js';
import { countAtMost } from '../core/search.js';
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

/**
 * Why a split refused its data, in the `issues` of the error it throws. `MISSING_KEY` and `MISSING_TIME`
 * (error code `MISSING_KEY`): `count` rows have no key or no valid time, the first of them at `rows`;
 * `INVALID_KEY` (error code `INVALID_DATA`): the key of `row` is not a string, a finite number, a bigint
 * or bytes. `feature` is the key or time column, where the key is one.
 */
export interface SplitIssue extends Finding<'MISSING_KEY' | 'MISSING_TIME' | 'INVALID_KEY'> {
  readonly count?: number;
  readonly rows?: readonly number[];
  readonly row?: number;
  readonly received?: string;
}

const NO_SPLIT = -1;

// Known option keys (module-level literals: nothing runs at import).
const SPLIT_KEYS: readonly ('key' | 'splits' | 'salt' | 'missingKey')[] = [
  'key',
  'splits',
  'salt',
  'missingKey',
];
const TIME_KEYS: readonly ('column' | 'boundaries' | 'names' | 'missingTime')[] = [
  'column',
  'boundaries',
  'names',
  'missingTime',
];
const POLICY_KEYS: readonly 'split'[] = ['split'];

/** Most boundaries splitByTime takes (each one a split). */
export const MAX_BOUNDARIES = 4096;

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
  if (options === undefined) {
    throw invalidArgument(fn, 'options', "must be an object with 'key' and 'splits'", options);
  }
  const o = readOptions(fn, options, SPLIT_KEYS);
  const weights = compileWeights(o.splits, fn, 'options.splits');
  const seed = o.salt === undefined ? 0 : saltSeed(o.salt, fn);
  const missing = checkMissingPolicy(o.missingKey, fn, 'options.missingKey');
  const key = o.key;
  if (typeof key === 'string') checkString(fn, 'options.key', key);
  else if (typeof key !== 'function') {
    throw invalidArgument(fn, 'options.key', 'must be a column name or a function of the row', key);
  }
  const frame = frameOf(data, fn);
  const n = frame.length;
  const assignment = new Int32Array(n);
  const feature = typeof key === 'string' ? key : undefined;

  if (typeof key === 'string') {
    const column = frame.columns.get(key);
    if (!column) {
      if (n === 0)
        return {
          frame,
          indices: collect(
            assignment,
            weights.names,
            missing,
            fn,
            keyPhrase(key),
            'missingKey',
            'MISSING_KEY',
            feature,
          ),
        };
      throw invalidArgument(fn, 'options.key', `must name a column of 'data' (${listNames(frame)})`, key);
    }
    assignFromColumn(column, n, seed, weights, assignment, fn, key);
  } else {
    const select = key as (row: Readonly<Record<string, unknown>>, index: number) => unknown;
    const rows = Array.isArray(data) ? (data as readonly unknown[]) : undefined;
    for (let i = 0; i < n; i++) {
      const value = select(rows ? rowOf(rows, i, fn) : rowAt(frame, i), i);
      assignment[i] = isMissing(value) ? NO_SPLIT : pickIndex(weights, unitOf(keyAt(value, fn, i), seed));
    }
  }
  return {
    frame,
    indices: collect(
      assignment,
      weights.names,
      missing,
      fn,
      keyPhrase(key),
      'missingKey',
      'MISSING_KEY',
      feature,
    ),
  };
}

/** Row i of the caller's own array (already read once by toFrame), for the key function. */
function rowOf(rows: readonly unknown[], i: number, fn: string): Record<string, unknown> {
  try {
    return rows[i] as Record<string, unknown>;
  } catch {
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: row ${i} of 'data' could not be read again (a getter or Proxy threw)`,
      {
        fn,
        arg: 'data',
      },
    );
  }
}

function keyPhrase(key: unknown): string {
  return typeof key === 'string' ? `no key in column ${describe(key)}` : 'no key from options.key';
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value));
}

/** A key as the text (or bytes) it hashes as, by the rule of core/hash-key.ts; INVALID_DATA for others. */
function keyAt(value: unknown, fn: string, row: number, feature?: string): string | Uint8Array {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (Number.isFinite(value)) return String(value);
      break;
    case 'bigint':
      return String(value);
    default:
      if (ArrayBuffer.isView(value) && value instanceof Uint8Array) return value;
  }
  const message = `the key of row ${row} must be a string, a finite number or a bigint, got ${describe(value)}`;
  const issue: SplitIssue = {
    code: 'INVALID_KEY',
    severity: 'error',
    message,
    ...(feature === undefined ? {} : { feature }),
    row,
    received: describe(value),
  };
  throw new LockstepError('INVALID_DATA', `${fn}: ${message}`, { fn, arg: 'data', issues: [issue] });
}

function assignFromColumn(
  column: Column,
  n: number,
  seed: number,
  weights: ReturnType<typeof compileWeights>,
  out: Int32Array,
  fn: string,
  feature: string,
): void {
  switch (column.kind) {
    case 'numeric': {
      const { values, valid } = column;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        out[i] =
          (valid && valid[i] === 0) || Number.isNaN(v)
            ? NO_SPLIT
            : pickIndex(weights, unitOf(keyAt(v, fn, i, feature), seed));
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
        out[i] = isMissing(v) ? NO_SPLIT : pickIndex(weights, unitOf(keyAt(v, fn, i, feature), seed));
      }
    }
  }
}

function checkMissingPolicy(policy: unknown, fn: string, arg: string): MissingPolicy {
  if (policy === undefined || policy === 'error') return 'error';
  if (typeof policy === 'object' && policy !== null && !Array.isArray(policy)) {
    const p = readOptions(fn, policy, POLICY_KEYS, arg);
    return { split: checkString(fn, `${arg}.split`, p.split) };
  }
  throw invalidArgument(fn, arg, "must be 'error' or { split: name }", policy);
}

function listNames(frame: Frame): string {
  const shown = frame.names.slice(0, 10).map((n) => describe(n));
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
  code: 'MISSING_KEY' | 'MISSING_TIME',
  feature: string | undefined,
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
    const message = `${missingCount} of ${assignment.length} rows of 'data' have ${problem}, first at rows ${missingRows.join(', ')}; pass ${option}: { split: 'name' } to keep them in a split of their own`;
    const issue: SplitIssue = {
      code,
      severity: 'error',
      message,
      ...(feature === undefined ? {} : { feature }),
      count: missingCount,
      rows: missingRows,
    };
    throw new LockstepError('MISSING_KEY', `${fn}: ${message}`, { fn, arg: 'data', issues: [issue] });
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
  if (isDate(point)) return dateValue(point);
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
  if (options === undefined) {
    throw invalidArgument(fn, 'options', "must be an object with 'column' and 'boundaries'", options);
  }
  const o = readOptions(fn, options, TIME_KEYS);
  const columnName = checkString(fn, 'options.column', o.column);
  const boundaries = readList(fn, 'options.boundaries', o.boundaries, MAX_BOUNDARIES, 'times');
  if (boundaries.length === 0) {
    throw invalidArgument(fn, 'options.boundaries', 'must be a non-empty array of times', o.boundaries);
  }
  const cuts = new Float64Array(boundaries.length);
  for (let i = 0; i < cuts.length; i++) {
    cuts[i] = toTime(boundaries[i]);
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
  const given =
    o.names === undefined ? defaults : readList(fn, 'options.names', o.names, MAX_BOUNDARIES + 1, 'names');
  const mustBe = `must be ${cuts.length + 1} distinct split names (one more than the boundaries)`;
  if (given === undefined || given.length !== cuts.length + 1)
    throw invalidArgument(fn, 'options.names', mustBe, o.names);
  let names: readonly string[];
  try {
    names = checkStrings(fn, 'options.names', given);
  } catch {
    throw invalidArgument(fn, 'options.names', mustBe, o.names);
  }
  const missing = checkMissingPolicy(o.missingTime, fn, 'options.missingTime');
  const frame = frameOf(data, fn);
  const column = frame.columns.get(columnName);
  if (!column && frame.length > 0) {
    throw invalidArgument(
      fn,
      'options.column',
      `must name a column of 'data' (${listNames(frame)})`,
      columnName,
    );
  }
  const times = column ? timesOf(column, frame.length) : new Float64Array(0);
  const assignment = new Int32Array(frame.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    // Split s holds [cuts[s-1], cuts[s]): the number of cuts at most t.
    assignment[i] = Number.isNaN(t) ? NO_SPLIT : countAtMost(cuts, t);
  }
  const indices = collect(
    assignment,
    names,
    missing,
    fn,
    `no valid time in column ${describe(columnName)}`,
    'missingTime',
    'MISSING_TIME',
    columnName,
  );
  return mapSplits(indices, (rows) => takeRows(frame, rows)) as Record<S | M, Frame>;
}

/** A copy of an array argument of at most `max` items, read once (a Proxy or getter that throws is refused). */
function readList(fn: string, arg: string, v: unknown, max: number, what: string): readonly unknown[] {
  if (!Array.isArray(v)) throw invalidArgument(fn, arg, `must be an array of ${what}`, v);
  let copy: unknown[];
  try {
    const n = v.length;
    if (!Number.isSafeInteger(n) || n > max) {
      throw invalidArgument(fn, arg, `must hold at most ${max} ${what}, got ${describe(n)}`);
    }
    copy = new Array<unknown>(n);
    for (let i = 0; i < n; i++) copy[i] = v[i];
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    throw invalidArgument(fn, arg, 'must be readable (a getter or Proxy threw)');
  }
  return copy;
}
