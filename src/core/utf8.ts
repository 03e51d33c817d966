/**
 * Writes the UTF-8 encoding of `text` into `out` at `offset` and returns the offset after it. The caller
 * guarantees room for `text.length * 3` bytes. Unpaired surrogates become U+FFFD, as TextEncoder does.
 */
export function encodeUtf8Into(text: string, out: Uint8Array, offset: number): number {
  let p = offset;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          i++;
          const cp = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          out[p++] = 0xf0 | (cp >> 18);
          out[p++] = 0x80 | ((cp >> 12) & 63);
          out[p++] = 0x80 | ((cp >> 6) & 63);
          out[p++] = 0x80 | (cp & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 63);
      out[p++] = 0x80 | (c & 63);
    }
  }
  return p;
}

/** The UTF-8 bytes of `text` in a new array. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  return out.subarray(0, encodeUtf8Into(text, out, 0));
}
