import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { isFinding } from '../../src/core/finding.js';
import { createRng } from '../../src/core/rng.js';
import { compare } from '../../src/drift/compare.js';
import { sealSchema } from '../../src/schema/artifact.js';
import { inferSchema } from '../../src/schema/index.js';
import { parseProfile } from '../../src/stats/index.js';
import { profile } from '../../src/stats/profile.js';
import { catchLockstep } from '../helpers/errors.js';

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

describe('compare: methods apply only where they fit, and everything it finds is a finding', () => {
  const ref = { x: normals(300, 0, 'o'), c: cities(300, [0.4, 0.3, 0.2, 0.1], 'p') };
  const cur = { x: normals(300, 0.4, 'q'), c: cities(300, [0.1, 0.2, 0.3, 0.4], 'r') };

  it("method 'ks' for every feature tests the numeric ones and chooses for the categorical ones, saying so", () => {
    const r = compare(ref, cur, { method: 'ks' });
    expect(r.features.map((f) => [f.feature, f.method, f.reason])).toEqual([
      ['x', 'ks', 'method ks set by options.method'],
      [
        'c',
        'chiSquare',
        'options.method ks does not fit a categorical feature: categorical, at most 1000 values a side: chi-square test of homogeneity',
      ],
    ]);
    // The same numbers as the automatic choice (this changes structure, not results).
    const auto = compare(ref, cur);
    expect(r.features.map((f) => f.statistic)).toEqual(auto.features.map((f) => f.statistic));
    const psiEverywhere = compare(ref, cur, { method: 'psi' });
    expect(psiEverywhere.features.map((f) => f.method)).toEqual(['psi', 'psi']);
  });

  it('a method named for a feature it cannot fit throws, naming compare, the feature and what fits', () => {
    catchLockstep(() => compare(ref, cur, { method: { c: 'ks' } }), {
      code: 'INVALID_ARGUMENT',
      fn: 'compare',
      arg: 'options.method.c',
      message:
        'compare: argument \'options.method.c\' ks does not fit categorical feature "c" (it takes chiSquare, jensenShannon, psi, lInfinity)',
    });
    catchLockstep(() => compare(profile(ref), profile(cur), { method: { x: 'ks' } }), {
      arg: 'options.method.x',
      message: /ks needs raw values on both sides, not profiles \(feature "x"\)/,
    });
  });

  it('an error from the method run on a feature names compare and the feature', () => {
    const big = Array.from({ length: 1500 }, (_, i) => (i === 7 ? Number.POSITIVE_INFINITY : i));
    catchLockstep(() => compare({ x: big }, { x: big }), {
      code: 'INVALID_ARGUMENT',
      fn: 'compare',
      arg: 'reference',
      message:
        /^compare: feature "x": wasserstein: argument 'reference' must hold finite numbers .*1 are ±Infinity/,
    });
  });

  it('two inputs with no column in common give a NO_SHARED_FEATURES warning, not a silent compared: 0', () => {
    const r = compare([{ a: 1, b: 'x' }], [{ c: 2 }]);
    expect(r.dataset).toMatchObject({ compared: 0, datasetDrift: false });
    expect(r.anomalies).toEqual([
      {
        code: 'NO_SHARED_FEATURES',
        severity: 'warning',
        message:
          'reference and current have no feature in common, so nothing was compared (reference: "a", "b"; current: "c")',
        expected: 'at least one feature both sides have',
        received: 'reference: "a", "b"; current: "c"',
        count: 0,
        fraction: 0,
        examples: [],
      },
    ]);
    // Asking for no features is not a surprise: nothing to warn about.
    expect(compare([{ a: 1 }], [{ c: 2 }], { features: [] }).anomalies).toEqual([]);
  });

  it('every anomaly and skipped feature is a core finding with a stable code and a one-line message', () => {
    const schema = inferSchema(
      Array.from({ length: 200 }, (_, i) => ({
        x: i % 10,
        c: ['a', 'b'][i % 2],
        note: `free text ${i}`,
        empty: null,
      })),
    );
    const a = Array.from({ length: 200 }, (_, i) => ({
      x: i % 10,
      c: ['a', 'b'][i % 2],
      note: `t${i}`,
      empty: null,
    }));
    const b = Array.from({ length: 200 }, (_, i) => ({
      x: i % 3 === 0 ? null : 9,
      c: 'a',
      note: 'x',
      empty: null,
    }));
    const r = compare(a, b, { schema, mode: 'skew' });
    const all = [...r.anomalies, ...r.skipped];
    expect(all).toHaveLength(5);
    for (const f of all) {
      expect(isFinding(f)).toBe(true);
      expect(f.message).not.toContain('\n');
    }
    expect(r.anomalies.map((f) => [f.code, f.feature, f.severity])).toEqual([
      ['SKEW_HIGH', 'x', 'error'],
      ['MISSING_SHARE_CHANGED', 'x', 'warning'],
      ['SKEW_HIGH', 'c', 'error'],
      ['SKEW_HIGH', 'note', 'error'],
    ]);
    expect(r.anomalies[0]!.message).toBe(
      '"x": skew by jensenShannon is 0.609987, at or above the threshold 0.1',
    );
    expect(r.skipped).toEqual([
      {
        code: 'FEATURE_SKIPPED',
        severity: 'info',
        message: '"empty" was not compared: the schema gives it no skew comparator',
        feature: 'empty',
        reasonCode: 'NO_COMPARATOR',
        reason: 'the schema gives it no skew comparator',
      },
    ]);
    expect(r.anomalies.find((f) => f.code === 'MISSING_SHARE_CHANGED')!.message).toBe(
      '"x": the share of missing values moved from 0 to 0.335, by more than 0.05',
    );
  });

  it('reads profiles and schemas only when lockstep made or parsed them, never a TypeError from inside', () => {
    const p = profile(ref);
    const copy = JSON.parse(JSON.stringify(p));
    catchLockstep(() => compare(copy, p), {
      code: 'INVALID_ARTIFACT',
      fn: 'compare',
      arg: 'reference',
      message: /must be a profile made by lockstep or checked by parseProfile/,
    });
    expect(compare(parseProfile(copy), p).features.map((f) => f.statistic)).toEqual(
      compare(p, p).features.map((f) => f.statistic),
    );
    catchLockstep(() => compare({ kind: 'lockstep.profile', features: {} } as never, p), {
      code: 'INVALID_ARTIFACT',
      arg: 'reference',
    });
    expect(() => compare({ features: {} } as never, p)).toThrow(LockstepError);
    const schema = inferSchema(ref);
    catchLockstep(() => compare(ref, cur, { schema: JSON.parse(JSON.stringify(schema)) }), {
      code: 'INVALID_ARTIFACT',
      arg: 'options.schema',
      message: /must be a schema made by lockstep or checked by parseSchema/,
    });
    catchLockstep(() => compare(ref, cur, { schema: { features: 5 } as never }), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.schema',
    });
  });

  it("a schema comparator's method compare does not know throws, naming the schema path", () => {
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
          skew: { method: 'kolmogorov', threshold: 0.1 },
        },
      ],
    });
    catchLockstep(() => compare(ref, cur, { schema, mode: 'skew' }), {
      code: 'INVALID_ARGUMENT',
      fn: 'compare',
      arg: 'options.schema',
      path: '$.features[0].skew.method',
    });
  });

  it('skips data whose type differs from what the schema declares, saying why (no TypeError from a test)', () => {
    const dated = Array.from({ length: 50 }, (_, i) => ({
      d: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
    }));
    const schema = inferSchema(profile(dated));
    expect(schema.features[0]!.type).toBe('timestamp');
    const r = compare(dated, dated, { schema });
    expect(r.skipped).toEqual([
      expect.objectContaining({
        feature: 'd',
        reasonCode: 'TYPES_DIFFER',
        reason: 'the schema declares it timestamp (compared as numeric), but reference holds categories',
      }),
    ]);
    // Profiles read the ISO dates as timestamps, and compare them.
    expect(compare(profile(dated), profile(dated), { schema }).features.map((f) => f.feature)).toEqual(['d']);
  });

  it('options.environment skips the features the schema leaves out of it', () => {
    const rowsWithLabel = Array.from({ length: 100 }, (_, i) => ({ x: i % 7, label: i % 2 }));
    const schema = inferSchema(rowsWithLabel, {
      environments: ['training', 'serving'],
      exclude: { serving: ['label'] },
    });
    const r = compare(rowsWithLabel, rowsWithLabel, { schema, environment: 'serving' });
    expect(r.features.map((f) => f.feature)).toEqual(['x']);
    expect(r.skipped.map((f) => [f.feature, f.reasonCode])).toEqual([['label', 'NOT_IN_ENVIRONMENT']]);
    catchLockstep(() => compare(rowsWithLabel, rowsWithLabel, { schema, environment: 'prod' }), {
      arg: 'options.environment',
      message: /must be one of the schema's environments \("training", "serving"\)/,
    });
    catchLockstep(() => compare(rowsWithLabel, rowsWithLabel, { environment: 'serving' }), {
      arg: 'options.schema',
    });
  });
});
