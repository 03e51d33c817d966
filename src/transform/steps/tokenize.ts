// tokenize: keyed pseudonymisation of a category. Each value's text (the text hashBucket and vocabulary
// read) becomes a token, the first 16 lowercase hex characters (64 bits) of
//
//   HMAC-SHA256(key, UTF-8("lockstep.tokenize.v1" ‖ 0x00 ‖ keyId ‖ 0x00 ‖ value))
//
// and the token, not the value, goes on to vocabulary() or hashBucket(). The fixed label and the key id
// separate these tokens from any other MAC the host computes with the same key, and from tokens of the
// same key registered under another id (keyIds may not hold 0x00, so the message is read back one way
// only). 64 bits keep vocabularies, column names and artifacts short while collisions stay negligible:
// among n distinct values the chance of any collision is about n² / 2^65 (3 in 10^8 for a million).
//
// The key is the host's secret: it is given to fit and to apply at call time, by key id, wrapped by
// tokenKey (`{ keys: { [keyId]: tokenKey(bytes) } }`), and never stored. The artifact records only the key
// id; rotating the key is a new key id, so a new transform version that diffTransforms reports
// (KEY_ROTATED). A missing value stays missing (no token); a vocabulary's mask or hashBucket's missing
// bucket encodes it.
//
// This file computes no MAC. HMAC (core/hmac.ts, @noble/hashes) is reached only through tokenKey
// (../token-key.ts), which the host imports when it tokenizes: a key object carries its own tokenizers, so
// apply, fit and the kernel, which import this file, bundle no HMAC code for a transform without tokens.

import { invalidArgument } from '../../core/errors.js';
import { buildStep, learnsNothing, type StepKernel, type StepRules } from './common.js';

export interface TokenizeStep {
  readonly type: 'tokenize';
  /** The id of the host's key: 1 to 128 characters of A–Z, a–z, 0–9, `.`, `_`, `:` and `-`. */
  readonly keyId: string;
}

/** A key id: short, printable, and free of 0x00 (the message's separator) and of path punctuation. */
const KEY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fewest bytes a key may have: 128 bits, the strength of the 64-bit token's MAC is then the token's. */
export const MIN_KEY_BYTES = 16;

/** Hex characters of a token: 16, i.e. the first 64 bits of the MAC. */
export const TOKEN_HEX = 16;

/** The label every token's message starts with (its version: a new rule would be a new label). */
export const TOKEN_LABEL = 'lockstep.tokenize.v1';

/**
 * Replaces a category by a keyed token: the first 16 hex characters of HMAC-SHA256 under the host's key
 * `keyId` of "lockstep.tokenize.v1", 0x00, the key id, 0x00 and the value's UTF-8 text; the token then
 * feeds `vocabulary()` or `hashBucket()` as a raw category would. The key itself is given to `fit` and
 * `apply` as `options.keys[keyId]`, made by `tokenKey(bytes)` (at least 16 bytes), and is never stored:
 * the artifact holds the key id only. Rotating the key means a new key id, a new transform version. A missing value
 * stays missing. O(length of the value) a value. HMAC: RFC 2104, from @noble/hashes.
 * @example tokenize({ keyId: 'k2026' }) // => { type: 'tokenize', keyId: 'k2026' }
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option or a key id that is not 1 to 128
 *   characters of A–Z, a–z, 0–9, `.`, `_`, `:` and `-`.
 */
export function tokenize(options: { readonly keyId: string }): TokenizeStep {
  return buildStep(tokenizeStep, options);
}

export const tokenizeStep: StepRules<TokenizeStep, TokenizeStep> = {
  type: 'tokenize',
  options: ['keyId'],
  check(fn, at, s) {
    if (typeof s.keyId !== 'string' || !KEY_ID.test(s.keyId))
      throw invalidArgument(
        fn,
        `${at}.keyId`,
        'must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" and "-"',
        s.keyId,
      );
  },
  fittedProblem: learnsNothing,
};

/** A value's token under one key and key id. */
export type Tokenizer = (text: string) => string;

/** Marks the type of {@link TokenKey}; no value has it. */
declare const tokenKeyType: unique symbol;

/**
 * A key for `tokenize` steps, made by `tokenKey(bytes)`: an opaque, frozen object that holds the key's
 * HMAC state in a closure and shows nothing of it (no enumerable property; `JSON.stringify` gives `{}`).
 */
export interface TokenKey {
  readonly [tokenKeyType]: true;
}

/**
 * The property, keyed by a registered symbol, under which a key object holds its tokenizer maker
 * (`(keyId) => Tokenizer`). A registered symbol, not a module's private one, so a key made by one copy of
 * lockstep (its ESM or CJS build, the root entry or a subpath) works with another.
 */
export function tokenKeySymbol(): symbol {
  return Symbol.for('lockstep.tokenKey');
}

/** The key ids a chain of steps tokenizes with. */
export function keyIdsOf(steps: readonly { readonly type: string }[]): string[] {
  const ids: string[] = [];
  for (const s of steps) if (s.type === 'tokenize') ids.push((s as TokenizeStep).keyId);
  return ids;
}

/**
 * Reads `options.keys` for `fn`: every key id in `keyIds` must name a key made by `tokenKey`. Fills `into`
 * with each key id's tokenizer. Messages name the key id, never show the key or its bytes.
 * @throws LockstepError `INVALID_ARGUMENT` naming `options.keys` or `options.keys.<keyId>`.
 */
export function readKeys(
  fn: string,
  keys: unknown,
  keyIds: readonly string[],
  into: Map<string, Tokenizer>,
): void {
  if (keys !== undefined && (typeof keys !== 'object' || keys === null || Array.isArray(keys)))
    throw invalidArgument(fn, 'options.keys', 'must be an object of key ids to keys made by tokenKey(bytes)');
  into.clear();
  for (const id of keyIds) {
    if (into.has(id)) continue;
    const at = `options.keys.${id}`;
    let key: unknown;
    let make: unknown;
    try {
      key = keys !== undefined && Object.hasOwn(keys, id) ? (keys as Record<string, unknown>)[id] : undefined;
      // A key object holds its tokenizer maker under the registered symbol; raw bytes and the rest do not.
      make =
        typeof key === 'object' && key !== null
          ? (key as Record<symbol, unknown>)[tokenKeySymbol()]
          : undefined;
    } catch {
      throw invalidArgument(fn, at, 'could not be read (a getter or Proxy threw)');
    }
    if (key === undefined)
      throw invalidArgument(
        fn,
        at,
        `is missing: the transform tokenizes with key id '${id}', so the host must give that key`,
      );
    if (typeof make !== 'function')
      throw invalidArgument(
        fn,
        at,
        'must be a key made by tokenKey(bytes): wrap the raw key bytes with tokenKey from lockstep/transform',
      );
    into.set(id, (make as (keyId: string) => Tokenizer)(id));
  }
}

export const tokenizeKernel: StepKernel<TokenizeStep> = {
  text(step) {
    const keyId = step.keyId;
    return (s, n) => {
      // fit, apply and applyBatch read every key the transform names (readKeys) before running it.
      const token = s.tokenizers.get(keyId)!;
      const text = s.text;
      for (let i = 0; i < n; i++) {
        const t = text[i];
        if (t !== undefined) text[i] = token(t);
      }
    };
  },
};
