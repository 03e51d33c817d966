// HMAC-SHA256 (RFC 2104 over SHA-256; test vectors in RFC 4231), for keyed tokens such as lockstep/transform's
// tokenize step. Hashing for security comes from @noble/hashes, an audited, synchronous, dependency-free
// library that computes the same bytes in Node and in browsers; lockstep never writes its own MAC. This
// file is a thin wrapper: a one-shot MAC, a MAC whose key (and a fixed message prefix) is absorbed once and
// reused for many messages (or a key absorbed once for several prefixes), and lowercase hex.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Bytes of an HMAC-SHA256 tag. */
export const HMAC_SHA256_BYTES = 32;

/**
 * HMAC-SHA256 of `message` under `key` (RFC 2104 with SHA-256): 32 bytes. Any key length is accepted, as
 * RFC 2104 allows (a key longer than 64 bytes is hashed first); callers that need a strong key check its
 * length themselves. O(key + message). Reference: RFC 2104, RFC 4231 (test vectors); @noble/hashes.
 * @example bytesToHex(hmacSha256(new TextEncoder().encode('key'), new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))) // => 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

/**
 * A MAC for many messages under one key: the key's inner and outer pads and `prefix` are hashed once, and
 * each call costs only the message's own blocks (two SHA-256 finalisations). `mac(message)` equals
 * `hmacSha256(key, prefix ‖ message)`. The key bytes are read now; later edits of `key` change nothing.
 * The returned function reuses one scratch state, so it is not reentrant (JavaScript never runs it twice at
 * once). O(message) a call.
 * @example bytesToHex(keyedHmacSha256(new TextEncoder().encode('key'), new TextEncoder().encode('The quick '))(new TextEncoder().encode('brown fox jumps over the lazy dog'))) // => 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
 */
export function keyedHmacSha256(
  key: Uint8Array,
  prefix: Uint8Array = new Uint8Array(0),
): (message: Uint8Array) => Uint8Array {
  return hmacSha256Key(key)(prefix);
}

/**
 * A key absorbed once, for MACs under many message prefixes: `hmacSha256Key(key)(prefix)` is
 * `keyedHmacSha256(key, prefix)`. Only the hashed inner and outer pads are kept (HMAC's own state), never
 * the key bytes, which are read now: later edits of `key` change nothing. O(key) now, O(prefix) a prefix.
 * @example bytesToHex(hmacSha256Key(new TextEncoder().encode('key'))(new TextEncoder().encode('The quick '))(new TextEncoder().encode('brown fox jumps over the lazy dog'))) // => 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
 */
export function hmacSha256Key(key: Uint8Array): (prefix?: Uint8Array) => (message: Uint8Array) => Uint8Array {
  const keyed = hmac.create(sha256, key);
  return (prefix = new Uint8Array(0)) => {
    const base = keyed.clone().update(prefix);
    // One working copy of the keyed state, overwritten from `base` for each message (noble's clone pattern).
    let work: typeof base | undefined;
    const out = new Uint8Array(HMAC_SHA256_BYTES);
    return (message) => {
      const w: typeof base = (work = base._cloneInto(work as never) as typeof base);
      w.update(message);
      w.digestInto(out);
      return out.slice();
    };
  };
}

const HEX = '0123456789abcdef';

/**
 * Lowercase hex of `bytes`, or of its first `count` bytes. O(count).
 * @example bytesToHex(new Uint8Array([0, 15, 255])) // => '000fff'
 */
export function bytesToHex(bytes: Uint8Array, count: number = bytes.length): string {
  let s = '';
  const n = Math.min(count, bytes.length);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}
