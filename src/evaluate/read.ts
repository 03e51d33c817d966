// Reading the arrays every metric takes, once, at the public boundary: labels, scores, probability rows,
// predicted labels and weights arrive as JS arrays (at most MAX_ARRAY_ROWS items) or typed arrays, and
// leave as typed arrays the kernels trust. A value of the wrong kind, NaN, ±Infinity, a weight below 0,
// a length that differs from the labels', or an array whose reads throw is an INVALID_ARGUMENT naming the
// function and the argument (with the index), never a TypeError later.
import { checkArray, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { MAX_ARRAY_ROWS } from '../core/frame.js';

/** A list of values: a JS array or a typed array. */
export type Values<T> = readonly T[] | ArrayLike<T>;

/** Most classes a multiclass metric takes (columns of a probability row, distinct labels). */
export const MAX_CLASSES = 10_000;

/** Runs `read`, turning anything but a LockstepError thrown while reading `arg` into one naming it. */
function guarded<T>(fn: string, arg: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(fn, arg, 'must be readable (reading it threw)');
  }
}

/** The items of an array or typed array (bigint arrays refused), its length bounded. */
function items(fn: string, arg: string, v: unknown): ArrayLike<unknown> {
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array)
      throw invalidArgument(fn, arg, 'must be an array or a numeric typed array', v);
    return v as unknown as ArrayLike<number>;
  }
  return checkArray(fn, arg, v, MAX_ARRAY_ROWS);
}

/** Finite numbers (within [min, max] when given) as a Float64Array. */
export function readNumbers(
  fn: string,
  arg: string,
  v: unknown,
  min = -Infinity,
  max = Infinity,
): Float64Array {
  return guarded(fn, arg, () => {
    const list = items(fn, arg, v);
    const n = list.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = list[i];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
        const range = min === -Infinity && max === Infinity ? '' : ` in [${min}, ${max}]`;
        throw invalidArgument(fn, `${arg}[${i}]`, `must be a finite number${range}`, x);
      }
      out[i] = x;
    }
    return out;
  });
}

/** Binary labels: 0, 1, false or true, as 0/1. */
export function readBinaryLabels(fn: string, arg: string, v: unknown): Uint8Array {
  return guarded(fn, arg, () => {
    const list = items(fn, arg, v);
    const n = list.length;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = list[i];
      if (x === 1 || x === true) out[i] = 1;
      else if (!(x === 0 || x === false))
        throw invalidArgument(fn, `${arg}[${i}]`, 'must be a binary label (0, 1, false or true)', x);
    }
    return out;
  });
}

/** Class labels: strings (at most 1,024 characters) or finite numbers. */
/**
 * The class of each of k probability columns: `options.classes` when given (one per column), else 0..k − 1.
 * @throws LockstepError `INVALID_ARGUMENT` naming `options.classes` when their count is not k.
 */
export function readColumnClasses(fn: string, v: unknown, k: number): unknown[] {
  const classes =
    v === undefined ? Array.from({ length: k }, (_, c) => c) : readClassLabels(fn, 'options.classes', v);
  if (classes.length !== k)
    throw invalidArgument(
      fn,
      'options.classes',
      `must name one class per column (${k}), got ${classes.length}`,
    );
  return classes;
}

export function readClassLabels(fn: string, arg: string, v: unknown): unknown[] {
  return guarded(fn, arg, () => {
    const list = items(fn, arg, v);
    const n = list.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = list[i];
      const ok =
        (typeof x === 'string' && x.length <= 1024) ||
        (typeof x === 'number' && Number.isFinite(x)) ||
        typeof x === 'boolean';
      if (!ok)
        throw invalidArgument(
          fn,
          `${arg}[${i}]`,
          'must be a class label (a string of at most 1024 characters, a finite number or a boolean)',
          x,
        );
      out[i] = Object.is(x, -0) ? 0 : x;
    }
    return out;
  });
}

/**
 * Probability rows: n rows of the same width k (2 ≤ k ≤ MAX_CLASSES), each value in [0, 1], as one
 * row-major Float64Array.
 */
export function readRows(fn: string, arg: string, v: unknown): { values: Float64Array; k: number } {
  return guarded(fn, arg, () => {
    const list = checkArray(fn, arg, v, MAX_ARRAY_ROWS);
    const n = list.length;
    let k = 0;
    let values = new Float64Array(0);
    for (let i = 0; i < n; i++) {
      const row = list[i];
      if (!(Array.isArray(row) || (ArrayBuffer.isView(row) && !(row instanceof DataView))))
        throw invalidArgument(fn, `${arg}[${i}]`, 'must be an array of class probabilities', row);
      const r = readNumbers(fn, `${arg}[${i}]`, row, 0, 1);
      if (i === 0) {
        k = r.length;
        if (k < 2 || k > MAX_CLASSES)
          throw invalidArgument(
            fn,
            `${arg}[0]`,
            `must hold between 2 and ${MAX_CLASSES} probabilities, got ${k}`,
          );
        if (n * k > MAX_ARRAY_ROWS)
          throw invalidArgument(
            fn,
            arg,
            `must hold at most ${MAX_ARRAY_ROWS} probabilities in all, got ${n * k}`,
          );
        values = new Float64Array(n * k);
      } else if (r.length !== k) {
        throw invalidArgument(fn, `${arg}[${i}]`, `must hold ${k} probabilities like row 0, got ${r.length}`);
      }
      values.set(r, i * k);
    }
    return { values, k };
  });
}

/** Weights (finite, at least 0) of `n` rows, or all ones when undefined. */
export function readWeights(fn: string, arg: string, v: unknown, n: number): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(1);
  const w = readNumbers(fn, arg, v, 0);
  sameLength(fn, arg, w.length, n);
  return w;
}

/** Refuses a list whose length differs from the labels'. */
export function sameLength(fn: string, arg: string, length: number, n: number): void {
  if (length !== n)
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument '${arg}' must have one item per label (${n}), got ${length}`,
      { fn, arg },
    );
}

/** The options of a single-metric function: weights, and the extra keys it knows. */
export function readMetricOptions<K extends string>(
  fn: string,
  options: unknown,
  extra: readonly K[] = [],
): { readonly [P in K | 'weights']?: unknown } {
  return readOptions(fn, options, ['weights', ...extra] as readonly (K | 'weights')[]);
}
