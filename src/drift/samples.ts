// Shared by the two-sample tests of lockstep/drift (ks-test.ts, chi-square-test.ts, z-test-proportions.ts,
// mann-whitney-test.ts, t-test.ts, anderson-darling.ts): the sample types they take and their argument
// checks. Each test returns plain data and agrees with its scipy (or statsmodels) counterpart to about
// 1e-12 relative; test/fixtures/make-drift-tests.py generates the oracle values.
//
// Missing values: numeric samples must not contain NaN. A test cannot say what a missing value means, so
// each rejects NaN with an error that tells the caller to drop missing values first (scipy's
// nan_policy='raise'); ±Infinity is an ordinary (extreme) value for the rank-based tests (KS, Mann–Whitney,
// Anderson–Darling) and is rejected by Welch's t-test, whose mean it would make infinite.

import { type RawOptions, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError } from '../core/errors.js';
import { MAX_ARRAY_ROWS } from '../core/frame.js';
import type { Alternative } from '../core/math/kolmogorov.js';
import { sortFloat64 } from '../core/sort.js';

export type { Alternative } from '../core/math/kolmogorov.js';

/** A numeric sample: plain numbers or a Float64Array (not modified; the tests sort copies). */
export type NumericSample = readonly number[] | Float64Array;

/** A categorical sample: counts per category (a Map or a plain object), or the raw values. */
export type CategoricalSample =
  | ReadonlyMap<string, number>
  | Readonly<Record<string, number>>
  | readonly string[];

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

// ------------------------------------------------------------------------------------ argument checks

/** A test's options: known keys only (a misspelled key names the one meant), read once. */
export function checkOptions<K extends string>(
  fn: string,
  options: unknown,
  known: readonly K[],
): RawOptions<K> {
  return readOptions(fn, options, known);
}

export function checkAlternative(fn: string, value: unknown): Alternative {
  if (value === undefined) return 'two-sided';
  if (!ALTERNATIVES.includes(value as Alternative))
    throw invalidArgument(fn, 'options.alternative', "must be 'two-sided', 'less' or 'greater'", value);
  return value as Alternative;
}

export function checkChoice<T extends string>(
  fn: string,
  arg: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (value === undefined) return choices[0]!;
  if (!choices.includes(value as T))
    throw invalidArgument(fn, arg, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

export function checkBoolean(fn: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgument(fn, arg, 'must be a boolean', value);
  return value;
}

/**
 * Runs `read` over a caller's argument: a Proxy or throwing getter inside it becomes an `INVALID_ARGUMENT`
 * naming `fn` and `arg`, never a TypeError from inside a test.
 */
export function readGuarded<T>(fn: string, arg: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(fn, arg, 'must be readable (a getter or Proxy threw)');
  }
}

/** Most values a sample given as a JS array holds (core's rule for JS arrays); a Float64Array may hold more. */
export const MAX_SAMPLE_VALUES = MAX_ARRAY_ROWS;

/**
 * A Float64Array copy of a numeric sample, after checking it: an array of numbers (at most
 * MAX_SAMPLE_VALUES) or a Float64Array, not empty, without NaN (and, for Welch's t-test, without ±Infinity).
 */
export function checkedSample(fn: string, arg: string, values: unknown, infinite = true): Float64Array {
  return readGuarded(fn, arg, () => checkedSampleUnguarded(fn, arg, values, infinite));
}

function checkedSampleUnguarded(fn: string, arg: string, values: unknown, infinite: boolean): Float64Array {
  if (!(Array.isArray(values) || values instanceof Float64Array))
    throw invalidArgument(fn, arg, 'must be an array of numbers or a Float64Array', values);
  const n = values.length;
  if (Array.isArray(values) && n > MAX_SAMPLE_VALUES)
    throw invalidArgument(
      fn,
      arg,
      `must hold at most ${MAX_SAMPLE_VALUES} values as a JS array (pass a larger sample as a Float64Array), got ${n}`,
    );
  if (n === 0) throw invalidArgument(fn, arg, 'must not be empty');
  const copy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number')
      throw invalidArgument(fn, arg, `must hold only numbers (index ${i} is not one)`, v);
    if (Number.isNaN(v))
      throw invalidArgument(
        fn,
        arg,
        `must not contain NaN: drop missing values before testing (index ${i} is NaN)`,
      );
    if (!infinite && (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY))
      throw invalidArgument(fn, arg, `must hold only finite numbers (index ${i} is not)`, v);
    copy[i] = v;
  }
  return copy;
}

/** A sorted copy of a checked numeric sample (see checkedSample). */
export function sortedSample(fn: string, arg: string, values: unknown): Float64Array {
  return sortFloat64(checkedSample(fn, arg, values));
}
