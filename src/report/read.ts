// Reading what renderReport is given. lockstep/report imports only core, so it knows the shapes it renders
// (drift comparisons, gates, rollout states, profiles, findings) by their fields, never by importing the
// modules that make them. Everything it is given is first copied once into plain JSON-like data by
// `snapshot`: each property read exactly once, inside a guard, so a throwing getter or Proxy, a cycle, a
// 10,000-deep nesting or a huge array is an INVALID_ARGUMENT naming the path, and nothing read later can
// change or throw. The accessors below then check the one field each renderer needs, naming its path
// (`renderReport: argument 'input.checks[3].passed' must be a boolean, got "yes"`).
import { MAX_STRING } from '../core/check.js';
import { invalidArgument, LockstepError } from '../core/errors.js';

/** JSON-like data, as `snapshot` copies it (objects have no prototype, so `__proto__` is a plain key). */
export type Plain = null | boolean | number | string | readonly Plain[] | PlainObject;
export interface PlainObject {
  readonly [key: string]: Plain | undefined;
}

export const FN = 'renderReport';

/** Deepest nesting read: artifacts nest 6 levels; 64 leaves room and keeps the stack safe. */
const MAX_DEPTH = 64;
/** Most values read in one argument (a profile of 1,000 features is far below). */
const MAX_VALUES = 1 << 22;
/** Most items in one array. */
const MAX_ITEMS = 1 << 20;

/** The path of a key below `path`: `.name` for identifiers, `["a b"]` otherwise. */
export function keyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}.${key}`;
  return `${path}[${JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key)}]`;
}

/**
 * A plain copy of `value` (argument `arg` of renderReport): numbers, strings, booleans and null as they
 * are; arrays (holes as null) and objects (own enumerable string keys) copied; functions, symbols and
 * undefined dropped as JSON drops them. Typed arrays and bigints are refused: none of the shapes the report
 * renders holds one, and silently dropping data would misreport it.
 * @throws LockstepError `INVALID_ARGUMENT` naming the path of a value that cannot be read or copied.
 */
export function snapshot(arg: string, value: unknown): Plain | undefined {
  let budget = MAX_VALUES;
  const unreadable = (path: string) => invalidArgument(FN, path, 'must be readable (reading it threw)');
  const copy = (v: unknown, path: string, depth: number): Plain | undefined => {
    if (--budget < 0) throw invalidArgument(FN, arg, `must hold at most ${MAX_VALUES} values`);
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
    if (typeof v === 'bigint') throw invalidArgument(FN, path, 'must be JSON-like data (a bigint is not)', v);
    if (typeof v !== 'object') return undefined;
    if (depth >= MAX_DEPTH) throw invalidArgument(FN, path, `must be nested at most ${MAX_DEPTH} deep`);
    let array: boolean;
    let binary: boolean;
    try {
      binary = ArrayBuffer.isView(v) || v instanceof ArrayBuffer; // instanceof runs a Proxy's trap
      array = Array.isArray(v);
    } catch {
      throw unreadable(path);
    }
    if (binary) throw invalidArgument(FN, path, 'must be JSON-like data (a typed array is not)', v);
    if (array) {
      let length: number;
      try {
        length = (v as unknown[]).length;
      } catch {
        throw unreadable(path);
      }
      if (length > MAX_ITEMS)
        throw invalidArgument(FN, path, `must have at most ${MAX_ITEMS} items, got ${length}`);
      const out: Plain[] = new Array(length);
      for (let i = 0; i < length; i++) {
        let item: unknown;
        try {
          item = (v as unknown[])[i];
        } catch {
          throw unreadable(`${path}[${i}]`);
        }
        out[i] = copy(item, `${path}[${i}]`, depth + 1) ?? null;
      }
      return out;
    }
    let keys: string[];
    try {
      keys = Object.keys(v);
    } catch {
      throw unreadable(path);
    }
    const out = Object.create(null) as Record<string, Plain | undefined>;
    for (const key of keys) {
      const at = keyPath(path, key);
      let item: unknown;
      try {
        item = (v as Record<string, unknown>)[key];
      } catch {
        throw unreadable(at);
      }
      const copied = copy(item, at, depth + 1);
      if (copied !== undefined) out[key] = copied;
    }
    return out;
  };
  try {
    return copy(value, arg, 0);
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    // A RangeError from a stack a host made small, or anything else unforeseen: still a LockstepError.
    throw invalidArgument(FN, arg, 'must be readable JSON-like data');
  }
}

// ---------------------------------------------------------------------------------------------------
// Accessors on snapshots: each checks one field and names its path when it is not what it must be.

export function isObject(v: Plain | undefined): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: Plain | undefined, path: string): PlainObject {
  if (!isObject(v)) throw invalidArgument(FN, path, 'must be an object', v);
  return v;
}

export function optionalObject(v: Plain | undefined, path: string): PlainObject | undefined {
  return v === undefined || v === null ? undefined : object(v, path);
}

export function array(v: Plain | undefined, path: string): readonly Plain[] {
  if (!Array.isArray(v)) throw invalidArgument(FN, path, 'must be an array', v);
  return v as readonly Plain[];
}

export function optionalArray(v: Plain | undefined, path: string): readonly Plain[] {
  return v === undefined || v === null ? [] : array(v, path);
}

export function string(v: Plain | undefined, path: string): string {
  if (typeof v !== 'string') throw invalidArgument(FN, path, 'must be a string', v);
  if (v.length > MAX_STRING)
    throw invalidArgument(FN, path, `must be at most ${MAX_STRING} characters long, got ${v.length}`);
  return v;
}

export function optionalString(v: Plain | undefined, path: string): string | undefined {
  return v === undefined || v === null ? undefined : string(v, path);
}

/** A number, or null (how JSON writes NaN and ±Infinity). */
export function number(v: Plain | undefined, path: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number') throw invalidArgument(FN, path, 'must be a number or null', v);
  return v;
}

export function optionalNumber(v: Plain | undefined, path: string): number | null | undefined {
  return v === undefined ? undefined : number(v, path);
}

export function boolean(v: Plain | undefined, path: string): boolean {
  if (typeof v !== 'boolean') throw invalidArgument(FN, path, 'must be a boolean', v);
  return v;
}

export function optionalBoolean(v: Plain | undefined, path: string): boolean | undefined {
  return v === undefined || v === null ? undefined : boolean(v, path);
}

/** True for core's finding shape: a string `code` and `message` and a known `severity`. */
export function isFindingLike(v: Plain | undefined): v is PlainObject {
  return (
    isObject(v) &&
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    (v.severity === 'error' || v.severity === 'warning' || v.severity === 'info')
  );
}

/** True for the shape of drift's `compare` result: `features` and `anomalies` arrays and a `dataset` object. */
export function isComparisonLike(v: Plain | undefined): v is PlainObject {
  return isObject(v) && Array.isArray(v.features) && isObject(v.dataset) && Array.isArray(v.anomalies);
}
