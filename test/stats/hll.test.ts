import { describe, expect, it } from 'vitest';
import { murmur3String } from '../../src/core/murmur3.js';
import { createHll, hllAddHash, hllEstimate, hllMerge } from '../../src/stats/hll.js';
import { profile } from '../../src/stats/index.js';

const sketchOf = (from: number, to: number, p = 12) => {
  const s = createHll(p);
  for (let i = from; i < to; i++) hllAddHash(s, murmur3String(`item-${i}`, 0x5eed1e55));
  return s;
};

describe('HyperLogLog', () => {
  const cardinalities = [1, 10, 100, 1000, 5000, 10_000, 20_000, 50_000, 100_000, 300_000, 1_000_000];

  it('estimates known cardinalities within 3 standard errors (4.9% at p = 12), about 1.6% on average', () => {
    const errors = cardinalities.map((n) => hllEstimate(sketchOf(0, n)) / n - 1);
    for (const e of errors) expect(Math.abs(e)).toBeLessThan(0.049);
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rms).toBeLessThan(0.02);
  });

  it('is exact for tiny sets and unmoved by duplicates', () => {
    expect(Math.round(hllEstimate(sketchOf(0, 0)))).toBe(0);
    expect(Math.round(hllEstimate(sketchOf(0, 3)))).toBe(3);
    const s = sketchOf(0, 500);
    const before = hllEstimate(s);
    for (let i = 0; i < 500; i++) hllAddHash(s, murmur3String(`item-${i}`, 0x5eed1e55));
    expect(hllEstimate(s)).toBe(before);
  });

  it('merges losslessly: the union of two sketches is the sketch of the union', () => {
    const a = sketchOf(0, 60_000);
    hllMerge(a, sketchOf(40_000, 100_000));
    expect(a.registers).toEqual(sketchOf(0, 100_000).registers);
  });

  it('gets more accurate with more registers', () => {
    const n = 200_000;
    expect(Math.abs(hllEstimate(sketchOf(0, n, 16)) / n - 1)).toBeLessThan(0.0125); // 3 sigma at p = 16
  });

  it('gives profiles an exact distinct count below the frequency capacity and an estimate above', () => {
    const small = profile({ c: Array.from({ length: 5000 }, (_, i) => `v${i % 700}`) });
    expect(small.features[0]!.categorical).toMatchObject({ distinct: 700, distinctExact: true });
    const big = profile({ c: Array.from({ length: 50_000 }, (_, i) => `v${i % 20_000}`) });
    const c = big.features[0]!.categorical!;
    expect(c.distinctExact).toBe(false);
    expect(Math.abs(c.distinct / 20_000 - 1)).toBeLessThan(0.049);
  });
});
