// Names the registry accepts, written once. Model names and aliases become paths on disk (fs back end) and
// keys in SQL, so they are refused unless they are plainly safe: lower-case letters, digits, `.`, `_` and `-`,
// starting with a letter or digit (so `..`, `.hidden` and `-rf` cannot be names), at most 128 characters.
// Lower case only, because macOS and Windows file systems fold case: `Flights` and `flights` would be one
// directory there and two models elsewhere. Tag keys, metric names and artifact names never become paths but
// are bounded and free of control characters all the same, so history and errors stay printable.
import { checkString } from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { ParsedRef } from './types.js';

/** Longest model name, alias, artifact name, tag key or metric name. */
export const MAX_NAME = 128;
/** Longest tag value, actor, reason or description. */
export const MAX_TEXT = 4096;

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const ALIAS = /^[a-z][a-z0-9_-]*$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
/** Aliases the registry keeps for itself. */
export const RESERVED_ALIASES: readonly string[] = ['latest'];

/** A model name: `[a-z0-9][a-z0-9._-]*`, at most 128 characters. */
export function checkModelName(fn: string, arg: string, v: unknown): string {
  const s = checkString(fn, arg, v, MAX_NAME, true);
  if (!NAME.test(s))
    throw invalidArgument(
      fn,
      arg,
      'must be a model name: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit',
      s,
    );
  return s;
}

/** An alias: `[a-z][a-z0-9_-]*`, at most 128 characters (never all digits, so it cannot read as a version). */
export function checkAlias(fn: string, arg: string, v: unknown, allowReserved = false): string {
  const s = checkString(fn, arg, v, MAX_NAME, true);
  if (!ALIAS.test(s))
    throw invalidArgument(
      fn,
      arg,
      'must be an alias: lower-case letters, digits, "_" and "-", starting with a letter',
      s,
    );
  if (!allowReserved && RESERVED_ALIASES.includes(s))
    throw invalidArgument(fn, arg, `must not be "${s}", which the registry maintains itself`);
  return s;
}

/** A tag key, metric name or artifact name: `[A-Za-z0-9][A-Za-z0-9._:/-]*`, at most 128 characters. */
export function checkKey(fn: string, arg: string, v: unknown): string {
  const s = checkString(fn, arg, v, MAX_NAME, true);
  if (!KEY.test(s) || s.includes('..'))
    throw invalidArgument(
      fn,
      arg,
      'must be a key: letters, digits, ".", "_", ":", "/" and "-", starting with a letter or digit, without ".."',
      s,
    );
  return s;
}

/** Free text (a tag value, actor, reason, description): at most `max` characters, no control characters. */
export function checkText(fn: string, arg: string, v: unknown, max = MAX_TEXT): string {
  const s = checkString(fn, arg, v, max);
  if (hasControl(s)) throw invalidArgument(fn, arg, 'must not contain control characters', s);
  return s;
}

/** A version number: an integer in [1, 2^31 − 1]. */
export function checkVersion(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw invalidArgument(fn, arg, 'must be a version number (an integer from 1)', v);
  return v;
}

/**
 * Parses a ref: `name/3` (a version), `name@alias` (an alias), `name@latest` (the highest version).
 * @example parseRef('flights@champion') // => { name: 'flights', alias: 'champion' }
 * @throws LockstepError `INVALID_ARGUMENT` for anything else.
 */
export function parseRef(ref: string): ParsedRef {
  return readRef('parseRef', 'ref', ref);
}

/** parseRef for `fn`'s argument `arg`. */
export function readRef(fn: string, arg: string, v: unknown): ParsedRef {
  const s = checkString(fn, arg, v, 2 * MAX_NAME + 12, true);
  const at = s.indexOf('@');
  const slash = s.indexOf('/');
  if (at > 0 && slash === -1) {
    const name = checkModelName(fn, arg, s.slice(0, at));
    const alias = checkAlias(fn, arg, s.slice(at + 1), true);
    return { name, alias };
  }
  if (slash > 0 && at === -1) {
    const name = checkModelName(fn, arg, s.slice(0, slash));
    const digits = s.slice(slash + 1);
    if (!/^[1-9][0-9]{0,9}$/.test(digits))
      throw invalidArgument(fn, arg, 'must end in a version number after "/"', s);
    return { name, version: checkVersion(fn, arg, Number(digits)) };
  }
  throw invalidArgument(
    fn,
    arg,
    `must be a ref: "name/version", "name@alias" or "name@latest", got ${describe(s)}`,
  );
}

/** True when `s` holds a C0 or C1 control, DEL, a line or paragraph separator, or a lone surrogate. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
