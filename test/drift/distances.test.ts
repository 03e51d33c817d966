import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MissingRule, Sample } from '../../src/drift/bins.js';
import {
  type BinnedDistance,
  energyDistance,
  hellinger,
  jensenShannon,
  klDivergence,
  lInfinity,
  psi,
  totalVariation,
  wasserstein,
} from '../../src/drift/distances.js';
import { profile } from '../../src/stats/profile.js';
import { catchLockstep } from '../helpers/errors.js';

interface Shares {
  referenceShares: number[];
  currentShares: number[];
  floor: { reference: number; current: number };
  psi: number;
  klDivergence: number;
  jsDistanceE: number;
  jsDistance2: number;
  jsNats: number;
  jsBits: number;
  hellinger: number;
  totalVariation: number;
  lInfinity: number;
}

interface Case {
  name: string;
  type: 'numeric' | 'categorical';
  reference: (number | string | null)[];
  current: (number | string | null)[];
  options: { bins?: number; edges?: number[] };
  edges?: number[];
  categories?: string[];
  referenceCounts: number[];
  currentCounts: number[];
  missing: { reference: number; current: number; referenceCount: number; currentCount: number };
  separate: Shares;
  bin: Shares;
  wasserstein?: number;
  wassersteinStd?: number;
  energy?: number;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/drift-distances.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

/** |actual − expected| ≤ 1e-9 · |expected| (plus 1e-15 for values at 0). */
function expectClose(actual: number, expected: number, relative = 1e-9): void {
  const tolerance = relative * Math.abs(expected) + 1e-15;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`expected ${actual} to be within ${relative} (relative) of ${expected}`);
  }
}

/** Bin shares of a result listing every bin, keyed by label. */
function sharesByLabel(r: BinnedDistance): Map<string, [number, number]> {
  return new Map(r.bins.map((b) => [b.label, [b.reference, b.current]]));
}

describe('binned distances against scipy and numpy (test/fixtures/make-drift-distances.py)', () => {
  const all = { top: Number.POSITIVE_INFINITY };
  describe.each(fixture.cases)('$name', (c) => {
    const reference = c.reference as Sample;
    const current = c.current as Sample;
    it.each(['separate', 'bin'] as MissingRule[])('missing: %s', (missing) => {
      const expected = c[missing];
      const options = { ...c.options, ...all, missing };
      expectClose(psi(reference, current, options).value, expected.psi);
      expectClose(klDivergence(reference, current, options).value, expected.klDivergence);
      expectClose(jensenShannon(reference, current, options).value, expected.jsBits);
      expectClose(jensenShannon(reference, current, { ...options, base: 'e' }).value, expected.jsNats);
      expectClose(
        jensenShannon(reference, current, { ...options, base: 'e', distance: true }).value,
        expected.jsDistanceE,
      );
      expectClose(
        jensenShannon(reference, current, { ...options, distance: true }).value,
        expected.jsDistance2,
      );
      expectClose(hellinger(reference, current, options).value, expected.hellinger);
      expectClose(totalVariation(reference, current, options).value, expected.totalVariation);
      expectClose(lInfinity(reference, current, options).value, expected.lInfinity);
      const p = psi(reference, current, options);
      expect(p.method.floor).toEqual(expected.floor);
      expect(p.missing).toEqual(c.missing);
    });

    it('puts the values in the bins of the written rule', () => {
      const r = totalVariation(reference, current, { ...c.options, ...all });
      const byLabel = sharesByLabel(r);
      const labels =
        c.type === 'numeric'
          ? [
              `(-Infinity, ${c.edges![0] ?? 'Infinity'})`,
              ...c.edges!.map((e, i) => `[${e}, ${c.edges![i + 1] ?? 'Infinity'})`),
            ]
          : c.categories!;
      expect(r.method.binCount).toBe(labels.length);
      if (c.type === 'numeric') expect(r.method.edges).toEqual(c.edges);
      labels.forEach((label, i) => {
        const [ref, cur] = byLabel.get(label)!;
        expectClose(ref, c.separate.referenceShares[i]!, 1e-15);
        expectClose(cur, c.separate.currentShares[i]!, 1e-15);
      });
    });

    if (c.type === 'numeric') {
      it('wasserstein and energyDistance', () => {
        expectClose(wasserstein(reference, current).value, c.wasserstein!);
        expectClose(wasserstein(reference, current, { normalize: 'std' }).value, c.wassersteinStd!);
        expectClose(energyDistance(reference, current).value, c.energy!);
        expect(wasserstein(reference, current).missing).toEqual(c.missing);
      });

      it('reads NaN as missing, and a Float64Array as an array', () => {
        // Every other missing value as NaN instead of null; the whole sample as a Float64Array.
        let k = 0;
        const withNaN = c.reference.map((v) => (v === null && k++ % 2 === 0 ? Number.NaN : v)) as number[];
        const typed = Float64Array.from(c.current, (v) => (v === null ? Number.NaN : (v as number)));
        expectClose(psi(withNaN, typed, c.options).value, c.separate.psi);
        expectClose(wasserstein(withNaN, typed).value, c.wasserstein!);
        expectClose(energyDistance(withNaN, typed).value, c.energy!);
        expect(psi(withNaN, typed, c.options).missing).toEqual(c.missing);
      });
    }
  });
});

describe('examples in the TSDoc', () => {
  it('give the values they show', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(psi(ten, ten).value).toBe(0);
    expect(psi(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']).value).toBe(0.2746530721670274);
    expect(psi(ten, ten).missing).toEqual({ reference: 0, current: 0, referenceCount: 0, currentCount: 0 });
    expect(klDivergence(['a', 'b'], ['a', 'b']).value).toBe(0);
    expect(jensenShannon(['a', 'a'], ['b', 'b']).value).toBe(1);
    expect(lInfinity(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']).value).toBe(0.25);
    expect(hellinger(['a', 'a'], ['b', 'b']).value).toBe(1);
    expect(totalVariation(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']).value).toBe(0.25);
    expect(wasserstein([0, 1, 3], [5, 6, 8]).value).toBe(5);
    expect(energyDistance([0], [2]).value).toBe(2.0000000000000004);
  });
});

describe('properties', () => {
  const numbers = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });
  const categories = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 60 });
  const binned = [psi, klDivergence, jensenShannon, lInfinity, hellinger, totalVariation] as const;

  it('the distance of a sample to itself is 0', () => {
    fc.assert(
      fc.property(numbers, categories, (xs, cs) => {
        for (const d of binned) {
          expect(d(xs, xs).value).toBe(0);
          expect(d(cs, cs).value).toBe(0);
        }
        expect(wasserstein(xs, xs).value).toBe(0);
        expect(energyDistance(xs, xs).value).toBe(0);
      }),
    );
  });

  it('symmetric distances are symmetric (on common bins: categories, or explicit edges)', () => {
    fc.assert(
      fc.property(categories, categories, numbers, numbers, (a, b, x, y) => {
        const edges = { edges: [-1e5, 0, 1e5] };
        for (const d of [psi, jensenShannon, lInfinity, hellinger, totalVariation]) {
          expectClose(d(a, b).value, d(b, a).value, 1e-12);
          expectClose(d(x, y, edges).value, d(y, x, edges).value, 1e-12);
        }
        expectClose(wasserstein(x, y).value, wasserstein(y, x).value, 1e-12);
        expectClose(energyDistance(x, y).value, energyDistance(y, x).value, 1e-12);
      }),
    );
  });

  it('stay in their ranges: JS bits, TV, L∞ and Hellinger in [0, 1]; the others ≥ 0', () => {
    fc.assert(
      fc.property(numbers, numbers, categories, categories, (x, y, a, b) => {
        for (const [r, c] of [
          [x, y],
          [a, b],
        ] as [Sample, Sample][]) {
          for (const d of [jensenShannon, lInfinity, hellinger, totalVariation]) {
            const v = d(r, c).value;
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          expect(jensenShannon(r, c, { base: 'e' }).value).toBeLessThanOrEqual(Math.LN2);
          expect(psi(r, c).value).toBeGreaterThanOrEqual(0);
          expect(klDivergence(r, c).value).toBeGreaterThanOrEqual(0);
        }
        expect(wasserstein(x, y).value).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('psi and total variation are the sums of their bins; L∞ the largest', () => {
    fc.assert(
      fc.property(numbers, numbers, (x, y) => {
        const all = { top: Number.POSITIVE_INFINITY };
        const sum = (r: BinnedDistance) => r.bins.reduce((s, b) => s + b.contribution, 0);
        const p = psi(x, y, all);
        expectClose(sum(p), p.value, 1e-12);
        const tv = totalVariation(x, y, all);
        expectClose(sum(tv), tv.value, 1e-12);
        const l = lInfinity(x, y, all);
        expect(l.bins[0]!.contribution).toBe(l.value);
      }),
    );
  });

  it('energyDistance equals the O(n·m) E-statistic √(2E|X−Y| − E|X−X′| − E|Y−Y′|)', () => {
    fc.assert(
      fc.property(numbers, numbers, (x, y) => {
        const mean = (a: number[], b: number[]) =>
          a.reduce((s, u) => s + b.reduce((t, v) => t + Math.abs(u - v), 0), 0) / (a.length * b.length);
        const e2 = 2 * mean(x, y) - mean(x, x) - mean(y, y);
        const d = energyDistance(x, y).value;
        expect(Math.abs(d * d - e2)).toBeLessThanOrEqual(1e-11 * (2 * mean(x, y)) + 1e-12);
      }),
    );
  });

  it('wasserstein of a shifted sample is the shift', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }),
        fc.integer({ min: -50, max: 50 }),
        (xs, t) => {
          // Equal in exact arithmetic; the CDF differences are fractions k/n, so the float sum may be off in
          // the last bits (a case found: 30.999999999999996 for a shift of 31).
          const w = wasserstein(
            xs,
            xs.map((x) => x + t),
          ).value;
          expect(Math.abs(w - Math.abs(t))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(t)));
        },
      ),
    );
  });
});

describe('bins, missing values and unseen categories', () => {
  it('keeps unseen categories as bins and floors the empty ones', () => {
    const ref = ['a', 'a', 'b', 'c'];
    const cur = ['a', 'b', 'd', 'd'];
    const r = psi(ref, cur, { top: Number.POSITIVE_INFINITY });
    expect(r.bins.map((b) => b.label).sort()).toEqual(['a', 'b', 'c', 'd']);
    const d = r.bins.find((b) => b.label === 'd')!;
    expect(d).toMatchObject({ kind: 'category', value: 'd', reference: 0, current: 0.5 });
    expect(r.method.floor).toEqual({ reference: 1e-4, current: 1e-4 });
    // The unseen category contributes the most: (0.5 − 0.0001) · ln(0.5 / 0.0001).
    expect(r.bins[0]!.label).toBe('d');
    expectClose(d.contribution, (0.5 - 1e-4) * Math.log(0.5 / 1e-4), 1e-15);
    expect(psi(ref, cur, { epsilon: 0.01 }).method.floor).toEqual({ reference: 0.01, current: 0.01 });
  });

  it('orders categorical bins: reference by count, then new ones', () => {
    const r = totalVariation(['b', 'a', 'a', 'c'], ['z', 'y', 'y', 'a'], { top: Number.POSITIVE_INFINITY });
    expect(r.method.binCount).toBe(5);
    // Ties in contribution keep bin order: a, b, c, y, z.
    const tv = (x: string) => r.bins.find((b) => b.label === x)!.contribution;
    expect([tv('a'), tv('b'), tv('c'), tv('y'), tv('z')]).toEqual([0.125, 0.125, 0.125, 0.25, 0.125]);
    expect(r.bins.map((b) => b.label)).toEqual(['y', 'a', 'b', 'c', 'z']);
  });

  it('reports the missing shares, and bins them on request', () => {
    const ref = [1, 2, null, 4, Number.NaN, 6, 7, 8];
    const cur = [1, null, undefined, Number.NaN, 5];
    const r = jensenShannon(ref, cur);
    expect(r.missing).toEqual({ reference: 0.25, current: 0.6, referenceCount: 2, currentCount: 3 });
    const b = jensenShannon(ref, cur, { missing: 'bin', top: Number.POSITIVE_INFINITY });
    const missingBin = b.bins.find((x) => x.kind === 'missing')!;
    expect(missingBin).toMatchObject({ label: 'missing', reference: 0.25, current: 0.6 });
    // With the missing bin, the shares of the values present shrink by 1 − missing share.
    const first = (x: BinnedDistance) => x.bins.find((bin) => bin.label === '[1, 2)')!;
    const all = jensenShannon(ref, cur, { top: Number.POSITIVE_INFINITY });
    expect(first(b).reference).toBeCloseTo(first(all).reference * 0.75, 15);
    expect(first(b).current).toBeCloseTo(first(all).current * 0.4, 15);
    expect(b.value).not.toBe(r.value);
    expect(b.method.missing).toBe('bin');
    const cat = lInfinity(['a', null, 'b', undefined], ['a', 'b', 'b', 'b'], { missing: 'bin' });
    expect(cat.value).toBe(0.5);
    expect(cat.missing).toEqual({ reference: 0.5, current: 0, referenceCount: 2, currentCount: 0 });
  });

  it('compares a sample of nothing but missing values only when missing values are a bin', () => {
    const r = totalVariation([1, 2, 3], [null, null], { missing: 'bin' });
    expect(r.value).toBe(1);
    expect(r.missing).toEqual({ reference: 0, current: 1, referenceCount: 0, currentCount: 2 });
    expect(catchLockstep(() => totalVariation([1, 2, 3], [null, null])).message).toMatch(
      /^totalVariation: argument 'current' must hold at least one value that is not missing .*all 2 are missing/,
    );
  });

  it('reads a mixed profile feature as the other side is read; its other values count as missing', () => {
    const mixed = { profile: profile({ m: [1, 'a', 2, 'b'] }), feature: 'm' };
    const asNumbers = psi(mixed, [1, 2]);
    expect(asNumbers.method.type).toBe('numeric');
    expect(asNumbers.missing).toMatchObject({ reference: 0.5, referenceCount: 2 });
    expect(asNumbers.value).toBe(0);
    expect(psi(mixed, ['a', 'b', 'b']).method.type).toBe('categorical');
    expect(catchLockstep(() => psi(mixed, mixed)).message).toMatch(
      /^psi: argument 'reference' must settle whether/,
    );
  });

  it('open outer bins hold values beyond the reference, ±Infinity included', () => {
    const ref = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const r = totalVariation(ref, [-1e9, Number.NEGATIVE_INFINITY, 1e9, Number.POSITIVE_INFINITY], {
      top: Number.POSITIVE_INFINITY,
    });
    expect(r.method.edges).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const first = r.bins.find((b) => b.label === '(-Infinity, 1)')!;
    const last = r.bins.find((b) => b.label === '[9, Infinity)')!;
    expect([first.reference, first.current, last.reference, last.current]).toEqual([0, 0.5, 0.2, 0.5]);
    expect(first).toMatchObject({ lower: Number.NEGATIVE_INFINITY, upper: 1 });
  });

  it('merges equal quantile edges', () => {
    const r = psi([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], [0, 1, 2, 3]);
    expect(r.method.edges).toEqual([0, 1]);
    expect(r.method.binCount).toBe(3);
  });

  it('lists the top bins by contribution', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const y = x.map((v) => v * 1.3);
    expect(psi(x, y).bins).toHaveLength(10);
    const two = psi(x, y, { top: 2 });
    expect(two.bins).toHaveLength(2);
    expect(Math.abs(two.bins[0]!.contribution)).toBeGreaterThanOrEqual(Math.abs(two.bins[1]!.contribution));
    expect(psi(x, y, { bins: 20 }).method.binCount).toBe(20);
    expect(psi(x, y, { top: 0 }).bins).toEqual([]);
  });
});

describe('from profiles', () => {
  /** Deterministic pseudo-normal values (sum of 12 LCG uniforms). */
  function normals(seed: number, n: number, mean: number, sd: number): number[] {
    let s = seed >>> 0;
    const u = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    return Array.from({ length: n }, () => {
      let t = 0;
      for (let k = 0; k < 12; k++) t += u();
      return mean + sd * (t - 6);
    });
  }

  it('equal the raw values exactly while the sketches are exact', () => {
    const a = normals(1, 300, 0, 1);
    const b = normals(2, 250, 0.4, 1.3);
    const ref = { profile: profile({ x: a }), feature: 'x' };
    const cur = { profile: profile({ x: b }), feature: 'x' };
    for (const d of [psi, klDivergence, jensenShannon, lInfinity, hellinger, totalVariation]) {
      const fromProfiles = d(ref, cur);
      expect(fromProfiles.method.exact).toBe(true);
      expect(fromProfiles.method.sources).toEqual({ reference: 'profile', current: 'profile' });
      expectClose(fromProfiles.value, d(a, b).value, 1e-12);
      expectClose(d(a, cur).value, d(a, b).value, 1e-12);
    }
    const w = wasserstein(ref, cur, { normalize: 'std' });
    expect(w.method.exact).toBe(true);
    expectClose(w.value, wasserstein(a, b, { normalize: 'std' }).value, 1e-12);
  });

  it('are close to the raw values on 100,000 values, within what the sketch allows', () => {
    const n = 100_000;
    const a = normals(3, n, 0, 1);
    const same = normals(4, n, 0, 1);
    const shifted = normals(5, n, 0.25, 1.1);
    const pa = { profile: profile({ x: a }), feature: 'x' };
    const psame = { profile: profile({ x: same }), feature: 'x' };
    const pshift = { profile: profile({ x: shifted }), feature: 'x' };
    for (const [cur, pcur] of [
      [same, psame],
      [shifted, pshift],
    ] as const) {
      // The sketch's deciles hold 10 % of the reference each, within its rank error (docs/stats.md:
      // under 1 % at k = 400).
      const sketched = totalVariation(pa, pcur, { top: Number.POSITIVE_INFINITY });
      expect(sketched.method.exact).toBe(false);
      expect(sketched.method.sources).toEqual({ reference: 'profile', current: 'profile' });
      expect(sketched.bins).toHaveLength(10);
      for (const bin of sketched.bins) expect(Math.abs(bin.reference - 0.1)).toBeLessThanOrEqual(0.01);
      // Each distance from the sketches, and from raw reference values against a sketch, is close to the
      // raw one (measured differences are 3 to 10 times smaller than these bounds).
      const bounds = [
        [psi, 0.005],
        [klDivergence, 0.003],
        [jensenShannon, 0.001],
        [hellinger, 0.005],
        [totalVariation, 0.01],
        [lInfinity, 0.01],
      ] as const;
      for (const [d, bound] of bounds) {
        const raw = d(a, cur).value;
        expect(Math.abs(d(pa, pcur).value - raw)).toBeLessThanOrEqual(bound);
        expect(Math.abs(d(a, pcur).value - raw)).toBeLessThanOrEqual(bound);
      }
      // W₁: within 2ε · (max − min) per side with ε = 1 %, and in practice far closer (2 % of σ here).
      const w = wasserstein(a, cur).value;
      const ws = wasserstein(pa, pcur);
      expect(ws.method.exact).toBe(false);
      expect(ws.method.n).toEqual({ reference: n, current: n });
      const range = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
      expect(Math.abs(ws.value - w)).toBeLessThanOrEqual(2 * 0.01 * (range(a) + range(cur)));
      expect(Math.abs(ws.value - w)).toBeLessThanOrEqual(0.02);
    }
  });

  it('read categorical frequencies, with an "other values" bin once they are heavy hitters', () => {
    const a = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 'common' : `v${i % 50}`));
    const b = Array.from({ length: 1500 }, (_, i) => (i % 2 === 0 ? 'common' : `v${i % 60}`));
    const pa = { profile: profile({ c: a }), feature: 'c' };
    const pb = { profile: profile({ c: b }), feature: 'c' };
    expectClose(jensenShannon(pa, pb).value, jensenShannon(a, b).value, 1e-12);
    expect(jensenShannon(pa, pb).method.exact).toBe(true);
    // A capacity of 10 distinct values: Misra–Gries heavy hitters, the rest in "other values".
    const small = { sketches: { frequentCapacity: 10 } };
    const qa = { profile: profile({ c: a }, small), feature: 'c' };
    const qb = { profile: profile({ c: b }, small), feature: 'c' };
    const r = totalVariation(qa, qb, { top: Number.POSITIVE_INFINITY });
    expect(r.method.exact).toBe(false);
    const other = r.bins.find((x) => x.kind === 'other')!;
    expect(other.label).toBe('other values');
    const sum = (k: 'reference' | 'current') => r.bins.reduce((s, x) => s + x[k], 0);
    expectClose(sum('reference'), 1, 1e-12);
    expectClose(sum('current'), 1, 1e-12);
    // A listed count is at most frequencyError under the truth (Misra–Gries).
    const error = qa.profile.features[0]!.categorical!.frequencyError;
    expect(error).toBeGreaterThan(0);
    const common = r.bins.find((x) => x.label === 'common')!;
    expect(common.reference).toBeLessThanOrEqual(667 / 2000);
    expect(common.reference).toBeGreaterThanOrEqual((667 - error) / 2000);
  });

  it('report missing shares from the profile', () => {
    const a = [1, 2, null, 4, Number.NaN, 6, 7, 8];
    const r = psi({ profile: profile({ x: a }), feature: 'x' }, [1, 2, 3]);
    expect(r.missing).toEqual({ reference: 0.25, current: 0, referenceCount: 2, currentCount: 0 });
    expectClose(r.value, psi(a, [1, 2, 3]).value, 1e-12);
  });
});

describe('errors name the function and the argument', () => {
  const p = profile({ x: [1, 2, 3], c: ['a', 'b', 'a'] });

  it('empty samples', () => {
    expect(catchLockstep(() => psi([], [1])).message).toMatch(
      /^psi: argument 'reference' must hold at least one value/,
    );
    expect(catchLockstep(() => hellinger([1], [null, Number.NaN])).message).toMatch(
      /^hellinger: argument 'current' must hold at least one value that is not missing/,
    );
    expect(catchLockstep(() => wasserstein([null], [1])).message).toMatch(
      /^wasserstein: argument 'reference'/,
    );
    expect(catchLockstep(() => psi([null], [undefined])).code).toBe('INVALID_ARGUMENT');
  });

  it('mixing numeric and categorical', () => {
    expect(catchLockstep(() => psi([1, 2], ['a'])).message).toMatch(
      /^psi: argument 'current' must be numeric like the reference/,
    );
    expect(catchLockstep(() => psi([1, 'a'] as never, [1])).message).toMatch(
      /^psi: argument 'reference\[1\]' must be a number/,
    );
    expect(catchLockstep(() => wasserstein(['a'], ['b'])).message).toMatch(
      /^wasserstein: argument 'reference' must be numeric/,
    );
    expect(catchLockstep(() => psi({ profile: p, feature: 'c' }, [1, 2])).message).toMatch(
      /must be categorical like/,
    );
    expect(catchLockstep(() => psi([{}] as never, [1])).message).toMatch(
      /^psi: argument 'reference\[0\]' must be a number or a string/,
    );
  });

  it('bad options', () => {
    expect(catchLockstep(() => psi([1], [1], { bins: 0 })).message).toMatch(/^psi: argument 'options.bins'/);
    expect(catchLockstep(() => psi([1], [1], { edges: [2, 1] })).message).toMatch(
      /^psi: argument 'options.edges'/,
    );
    expect(catchLockstep(() => psi(['a'], ['a'], { edges: [1] })).message).toMatch(
      /applies to numeric samples only/,
    );
    expect(catchLockstep(() => psi([1], [1], { epsilon: 0 })).message).toMatch(
      /^psi: argument 'options.epsilon'/,
    );
    expect(catchLockstep(() => psi([1], [1], { top: -1 })).message).toMatch(/^psi: argument 'options.top'/);
    expect(catchLockstep(() => psi([1], [1], { missing: 'drop' as never })).message).toMatch(
      /'options.missing'/,
    );
    expect(catchLockstep(() => jensenShannon([1], [1], { base: 10 as never })).message).toMatch(
      /'options.base'/,
    );
    expect(catchLockstep(() => wasserstein([1], [1], { normalize: 'mean' as never })).message).toMatch(
      /^wasserstein: argument 'options.normalize'/,
    );
  });

  it('profile feature not found, energy distance from a profile, infinite values', () => {
    expect(catchLockstep(() => psi({ profile: p, feature: 'nope' }, [1])).message).toMatch(
      /^psi: argument 'reference.feature' must name a feature of the profile \("x", "c"\), got "nope"/,
    );
    expect(catchLockstep(() => energyDistance({ profile: p, feature: 'x' }, [1])).message).toMatch(
      /^energyDistance: argument 'reference' must be raw values/,
    );
    expect(catchLockstep(() => wasserstein([1, Number.POSITIVE_INFINITY], [1])).message).toMatch(
      /^wasserstein: argument 'reference' must hold finite numbers .*1 are ±Infinity/,
    );
    expect(catchLockstep(() => psi('abc' as never, [1])).message).toMatch(
      /^psi: argument 'reference' must be an array/,
    );
  });
});
