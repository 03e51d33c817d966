import { describe, LockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { canonicalJson, fingerprint } from '../core/fingerprint.js';
import { dateValue, type FrameInput, frameOf, isDate, valueAt } from '../core/frame.js';
import { createSha256, wordsToHex } from '../core/sha256.js';
import { encodeUtf8Into } from '../core/utf8.js';

// Type tags of the per-cell encoding. A value hashes the same whatever column type carries it.
const TAG_MISSING = 0;
const TAG_NUMBER = 1;
const TAG_STRING = 2;
const TAG_FALSE = 3;
const TAG_TRUE = 4;
const TAG_JSON = 5;

/**
 * Why fingerprintData refused a value, in the `issues` of its `INVALID_DATA` error: code `NOT_JSON`, the
 * column (`feature`) and `row` of a cell that is neither a number, string, boolean, Date nor plain JSON.
 */
export interface FingerprintDataIssue extends Finding<'NOT_JSON'> {
  readonly feature: string;
  readonly row: number;
  readonly received: string;
}

/**
 * A content fingerprint of a data snapshot that does not depend on row order or column order, for
 * recording exactly which data a model was trained on. Each row is encoded canonically (columns sorted by
 * name; each cell a type tag and its value: numbers as float64 with -0 as 0 and one NaN, strings as UTF-8,
 * booleans, missing) and hashed with SHA-256; the row digests are added as 256-bit integers (a multiset
 * hash, Clarke et al. 2003), so duplicates count; the result is the SHA-256 fingerprint of the column names,
 * the row count and that sum. The same values give the same fingerprint from rows, columns or an Arrow
 * table; timestamps count as epoch milliseconds. O(rows × row bytes).
 * @example fingerprintData([{ a: 1 }, { a: 2 }]) === fingerprintData([{ a: 2 }, { a: 1 }]) // => true
 * @throws LockstepError as toFrame for data it cannot read; `INVALID_DATA` (with a FingerprintDataIssue)
 *   for a cell that is neither a number, string, boolean, Date nor plain JSON (nested at most 1,000 deep).
 */
export function fingerprintData(data: FrameInput): string {
  const frame = frameOf(data, 'fingerprintData');
  const names = [...frame.names].sort();
  const columns = names.map((name) => frame.columns.get(name)!);
  const sha = createSha256();
  const digest = new Uint32Array(8);
  const sum = new Uint32Array(8); // little-endian words of a 256-bit sum
  const view = new DataView(new ArrayBuffer(8));
  let buffer = new Uint8Array(1024);
  // With no columns every row encodes to no bytes: the sum is n times one digest (mod 2^256), computed
  // at once rather than hashing n empty rows (a Frame of 2^25 rows and no columns would take seconds).
  const rows = columns.length === 0 ? 0 : frame.length;

  for (let row = 0; row < rows; row++) {
    let at = 0;
    for (let c = 0; c < columns.length; c++) {
      const value = valueAt(columns[c]!, row);
      let text: string | undefined;
      let tag: number;
      if (value === undefined || value === null) tag = TAG_MISSING;
      else if (typeof value === 'number') tag = TAG_NUMBER;
      else if (typeof value === 'string') {
        tag = TAG_STRING;
        text = value;
      } else if (typeof value === 'boolean') tag = value ? TAG_TRUE : TAG_FALSE;
      else if (typeof value === 'bigint') tag = TAG_NUMBER;
      else if (isDate(value)) tag = TAG_NUMBER;
      else {
        tag = TAG_JSON;
        text = jsonOf(value, names[c]!, row);
      }
      const need = at + 13 + (text === undefined ? 0 : text.length * 3);
      if (need > buffer.length) {
        const grown = new Uint8Array(Math.max(need, buffer.length * 2));
        grown.set(buffer.subarray(0, at));
        buffer = grown;
      }
      buffer[at++] = tag;
      if (tag === TAG_NUMBER) {
        let x =
          typeof value === 'number'
            ? value
            : typeof value === 'bigint'
              ? Number(value)
              : dateValue(value as Date);
        if (x === 0) x = 0; // -0 counts as 0
        if (Number.isNaN(x)) {
          // One bit pattern for every NaN (quiet NaN, little-endian): a NaN's payload is not data.
          view.setUint32(0, 0, true);
          view.setUint32(4, 0x7ff80000, true);
        } else view.setFloat64(0, x, true);
        for (let b = 0; b < 8; b++) buffer[at++] = view.getUint8(b);
      } else if (text !== undefined) {
        const start = at + 4;
        const end = encodeUtf8Into(text, buffer, start);
        const len = end - start;
        buffer[at] = len & 0xff;
        buffer[at + 1] = (len >>> 8) & 0xff;
        buffer[at + 2] = (len >>> 16) & 0xff;
        buffer[at + 3] = len >>> 24;
        at = end;
      }
    }
    sha.reset();
    sha.update(buffer, at);
    sha.digestWords(digest);
    let carry = 0;
    for (let w = 0; w < 8; w++) {
      const s = sum[w]! + digest[7 - w]! + carry;
      sum[w] = s;
      carry = s > 0xffffffff ? 1 : 0;
    }
  }
  let sumHex = wordsToHex(sum.slice().reverse());
  if (columns.length === 0 && frame.length > 0) {
    sha.reset();
    sha.update(buffer, 0);
    sha.digestWords(digest);
    const product = (BigInt(`0x${wordsToHex(digest)}`) * BigInt(frame.length)) & ((1n << 256n) - 1n);
    sumHex = product.toString(16).padStart(64, '0');
  }
  return fingerprint({
    kind: 'lockstep.data',
    formatVersion: 1,
    rows: frame.length,
    columns: names,
    rowDigestSum: sumHex,
  });
}

function jsonOf(value: unknown, column: string, row: number): string {
  try {
    return canonicalJson(value, 'fingerprintData');
  } catch {
    const message = `the value in column ${describe(column)} of row ${row} of 'data' must be plain JSON, got ${describe(value)}`;
    const issue: FingerprintDataIssue = {
      code: 'NOT_JSON',
      severity: 'error',
      message,
      feature: column,
      row,
      received: describe(value),
    };
    throw new LockstepError('INVALID_DATA', `fingerprintData: ${message}`, {
      fn: 'fingerprintData',
      arg: 'data',
      issues: [issue],
    });
  }
}
