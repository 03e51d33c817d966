import { invalidArgument } from '../core/errors.js';
import { type HashKey, keyText, saltOption, unitOf } from '../core/hash-key.js';
import { compileWeights, pickIndex, type SplitWeights } from '../core/weights.js';
import type { SaltOptions } from './hash.js';

/**
 * The split a key belongs to. The key's unit value `hashUnit(key, { salt })` is compared with the
 * cumulative weights in declared order, so raising one weight moves keys only out of the split declared
 * after it, never back. Weights must be finite, non-negative and sum to 1 within 1e-9. O(key length +
 * splits). The same key, weights and salt give the same split in every process and language (see
 * docs/determinism.md).
 * @example assignSplit('user-42', { train: 0.8, eval: 0.1, test: 0.1 }, { salt: 'v1' }) // => 'train'
 * @throws LockstepError `INVALID_ARGUMENT` for bad weights, a bad key, options that are not an object (a
 *   salt string passed in their place: write `{ salt: 'v1' }`), an unknown option key, or a salt that is
 *   not a string.
 */
export function assignSplit<S extends string>(
  key: HashKey,
  splits: SplitWeights<S>,
  options?: SaltOptions,
): S {
  const weights = compileWeights(splits, 'assignSplit');
  const seed = saltOption('assignSplit', options);
  return weights.names[pickIndex(weights, unitOf(keyText(key, 'assignSplit'), seed))] as S;
}

/**
 * Whether a key is in a consistent `rate` sample: `hashUnit(key, { salt }) < rate`. Every replica, every
 * day, samples the same keys, and the keys sampled at a lower rate stay sampled at a higher one, so a
 * logged slice of serving traffic covers whole users or sessions. O(key length).
 * @example sampleByKey('session-9', 0.05, { salt: 'log-2026' }) // => false
 * @throws LockstepError `INVALID_ARGUMENT` for a rate outside [0, 1], a bad key, options that are not an
 *   object, an unknown option key, or a salt that is not a string.
 */
export function sampleByKey(key: HashKey, rate: number, options?: SaltOptions): boolean {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw invalidArgument('sampleByKey', 'rate', 'must be a number in [0, 1]', rate);
  }
  const seed = saltOption('sampleByKey', options);
  return unitOf(keyText(key, 'sampleByKey'), seed) < rate;
}
