import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, MAX_JSON_ARRAY, MAX_JSON_DEPTH } from '../../src/core/fingerprint.js';
import { createSha256, sha256Hex } from '../../src/core/sha256.js';
import { catchLockstep } from '../helpers/errors.js';
import { deepArray, deepObject, throwingGetters, throwingProxy } from '../helpers/hostile.js';

const nodeSha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256', () => {
  it('matches the FIPS 180-2 vectors', () => {
    const enc = new TextEncoder();
    expect(sha256Hex(enc.encode(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex(enc.encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals node:crypto on random inputs, including block-boundary lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(nodeSha(bytes));
      }),
      { numRuns: 500 },
    );
    for (const n of [55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const bytes = new Uint8Array(n).map((_, i) => i * 7);
      expect(sha256Hex(bytes)).toBe(nodeSha(bytes));
    }
  });

  it('gives the same digest when reused after reset', () => {
    const sha = createSha256();
    const out = new Uint32Array(8);
    sha.update(new Uint8Array(100).fill(1));
    sha.digestWords(out);
    sha.reset();
    sha.update(new TextEncoder().encode('abc'));
    sha.digestWords(out);
    expect(out[0]).toBe(0xba7816bf);
  });
});

describe('canonicalJson and fingerprint', () => {
  it('sorts keys, drops undefined properties and writes no whitespace', () => {
    expect(canonicalJson({ b: [1, 'x', null, true], a: { d: 1.5, c: undefined } })).toBe(
      '{"a":{"d":1.5},"b":[1,"x",null,true]}',
    );
    expect(canonicalJson(-0)).toBe('0');
  });

  it('does not depend on key order', () => {
    expect(fingerprint({ x: 1, y: { b: 2, a: 3 } })).toBe(fingerprint({ y: { a: 3, b: 2 }, x: 1 }));
    expect(fingerprint({ x: 1 })).not.toBe(fingerprint({ x: 2 }));
  });

  it('is the SHA-256 of the canonical UTF-8 text', () => {
    const value = { name: 'naïve 😀', n: [1e21, 0.1, -3] };
    expect(fingerprint(value)).toBe(nodeSha(Buffer.from(canonicalJson(value), 'utf8')));
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":1},"constructor":2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['bigint', { a: 1n }],
    ['a function', { f: () => 1 }],
    ['a Date', { d: new Date(0) }],
  ])('rejects %s with a LockstepError naming the path', (_, value) => {
    expect(() => fingerprint(value)).toThrow(/fingerprint: argument 'value' must be plain JSON, but \$/);
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => fingerprint(a)).toThrow(/circular/);
  });

  it('writes nesting up to 1,000 deep and refuses deeper (no stack overflow at 10,000)', () => {
    expect(canonicalJson(deepArray(MAX_JSON_DEPTH - 2))).toMatch(/^\[+1\]+$/);
    for (const deep of [deepArray(10_000), deepObject(10_000), deepArray(MAX_JSON_DEPTH)]) {
      catchLockstep(() => fingerprint(deep), {
        code: 'INVALID_ARGUMENT',
        fn: 'fingerprint',
        arg: 'value',
        message: /must be plain JSON nested at most 1000 deep/,
      });
    }
  });

  it('refuses a sparse array longer than 2^25 at once, and throwing getters and Proxies', () => {
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = 1;
    catchLockstep(() => fingerprint({ a: sparse }), {
      code: 'INVALID_ARGUMENT',
      path: '$.a',
      message: new RegExp(`arrays of at most ${MAX_JSON_ARRAY} items, but \\$\\.a has 4294967295`),
    });
    for (const v of [
      throwingGetters(),
      throwingProxy(),
      {
        get x() {
          throw new Error('no');
        },
      },
    ]) {
      catchLockstep(() => fingerprint({ v }), { code: 'INVALID_ARGUMENT', fn: 'fingerprint', arg: 'value' });
    }
  });
});
