import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { compare } from '../../src/drift/compare.js';
import { sealSchema } from '../../src/schema/artifact.js';
import { profile } from '../../src/stats/profile.js';

function normals(n: number, mean: number, seed: string): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    out[i] = mean + r * Math.cos(2 * Math.PI * rng.next());
  }
  return out;
}
const cities = (n: number, weights: number[], seed: string) => {
  const rng = createRng(seed);
  const names = ['Oslo', 'Lima', 'Rome', 'Kyiv'];
  return Array.from({ length: n }, () => {
    let u = rng.next();
    for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return names[i]!;
    return names[names.length - 1]!;
  });
};

describe('compare: the automatic method, and why', () => {
  it('tests small samples (KS, chi-square) and flags a real shift by p < 0.05', () => {
    const ref = { x: normals(500, 0, 'a'), c: cities(500, [0.4, 0.3, 0.2, 0.1], 'c') };
    const cur = { x: normals(500, 0.5, 'b'), c: cities(500, [0.1, 0.2, 0.3, 0.4], 'd') };
    const r = compare(ref, cur);
    const [x, c] = [r.features[0]!, r.features[1]!];
    expect([x.method, x.drifted, c.method, c.drifted]).toEqual(['ks', true, 'chiSquare', true]);
    expect(x.reason).toMatch(/at most 1000 values a side: two-sample KS test/);
    expect(x.pValue).toBeLessThan(1e-4);
    expect(r.dataset).toEqual({ compared: 2, drifted: 2, share: 1, datasetDrift: true, driftShare: 0.5 });
  });

  it('uses effect sizes on large samples: a 0.01 sd shift on a million values is no alarm, 0.2 sd is', () => {
    const base = normals(1_000_000, 0, 'base');
    const tiny = compare({ x: base }, { x: normals(1_000_000, 0.01, 'tiny') }).features[0]!;
    const real = compare({ x: base }, { x: normals(1_000_000, 0.2, 'real') }).features[0]!;
    expect([tiny.method, tiny.drifted, real.method, real.drifted]).toEqual([
      'wasserstein',
      false,
      'wasserstein',
      true,
    ]);
    expect(tiny.statistic).toBeLessThan(0.03);
    expect(real.statistic).toBeGreaterThan(0.15);
    expect(tiny.reason).toMatch(/a p-value would flag trivial shifts at this size/);
  });

  it('compares profiles with distances, and shows the top contributing categories', () => {
    const pa = profile({ c: cities(5000, [0.4, 0.3, 0.2, 0.1], 'e') });
    const pb = profile({ c: cities(5000, [0.1, 0.2, 0.3, 0.4], 'f') });
    const f = compare(pa, pb).features[0]!;
    expect([f.method, f.drifted]).toEqual(['jensenShannon', true]);
    expect(f.reason).toMatch(/from profiles/);
    expect(f.top[0]!.label).toMatch(/Oslo|Kyiv/);
  });

  it('reports the missing-value share as its own signal', () => {
    const ref = Array.from({ length: 400 }, (_, i) => ({ x: i % 50 }));
    const cur = Array.from({ length: 400 }, (_, i) => ({ x: i % 3 === 0 ? null : i % 50 }));
    const r = compare(ref, cur);
    expect(r.features[0]!.missing).toMatchObject({ reference: 0, drifted: true });
    expect(r.features[0]!.missing.current).toBeCloseTo(134 / 400, 12);
    expect(r.anomalies.map((a) => [a.code, a.feature, a.severity])).toEqual([
      ['MISSING_SHARE_CHANGED', 'x', 'warning'],
    ]);
  });

  it('takes a method and thresholds by feature, and skips what cannot be compared, saying why', () => {
    const ref = { x: normals(300, 0, 'g'), t: Array.from({ length: 300 }, () => null) };
    const cur = { x: normals(300, 0, 'h'), t: Array.from({ length: 300 }, () => null) };
    const r = compare(ref, cur, { method: { x: 'psi' }, thresholds: { x: 10 } });
    expect(r.features[0]).toMatchObject({
      feature: 'x',
      method: 'psi',
      threshold: 10,
      drifted: false,
      reason: 'method psi set by options.method',
    });
    expect(r.skipped).toEqual([
      {
        code: 'FEATURE_SKIPPED',
        severity: 'info',
        message: '"t" was not compared: no values present on the reference side',
        feature: 't',
        reasonCode: 'NO_VALUES',
        reason: 'no values present on the reference side',
      },
    ]);
  });
});

describe('compare: skew and drift modes read the schema', () => {
  const schema = sealSchema({
    kind: 'lockstep.schema',
    formatVersion: 1,
    environments: [],
    dataset: {},
    features: [
      {
        name: 'x',
        type: 'numeric',
        nullable: false,
        presence: { minFraction: 1, minCount: 1 },
        skew: { threshold: 0.05 },
      },
      {
        name: 'c',
        type: 'categorical',
        nullable: false,
        presence: { minFraction: 1, minCount: 1 },
        skew: { threshold: 0.2 },
        drift: { method: 'jensenShannon', threshold: 0.001 },
      },
      { name: 'y', type: 'numeric', nullable: false, presence: { minFraction: 1, minCount: 1 } },
    ],
  });
  const training = {
    x: normals(3000, 0, 'i'),
    c: cities(3000, [0.4, 0.3, 0.2, 0.1], 'j'),
    y: normals(3000, 0, 'k'),
  };
  const serving = {
    x: normals(3000, 1, 'l'),
    c: cities(3000, [0.35, 0.3, 0.2, 0.15], 'm'),
    y: normals(3000, 5, 'n'),
  };

  it("uses TFDV's default comparators and the schema's thresholds, returning anomalies", () => {
    const r = compare(training, serving, { schema, mode: 'skew' });
    expect(r.features.map((f) => [f.feature, f.method, f.threshold, f.drifted])).toEqual([
      ['x', 'jensenShannon', 0.05, true],
      ['c', 'lInfinity', 0.2, false],
    ]);
    expect(r.skipped).toEqual([
      {
        code: 'FEATURE_SKIPPED',
        severity: 'info',
        message: '"y" was not compared: the schema gives it no skew comparator',
        feature: 'y',
        reasonCode: 'NO_COMPARATOR',
        reason: 'the schema gives it no skew comparator',
      },
    ]);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        code: 'SKEW_HIGH',
        feature: 'x',
        severity: 'error',
        message: expect.stringMatching(
          /^"x": skew by jensenShannon is 0\.\d+, at or above the threshold 0\.05$/,
        ),
        expected: 'jensenShannon below 0.05',
        count: 3000,
        fraction: 1,
      }),
    ]);
  });

  it('reads the drift comparator in drift mode, with its method', () => {
    const r = compare(training, serving, { schema, mode: 'drift' });
    expect(r.features.map((f) => [f.feature, f.method, f.threshold])).toEqual([
      ['c', 'jensenShannon', 0.001],
    ]);
    expect(r.anomalies.map((a) => a.code)).toEqual(['DRIFT_HIGH']);
  });

  it('needs a schema in those modes, and rejects bad options', () => {
    expect(() => compare(training, serving, { mode: 'skew' })).toThrow(
      /compare: argument 'options.schema' is needed in skew mode/,
    );
    expect(() => compare(training, serving, { mode: 'x' as never })).toThrow(/options.mode/);
    expect(() => compare(training, serving, { features: ['zz'] })).toThrow(
      /options.features' names a feature reference does not have/,
    );
    expect(() => compare(profile(training), profile(serving), { method: 'ks' })).toThrow(
      /ks needs raw values on both sides/,
    );
  });
});
