// The key, salt and unit rules every hash assignment goes through (lockstep/split's splits and samples,
// and the router's canary and A/B arms), written once:
//  - a key is a string (hashed as its UTF-8 bytes), a finite number or a bigint (hashed as its decimal
//    string, `String(key)`, so an integer id hashes like Python's `str(id)`), or bytes as given;
//  - a salt string stands for the seed `murmur3(salt, 0)`; the empty salt is seed 0;
//  - the unit value is `murmur3(key, seed) / 2^32`, in [0, 1).
// MurmurHash3 x86 32-bit throughout (core/murmur3.ts), so Python's `mmh3.hash(key, seed, signed=False)`
// and Guava's `murmur3_32_fixed(seed)` reproduce every assignment (docs/determinism.md).

import { invalidArgument } from './errors.js';
import { murmur3Bytes, murmur3String } from './murmur3.js';

/** What can be hashed: strings (as UTF-8), finite numbers and bigints (as their decimal string), bytes. */
export type HashKey = string | number | bigint | Uint8Array;

export const TWO_POW_32 = 4294967296;

/** The key as a string, or bytes as given; throws for anything else. */
export function keyText(key: unknown, fn: string, arg = 'key'): string | Uint8Array {
  if (typeof key === 'string' || key instanceof Uint8Array) return key;
  if (typeof key === 'number') {
    if (Number.isFinite(key)) return String(key);
    throw invalidArgument(fn, arg, 'must be a finite number when a number', key);
  }
  if (typeof key === 'bigint') return String(key);
  throw invalidArgument(fn, arg, 'must be a string, a finite number, a bigint or a Uint8Array', key);
}

/** MurmurHash3 x86 32-bit of key text (UTF-8 of a string, or the bytes) with a uint32 seed. */
export function murmur3(text: string | Uint8Array, seed: number): number {
  return typeof text === 'string' ? murmur3String(text, seed) : murmur3Bytes(text, seed);
}

// One-entry cache of the last salt's seed: hot loops use one salt, and this halves their cost.
let lastSalt = '';
let lastSeed = 0;

/** The hash seed a salt stands for: `murmur3(salt, 0)`. The empty salt is seed 0. */
export function saltSeed(salt: unknown, fn: string): number {
  if (salt === lastSalt) return lastSeed;
  if (typeof salt !== 'string') throw invalidArgument(fn, 'options.salt', 'must be a string', salt);
  const seed = murmur3String(salt, 0);
  lastSalt = salt;
  lastSeed = seed;
  return seed;
}

/** The unit value of key text already checked by keyText, with a salt's seed: murmur3(text, seed) / 2^32. */
export function unitOf(text: string | Uint8Array, seed: number): number {
  return murmur3(text, seed) / TWO_POW_32;
}
