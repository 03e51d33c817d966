import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../../src/core/sort.js';

/** The reference: the built-in numeric sort (NaN last, −0 before +0). */
const builtIn = (values: ArrayLike<number>) => Float64Array.from(values).sort();

/** Element-wise Object.is equality, so −0 ≠ +0 and NaN = NaN; reports the first difference. */
function expectSameOrder(got: Float64Array, expected: Float64Array): void {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < got.length; i++)
    if (!Object.is(got[i], expected[i]))
      expect({ index: i, value: got[i] }).toEqual({ index: i, value: expected[i] });
}

const SPECIALS = [
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  Number.MIN_VALUE, // smallest denormal
  -Number.MIN_VALUE,
  2.2250738585072014e-308, // smallest normal
  2.225073858507201e-308, // largest denormal
  -2.225073858507201e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1,
  -1,
  0.1,
];

/** Doubles of every kind: any bit pattern fast-check makes, the special values above, and small integers. */
const anyDouble = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 1, arbitrary: fc.double({ min: -1e-300, max: 1e-300 }) },
);

/** A NaN with a payload and the sign bit set, which arithmetic does not produce but bytes can hold. */
function negativeNaN(): number {
  const bytes = new Float64Array(1);
  new Uint32Array(bytes.buffer).set([0x12345, 0xfff80001]);
  return bytes[0]!;
}

/** A seeded array of n values mixing random doubles of all magnitudes, duplicates and special values. */
function mixed(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r < 0.05) out[i] = SPECIALS[Math.floor(next() * SPECIALS.length)]!;
    else if (r < 0.2) out[i] = Math.floor(next() * 50) - 25;
    else out[i] = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  }
  return out;
}

describe('sortFloat64 equals the built-in Float64Array sort', () => {
  it('on short arrays (built-in path) of any doubles', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 300 }), (values) => {
        expectSameOrder(sortFloat64(Float64Array.from(values)), builtIn(values));
      }),
      { numRuns: 300 },
    );
  });

  it('on arrays long enough for the 8-bit radix passes, with ±0, ±Infinity, denormals, NaN, duplicates', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 2048, maxLength: 5000 }), (values) => {
        expectSameOrder(sortFloat64(Float64Array.from(values)), builtIn(values));
      }),
      { numRuns: 40 },
    );
  });

  it('on long arrays (16-bit radix passes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65_536, max: 140_000 }), fc.integer(), (n, seed) => {
        const values = mixed(n, seed);
        expectSameOrder(sortFloat64(values.slice()), builtIn(values));
      }),
      { numRuns: 6 },
    );
  });

  it('puts NaN of either sign and any payload last, as the canonical NaN', () => {
    const values = mixed(5000, 7);
    values[10] = negativeNaN();
    values[4000] = -Number.NaN;
    const sorted = sortFloat64(values.slice());
    expectSameOrder(sorted, builtIn(values));
    const last = new Uint32Array(sorted.buffer, (sorted.length - 1) * 8, 2);
    expect([last[0], last[1]]).toEqual([0, 0x7ff80000]);
  });

  it('skips passes whose digit is constant and still sorts (integers, one value, two values)', () => {
    for (const values of [
      Float64Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000),
      new Float64Array(5000).fill(3.5),
      Float64Array.from({ length: 70_000 }, (_, i) => (i % 3 === 0 ? -0 : 0)),
      Float64Array.from({ length: 70_000 }, (_, i) => (i * 104_729) % 70_001),
    ])
      expectSameOrder(sortFloat64(values.slice()), builtIn(values));
  });

  it('sorts in place and returns its argument, also for a view at an offset into a larger buffer', () => {
    const backing = mixed(10_000, 3);
    const before = backing.slice();
    const view = backing.subarray(1000, 9000);
    expect(sortFloat64(view)).toBe(view);
    expectSameOrder(view, builtIn(before.subarray(1000, 9000)));
    expectSameOrder(backing.subarray(0, 1000), before.subarray(0, 1000));
    expectSameOrder(backing.subarray(9000), before.subarray(9000));
  });

  it('handles empty and one-element arrays', () => {
    expect(sortFloat64(new Float64Array(0)).length).toBe(0);
    expectSameOrder(sortFloat64(Float64Array.of(Number.NaN)), Float64Array.of(Number.NaN));
  });

  it('gives what its TSDoc example says', () => {
    const source = readFileSync(join(import.meta.dirname, '../../src/core/sort.ts'), 'utf8');
    const [, expression, result] = /@example (.+?) \/\/ => (.+)$/m.exec(source)!;
    const got = new Function('sortFloat64', `return (${expression});`)(sortFloat64);
    expect(got).toEqual(new Function(`return (${result});`)());
  });
});
