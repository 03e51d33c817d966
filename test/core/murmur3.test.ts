import fc from 'fast-check';
import murmur from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { murmur3Bytes, murmur3String } from '../../src/core/murmur3.js';

// Published MurmurHash3_x86_32 vectors (SMHasher-derived, widely reproduced).
const published: [string, number, number][] = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['\0\0\0\0', 0, 0x2362f9de],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aa', 0x9747b28c, 0x5d211726],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['ab', 0x9747b28c, 0x74875592],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

const encoder = new TextEncoder();

describe('murmur3 x86 32', () => {
  it.each(published)('hashes %j with seed %i to the published value', (key, seed, expected) => {
    expect(murmur3String(key, seed)).toBe(expected);
    expect(murmur3Bytes(encoder.encode(key), seed)).toBe(expected);
  });

  it("passes SMHasher's verification test (0xB0F57EE3)", () => {
    // Hash keys {0}, {0,1}, ..., {0..254} with seed 256 - i; hash the concatenated little-endian results.
    const key = new Uint8Array(256);
    const hashes = new Uint8Array(256 * 4);
    const view = new DataView(hashes.buffer);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      view.setUint32(i * 4, murmur3Bytes(key, 256 - i, i), true);
    }
    expect(murmur3Bytes(hashes, 0)).toBe(0xb0f57ee3);
  });

  it('equals the murmurhash package on random strings of any code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat({ max: 0xffffffff }), (key, seed) => {
        expect(murmur3String(key, seed)).toBe(murmur.v3(key, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals the murmurhash package on strings with unpaired surrogates', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      fc.constantFrom('a', 'é', '€', '😀'),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (key) => {
        expect(murmur3String(key, 0)).toBe(murmur.v3(key, 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals the murmurhash package on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 0xffffffff }), (bytes, seed) => {
        expect(murmur3Bytes(bytes, seed)).toBe(murmur.v3(bytes, seed));
      }),
      { numRuns: 1000 },
    );
  });
});
