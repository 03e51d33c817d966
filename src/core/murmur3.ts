// MurmurHash3 x86 32-bit (Appleby, SMHasher r136) over UTF-8 bytes. The string variant encodes UTF-8
// on the fly, so hashing a key allocates nothing; unpaired surrogates encode as U+FFFD, as TextEncoder does.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixTail(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return h ^ Math.imul(k, C2);
}

function finalize(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86 32 of `bytes[0..length)` with a uint32 `seed`. */
export function murmur3Bytes(bytes: Uint8Array, seed: number, length = bytes.length): number {
  let h = seed | 0;
  const blocks = length & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const rest = length & 3;
  if (rest > 0) {
    let k = bytes[i]!;
    if (rest > 1) k |= bytes[i + 1]! << 8;
    if (rest > 2) k |= bytes[i + 2]! << 16;
    h = mixTail(h, k);
  }
  return finalize(h, length);
}

/** MurmurHash3 x86 32 of the UTF-8 encoding of `key`, without materialising the bytes. */
export function murmur3String(key: string, seed: number): number {
  let h = seed | 0;
  let k = 0; // pending bytes, little-endian
  let bits = 0; // how many bits of k are filled (0, 8, 16, 24)
  let length = 0;
  const n = key.length;
  let i = 0;
  while (i < n) {
    // Fast path: four ASCII characters on a block boundary form one block.
    if (bits === 0 && i + 3 < n) {
      const a = key.charCodeAt(i);
      const b = key.charCodeAt(i + 1);
      const c = key.charCodeAt(i + 2);
      const d = key.charCodeAt(i + 3);
      if ((a | b | c | d) < 0x80) {
        h = mixBlock(h, a | (b << 8) | (c << 16) | (d << 24));
        i += 4;
        length += 4;
        continue;
      }
    }
    let c = key.charCodeAt(i++);
    let enc: number; // UTF-8 bytes of one code point, packed little-endian
    let size: number;
    if (c < 0x80) {
      enc = c;
      size = 1;
    } else if (c < 0x800) {
      enc = 0xc0 | (c >> 6) | ((0x80 | (c & 63)) << 8);
      size = 2;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = i < n ? key.charCodeAt(i) : 0;
        if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          i++;
          const cp = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          enc =
            0xf0 |
            (cp >> 18) |
            ((0x80 | ((cp >> 12) & 63)) << 8) |
            ((0x80 | ((cp >> 6) & 63)) << 16) |
            ((0x80 | (cp & 63)) << 24);
          size = 4;
        } else {
          c = 0xfffd; // unpaired surrogate
          enc = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 63)) << 8) | ((0x80 | (c & 63)) << 16);
          size = 3;
        }
      } else {
        enc = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 63)) << 8) | ((0x80 | (c & 63)) << 16);
        size = 3;
      }
    }
    length += size;
    const filled = bits + size * 8;
    if (bits === 0) {
      if (filled === 32) h = mixBlock(h, enc);
      else {
        k = enc;
        bits = filled;
      }
    } else if (filled >= 32) {
      h = mixBlock(h, k | (enc << bits));
      k = enc >>> (32 - bits);
      bits = filled - 32;
    } else {
      k |= enc << bits;
      bits = filled;
    }
  }
  if (bits > 0) h = mixTail(h, k);
  return finalize(h, length);
}
