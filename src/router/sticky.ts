// The one sticky-assignment rule of lockstep/router, written once; canary, shadow sampling and abTest all
// decide through the functions below, and nothing else in the router hashes a key.
//
// - A request key is core's hash key (core/hash-key.ts): a string as its UTF-8 bytes, a finite number or a
//   bigint as its decimal string, or bytes as given. Sticky strategies read it from `context.key`; a
//   missing or malformed key is an INVALID_ARGUMENT naming the method and `context.key`, never a random
//   or default assignment (a request without a key would not be sticky, silently).
// - Each strategy hashes with its own salt (a string; `murmur3(salt, 0)` is the seed, computed once when
//   the router is built), so a canary and an A/B test over the same keys are independent.
// - The unit value is `murmur3(key, seed) / 2^32` in [0, 1), compared with cumulative weights in declared
//   order (core/weights.ts): exactly what lockstep/split's `assignSplit(key, weights, { salt })` computes,
//   so a split made offline, a canary and another replica all agree. Raising a weight moves keys only out
//   of the arms declared after it, never back.
// - Cost: O(key length), and no allocation for string and byte keys (a number key is turned into its
//   decimal string first).
import { invalidArgument } from '../core/errors.js';
import { keyText, saltSeed, unitOf } from '../core/hash-key.js';
import { type CompiledWeights, pickIndex } from '../core/weights.js';
import type { RouteContext, RouteKey } from './types.js';

/** Key text as hashed: a string, or bytes. */
export type KeyText = string | Uint8Array;

/** The seed of a strategy's salt option, `fallback` when the option is undefined. Computed once per router. */
export function stickySeed(fn: string, salt: unknown, fallback: string, arg = 'options.salt'): number {
  return saltSeed(salt === undefined ? fallback : salt, fn, arg);
}

/** A key given directly (`assign(key)`), as hashed text; INVALID_ARGUMENT naming `arg` for a bad key. */
export function keyOf(fn: string, key: unknown, arg = 'key'): KeyText {
  return keyText(key, fn, arg);
}

/**
 * The key a sticky route needs, read once from `context.key`: the key as given (for events and stores)
 * and as hashed text. INVALID_ARGUMENT naming `context` or `context.key` when there is none or it is bad.
 */
export function contextKey(fn: string, context: unknown): { key: RouteKey; text: KeyText } {
  if (typeof context !== 'object' || context === null)
    throw invalidArgument(fn, 'context', 'must be an object with a key ({ key })', context);
  let key: unknown;
  try {
    key = (context as RouteContext).key;
  } catch {
    throw invalidArgument(fn, 'context.key', 'must be readable (its getter threw)');
  }
  if (key === undefined)
    throw invalidArgument(fn, 'context.key', 'is required: this strategy is sticky by request key', key);
  return { key: key as RouteKey, text: keyText(key, fn, 'context.key') };
}

/** The key's unit value in [0, 1) under a strategy's seed: murmur3(key, seed) / 2^32. */
export function stickyUnit(text: KeyText, seed: number): number {
  return unitOf(text, seed);
}

/** The arm a key goes to: the first whose cumulative weight exceeds its unit value (core/weights.ts). */
export function stickyPick(weights: CompiledWeights, text: KeyText, seed: number): number {
  return pickIndex(weights, unitOf(text, seed));
}

/**
 * The key as an assignment store sees it: a string, the same for every key that hashes alike (`42`, `42n`
 * and `'42'` are one key), bytes as lowercase hex prefixed `0x` (distinct from any decimal string).
 */
export function storeKeyOf(text: KeyText): string {
  if (typeof text === 'string') return text;
  let hex = '0x';
  for (let i = 0; i < text.length; i++) hex += text[i]!.toString(16).padStart(2, '0');
  return hex;
}
