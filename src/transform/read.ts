// Reading inputs into a chunk of scratch space: numbers, texts, times and lists, from a Frame column (the
// batch path) or from one row's value (the request path). Both paths convert a value by the same rules,
// so a row and a batch give the transform the same numbers.
import { type Column, dateValue, isDate, valueAt } from '../core/frame.js';
import { parseTimestamp } from '../core/timestamp.js';
import type { Tokenizer } from './steps/tokenize.js';

/** Rows a kernel handles at a time: scratch space stays in cache, and memory stays bounded. */
export const CHUNK = 1024;

/** One chunk of a feature's values on their way through its chain. */
export interface Scratch {
  /** Numbers, times (epoch ms), or indices once an index step has run. */
  readonly x: Float64Array;
  /** 1 where the input was missing (null, undefined, absent, NaN), even after impute filled it. */
  readonly miss: Uint8Array;
  /** 1 where a category fell outside the vocabulary. */
  readonly oov: Uint8Array;
  /** Category texts (undefined when missing). */
  readonly text: (string | undefined)[];
  /** List values for multiHot (undefined when missing). */
  readonly lists: (readonly unknown[] | undefined)[];
  /**
   * The tokenizer of each key id the transform's tokenize steps name, filled from the host's keys by the
   * call that runs the chain (fit, apply, applyBatch) before it runs it; the keys are never kept elsewhere.
   */
  readonly tokenizers: Map<string, Tokenizer>;
}

export function createScratch(): Scratch {
  return {
    x: new Float64Array(CHUNK),
    miss: new Uint8Array(CHUNK),
    oov: new Uint8Array(CHUNK),
    text: new Array(CHUNK).fill(undefined),
    lists: new Array(CHUNK).fill(undefined),
    tokenizers: new Map(),
  };
}

/**
 * Stable codes of the values a transform cannot encode (or fit): `MISSING_VALUE`, a missing value with no
 * rule for it; `INVALID_VALUE`, a value of the wrong type, an impossible date, log1p's input at or below
 * −1, or an infinity while fitting; `OUT_OF_VOCABULARY`, a category outside a vocabulary with no OOV
 * buckets.
 */
export type BatchIssueCode = 'MISSING_VALUE' | 'INVALID_VALUE' | 'OUT_OF_VOCABULARY';

/** Reports a value the chain cannot encode, at chunk position i: its code, the problem, the value. */
export type Fail = (i: number, code: BatchIssueCode, problem: string, value?: unknown) => void;

/** Longest list a multiHot cell may hold: a longer one is an INVALID_VALUE, never a long loop. */
export const MAX_LIST = 1 << 16;

/** What a conversion returns for a value of the wrong type: the one object it returns (test with `typeof x === 'object'`). */
const BAD: { readonly bad: true } = { bad: true };

/** A value as a number: NaN when missing; booleans are 0 and 1, bigints their nearest number. */
export function toNumber(v: unknown): number | typeof BAD {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return BAD;
}

/** A value as a category: strings as they are, finite numbers, booleans and bigints as their text. */
export function toText(v: unknown): string | undefined | typeof BAD {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : Number.isFinite(v) ? String(v) : BAD;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return BAD;
}

/** A value as epoch milliseconds: numbers as they are, Dates, ISO-8601 strings (UTC unless an offset). */
export function toTime(v: unknown): number | typeof BAD {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return Number.NaN;
  // The Date's internal slot, as toFrame reads it: no getter, Proxy trap or overridden getTime runs.
  if (isDate(v)) return dateValue(v);
  if (typeof v === 'string') {
    const t = parseTimestamp(v);
    return Number.isNaN(t) ? BAD : t;
  }
  return BAD;
}

function storeNumber(s: Scratch, i: number, v: number | typeof BAD, fail: Fail, raw: unknown, what: string) {
  if (typeof v === 'object') {
    fail(i, 'INVALID_VALUE', `must be ${what}`, raw);
    s.x[i] = Number.NaN;
    s.miss[i] = 1;
    return;
  }
  s.x[i] = v;
  s.miss[i] = Number.isNaN(v) ? 1 : 0;
}

/** One row's value into position 0, read as a number (`time` for epoch ms). */
export function readValue(s: Scratch, kind: 'number' | 'time', v: unknown, fail: Fail): void {
  if (kind === 'number') storeNumber(s, 0, toNumber(v), fail, v, 'a number');
  else storeNumber(s, 0, toTime(v), fail, v, 'a date-time (epoch ms, Date or ISO-8601 string)');
}

/** Rows [start, start + n) of a column into the scratch, read as numbers (or times). */
export function readNumbers(
  s: Scratch,
  kind: 'number' | 'time',
  column: Column | undefined,
  start: number,
  n: number,
  fail: Fail,
): void {
  const { x, miss } = s;
  if (column === undefined) {
    x.fill(Number.NaN, 0, n);
    miss.fill(1, 0, n);
    return;
  }
  switch (column.kind) {
    case 'numeric': {
      const { values, valid } = column;
      for (let i = 0; i < n; i++) {
        const v = values[start + i]!;
        x[i] = v;
        miss[i] = Number.isNaN(v) || (valid !== undefined && valid[start + i] === 0) ? 1 : 0;
      }
      return;
    }
    case 'boolean':
      if (kind === 'number') {
        const { values, valid } = column;
        for (let i = 0; i < n; i++) {
          x[i] = values[start + i]!;
          miss[i] = valid !== undefined && valid[start + i] === 0 ? 1 : 0;
        }
        return;
      }
      break;
    case 'dictionary': {
      const { codes, dictionary } = column;
      for (let i = 0; i < n; i++) {
        const code = codes[start + i]!;
        readOne(s, kind, i, code < 0 ? undefined : dictionary[code], fail);
      }
      return;
    }
  }
  const values = (column as { values: ArrayLike<unknown> }).values;
  for (let i = 0; i < n; i++) readOne(s, kind, i, values[start + i], fail);
}

function readOne(s: Scratch, kind: 'number' | 'time', i: number, v: unknown, fail: Fail) {
  if (kind === 'number') storeNumber(s, i, toNumber(v), fail, v, 'a number');
  else storeNumber(s, i, toTime(v), fail, v, 'a date-time (epoch ms, Date or ISO-8601 string)');
}

function storeText(s: Scratch, i: number, v: unknown, fail: Fail) {
  const t = toText(v);
  if (typeof t === 'object') {
    fail(i, 'INVALID_VALUE', 'must be a category (a string, a finite number or a boolean)', v);
    s.text[i] = undefined;
  } else s.text[i] = t;
}

/** One row's value into position 0, read as a category. */
export function readTextValue(s: Scratch, v: unknown, fail: Fail): void {
  storeText(s, 0, v, fail);
}

/** Rows [start, start + n) of a column into the scratch, read as categories. */
export function readTexts(
  s: Scratch,
  column: Column | undefined,
  start: number,
  n: number,
  fail: Fail,
): void {
  const { text } = s;
  if (column === undefined) {
    text.fill(undefined, 0, n);
    return;
  }
  switch (column.kind) {
    case 'string': {
      const { values } = column;
      for (let i = 0; i < n; i++) text[i] = values[start + i];
      return;
    }
    case 'dictionary': {
      const { codes, dictionary } = column;
      for (let i = 0; i < n; i++) {
        const code = codes[start + i]!;
        text[i] = code < 0 ? undefined : dictionary[code];
      }
      return;
    }
    case 'numeric': {
      const { values, valid } = column;
      for (let i = 0; i < n; i++) {
        const missing = valid !== undefined && valid[start + i] === 0;
        storeText(s, i, missing ? undefined : values[start + i], fail);
      }
      return;
    }
    case 'boolean': {
      const { values, valid } = column;
      for (let i = 0; i < n; i++) {
        const missing = valid !== undefined && valid[start + i] === 0;
        text[i] = missing ? undefined : values[start + i] === 1 ? 'true' : 'false';
      }
      return;
    }
    default: {
      const { values } = column;
      for (let i = 0; i < n; i++) storeText(s, i, values[start + i], fail);
    }
  }
}

/** An Arrow list cell: apache-arrow gives it as a Vector, which `toArray()` turns into values. */
function isArrowVector(v: unknown): v is { toArray(): ArrayLike<unknown> } {
  return typeof v === 'object' && v !== null && typeof (v as { toArray?: unknown }).toArray === 'function';
}

/**
 * A list cell, copied into a plain array of at most MAX_LIST values: the kernel then iterates an array it
 * owns, so a Proxy, a throwing getter or a sparse array of 2^32 − 1 holes is one INVALID_VALUE, never a
 * TypeError or a hang.
 */
function storeList(s: Scratch, i: number, v: unknown, fail: Fail) {
  s.lists[i] = undefined;
  if (v === null || v === undefined) return;
  let problem = 'must be an array of categories';
  try {
    const values = Array.isArray(v) ? v : isArrowVector(v) ? v.toArray() : undefined;
    if (values !== undefined) {
      const n = values.length;
      if (typeof n === 'number' && n >= 0 && n <= MAX_LIST) {
        const list = new Array<unknown>(n);
        for (let k = 0; k < n; k++) list[k] = values[k];
        s.lists[i] = list;
        return;
      }
      problem = `must hold at most ${MAX_LIST} categories`;
    }
  } catch {
    problem = 'could not be read (a getter or Proxy threw)';
  }
  fail(i, 'INVALID_VALUE', problem, v);
}

/** One row's value into position 0, read as a list (missing is an empty list). */
export function readListValue(s: Scratch, v: unknown, fail: Fail): void {
  storeList(s, 0, v, fail);
}

/** Rows [start, start + n) of a column into the scratch, read as lists. */
export function readLists(
  s: Scratch,
  column: Column | undefined,
  start: number,
  n: number,
  fail: Fail,
): void {
  for (let i = 0; i < n; i++)
    storeList(s, i, column === undefined ? undefined : valueAt(column, start + i), fail);
}
