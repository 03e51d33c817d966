// SHA-256 (FIPS 180-4) in plain JavaScript, synchronous and identical in Node and browsers. WebCrypto's
// digest is async-only, and node:crypto is Node-only; fingerprints are small, so a sync hash is the better
// trade. Round constants are built on first use (no module-level call).

let roundConstants: Uint32Array | undefined;

function constants(): Uint32Array {
  if (roundConstants) return roundConstants;
  // First 32 bits of the fractional parts of the cube roots of the first 64 primes.
  const k = new Uint32Array(64);
  let found = 0;
  for (let p = 2; found < 64; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false;
    if (!prime) continue;
    const root = Math.cbrt(p);
    k[found++] = Math.floor((root - Math.floor(root)) * 0x100000000);
  }
  roundConstants = k;
  return k;
}

/** Incremental SHA-256 state; reusable with `reset()`, so hashing many small messages allocates nothing. */
export interface Sha256 {
  reset(): void;
  update(bytes: Uint8Array, length?: number): void;
  /** Writes the 32-byte digest as eight big-endian uint32 words into `out`. */
  digestWords(out: Uint32Array): void;
}

export function createSha256(): Sha256 {
  const K = constants();
  const H = new Uint32Array(8);
  const W = new Uint32Array(64);
  const block = new Uint8Array(64);
  let filled = 0;
  let total = 0;

  /** One 64-byte block, read from `src` at `at` (the input itself when a whole block is there). */
  function compress(src: Uint8Array, at: number): void {
    for (let t = 0; t < 16; t++) {
      const j = at + t * 4;
      W[t] = (src[j]! << 24) | (src[j + 1]! << 16) | (src[j + 2]! << 8) | src[j + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = H[0]!;
    let b = H[1]!;
    let c = H[2]!;
    let d = H[3]!;
    let e = H[4]!;
    let f = H[5]!;
    let g = H[6]!;
    let h = H[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] = H[0]! + a;
    H[1] = H[1]! + b;
    H[2] = H[2]! + c;
    H[3] = H[3]! + d;
    H[4] = H[4]! + e;
    H[5] = H[5]! + f;
    H[6] = H[6]! + g;
    H[7] = H[7]! + h;
  }

  const state: Sha256 = {
    reset() {
      // Initial hash values: fractional parts of the square roots of the first 8 primes.
      H[0] = 0x6a09e667;
      H[1] = 0xbb67ae85;
      H[2] = 0x3c6ef372;
      H[3] = 0xa54ff53a;
      H[4] = 0x510e527f;
      H[5] = 0x9b05688c;
      H[6] = 0x1f83d9ab;
      H[7] = 0x5be0cd19;
      filled = 0;
      total = 0;
    },
    update(bytes, length = bytes.length) {
      total += length;
      let i = 0;
      while (i < length) {
        if (filled === 0 && length - i >= 64) {
          compress(bytes, i); // a whole block of the input: no copy
          i += 64;
          continue;
        }
        block[filled++] = bytes[i++]!;
        if (filled === 64) {
          compress(block, 0);
          filled = 0;
        }
      }
    },
    digestWords(out) {
      const bits = total * 8;
      block[filled++] = 0x80;
      if (filled > 56) {
        block.fill(0, filled);
        compress(block, 0);
        filled = 0;
      }
      block.fill(0, filled, 56);
      const high = Math.floor(bits / 0x100000000);
      for (let i = 0; i < 4; i++) {
        block[56 + i] = high >>> (24 - 8 * i);
        block[60 + i] = bits >>> (24 - 8 * i);
      }
      compress(block, 0);
      out.set(H);
    },
  };
  state.reset();
  return state;
}

/** Lower-case hex of eight uint32 words. */
export function wordsToHex(words: Uint32Array): string {
  let hex = '';
  for (let i = 0; i < words.length; i++) hex += words[i]!.toString(16).padStart(8, '0');
  return hex;
}

/** SHA-256 of `bytes` as 64 lower-case hex characters. */
export function sha256Hex(bytes: Uint8Array): string {
  const sha = createSha256();
  sha.update(bytes);
  const out = new Uint32Array(8);
  sha.digestWords(out);
  return wordsToHex(out);
}
