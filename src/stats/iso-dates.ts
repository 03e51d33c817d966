// ISO-8601 date strings profiled as timestamps. Data read from JSON carries dates as text, and a column of
// "2026-01-05" strings profiled as categories would "drift" on every comparison, as each day is a new
// category. The rule, applied by `profile` and `profiler.update` to each batch's string columns (read as
// 'auto', the default):
//
//   A string column whose every present value in the batch is an ISO-8601 date `YYYY-MM-DD` or date-time
//   `YYYY-MM-DDThh:mm[:ss[.fraction]][Z|±hh[:mm]]` (a space may stand for the `T`) is read as timestamps:
//   epoch milliseconds, as Date columns are, without an offset read as UTC (core's parseTimestamp).
//
// Strict on purpose, so ordinary categories are not misread: four-digit years and two-digit months, days,
// hours and minutes, dashes (not slashes), nothing before or after, real calendar dates. One value that is
// not such a date keeps the whole column categorical. The check of the first present value is a handful of
// character comparisons, so ordinary string columns cost nothing measurable; only a column that starts with
// a date is parsed. `types: { name: 'categorical' }` keeps a feature's dates as text.
import type { Column, NumericColumn } from '../core/frame.js';
import { parseTimestamp } from '../core/timestamp.js';

/** The longest strict ISO-8601 text read: 2026-01-05T10:00:00.123456789+02:00. */
const MAX_LENGTH = 35;
/** Distinct texts remembered per column and batch, so repeated dates are parsed once. */
const CACHE = 1 << 16;

function digit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** The cheap test: `YYYY-MM-DD` at the start and a plausible length. A few comparisons, no allocation. */
export function looksLikeIsoDate(text: string): boolean {
  const n = text.length;
  return (
    n >= 10 &&
    n <= MAX_LENGTH &&
    digit(text, 0) &&
    digit(text, 1) &&
    digit(text, 2) &&
    digit(text, 3) &&
    text.charCodeAt(4) === 45 &&
    digit(text, 5) &&
    digit(text, 6) &&
    text.charCodeAt(7) === 45 &&
    digit(text, 8) &&
    digit(text, 9)
  );
}

/**
 * Epoch milliseconds of a strict ISO-8601 date or date-time (see the rule above), or NaN for any other
 * text. parseTimestamp does the reading; this adds what it is lenient about (slashes, surrounding space, an
 * offset on a bare date).
 * @example isoTimestamp('2026-01-05T10:00:00Z') // => 1767607200000
 */
export function isoTimestamp(text: string): number {
  if (!looksLikeIsoDate(text)) return Number.NaN;
  const n = text.length;
  if (n > 10) {
    const sep = text.charCodeAt(10);
    if ((sep !== 84 && sep !== 32) || n < 16) return Number.NaN; // 'T' or ' ', then at least hh:mm
    if (!digit(text, 11) || !digit(text, 12) || text.charCodeAt(13) !== 58) return Number.NaN;
    if (!digit(text, 14) || !digit(text, 15)) return Number.NaN;
    const last = text.charCodeAt(n - 1);
    if (last !== 90 && !(last >= 48 && last <= 57)) return Number.NaN; // ends in a digit or 'Z'
  }
  return parseTimestamp(text);
}

/** Reads texts through isoTimestamp, remembering up to CACHE of them. */
function parser(): (text: string) => number {
  const seen = new Map<string, number>();
  return (text) => {
    let t = seen.get(text);
    if (t === undefined) {
      t = isoTimestamp(text);
      if (seen.size < CACHE) seen.set(text, t);
    }
    return t;
  };
}

/**
 * The column as timestamps when it is a string or dictionary column whose every present value is a strict
 * ISO-8601 date or date-time; otherwise undefined. O(1) for a column whose first present value is not one;
 * O(n) (parsing each distinct text once) for one that starts with a date.
 */
export function isoDateColumn(column: Column, n: number): NumericColumn | undefined {
  if (column.kind === 'string') return fromStrings(column.values, n);
  if (column.kind === 'dictionary') return fromDictionary(column.codes, column.dictionary, n);
  return undefined;
}

function fromStrings(values: readonly unknown[], n: number): NumericColumn | undefined {
  let first = 0;
  while (first < n && values[first] === undefined) first++;
  if (first === n) return undefined;
  const head = values[first];
  if (typeof head !== 'string' || !looksLikeIsoDate(head)) return undefined;
  const parse = parser();
  const out = new Float64Array(n);
  let missing = first;
  for (let i = first; i < n; i++) {
    const v = values[i];
    if (v === undefined) {
      missing++;
      continue;
    }
    if (typeof v !== 'string') return undefined;
    const t = parse(v);
    if (Number.isNaN(t)) return undefined; // not a date, so the column stays text
    out[i] = t;
  }
  let valid: Uint8Array | undefined;
  if (missing > 0) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = values[i] === undefined ? 0 : 1;
  }
  return { kind: 'numeric', values: out, valid, logical: 'timestamp' };
}

function fromDictionary(
  codes: Int32Array,
  dictionary: readonly string[],
  n: number,
): NumericColumn | undefined {
  let first = 0;
  while (first < n && !(codes[first]! >= 0)) first++;
  if (first === n) return undefined;
  const head = dictionary[codes[first]!];
  if (typeof head !== 'string' || !looksLikeIsoDate(head)) return undefined;
  // Each dictionary entry parsed once, when a row first uses it; NaN marks "not parsed yet".
  const times = new Float64Array(dictionary.length).fill(Number.NaN);
  const out = new Float64Array(n);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const code = codes[i]!;
    if (code < 0) {
      valid ??= new Uint8Array(n).fill(1, 0, i);
      continue;
    }
    let t = times[code];
    if (t === undefined) return undefined; // a code past the dictionary: leave the column as it is
    if (Number.isNaN(t)) {
      const text = dictionary[code];
      t = typeof text === 'string' ? isoTimestamp(text) : Number.NaN;
      if (Number.isNaN(t)) return undefined;
      times[code] = t;
    }
    out[i] = t;
    if (valid) valid[i] = 1;
  }
  return { kind: 'numeric', values: out, valid, logical: 'timestamp' };
}
