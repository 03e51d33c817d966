// Reading the named fields of an object handed to a public function as data (a feature matrix, a pair of
// tensors, an Arrow-like table): each field is read exactly once, into a snapshot, so a getter or a Proxy
// can neither throw from deep inside the computation nor change a value between its check and its use.
// Unlike readOptions, other keys are allowed: the object is data (it may carry fields lockstep does not
// read), not an options object.
import { invalidArgument } from './errors.js';

/** The snapshot readFields returns: the named fields, values not yet checked. */
export type Fields<K extends string> = { readonly [P in K]: unknown };

/**
 * Reads `keys` of `value` once each into a fresh null-prototype object. A field that is absent reads as
 * undefined. O(keys).
 * @throws LockstepError `INVALID_ARGUMENT` naming `arg.key` when reading a field throws (a throwing getter
 *   or Proxy trap).
 */
export function readFields<K extends string>(
  fn: string,
  arg: string,
  value: object,
  keys: readonly K[],
): Fields<K> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    try {
      out[key] = (value as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(fn, `${arg}.${key}`, 'must be readable (its getter threw)');
    }
  }
  return out as Fields<K>;
}
