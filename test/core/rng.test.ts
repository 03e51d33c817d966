import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import golden from '../fixtures/rng-golden.json' with { type: 'json' };

describe('createRng', () => {
  it.each(golden)('draws the seedrandom Alea sequence for seed $seed', ({ seed, next }) => {
    const rng = createRng(seed);
    expect(Array.from({ length: next.length }, () => rng.next())).toEqual(next);
  });

  it('draws exactly what seedrandom.alea draws, for any seed (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        (seed) => {
          const ours = createRng(seed);
          const oracle = seedrandom.alea(String(seed));
          for (let i = 0; i < 20; i++) expect(ours.next()).toBe(oracle.double());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pins shuffle, sample, int and bootstrap for a seed (a replay must not change across versions)', () => {
    const rng = createRng('pin');
    const a = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = rng.sample(['a', 'b', 'c', 'd', 'e'], 3);
    const c = [rng.int(100), rng.int(5, 10)];
    const d = rng.bootstrap([1, 2, 3]);
    // Recompute with the documented rules straight from next(), from the same seed.
    const ref = createRng('pin');
    const below = (n: number) => Math.floor(ref.next() * n);
    const perm = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (let i = perm.length - 1; i > 0; i--) {
      const j = below(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const pool = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 3; i++) {
      const j = i + below(5 - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    expect(a).toEqual(perm);
    expect(b).toEqual(pool.slice(0, 3));
    expect(c).toEqual([below(100), 5 + below(5)]);
    expect(d).toEqual([1, 2, 3].map(() => [1, 2, 3][below(3)]));
  });

  it('shuffle returns a permutation and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.string(), (values, seed) => {
        const copy = values.slice();
        const out = createRng(seed).shuffle(values);
        expect(values).toEqual(copy);
        expect(out.slice().sort()).toEqual(copy.sort());
      }),
    );
  });

  it('sample draws distinct positions; int stays in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.string(), (n, seed) => {
        const rng = createRng(seed);
        const values = Array.from({ length: n }, (_, i) => i);
        const k = rng.int(n + 1);
        const s = rng.sample(values, k);
        expect(new Set(s).size).toBe(k);
        const x = rng.int(-3, n);
        expect(x).toBeGreaterThanOrEqual(-3);
        expect(x).toBeLessThan(n);
        expect(Number.isInteger(x)).toBe(true);
      }),
    );
  });

  it('int is uniform enough: chi-square over 10 cells on 100k draws', () => {
    const rng = createRng(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.88); // p = 0.001 critical value, 9 degrees of freedom
  });

  it('resumes exactly from a saved state', () => {
    const rng = createRng('ckpt');
    rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const rest = [rng.next(), rng.next(), rng.int(1000)];
    const resumed = createRng('ckpt', { state: saved });
    expect([resumed.next(), resumed.next(), resumed.int(1000)]).toEqual(rest);
  });

  it('rejects bad seeds and arguments with a LockstepError naming the argument', () => {
    expect(() => createRng(Number.NaN)).toThrow(/createRng: argument 'seed'/);
    expect(() => createRng({} as unknown as string)).toThrow(/createRng: argument 'seed'/);
    expect(() => createRng('s', { state: { c: 1 } as never })).toThrow(/options.state/);
    const rng = createRng('x');
    expect(() => rng.int(0)).toThrow(/rng.int: argument 'high' must be greater than low/);
    expect(() => rng.int(1.5)).toThrow(/safe integer/);
    expect(() => rng.sample([1, 2], 3)).toThrow(/rng.sample: argument 'k' must be between 0 and 2/);
    expect(() => rng.bootstrap([], 2)).toThrow(/rng.bootstrap: argument 'values'/);
    expect(rng.bootstrap([])).toEqual([]);
  });
});
