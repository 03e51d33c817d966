import fc from 'fast-check';
import murmur from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { assignSplit, hash32, hashUnit, LockstepError } from '../../src/split/index.js';
import golden from '../fixtures/split-golden.json' with { type: 'json' };

describe('golden vectors (test/fixtures/split-golden.json, from the murmurhash package)', () => {
  it.each(golden.vectors)('key $key salt $salt', ({ key, salt, seed, hash, unit, split }) => {
    expect(hash32(key, seed)).toBe(hash);
    expect(hashUnit(key, { salt })).toBe(unit);
    expect(assignSplit(key, golden.splits, { salt })).toBe(split);
  });
});

describe('hash32', () => {
  it('equals murmurhash.v3 on random strings and seeds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat({ max: 0xffffffff }), (key, seed) => {
        expect(hash32(key, seed)).toBe(murmur.v3(key, seed));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes numbers and bigints as their decimal string, bytes as given', () => {
    expect(hash32(12345)).toBe(murmur.v3('12345', 0));
    expect(hash32(-0.5)).toBe(murmur.v3('-0.5', 0));
    expect(hash32(2n ** 64n)).toBe(murmur.v3('18446744073709551616', 0));
    expect(hash32(new Uint8Array([1, 2, 3]), 9)).toBe(murmur.v3(new Uint8Array([1, 2, 3]), 9));
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: 1 }],
    ['a boolean', true],
  ])('rejects %s as a key', (_, key) => {
    expect(() => hash32(key as never)).toThrow(LockstepError);
    expect(() => hash32(key as never)).toThrow(/hash32: argument 'key'/);
  });

  it('rejects a seed outside [0, 2^32)', () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN])
      expect(() => hash32('k', seed)).toThrow(/argument 'seed'/);
  });
});

describe('hashUnit', () => {
  it('is murmur3(key, murmur3(salt, 0)) / 2^32, in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, salt) => {
        const u = hashUnit(key, { salt });
        expect(u).toBe(murmur.v3(key, murmur.v3(salt, 0)) / 2 ** 32);
        expect(u >= 0 && u < 1).toBe(true);
      }),
    );
  });

  it('uses the empty salt (seed 0) by default', () => {
    expect(hashUnit('abc')).toBe(murmur.v3('abc', 0) / 2 ** 32);
  });

  it('rejects a salt that is not a string', () => {
    expect(() => hashUnit('k', { salt: 5 as never })).toThrow(
      /hashUnit: argument 'options.salt' must be a string/,
    );
  });
});
