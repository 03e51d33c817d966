import { invalidArgument } from '../core/errors.js';
import { murmur3Bytes, murmur3String } from '../core/murmur3.js';

/** What can be hashed: strings (as UTF-8), finite numbers and bigints (as their decimal string), bytes. */
export type HashKey = string | number | bigint | Uint8Array;

const TWO_POW_32 = 4294967296;

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

function murmur3(text: string | Uint8Array, seed: number): number {
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

/**
 * MurmurHash3 x86 32-bit of the UTF-8 bytes of `key` with a uint32 `seed`, as an unsigned integer. Numbers
 * and bigints hash as their decimal string (`String(key)`), so an integer id hashes like Python's
 * `str(id)`. Equals Python's `mmh3.hash(key, seed, signed=False)` and the `murmurhash` package's `v3`.
 * O(key length), allocation-free. Reference: Appleby, SMHasher (MurmurHash3_x86_32).
 * @example hash32('Hello, world!', 0x9747b28c) // => 612912314
 * @throws LockstepError `INVALID_ARGUMENT` for keys of another type, NaN or ±Infinity, or a seed that is
 *   not an integer in [0, 2^32).
 */
export function hash32(key: HashKey, seed = 0): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw invalidArgument('hash32', 'seed', 'must be an integer in [0, 2^32)', seed);
  }
  return murmur3(keyText(key, 'hash32'), seed);
}

/** Options shared by every salted hash function. */
export interface SaltOptions {
  /** Names the experiment or split; a different salt gives an independent assignment. Default `''`. */
  readonly salt?: string;
}

/**
 * The key's position in [0, 1): `murmur3(key, murmur3(salt, 0)) / 2^32`. Every split, sample and
 * route compares this number with cumulative weights.
 * @example hashUnit('user-42', { salt: 'v1' }) // => 0.7902330979704857
 * @throws LockstepError `INVALID_ARGUMENT` for a key hash32 rejects, or a salt that is not a string.
 */
export function hashUnit(key: HashKey, options: SaltOptions = {}): number {
  const seed = saltSeed(options.salt ?? '', 'hashUnit');
  return murmur3(keyText(key, 'hashUnit'), seed) / TWO_POW_32;
}

/** hashUnit for keys already known to be valid text (internal hot path). */
export function unitOf(text: string | Uint8Array, seed: number): number {
  return murmur3(text, seed) / TWO_POW_32;
}
