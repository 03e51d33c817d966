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
// The key is the host's secret: it is given to fit and to apply at call time, by key id
// (`{ keys: { [keyId]: bytes } }`), and never stored. The artifact records only the key id; rotating the
// key is a new key id, so a new transform version that diffTransforms reports (KEY_ROTATED). A missing
// value stays missing (no token); a vocabulary's mask or hashBucket's missing bucket encodes it.

import { invalidArgument } from '../../core/errors.js';
import { bytesToHex, keyedHmacSha256 } from '../../core/hmac.js';
import { encodeUtf8 } from '../../core/utf8.js';
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
const LABEL = 'lockstep.tokenize.v1';

/**
 * Replaces a category by a keyed token: the first 16 hex characters of HMAC-SHA256 under the host's key
 * `keyId` of "lockstep.tokenize.v1", 0x00, the key id, 0x00 and the value's UTF-8 text; the token then
 * feeds `vocabulary()` or `hashBucket()` as a raw category would. The key itself is given to `fit` and
 * `apply` as `options.keys[keyId]` (a Uint8Array of at least 16 bytes) and is never stored: the artifact
 * holds the key id only. Rotating the key means a new key id, a new transform version. A missing value
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

/** Per key array: a copy of its bytes when the tokenizers were made, and the tokenizer of each key id. */
interface KeyEntry {
  readonly bytes: Uint8Array;
  readonly byId: Map<string, Tokenizer>;
}

let keyCache: WeakMap<Uint8Array, KeyEntry> | undefined;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The tokenizer of `keyId` under `key`, made once per key array and key id and reused while the array's
 * bytes stay the same (a host that overwrites its key array in place gets a new tokenizer, never a stale
 * one). The key's pads and the message prefix are hashed once.
 */
export function tokenizerOf(key: Uint8Array, keyId: string): Tokenizer {
  keyCache ??= new WeakMap();
  let entry = keyCache.get(key);
  if (entry === undefined || !sameBytes(entry.bytes, key)) {
    entry = { bytes: key.slice(), byId: new Map() };
    keyCache.set(key, entry);
  }
  let tokenizer = entry.byId.get(keyId);
  if (tokenizer === undefined) {
    const mac = keyedHmacSha256(entry.bytes, encodeUtf8(`${LABEL}\u0000${keyId}\u0000`));
    tokenizer = (text) => bytesToHex(mac(encodeUtf8(text)), TOKEN_HEX / 2);
    entry.byId.set(keyId, tokenizer);
  }
  return tokenizer;
}

/** The key ids a chain of steps tokenizes with. */
export function keyIdsOf(steps: readonly { readonly type: string }[]): string[] {
  const ids: string[] = [];
  for (const s of steps) if (s.type === 'tokenize') ids.push((s as TokenizeStep).keyId);
  return ids;
}

/**
 * Reads `options.keys` for `fn`: every key id in `keyIds` must name a Uint8Array of at least 16 bytes.
 * Fills `into` with each key id's tokenizer. Messages name the key id, never the key's bytes.
 * @throws LockstepError `INVALID_ARGUMENT` naming `options.keys` or `options.keys.<keyId>`.
 */
export function readKeys(
  fn: string,
  keys: unknown,
  keyIds: readonly string[],
  into: Map<string, Tokenizer>,
): void {
  if (keys !== undefined && (typeof keys !== 'object' || keys === null || Array.isArray(keys)))
    throw invalidArgument(fn, 'options.keys', 'must be an object of key ids to key bytes (Uint8Array)');
  into.clear();
  for (const id of keyIds) {
    if (into.has(id)) continue;
    const at = `options.keys.${id}`;
    let key: unknown;
    try {
      key = keys !== undefined && Object.hasOwn(keys, id) ? (keys as Record<string, unknown>)[id] : undefined;
    } catch {
      throw invalidArgument(fn, at, 'could not be read (a getter or Proxy threw)');
    }
    if (key === undefined)
      throw invalidArgument(
        fn,
        at,
        `is missing: the transform tokenizes with key id '${id}', so the host must give that key`,
      );
    // A Uint8Array of any realm (a page's iframe, a Node Buffer), read by its internal tag, not instanceof.
    if (!ArrayBuffer.isView(key) || Object.prototype.toString.call(key) !== '[object Uint8Array]')
      throw invalidArgument(fn, at, `must be a Uint8Array of at least ${MIN_KEY_BYTES} bytes`);
    if ((key as Uint8Array).length < MIN_KEY_BYTES)
      throw invalidArgument(
        fn,
        at,
        `must be a Uint8Array of at least ${MIN_KEY_BYTES} bytes, got ${(key as Uint8Array).length} bytes`,
      );
    into.set(id, tokenizerOf(key as Uint8Array, id));
  }
}

export const tokenizeKernel: StepKernel<TokenizeStep> = {
  text(step) {
    const keyId = step.keyId;
    return (s, n) => {
      const token = s.tokenizers.get(keyId);
      // fit and apply read every key the transform names before running it.
      if (token === undefined) throw new Error(`unreachable: no tokenizer for key id '${keyId}'`);
      const text = s.text;
      for (let i = 0; i < n; i++) {
        const t = text[i];
        if (t !== undefined) text[i] = token(t);
      }
    };
  },
};
