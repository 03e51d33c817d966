// mergeProfiles of random partitions equals the profile of the whole: exact for counts, min, max,
// frequencies (below capacity) and distinct counts; mean and variance to 1e-9 relative to the data's scale
// (max |x|, squared for the variance), which is where floating-point rounding lives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FeatureProfile,
  mergeProfiles,
  type ProfileArtifact,
  profile,
  quantiles,
} from '../../src/stats/index.js';

const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);
const row = fc.record(
  {
    x: value,
    y: fc.integer({ min: -50, max: 50 }),
    c: fc.constantFrom('a', 'b', 'c', 'é', '東', ''),
    m: fc.oneof(fc.integer(), fc.string()),
  },
  { requiredKeys: [] },
);

/** Splits rows at random cut points into 1 to 5 parts (some possibly empty). */
const partitioned = fc
  .tuple(fc.array(row, { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 }))
  .map(([rows, cuts]) => {
    const points = [...new Set(cuts.map((c) => (rows.length === 0 ? 0 : c % (rows.length + 1))))].sort(
      (a, b) => a - b,
    );
    const bounds = [0, ...points, rows.length];
    return { rows, parts: bounds.slice(1).map((end, i) => rows.slice(bounds[i], end)) };
  });

/** Equal to 1e-9 relative to `scale`: rounding in a mean is relative to the data's magnitude, not the mean's. */
function close(a: number | null, b: number | null, scale: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b), scale), 1e-300);
}

function expectSameFeature(a: FeatureProfile, b: FeatureProfile): void {
  expect([a.name, a.type, a.present, a.missing, a.invalid, a.types]).toEqual([
    b.name,
    b.type,
    b.present,
    b.missing,
    b.invalid,
    b.types,
  ]);
  expect(a.numeric === undefined).toBe(b.numeric === undefined);
  if (a.numeric && b.numeric) {
    const { count, nan, posInf, negInf, zeros, min, max } = a.numeric;
    expect({ count, nan, posInf, negInf, zeros, min, max }).toEqual({
      count: b.numeric.count,
      nan: b.numeric.nan,
      posInf: b.numeric.posInf,
      negInf: b.numeric.negInf,
      zeros: b.numeric.zeros,
      min: b.numeric.min,
      max: b.numeric.max,
    });
    const scale = Math.max(Math.abs(b.numeric.min ?? 0), Math.abs(b.numeric.max ?? 0));
    expect(close(a.numeric.mean, b.numeric.mean, scale)).toBe(true);
    expect(close(a.numeric.variance, b.numeric.variance, scale * scale)).toBe(true);
  }
  expect(a.categorical === undefined).toBe(b.categorical === undefined);
  if (a.categorical && b.categorical) {
    expect(a.categorical.frequencies).toEqual(b.categorical.frequencies);
    expect(a.categorical.distinct).toBe(b.categorical.distinct);
    expect(a.categorical.hll).toBe(b.categorical.hll);
    expect(a.categorical.length).toEqual(b.categorical.length);
  }
}

function expectSameProfile(merged: ProfileArtifact, whole: ProfileArtifact): void {
  expect(merged.rows).toBe(whole.rows);
  const byName = new Map(whole.features.map((f) => [f.name, f]));
  expect(merged.features.map((f) => f.name).sort()).toEqual([...byName.keys()].sort());
  for (const f of merged.features) expectSameFeature(f, byName.get(f.name)!);
}

describe('mergeProfiles', () => {
  it('of random partitions equals the profile of the whole (property)', () => {
    fc.assert(
      fc.property(partitioned, ({ rows, parts }) => {
        expectSameProfile(mergeProfiles(...parts.map((p) => profile(p))), profile(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('is associative and commutative (property)', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 80 }),
        fc.array(row, { maxLength: 80 }),
        fc.array(row, { maxLength: 80 }),
        (a, b, c) => {
          const [pa, pb, pc] = [profile(a), profile(b), profile(c)];
          const left = mergeProfiles(mergeProfiles(pa, pb), pc);
          const right = mergeProfiles(pa, mergeProfiles(pb, pc));
          const swapped = mergeProfiles(pc, pb, pa);
          expectSameProfile(left, right);
          expectSameProfile(swapped, left);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps quantiles within the bound after merging many compacted parts', () => {
    const n = 400_000;
    const x = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const parts = Array.from({ length: 16 }, (_, k) =>
      profile({ x: x.subarray(k * 25_000, (k + 1) * 25_000) }),
    );
    const merged = mergeProfiles(...parts);
    const ps = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
    const q = quantiles(merged, 'x', ps);
    ps.forEach((p, i) => {
      expect(Math.abs(q[i]! / n - p)).toBeLessThan(0.01);
    });
  });

  it('counts a feature absent from one part as missing for that part’s rows', () => {
    const merged = mergeProfiles(profile([{ a: 1 }, { a: 2 }]), profile([{ b: 'x' }]));
    const a = merged.features.find((f) => f.name === 'a')!;
    const b = merged.features.find((f) => f.name === 'b')!;
    expect([merged.rows, a.present, a.missing, b.present, b.missing]).toEqual([3, 2, 1, 1, 2]);
  });

  it('refuses profiles of different sketch sizes, and no profiles at all', () => {
    const a = profile({ x: [1] });
    const b = profile({ x: [1] }, { sketches: { quantileK: 200 } });
    expect(() => mergeProfiles(a, b)).toThrow(/only equal sizes merge/);
    expect(() => mergeProfiles()).toThrow(
      /mergeProfiles: argument 'profiles' must hold at least one profile/,
    );
  });
});
