// lockstep/split's public hash functions. The key, salt and unit rules they apply live in core/hash-key.ts,
// shared with every other hash assignment.

import { invalidArgument } from '../core/errors.js';
import { type HashKey, keyText, murmur3, saltOption, TWO_POW_32, unitOf } from '../core/hash-key.js';

export type { HashKey } from '../core/hash-key.js';

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
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw invalidArgument('hash32', 'seed', 'must be an integer in [0, 2^32)', seed);
  }
  return murmur3(keyText(key, 'hash32'), seed);
}

/** Options shared by every salted hash function; no other key is accepted. */
export interface SaltOptions {
  /**
   * Names the experiment or split; a different salt gives an independent assignment. Default `''`. At
   * most 65,536 characters.
   */
  readonly salt?: string;
}

/**
 * The key's position in [0, 1): `murmur3(key, murmur3(salt, 0)) / 2^32`. Every split, sample and
 * route compares this number with cumulative weights.
 * @example hashUnit('user-42', { salt: 'v1' }) // => 0.7902330979704857
 * @throws LockstepError `INVALID_ARGUMENT` for a key hash32 rejects, options that are not an object (a salt
 *   string passed in their place), an unknown option key, or a salt that is not a string.
 */
export function hashUnit(key: HashKey, options?: SaltOptions): number {
  const seed = saltOption('hashUnit', options);
  return unitOf(keyText(key, 'hashUnit'), seed);
}
