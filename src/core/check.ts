// Argument checks at the public boundary, written once. Every public function reads its options through
// `readOptions` (known keys only: a misspelled key is an error naming the key that was meant, because
// TypeScript users get this from the types but JavaScript users and JSON configs do not) and checks each
// value with one of the checkers below. Checks happen once, at the boundary; hot loops trust their
// arguments. Every failure is an `INVALID_ARGUMENT` whose message and fields name the function and the
// argument: "psi: argument 'options.bins' must be an integer in [2, 10000], got 1.5".
import { describe, invalidArgument, LockstepError } from './errors.js';

/** An options object after `readOptions`: a snapshot of its own known keys, values not yet checked. */
export type RawOptions<K extends string> = { readonly [P in K]?: unknown };

/**
 * Reads `options` (undefined means none): it must be a plain object whose own keys are all in `known`.
 * The values are copied once into a fresh object, so a getter or Proxy is read exactly once and cannot
 * change a value between its check and its use, and a throwing one becomes an `INVALID_ARGUMENT`.
 * @throws LockstepError `INVALID_ARGUMENT` for a non-object, an unreadable object or an unknown key (the
 *   message names the closest known key where one is close).
 */
export function readOptions<K extends string>(
  fn: string,
  options: unknown,
  known: readonly K[],
  arg = 'options',
): RawOptions<K> {
  const out = Object.create(null) as Record<string, unknown>;
  if (options === undefined) return out as RawOptions<K>;
  const keys = objectKeys(fn, arg, options);
  for (const key of keys) {
    if (!(known as readonly string[]).includes(key)) throw unknownKey(fn, arg, key, known);
    try {
      out[key] = (options as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(fn, `${arg}.${key}`, 'must be readable (its getter threw)');
    }
  }
  return out as RawOptions<K>;
}

/** The error for an unknown key, naming the closest known one when it is close. */
export function unknownKey(fn: string, arg: string, key: string, known: readonly string[]): LockstepError {
  const meant = closest(key, known);
  const hint = meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`;
  const list = known.length === 0 ? 'none' : known.join(', ');
  return new LockstepError(
    'INVALID_ARGUMENT',
    `${fn}: argument '${arg}' has an unknown key ${describe(key)}${hint}; known keys: ${list}`,
    { fn, arg: `${arg}.${key.length > 60 ? `${key.slice(0, 57)}...` : key}` },
  );
}

/**
 * The known key closest to `key`: equal ignoring case, one a prefix of the other (`threshold` and
 * `thresholds`), or within an edit distance of a third of its length (at least 1, at most 3).
 */
export function closest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    if (c === lower) return candidate;
    const d =
      (c.startsWith(lower) || lower.startsWith(c)) && Math.min(c.length, lower.length) >= 3
        ? 0.5
        : editDistance(lower, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/**
 * ` (did you mean "k"?)` for the known name closest to `key` (see {@link closest}), or `''` when none is
 * close: the hint for a name that is not an option key (a feature, a column) but is checked as strictly.
 */
export function didYouMean(key: string, known: readonly string[]): string {
  const meant = closest(key, known);
  return meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). O(|a| · |b|). */
function editDistance(a: string, b: string): number {
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row[j] = d;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[n]!;
}

// ---------------------------------------------------------------------------------------------------
// Value checkers: each takes (fn, arg, value, …), returns the value typed, or throws INVALID_ARGUMENT.

/** A plain object (not null, an array, a typed array or a function). */
export function checkObject(
  fn: string,
  arg: string,
  v: unknown,
  must = 'must be an object',
): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw invalidArgument(fn, arg, must, v);
  }
  return v as Readonly<Record<string, unknown>>;
}

/**
 * The own enumerable keys of an object argument, listed once: `checkObject`'s refusal (with `must` as its
 * words) for anything that is not an object, and an INVALID_ARGUMENT for one whose listing throws (a Proxy).
 */
export function objectKeys(fn: string, arg: string, v: unknown, must?: string): string[] {
  const record = checkObject(fn, arg, v, must);
  try {
    return Object.keys(record);
  } catch {
    throw invalidArgument(fn, arg, 'must be a readable object (reading its keys threw)');
  }
}

/** An integer in [min, max] (both safe integers by default). */
export function checkInteger(
  fn: string,
  arg: string,
  v: unknown,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = rangeText(min, max, false, false);
    throw invalidArgument(fn, arg, `must be an integer${range === '' ? '' : ` ${range}`}`, v);
  }
  return v;
}

/** Bounds of a number; a bound is closed unless marked open. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
}

/** A finite number within `range` (closed bounds unless marked open). */
export function checkNumber(fn: string, arg: string, v: unknown, range: NumberRange = {}): number {
  const {
    min = Number.NEGATIVE_INFINITY,
    max = Number.POSITIVE_INFINITY,
    minOpen = false,
    maxOpen = false,
  } = range;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (minOpen ? v > min : v >= min) &&
    (maxOpen ? v < max : v <= max);
  if (!ok)
    throw invalidArgument(fn, arg, `must be a finite number${rangeSuffix(min, max, minOpen, maxOpen)}`, v);
  return v as number;
}

/** One of `choices`. */
export function checkChoice<C extends string | number | boolean>(
  fn: string,
  arg: string,
  v: unknown,
  choices: readonly C[],
): C {
  if (!(choices as readonly unknown[]).includes(v)) {
    throw invalidArgument(fn, arg, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, v);
  }
  return v as C;
}

/** Longest string an argument takes unless it says otherwise: hostile text is refused before it is read. */
export const MAX_STRING = 1 << 16;

/** A string of at most `maxLength` UTF-16 units (and at least 1 when `nonEmpty`). */
export function checkString(
  fn: string,
  arg: string,
  v: unknown,
  maxLength = MAX_STRING,
  nonEmpty = false,
): string {
  if (typeof v !== 'string') throw invalidArgument(fn, arg, 'must be a string', v);
  if (v.length > maxLength)
    throw invalidArgument(fn, arg, `must be at most ${maxLength} characters long, got ${v.length}`);
  if (nonEmpty && v.length === 0) throw invalidArgument(fn, arg, 'must not be empty', v);
  return v;
}

export function checkBoolean(fn: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalidArgument(fn, arg, 'must be a boolean', v);
  return v;
}

export function checkFunction<F extends (...args: never[]) => unknown>(
  fn: string,
  arg: string,
  v: unknown,
): F {
  if (typeof v !== 'function') throw invalidArgument(fn, arg, 'must be a function', v);
  return v as F;
}

/** An array (not a typed array) of at most `maxLength` items (their values are the caller's to check). */
export function checkArray(
  fn: string,
  arg: string,
  v: unknown,
  maxLength = Number.MAX_SAFE_INTEGER,
): readonly unknown[] {
  if (!Array.isArray(v)) throw invalidArgument(fn, arg, 'must be an array', v);
  if (v.length > maxLength)
    throw invalidArgument(fn, arg, `must have at most ${maxLength} items, got ${v.length}`);
  return v;
}

/** An array of distinct strings (each at most MAX_STRING long), at most `maxLength` of them. */
export function checkStrings(fn: string, arg: string, v: unknown, maxLength = 1 << 20): readonly string[] {
  const list = checkArray(fn, arg, v, maxLength);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const s = checkString(fn, `${arg}[${i}]`, list[i]);
    if (seen.has(s)) throw invalidArgument(fn, `${arg}[${i}]`, 'must not repeat an earlier item', s);
    seen.add(s);
  }
  return list as readonly string[];
}

function rangeText(min: number, max: number, minOpen: boolean, maxOpen: boolean): string {
  const lo = min <= Number.MIN_SAFE_INTEGER ? undefined : min;
  const hi = max >= Number.MAX_SAFE_INTEGER ? undefined : max;
  if (lo === undefined && hi === undefined) return '';
  if (hi === undefined) return minOpen ? `greater than ${lo}` : `of at least ${lo}`;
  if (lo === undefined) return maxOpen ? `less than ${hi}` : `of at most ${hi}`;
  return `in ${minOpen ? '(' : '['}${lo}, ${hi}${maxOpen ? ')' : ']'}`;
}

function rangeSuffix(min: number, max: number, minOpen: boolean, maxOpen: boolean): string {
  const text = rangeText(
    min === Number.NEGATIVE_INFINITY ? Number.MIN_SAFE_INTEGER : min,
    max === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : max,
    minOpen,
    maxOpen,
  );
  return text === '' ? '' : ` ${text}`;
}
