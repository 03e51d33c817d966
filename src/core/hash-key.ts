// The key, salt and unit rules every hash assignment goes through (lockstep/split's splits and samples,
// and the router's canary and A/B arms), written once:
//  - a key is a string (hashed as its UTF-8 bytes), a finite number or a bigint (hashed as its decimal
//    string, `String(key)`, so an integer id hashes like Python's `str(id)`), or bytes as given;
//  - a salt string stands for the seed `murmur3(salt, 0)`; the empty salt is seed 0;
//  - the unit value is `murmur3(key, seed) / 2^32`, in [0, 1).
// MurmurHash3 x86 32-bit throughout (core/murmur3.ts), so Python's `mmh3.hash(key, seed, signed=False)`
// and Guava's `murmur3_32_fixed(seed)` reproduce every assignment (docs/determinism.md).

import { readOptions } from './check.js';
import { invalidArgument } from './errors.js';
import { murmur3Bytes, murmur3String } from './murmur3.js';

/** What can be hashed: strings (as UTF-8), finite numbers and bigints (as their decimal string), bytes. */
export type HashKey = string | number | bigint | Uint8Array;

export const TWO_POW_32 = 4294967296;

/** The key as a string, or bytes as given; throws for anything else. */
export function keyText(key: unknown, fn: string, arg = 'key'): string | Uint8Array {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') {
    if (Number.isFinite(key)) return String(key);
    throw invalidArgument(fn, arg, 'must be a finite number when a number', key);
  }
  if (typeof key === 'bigint') return String(key);
  // isView first: it is false for a Proxy without running any of its traps, which instanceof would.
  if (ArrayBuffer.isView(key) && key instanceof Uint8Array) return key;
  throw invalidArgument(fn, arg, 'must be a string, a finite number, a bigint or a Uint8Array', key);
}

/** MurmurHash3 x86 32-bit of key text (UTF-8 of a string, or the bytes) with a uint32 seed. */
export function murmur3(text: string | Uint8Array, seed: number): number {
  return typeof text === 'string' ? murmur3String(text, seed) : murmur3Bytes(text, seed);
}

// One-entry cache of the last salt's seed: hot loops use one salt, and this halves their cost.
let lastSalt = '';
let lastSeed = 0;

/** Longest salt: 65,536 UTF-16 units (a salt names an experiment; hostile text is refused unread). */
export const MAX_SALT_LENGTH = 65_536;

/** The hash seed a salt stands for: `murmur3(salt, 0)`. The empty salt is seed 0. */
export function saltSeed(salt: unknown, fn: string, arg = 'options.salt'): number {
  if (salt === lastSalt) return lastSeed;
  if (typeof salt !== 'string') throw invalidArgument(fn, arg, 'must be a string', salt);
  if (salt.length > MAX_SALT_LENGTH) {
    throw invalidArgument(fn, arg, `must be at most ${MAX_SALT_LENGTH} characters long, got ${salt.length}`);
  }
  const seed = murmur3String(salt, 0);
  lastSalt = salt;
  lastSeed = seed;
  return seed;
}

/** The unit value of key text already checked by keyText, with a salt's seed: murmur3(text, seed) / 2^32. */
export function unitOf(text: string | Uint8Array, seed: number): number {
  return murmur3(text, seed) / TWO_POW_32;
}

const SALT_KEYS: readonly 'salt'[] = ['salt'];

/**
 * The seed of `options.salt`, for functions whose only option is the salt and which are called once per
 * request (hashUnit, assignSplit, sampleByKey, the router's arms). `undefined` means no options (seed 0).
 * A plain object whose only enumerable key is `salt` is read directly, without the snapshot readOptions
 * makes (this keeps a call at a few nanoseconds); anything else goes through readOptions, so a misspelled
 * key, a string where the options belong or a throwing getter is an INVALID_ARGUMENT as everywhere else.
 */
export function saltOption(fn: string, options: unknown): number {
  if (options === undefined) return 0;
  if (typeof options === 'object' && options !== null) {
    try {
      let onlySalt = true;
      for (const key in options) {
        if (key !== 'salt') {
          onlySalt = false;
          break;
        }
      }
      if (onlySalt && Object.getPrototypeOf(options) === Object.prototype) {
        const salt = (options as { salt?: unknown }).salt;
        if (salt === undefined) return 0;
        if (salt === lastSalt || typeof salt === 'string') return saltSeed(salt, fn);
      }
    } catch {
      // A Proxy or throwing getter: readOptions below says so.
    }
  }
  const salt = readOptions(fn, options, SALT_KEYS).salt;
  return salt === undefined ? 0 : saltSeed(salt, fn);
}
