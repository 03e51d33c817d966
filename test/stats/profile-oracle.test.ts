// Profile statistics against numpy (test/fixtures/make-stats-profile.py) on 1 M values per data set.
import { describe, expect, it } from 'vitest';
import { mergeProfiles, profile, quantiles } from '../../src/stats/index.js';
import fixture from '../fixtures/stats-profile.json' with { type: 'json' };
import { type DatasetName, dataset, N } from './datasets.js';

const names = Object.keys(fixture.datasets) as DatasetName[];
const RANK_ERROR = 0.01; // the documented bound at the default size (k = 400)
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe.each(names)('%s (1 M values)', (name) => {
  const expected = fixture.datasets[name];
  const x = dataset(name);

  it('regenerates the data numpy saw, bit for bit', () => {
    expect(Array.from(x.subarray(0, 5))).toEqual(expected.head);
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += x[i]!;
    expect(sum).toBe(expected.sum1000);
  });

  const p = profile({ x });
  const numeric = p.features[0]!.numeric!;

  it('has numpy’s count, min, max and zeros exactly, and mean and variance to 1e-9 relative', () => {
    expect(numeric.count).toBe(N);
    expect(numeric.min).toBe(expected.min);
    expect(numeric.max).toBe(expected.max);
    expect(numeric.zeros).toBe(expected.zeros);
    expect(relative(numeric.mean!, expected.mean)).toBeLessThan(1e-9);
    expect(relative(numeric.variance!, expected.variance)).toBeLessThan(1e-9);
  });

  it(`has quantiles within ${RANK_ERROR * 100}% rank error of numpy's`, () => {
    const ps = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
    const q = quantiles(p, 'x', ps);
    const grid = expected.quantiles; // grid[i] = numpy quantile at i / 1000 (inverted_cdf)
    const steps = Math.round(RANK_ERROR * 1000);
    ps.forEach((prob, i) => {
      const at = Math.round(prob * 1000);
      expect(q[i]!).toBeGreaterThanOrEqual(grid[Math.max(0, at - steps)]!);
      expect(q[i]!).toBeLessThanOrEqual(grid[Math.min(1000, at + steps)]!);
    });
    expect(quantiles(p, 'x', [0, 1])).toEqual([expected.min, expected.max]);
  });

  it('merged from 7 uneven parts, keeps counts, min and max exact, moments to 1e-9, quantiles in bound', () => {
    const cuts = [0, 1, 1000, 123_457, 400_000, 400_001, 777_777, N];
    const parts = cuts.slice(1).map((end, i) => profile({ x: x.subarray(cuts[i]!, end) }));
    const merged = mergeProfiles(...parts);
    const m = merged.features[0]!.numeric!;
    expect(merged.rows).toBe(N);
    expect([m.count, m.min, m.max, m.zeros]).toEqual([N, expected.min, expected.max, expected.zeros]);
    expect(relative(m.mean!, expected.mean)).toBeLessThan(1e-9);
    expect(relative(m.variance!, expected.variance)).toBeLessThan(1e-9);
    const ps = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
    const q = quantiles(merged, 'x', ps);
    ps.forEach((prob, i) => {
      const at = Math.round(prob * 1000);
      expect(q[i]!).toBeGreaterThanOrEqual(expected.quantiles[at - 10]!);
      expect(q[i]!).toBeLessThanOrEqual(expected.quantiles[at + 10]!);
    });
  });
});
