import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { mergeProfiles, profile, topValues } from '../../src/stats/index.js';

/** n draws from a Zipf(s) law over `values` categories, by inverse CDF with a seeded RNG. */
function zipf(n: number, values: number, s: number, seed: string): string[] {
  const cdf = new Float64Array(values);
  let total = 0;
  for (let i = 0; i < values; i++) cdf[i] = total += 1 / (i + 1) ** s;
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = values - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! >= u) hi = mid;
      else lo = mid + 1;
    }
    return `v${lo}`;
  });
}

function trueCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('heavy hitters on Zipf data', () => {
  const data = zipf(500_000, 50_000, 1.1, 'zipf');
  const truth = trueCounts(data);
  const ranked = [...truth].sort((a, b) => b[1] - a[1]);

  it('finds the true top 20, with counts inside the stated bounds', () => {
    const p = profile({ c: data });
    const c = p.features[0]!.categorical!;
    expect(c.frequencyError).toBeGreaterThan(0); // more than 1,000 distinct: the summary, not exact counts
    expect(c.frequencyError).toBeLessThanOrEqual((2 * data.length) / 1000);
    const top = topValues(p, 'c', 20);
    expect(top.map((t) => t.value)).toEqual(ranked.slice(0, 20).map(([v]) => v));
    for (const t of top) {
      const f = truth.get(t.value)!;
      expect(t.count).toBeLessThanOrEqual(f);
      expect(t.upperBound).toBeGreaterThanOrEqual(f);
    }
    // Every kept count obeys c <= f <= c + error; an unkept value occurs at most `error` times.
    const kept = new Map(c.frequencies);
    for (const [value, f] of truth) {
      const count = kept.get(value);
      if (count === undefined) expect(f).toBeLessThanOrEqual(c.frequencyError);
      else {
        expect(count).toBeLessThanOrEqual(f);
        expect(f).toBeLessThanOrEqual(count + c.frequencyError);
      }
    }
  });

  it('keeps the guarantee when merged from 4 partitions', () => {
    const parts = [0, 1, 2, 3].map((k) => profile({ c: data.slice(k * 125_000, (k + 1) * 125_000) }));
    const merged = mergeProfiles(...parts);
    const c = merged.features[0]!.categorical!;
    for (const [value, count] of c.frequencies) {
      const f = truth.get(value)!;
      expect(count).toBeLessThanOrEqual(f);
      expect(f).toBeLessThanOrEqual(count + c.frequencyError);
    }
    expect(topValues(merged, 'c', 10).map((t) => t.value)).toEqual(ranked.slice(0, 10).map(([v]) => v));
  });

  it('counts exactly while there are at most 1,000 distinct values', () => {
    const few = zipf(100_000, 800, 1.1, 'few');
    const p = profile({ c: few });
    const c = p.features[0]!.categorical!;
    expect(c.frequencyError).toBe(0);
    expect(new Map(c.frequencies)).toEqual(trueCounts(few));
  });
});
