// The live, mergeable state of one feature while a profile is being built, and how each kind of Frame
// column feeds it. Serialisation to and from the JSON artifact is in artifact.ts.
import { LockstepError } from '../core/errors.js';
import { type Column, isDate, valueAt } from '../core/frame.js';
import { murmur3String } from '../core/murmur3.js';
import { createFrequencies, type Frequencies, frequenciesAdd, frequenciesMerge } from './frequent.js';
import { createHll, type Hll, hllAddHash, hllMerge } from './hll.js';
import { createKll, type Kll, kllAdd, kllMerge } from './kll.js';
import { emptyMoments, type Moments, mergeMoments } from './moments.js';

/** Sketch sizes; a profile records them, and only profiles with equal sizes merge. */
export interface SketchSizes {
  /** KLL k: larger is more accurate. Default 400 (rank error under 1 %). */
  readonly quantileK: number;
  /** HyperLogLog precision p (2^p registers). Default 12 (about 1.6 % error). */
  readonly distinctP: number;
  /** Distinct categorical values counted exactly before the heavy-hitters summary takes over. Default 1000. */
  readonly frequentCapacity: number;
}

export const DEFAULT_SIZES: SketchSizes = { quantileK: 400, distinctP: 12, frequentCapacity: 1000 };

/** How values of a feature are read: as numbers, as categories, or as they come. */
export type ReadAs = 'numeric' | 'categorical' | 'auto';

/**
 * A PII feature's profile: `'counts'` keeps counts and the HyperLogLog registers only; `'tokens'` also
 * keeps the frequencies of the host's tokens of its values (never the values).
 */
export type PiiMode = 'counts' | 'tokens';

/** The host's token function of a PII feature: a value's text in, its token out. */
export type PiiToken = (value: string) => string;

export interface NumericState {
  nan: number;
  /** Finite values that are not whole numbers; NaN when unknown (merged from a profile without the count). */
  fractional: number;
  posInf: number;
  negInf: number;
  zeros: number;
  min: number;
  max: number;
  moments: Moments;
  kll: Kll;
}

export interface CategoricalState {
  frequencies: Frequencies;
  hll: Hll;
  /** String lengths in UTF-16 code units. */
  lengthCount: number;
  lengthSum: number;
  lengthMin: number;
  lengthMax: number;
}

/** Counts of the JavaScript types seen among present values. */
export interface TypeCounts {
  number: number;
  string: number;
  boolean: number;
  other: number;
}

export interface FeatureState {
  readonly name: string;
  readonly sizes: SketchSizes;
  readAs: ReadAs;
  present: number;
  missing: number;
  /** Values that could not be read as the requested type (a string that is not a number). */
  invalid: number;
  timestamp: boolean;
  types: TypeCounts;
  numeric: NumericState | undefined;
  categorical: CategoricalState | undefined;
  /** Set for a PII feature: no raw value is kept (pii-profile rule in addPii and mergeFeature). */
  pii: PiiMode | undefined;
  /** The token function of a `'tokens'` feature being profiled (absent when merged from a profile). */
  readonly token: PiiToken | undefined;
}

export function createFeature(
  name: string,
  sizes: SketchSizes,
  readAs: ReadAs,
  pii?: { readonly token: PiiToken | undefined },
): FeatureState {
  return {
    name,
    sizes,
    readAs,
    pii: pii === undefined ? undefined : pii.token === undefined ? 'counts' : 'tokens',
    token: pii?.token,
    present: 0,
    missing: 0,
    invalid: 0,
    timestamp: false,
    types: { number: 0, string: 0, boolean: 0, other: 0 },
    numeric: undefined,
    categorical: undefined,
  };
}

function numericOf(f: FeatureState): NumericState {
  f.numeric ??= {
    nan: 0,
    fractional: 0,
    posInf: 0,
    negInf: 0,
    zeros: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    moments: emptyMoments(),
    kll: createKll(f.sizes.quantileK),
  };
  return f.numeric;
}

function categoricalOf(f: FeatureState): CategoricalState {
  f.categorical ??= {
    frequencies: createFrequencies(f.sizes.frequentCapacity),
    hll: createHll(f.sizes.distinctP),
    lengthCount: 0,
    lengthSum: 0,
    lengthMin: Number.POSITIVE_INFINITY,
    lengthMax: Number.NEGATIVE_INFINITY,
  };
  return f.categorical;
}

// Seed of the distinct-count hash: a fixed, arbitrary constant, so profiles made anywhere merge.
const DISTINCT_SEED = 0x5eed1e55;

/** Scratch space shared by one profiler's updates (finite values of a chunk, value counts). */
export interface Scratch {
  finite: Float64Array;
}

/** Adds rows [start, end) of `column` to the feature. */
export function addColumn(
  f: FeatureState,
  column: Column,
  start: number,
  end: number,
  scratch: Scratch,
): void {
  if (f.pii !== undefined) {
    addPii(f, column, start, end);
    return;
  }
  switch (column.kind) {
    case 'numeric':
      if (column.logical === 'timestamp') f.timestamp = true;
      if (f.readAs === 'categorical') addValues(f, column, start, end, scratch);
      else addNumbers(f, column.values, column.valid, start, end, scratch);
      return;
    case 'dictionary':
      if (f.readAs === 'numeric') addValues(f, column, start, end, scratch);
      else addDictionary(f, column.codes, column.dictionary, start, end);
      return;
    default:
      addValues(f, column, start, end, scratch);
  }
}

function addNumbers(
  f: FeatureState,
  values: Float64Array,
  valid: Uint8Array | undefined,
  start: number,
  end: number,
  scratch: Scratch,
): void {
  const missing = accumulateNumbers(numericOf(f), values, valid, start, end, scratch);
  const present = end - start - missing;
  f.present += present;
  f.missing += missing;
  f.types.number += present;
}

/** Adds values[start..end) to the numeric state; returns how many were missing (mask 0). */
function accumulateNumbers(
  s: NumericState,
  values: Float64Array,
  valid: Uint8Array | undefined,
  start: number,
  end: number,
  scratch: Scratch,
): number {
  if (scratch.finite.length < end - start) scratch.finite = new Float64Array(end - start);
  const finite = scratch.finite;
  let count = 0;
  let missing = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let zeros = 0;
  let fractional = 0;
  let sum = 0;
  let min = s.min;
  let max = s.max;
  for (let i = start; i < end; i++) {
    if (valid !== undefined && valid[i] === 0) {
      missing++;
      continue;
    }
    const x = values[i]!;
    if (x - x !== 0) {
      // NaN or ±Infinity: counted, kept out of the moments and the quantiles.
      if (Number.isNaN(x)) nan++;
      else if (x > 0) posInf++;
      else negInf++;
      continue;
    }
    finite[count++] = x;
    if (x !== Math.floor(x)) fractional++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (x === 0) zeros++;
  }
  s.nan += nan;
  s.posInf += posInf;
  s.negInf += negInf;
  s.zeros += zeros;
  s.fractional += fractional;
  s.min = min;
  s.max = max;
  if (count > 0) {
    let mean = sum / count;
    if (!Number.isFinite(mean)) {
      // The sum overflowed (values near ±1.8e308): the mean of values each divided by the count cannot.
      mean = 0;
      for (let i = 0; i < count; i++) mean += finite[i]! / count;
    }
    let m2 = 0;
    for (let i = 0; i < count; i++) {
      const d = finite[i]! - mean;
      m2 += d * d;
    }
    mergeMoments(s.moments, { count, mean, m2 });
    kllAdd(s.kll, finite, 0, count);
  }
  return missing;
}

function addCategory(c: CategoricalState, value: string, count: number): void {
  frequenciesAdd(c.frequencies, value, count);
  hllAddHash(c.hll, murmur3String(value, DISTINCT_SEED));
  const length = value.length;
  c.lengthCount += count;
  c.lengthSum += length * count;
  if (length < c.lengthMin) c.lengthMin = length;
  if (length > c.lengthMax) c.lengthMax = length;
}

function addDictionary(
  f: FeatureState,
  codes: Int32Array,
  dictionary: readonly string[],
  start: number,
  end: number,
): void {
  const counts = new Float64Array(dictionary.length);
  let missing = 0;
  for (let i = start; i < end; i++) {
    const code = codes[i]!;
    if (code < 0) missing++;
    else counts[code]!++;
  }
  const present = end - start - missing;
  f.present += present;
  f.missing += missing;
  f.types.string += present;
  if (present === 0) return;
  const c = categoricalOf(f);
  for (let code = 0; code < counts.length; code++)
    if (counts[code]! > 0) addCategory(c, dictionary[code]!, counts[code]!);
}

/** The general path: one value at a time, by its JavaScript type. */
function addValues(f: FeatureState, column: Column, start: number, end: number, scratch: Scratch): void {
  const byValue = new Map<string, number>();
  const numbers: number[] = [];
  for (let i = start; i < end; i++) {
    const v = valueAt(column, i);
    if (v === undefined || v === null) {
      f.missing++;
      continue;
    }
    f.present++;
    if (typeof v === 'number') {
      if (f.readAs === 'categorical') {
        f.types.string++;
        const key = String(v);
        byValue.set(key, (byValue.get(key) ?? 0) + 1);
      } else {
        f.types.number++;
        numbers.push(v);
      }
    } else if (typeof v === 'string') {
      if (f.readAs === 'numeric') {
        f.types.number++;
        const x = v.trim() === '' ? Number.NaN : Number(v);
        if (Number.isNaN(x) && v.trim() !== 'NaN') f.invalid++;
        else numbers.push(x);
      } else {
        f.types.string++;
        byValue.set(v, (byValue.get(v) ?? 0) + 1);
      }
    } else if (typeof v === 'boolean') {
      f.types.boolean++;
      const key = v ? 'true' : 'false';
      byValue.set(key, (byValue.get(key) ?? 0) + 1);
    } else {
      f.types.other++;
    }
  }
  if (numbers.length > 0) {
    accumulateNumbers(numericOf(f), Float64Array.from(numbers), undefined, 0, numbers.length, scratch);
  }
  if (byValue.size > 0) {
    const c = categoricalOf(f);
    for (const [value, count] of byValue) addCategory(c, value, count);
  }
}

/**
 * A PII feature's values: counted by type, hashed into the HyperLogLog (which keeps per register the
 * longest run of leading zeros of a 32-bit hash, never the value or the hash), and, with a token function,
 * their tokens counted in the frequencies. No value reaches a quantile sketch, a minimum or maximum, a
 * length or a frequency list.
 */
function addPii(f: FeatureState, column: Column, start: number, end: number): void {
  const c = categoricalOf(f);
  for (let i = start; i < end; i++) {
    const v = valueAt(column, i);
    if (v === undefined || v === null) {
      f.missing++;
      continue;
    }
    f.present++;
    let text: string;
    if (typeof v === 'string') {
      f.types.string++;
      text = v;
    } else if (typeof v === 'number') {
      f.types.number++;
      text = String(v);
    } else if (typeof v === 'boolean') {
      f.types.boolean++;
      text = v ? 'true' : 'false';
    } else if (isDate(v)) {
      f.types.number++;
      text = String(v.getTime());
    } else {
      f.types.other++;
      continue;
    }
    hllAddHash(c.hll, murmur3String(text, DISTINCT_SEED));
    c.lengthCount++;
    if (f.token !== undefined) frequenciesAdd(c.frequencies, tokenOf(f, text), 1);
  }
}

/** The host's token of a value; a token function that throws or returns no string is misuse, said without the value. */
function tokenOf(f: FeatureState, text: string): string {
  let token: unknown;
  try {
    token = f.token!(text);
  } catch (error) {
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `profile: argument 'options.pii' has a token function for ${JSON.stringify(f.name)} that threw (${(error as Error)?.name ?? 'an error'})`,
      { fn: 'profile', arg: 'options.pii' },
    );
  }
  if (typeof token !== 'string' || token.length > 1024)
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `profile: argument 'options.pii' has a token function for ${JSON.stringify(f.name)} that must return a string of at most 1024 characters, got ${typeof token === 'string' ? `one of ${token.length}` : `a ${typeof token}`}`,
      { fn: 'profile', arg: 'options.pii' },
    );
  return token;
}

/** The PII mode after merging `b` into `a`: PII if either is; tokens only if every side with values has tokens. */
function mergedPii(a: FeatureState, b: FeatureState): PiiMode | undefined {
  if (a.pii === undefined && b.pii === undefined) return undefined;
  const sides = [a, b].filter((x) => x.present > 0);
  if (sides.length === 0) return a.pii === 'tokens' || b.pii === 'tokens' ? 'tokens' : 'counts';
  return sides.every((x) => x.pii === 'tokens') ? 'tokens' : 'counts';
}

/** Merges `b` into a PII feature `a`: counts and registers; token frequencies only when both hold tokens. */
function mergePii(a: FeatureState, b: FeatureState, mode: PiiMode): void {
  a.present += b.present;
  a.missing += b.missing;
  a.invalid += b.invalid;
  a.types.number += b.types.number;
  a.types.string += b.types.string;
  a.types.boolean += b.types.boolean;
  a.types.other += b.types.other;
  // A side that was not PII carried raw values in its sketches: they go, only its counts stay.
  a.numeric = undefined;
  const c = categoricalOf(a);
  if (mode === 'counts' || a.pii === undefined) {
    c.frequencies.counts.clear();
    c.frequencies.error = 0;
  }
  c.lengthSum = 0;
  c.lengthMin = Number.POSITIVE_INFINITY;
  c.lengthMax = Number.NEGATIVE_INFINITY;
  if (b.categorical) {
    hllMerge(c.hll, b.categorical.hll);
    c.lengthCount += b.categorical.lengthCount;
    if (mode === 'tokens' && b.pii === 'tokens') frequenciesMerge(c.frequencies, b.categorical.frequencies);
  }
  a.pii = mode;
}

/** Adds feature `b` into `a` (same name and sizes). */
export function mergeFeature(a: FeatureState, b: FeatureState): void {
  const pii = mergedPii(a, b);
  if (pii !== undefined) {
    mergePii(a, b, pii);
    return;
  }
  a.present += b.present;
  a.missing += b.missing;
  a.invalid += b.invalid;
  a.timestamp ||= b.timestamp;
  a.types.number += b.types.number;
  a.types.string += b.types.string;
  a.types.boolean += b.types.boolean;
  a.types.other += b.types.other;
  if (b.numeric) {
    const s = numericOf(a);
    const t = b.numeric;
    s.nan += t.nan;
    s.posInf += t.posInf;
    s.negInf += t.negInf;
    s.zeros += t.zeros;
    s.fractional += t.fractional;
    s.min = Math.min(s.min, t.min);
    s.max = Math.max(s.max, t.max);
    mergeMoments(s.moments, t.moments);
    kllMerge(s.kll, t.kll);
  }
  if (b.categorical) {
    const s = categoricalOf(a);
    const t = b.categorical;
    frequenciesMerge(s.frequencies, t.frequencies);
    hllMerge(s.hll, t.hll);
    s.lengthCount += t.lengthCount;
    s.lengthSum += t.lengthSum;
    s.lengthMin = Math.min(s.lengthMin, t.lengthMin);
    s.lengthMax = Math.max(s.lengthMax, t.lengthMax);
  }
}
