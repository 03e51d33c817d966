// The KLL sketch directly: rank error on adversarial orders, determinism, and state that survives
// serialisation in the middle of a sampler block.
import { describe, expect, it } from 'vitest';
import {
  createKll,
  type Kll,
  kllAdd,
  kllFromState,
  kllMerge,
  kllSorted,
  kllState,
} from '../../src/stats/kll.js';

/** Worst normalised rank error of the sketch's quantiles over p = 0.01 … 0.99, against exact ranks of 0..n-1. */
function worstRankError(values: Float64Array, k: number): number {
  const s = createKll(k);
  kllAdd(s, values, 0, values.length);
  return worstOf(s, values.length);
}

function worstOf(s: Kll, n: number): number {
  const { items, weights } = kllSorted(s);
  const total = weights.reduce((a, b) => a + b, 0);
  let worst = 0;
  let cumulative = 0;
  let p = 1;
  for (let i = 0; i < items.length && p < 100; i++) {
    cumulative += weights[i]!;
    while (p < 100 && cumulative >= (p / 100) * total) {
      // values are a permutation of 0..n-1, so an item's true rank is the item itself
      worst = Math.max(worst, Math.abs(items[i]! / n - p / 100));
      p++;
    }
  }
  return worst;
}

const n = 1_000_000;
const orders: [string, (i: number) => number][] = [
  ['ascending', (i) => i],
  ['descending', (i) => n - 1 - i],
  ['interleaved ends', (i) => (i % 2 === 0 ? i / 2 : n - 1 - (i - 1) / 2)],
  ['strided', (i) => (i * 7919) % n],
];

describe('KLL', () => {
  it.each(orders)('keeps the rank error under one percent at k = 400 on %s input', (_name, at) => {
    expect(
      worstRankError(
        Float64Array.from({ length: n }, (_, i) => at(i)),
        400,
      ),
    ).toBeLessThan(0.01);
  });

  it('gives the same sketch for the same input (seeded randomness)', () => {
    const values = Float64Array.from({ length: 300_000 }, (_, i) => (i * 31) % 1009);
    const a = createKll(400);
    const b = createKll(400);
    kllAdd(a, values, 0, values.length);
    kllAdd(b, values, 0, values.length);
    expect(kllState(a)).toEqual(kllState(b));
    expect(a.s).toBeGreaterThan(0); // the sampler is in play at this size
  });

  it('continues identically after a round trip through its state, mid-block', () => {
    const values = Float64Array.from({ length: 500_003 }, (_, i) => (i * 7919) % 500_003);
    const a = createKll(400);
    let stop = 250_000;
    kllAdd(a, values, 0, stop);
    while (a.seen === 0) kllAdd(a, values, stop, ++stop); // stop inside a sampler block
    expect(a.s).toBeGreaterThan(0);
    const b = kllFromState(kllState(a));
    kllAdd(a, values, stop, values.length);
    kllAdd(b, values, stop, values.length);
    expect(kllState(b)).toEqual(kllState(a));
  });

  it('merges sketches at different sampler levels within the bound, leaving the other sketch unchanged', () => {
    const big = Float64Array.from({ length: 800_000 }, (_, i) => (i * 7919) % 800_000);
    const small = Float64Array.from({ length: 200_000 }, (_, i) => 800_000 + ((i * 13) % 200_000));
    const a = createKll(400);
    const b = createKll(400);
    kllAdd(a, big, 0, big.length);
    kllAdd(b, small, 0, small.length);
    const before = kllState(b);
    kllMerge(a, b);
    expect(kllState(b)).toEqual(before);
    expect(a.n).toBe(1_000_000);
    // The merged data are a permutation of 0..999,999: an item's true rank is the item itself.
    expect(worstOf(a, 1_000_000)).toBeLessThan(0.01);
  });

  it('is exact while it holds every item', () => {
    const s = createKll(400);
    kllAdd(s, [5, 3, 9, 1], 0, 4);
    expect(kllSorted(s)).toEqual({
      items: Float64Array.from([1, 3, 5, 9]),
      weights: Float64Array.from([1, 1, 1, 1]),
    });
  });
});
