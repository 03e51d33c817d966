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

/** Distinct texts remembered per column and batch, so repeated dates are parsed once. */
const CACHE = 1 << 16;

/** The whole strict shape (parseTimestamp then checks the calendar and reads it). */
const ISO = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?$/;

/**
 * The cheap test of a column's first present value: dashes where `YYYY-MM-DD` has them and a length a
 * date or date-time can have (10 to 35). Two comparisons, no allocation.
 */
export function looksLikeIsoDate(text: string): boolean {
  return text.length >= 10 && text.length <= 35 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45;
}

/**
 * Epoch milliseconds of a strict ISO-8601 date or date-time (see the rule above), or NaN for any other
 * text. parseTimestamp reads it; the pattern refuses what parseTimestamp is lenient about (slashes,
 * surrounding space, an offset on a bare date).
 * @example isoTimestamp('2026-01-05T10:00:00Z') // => 1767607200000
 * @example isoTimestamp('2026/01/05') // => NaN
 */
export function isoTimestamp(text: string): number {
  return looksLikeIsoDate(text) && ISO.test(text) ? parseTimestamp(text) : Number.NaN;
}

/**
 * The column as timestamps when it is a string or dictionary column whose every present value is a strict
 * ISO-8601 date or date-time; otherwise undefined. O(1) for a column whose first present value does not
 * look like one; O(n) for one that does (each distinct text parsed once, up to 65,536 of them).
 */
export function isoDateColumn(column: Column, n: number): NumericColumn | undefined {
  let textAt: (i: number) => unknown;
  if (column.kind === 'string') {
    const { values } = column;
    textAt = (i) => values[i];
  } else if (column.kind === 'dictionary') {
    const { codes, dictionary } = column;
    // A code past the dictionary reads as null: not a date, so the column is left as it is.
    textAt = (i) => (codes[i]! < 0 ? undefined : (dictionary[codes[i]!] ?? null));
  } else return undefined;
  let first = 0;
  while (first < n && textAt(first) === undefined) first++;
  const head = first < n ? textAt(first) : undefined;
  if (typeof head !== 'string' || !looksLikeIsoDate(head)) return undefined;
  const seen = new Map<string, number>();
  const out = new Float64Array(n);
  let valid: Uint8Array | undefined;
  let last: unknown;
  let lastTime = 0;
  for (let i = 0; i < n; i++) {
    const v = textAt(i);
    if (v === undefined) {
      valid ??= new Uint8Array(n).fill(1, 0, i);
      continue;
    }
    if (typeof v !== 'string') return undefined;
    // Sorted or grouped data repeats a date row after row: the last one is at hand.
    let t = v === last ? lastTime : seen.get(v);
    if (t === undefined) {
      t = isoTimestamp(v);
      if (Number.isNaN(t)) return undefined; // one value that is not a date: the column stays text
      if (seen.size < CACHE) seen.set(v, t);
    }
    last = v;
    lastTime = t;
    out[i] = t;
    if (valid) valid[i] = 1;
  }
  return { kind: 'numeric', values: out, valid, logical: 'timestamp' };
}
