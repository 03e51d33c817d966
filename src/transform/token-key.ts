// tokenKey: the host's key bytes for tokenize steps, made into an opaque key object. This is the only file
// of lockstep/transform that imports HMAC (core/hmac.ts over @noble/hashes): a bundle pays for HMAC only
// when it calls tokenKey, that is, when it tokenizes. apply, fit and the kernel read the key object through
// a registered symbol (steps/tokenize.ts) and never import this file.
//
// The object is frozen and has no enumerable property: JSON.stringify gives `{}`, util.inspect `{}`, and no
// property holds the bytes. Under the symbol is a function `(keyId) => tokenizer`, a closure over the
// key's HMAC state (the hashed inner and outer pads, not the bytes, which are read once and not kept).

import { invalidArgument } from '../core/errors.js';
import { bytesToHex, hmacSha256Key } from '../core/hmac.js';
import { encodeUtf8 } from '../core/utf8.js';
import {
  MIN_KEY_BYTES,
  TOKEN_HEX,
  TOKEN_LABEL,
  type Tokenizer,
  type TokenKey,
  tokenKeySymbol,
} from './steps/tokenize.js';

/**
 * Makes the host's key bytes into a key for `tokenize` steps, given to `fit`, `apply` and `applyBatch` as
 * `{ keys: { [keyId]: tokenKey(bytes) } }`. The bytes (at least 16, a Uint8Array or a Node Buffer) are
 * read now and not kept: the key holds HMAC-SHA256's keyed state in a closure, is frozen, and shows no key
 * material (`JSON.stringify` gives `{}`). Later edits of the bytes change nothing. Importing this function
 * is what brings HMAC (@noble/hashes, about 3 kB gzipped) into a bundle. O(1) now; each key id's message
 * prefix is hashed once, at its first use.
 * @example JSON.stringify(tokenKey(new Uint8Array(16).fill(7))) // => '{}'
 * @throws LockstepError `INVALID_ARGUMENT` naming `key` for a value that is not a Uint8Array of at least
 *   16 bytes.
 */
export function tokenKey(key: Uint8Array): TokenKey {
  const fn = 'tokenKey';
  // A Uint8Array of any realm (a page's iframe, a Node Buffer), read by its internal tag, not instanceof.
  if (!ArrayBuffer.isView(key) || Object.prototype.toString.call(key) !== '[object Uint8Array]')
    throw invalidArgument(fn, 'key', `must be a Uint8Array of at least ${MIN_KEY_BYTES} bytes`);
  if (key.length < MIN_KEY_BYTES)
    throw invalidArgument(
      fn,
      'key',
      `must be a Uint8Array of at least ${MIN_KEY_BYTES} bytes, got ${key.length} bytes`,
    );
  const keyed = hmacSha256Key(key);
  const byId = new Map<string, Tokenizer>();
  const tokenizerOf = (keyId: string): Tokenizer => {
    let tokenizer = byId.get(keyId);
    if (tokenizer === undefined) {
      const mac = keyed(encodeUtf8(`${TOKEN_LABEL}\u0000${keyId}\u0000`));
      tokenizer = (text) => bytesToHex(mac(encodeUtf8(text)), TOKEN_HEX / 2);
      byId.set(keyId, tokenizer);
    }
    return tokenizer;
  };
  const out = {};
  Object.defineProperty(out, tokenKeySymbol(), { value: tokenizerOf });
  return Object.freeze(out) as TokenKey;
}
