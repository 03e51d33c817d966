import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kstwoSf } from '../../src/core/math/kolmogorov.js';
import { andersonDarling } from '../../src/drift/anderson-darling.js';
import { chiSquareTest } from '../../src/drift/chi-square-test.js';
import * as tests from '../../src/drift/index.js';
import { ksTest } from '../../src/drift/ks-test.js';
import { mannWhitneyU } from '../../src/drift/mann-whitney-test.js';
import type { NumericSample } from '../../src/drift/samples.js';
import { type WelchTTestOptions, welchTTest } from '../../src/drift/t-test.js';
import { zTestProportions } from '../../src/drift/z-test-proportions.js';
import fixture from '../fixtures/drift-tests.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';

// Oracle values: test/fixtures/make-drift-tests.py (scipy 1.17). Tolerance: a statistic or p-value agrees
// when |got − expected| ≤ 1e-9 · |expected| (plus 1e-12 absolute for statistics, whose expected value can
// be rounding noise around 0, such as t for two orderings of one sample). P-values are compared relatively
// however small they are, so a p-value of 1e-200 must match to 9 digits; below 1e-300 (where scipy's
// values are subnormal or 0, with few significant digits) they agree within 1e-300 absolute.

type Json = number | string;
const decode = (v: Json): number =>
  typeof v === 'number'
    ? v
    : v === 'Infinity'
      ? Number.POSITIVE_INFINITY
      : v === '-Infinity'
        ? Number.NEGATIVE_INFINITY
        : Number.NaN;

const samples = new Map<string, Float64Array>();
for (const [name, spec] of Object.entries(fixture.samples)) {
  if (Array.isArray(spec)) samples.set(name, Float64Array.from(spec as Json[], decode));
  else {
    const [start, step, count] = (spec as { arange: [number, number, number] }).arange;
    samples.set(
      name,
      Float64Array.from({ length: count }, (_, i) => start + step * i),
    );
  }
}
const sample = (name: string): Float64Array => samples.get(name)!;
/** The same sample as a plain array, to exercise both input forms. */
const asArray = (name: string): number[] => Array.from(sample(name));

function closeP(got: number, expected: Json, what: string): void {
  const e = decode(expected);
  expect(Math.abs(got - e), `${what}: got ${got}, expected ${e}`).toBeLessThanOrEqual(
    1e-9 * Math.abs(e) + 1e-300,
  );
}

function closeStat(got: number, expected: Json, what: string): void {
  const e = decode(expected);
  if (!Number.isFinite(e)) {
    expect(got, what).toBe(e);
    return;
  }
  expect(Math.abs(got - e), `${what}: got ${got}, expected ${e}`).toBeLessThanOrEqual(
    1e-9 * Math.abs(e) + 1e-12,
  );
}

describe('ksTest against scipy.stats.ks_2samp', () => {
  const cases = fixture.ks.map(
    (c, i) => [`${i} ${c.a} vs ${c.b}, ${c.alternative}, ${c.method}`, c] as const,
  );
  it.each(cases)('%s', (_, c) => {
    const out = ksTest(sample(c.a), asArray(c.b), {
      alternative: c.alternative as tests.Alternative,
      method: c.method as 'auto',
    });
    closeStat(out.statistic, c.expected.statistic, 'statistic');
    if (Number.isNaN(decode(c.expected.pValue))) {
      // The one documented difference: scipy's asymptotic two-sided p-value for n1 = n2 = 1 uses
      // kstwo(round(0.5) = 0), which is NaN; ksTest uses n = 1.
      expect([c.a, c.b, c.method, c.alternative]).toEqual(['one', 'one_b', 'asymptotic', 'two-sided']);
      expect(out.pValue).toBe(kstwoSf(1, out.statistic));
    } else closeP(out.pValue, c.expected.pValue, 'pValue');
    expect(out.statisticLocation).toBe(decode(c.expected.statisticLocation));
    expect(out.statisticSign).toBe(c.expected.statisticSign);
    expect(out.method).toBe(c.expected.method);
  });

  it('covers the exact and asymptotic branches, one- and two-sided, and the switch at 10 000', () => {
    const methods = new Set(fixture.ks.map((c) => `${c.method}/${c.expected.method}/${c.alternative}`));
    for (const m of ['auto/exact', 'auto/asymptotic', 'asymptotic/asymptotic', 'exact/exact'])
      for (const alt of ['two-sided', 'greater']) expect(methods).toContain(`${m}/${alt}`);
    // An exact one-sided p-value with unequal sizes falls back where C(n1 + n2, n1) overflows (n1 + n2 ≥ 1030).
    expect(methods).toContain('auto/asymptotic/greater');
    expect(methods).toContain('exact/asymptotic/greater');
    const sizes = fixture.ks.map((c) => Math.max(sample(c.a).length, sample(c.b).length));
    expect(sizes).toContain(10_000);
    expect(sizes).toContain(10_001);
  });

  it('gives D = 0 and p = 1 for identical samples, and the same D and p for a permuted copy', () => {
    const a = sample('n40');
    for (const alternative of ['two-sided', 'less', 'greater'] as const) {
      const out = ksTest(a, a, { alternative });
      expect(out.statistic).toBe(0);
      expect(out.pValue).toBe(1);
      expect(ksTest(a, asArray('n40_perm'), { alternative })).toEqual(out);
    }
  });

  it('does not modify its inputs', () => {
    const a = [3, 1, 2];
    const b = Float64Array.of(9, 7, 8);
    ksTest(a, b);
    expect(a).toEqual([3, 1, 2]);
    expect(Array.from(b)).toEqual([9, 7, 8]);
  });
});

describe('mannWhitneyU against scipy.stats.mannwhitneyu', () => {
  const cases = fixture.mannWhitney.map(
    (c, i) =>
      [`${i} ${c.a} vs ${c.b}, ${c.alternative}, ${c.method}, continuity ${c.continuity}`, c] as const,
  );
  it.each(cases)('%s', (_, c) => {
    const out = mannWhitneyU(asArray(c.a), sample(c.b), {
      alternative: c.alternative as tests.Alternative,
      method: c.method as 'auto',
      continuity: c.continuity,
    });
    closeStat(out.statistic, c.expected.statistic, 'statistic');
    closeP(out.pValue, c.expected.pValue, 'pValue');
    expect(out.method).toBe(c.expected.method);
  });

  it('covers the exact and asymptotic branches of method "auto"', () => {
    const auto = fixture.mannWhitney.filter((c) => c.method === 'auto').map((c) => c.expected.method);
    expect(auto).toContain('exact');
    expect(auto).toContain('asymptotic');
  });
});

describe('welchTTest against scipy.stats.ttest_ind(equal_var=False)', () => {
  const cases = fixture.welch.map((c, i) => [`${i} ${c.a} vs ${c.b}, ${c.alternative}`, c] as const);
  it.each(cases)('%s', (_, c) => {
    const out = welchTTest(sample(c.a), asArray(c.b), { alternative: c.alternative as tests.Alternative });
    closeStat(out.statistic, c.expected.statistic, 'statistic');
    closeP(out.pValue, c.expected.pValue, 'pValue');
    closeStat(out.df, c.expected.df, 'df');
  });
});

describe('chiSquareTest against scipy.stats.chi2_contingency', () => {
  const cases = fixture.chiSquare.map((c) => [c.name, c] as const);
  it.each(cases)('%s', (_, c) => {
    const reference =
      'referenceValues' in c
        ? (c.referenceValues as string[])
        : (c.reference as unknown as Record<string, number>);
    const current =
      'currentValues' in c ? (c.currentValues as string[]) : (c.current as unknown as Record<string, number>);
    const out = chiSquareTest(reference, current, { correction: c.correction });
    const e = c.expected;
    closeStat(out.statistic, e.statistic, 'statistic');
    closeP(out.pValue, e.pValue, 'pValue');
    expect(out.dof).toBe(e.dof);
    expect(out.corrected).toBe(c.correction && e.dof === 1);
    expect(out.contributions.map((x) => x.category).sort()).toEqual([...e.categories].sort());
    e.categories.forEach((category, k) => {
      const row = out.contributions.find((x) => x.category === category)!;
      closeStat(row.expectedReference, e.expectedReference[k]!, `${category} expected reference`);
      closeStat(row.expectedCurrent, e.expectedCurrent[k]!, `${category} expected current`);
    });
    // The contributions add up to the statistic and come largest first.
    const total = out.contributions.reduce((s, x) => s + x.contribution, 0);
    expect(Math.abs(total - out.statistic)).toBeLessThanOrEqual(1e-9 * out.statistic);
    for (let k = 1; k < out.contributions.length; k++)
      expect(out.contributions[k - 1]!.contribution).toBeGreaterThanOrEqual(
        out.contributions[k]!.contribution,
      );
    if (out.statistic > 0)
      expect(Math.abs(out.contributions.reduce((s, x) => s + x.share, 0) - 1)).toBeLessThanOrEqual(1e-12);
  });

  it('counts categories seen in only one sample, with 0 in the other', () => {
    const out = chiSquareTest(
      { ORD: 120, JFK: 80 },
      new Map([
        ['ORD', 100],
        ['SEA', 25],
      ]),
    );
    const sea = out.contributions.find((c) => c.category === 'SEA')!;
    expect(sea).toMatchObject({ reference: 0, current: 25 });
    expect(out.contributions.find((c) => c.category === 'JFK')).toMatchObject({ reference: 80, current: 0 });
    // The categories missing from one sample drive the statistic; the shared one contributes least.
    expect(out.contributions.map((c) => c.category)).toEqual(['JFK', 'SEA', 'ORD']);
    expect(out.dof).toBe(2);
  });

  it('gives the same result for counts as a Map, as an object and as raw values', () => {
    const raw = ['x', 'y', 'x', 'z', 'x', 'y'];
    const fromRaw = chiSquareTest(raw, ['x', 'z', 'z', 'w']);
    expect(
      chiSquareTest(
        { x: 3, y: 2, z: 1 },
        new Map([
          ['x', 1],
          ['z', 2],
          ['w', 1],
        ]),
      ),
    ).toEqual(fromRaw);
  });
});

describe('zTestProportions against the pooled two-proportion z-test (statsmodels proportions_ztest)', () => {
  const cases = fixture.zProportions.map(
    (c, i) => [`${i} ${c.args.join(', ')}, ${c.alternative}`, c] as const,
  );
  it.each(cases)('%s', (_, c) => {
    const [sA, nA, sB, nB] = c.args as [number, number, number, number];
    const out = zTestProportions(sA, nA, sB, nB, { alternative: c.alternative as tests.Alternative });
    closeStat(out.statistic, c.expected.statistic, 'statistic');
    closeP(out.pValue, c.expected.pValue, 'pValue');
    expect(out.proportionA).toBe(sA / nA);
    expect(out.pooledProportion).toBe((sA + sB) / (nA + nB));
  });

  it('gives z = 0 and p = 1 when the pooled proportion is 0 or 1 (statsmodels: NaN)', () => {
    expect(zTestProportions(0, 10, 0, 20)).toMatchObject({ statistic: 0, pValue: 1 });
    expect(zTestProportions(10, 10, 20, 20, { alternative: 'less' })).toMatchObject({
      statistic: 0,
      pValue: 1,
    });
  });
});

describe('andersonDarling against scipy.stats.anderson_ksamp(variant="midrank")', () => {
  const cases = fixture.anderson.map((c) => [c.samples.join(' / '), c] as const);
  it.each(cases)('%s', (_, c) => {
    const out = andersonDarling(c.samples.map((name, i) => (i % 2 === 0 ? sample(name) : asArray(name))));
    closeStat(out.statistic, c.expected.statistic, 'statistic');
    closeP(out.pValue, c.expected.pValue, 'pValue');
    expect(out.pValueCapped).toBe(out.pValue === 0.25 || out.pValue === 0.001);
    out.criticalValues.forEach((v, i) => {
      closeStat(v, c.expected.criticalValues[i]!, `critical value ${i}`);
    });
  });

  it('covers the capped, floored and interpolated p-values', () => {
    const ps = fixture.anderson.map((c) => decode(c.expected.pValue));
    expect(ps).toContain(0.25);
    expect(ps).toContain(0.001);
    expect(ps.some((p) => p > 0.001 && p < 0.25)).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------ properties

const values = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.integer({ min: -5, max: 5 }), // ties
);
const numericSample = fc.array(values, { minLength: 1, maxLength: 25 });
const wideSample = fc.array(values, { minLength: 2, maxLength: 25 });
const alternative = fc.constantFrom('two-sided', 'less', 'greater') as fc.Arbitrary<tests.Alternative>;
const inUnit = (p: number) => p >= 0 && p <= 1;

describe('properties', () => {
  it('every p-value lies in [0, 1]', () => {
    fc.assert(
      fc.property(wideSample, wideSample, alternative, (a, b, alt) => {
        expect(inUnit(ksTest(a, b, { alternative: alt }).pValue)).toBe(true);
        expect(inUnit(ksTest(a, b, { alternative: alt, method: 'asymptotic' }).pValue)).toBe(true);
        expect(inUnit(mannWhitneyU(a, b, { alternative: alt }).pValue)).toBe(true);
        expect(inUnit(mannWhitneyU(a, b, { alternative: alt, method: 'exact' }).pValue)).toBe(true);
        expect(inUnit(welchTTest(a, b, { alternative: alt }).pValue)).toBe(true);
        if (new Set([...a, ...b]).size >= 2 && a.length + b.length >= 4)
          expect(inUnit(andersonDarling([a, b]).pValue)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('swapping the samples keeps the two-sided p-value and mirrors the statistic', () => {
    fc.assert(
      fc.property(wideSample, wideSample, (a, b) => {
        const ks = ksTest(a, b);
        const ksSwapped = ksTest(b, a);
        expect(ksSwapped.statistic).toBe(ks.statistic);
        expect(ksSwapped.pValue).toBe(ks.pValue);
        const mw = mannWhitneyU(a, b);
        const mwSwapped = mannWhitneyU(b, a);
        expect(mwSwapped.statistic).toBe(a.length * b.length - mw.statistic);
        expect(mwSwapped.pValue).toBe(mw.pValue);
        const t = welchTTest(a, b);
        const tSwapped = welchTTest(b, a);
        expect(tSwapped.statistic + 0).toBe(-t.statistic + 0); // + 0: −0 and 0 alike
        expect(Math.abs(tSwapped.pValue - t.pValue)).toBeLessThanOrEqual(1e-15);
      }),
      { numRuns: 300 },
    );
  });

  it("'less' for (a, b) is 'greater' for (b, a)", () => {
    fc.assert(
      fc.property(numericSample, numericSample, (a, b) => {
        const less = ksTest(a, b, { alternative: 'less' });
        const greater = ksTest(b, a, { alternative: 'greater' });
        expect(greater.statistic).toBe(less.statistic);
        expect(greater.pValue).toBe(less.pValue);
        expect(mannWhitneyU(b, a, { alternative: 'greater' }).pValue).toBe(
          mannWhitneyU(a, b, { alternative: 'less' }).pValue,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('identical samples give D = 0 and p = 1 (KS), p = 1 (Mann–Whitney, Welch, chi-square)', () => {
    fc.assert(
      fc.property(wideSample, (a) => {
        expect(ksTest(a, a)).toMatchObject({ statistic: 0, pValue: 1 });
        expect(mannWhitneyU(a, a).pValue).toBe(1);
        expect(welchTTest(a, a)).toMatchObject({ statistic: 0, pValue: 1 });
        const labels = a.map((v) => String(Math.round(v) % 4));
        expect(chiSquareTest(labels, labels)).toMatchObject({ statistic: 0, pValue: 1 });
      }),
      { numRuns: 200 },
    );
  });

  it('the KS statistic is the largest gap between the empirical CDFs, by direct evaluation', () => {
    fc.assert(
      fc.property(numericSample, numericSample, (a, b) => {
        const cdf = (xs: number[], v: number) => xs.filter((x) => x <= v).length / xs.length;
        let plus = 0;
        let minus = 0;
        for (const v of [...a, ...b]) {
          plus = Math.max(plus, cdf(a, v) - cdf(b, v));
          minus = Math.max(minus, cdf(b, v) - cdf(a, v));
        }
        const opts = { method: 'asymptotic' } as const; // the exact mode reports h / lcm instead
        expect(ksTest(a, b, { ...opts, alternative: 'greater' }).statistic).toBe(plus);
        expect(ksTest(a, b, { ...opts, alternative: 'less' }).statistic).toBe(minus);
        expect(ksTest(a, b, opts).statistic).toBe(Math.max(plus, minus));
      }),
      { numRuns: 200 },
    );
  });
});

// ------------------------------------------------------------------------------------------ errors

function expectInvalid(run: () => unknown, ...fragments: string[]): void {
  const error = catchLockstep(run, { code: 'INVALID_ARGUMENT' });
  for (const f of fragments) expect(error.message).toContain(f);
}

describe('argument errors name the function and the argument', () => {
  const numericTests: [string, (a: NumericSample, b: NumericSample) => unknown][] = [
    ['ksTest', (a, b) => ksTest(a, b)],
    ['mannWhitneyU', (a, b) => mannWhitneyU(a, b)],
    ['welchTTest', (a, b) => welchTTest(a, b)],
    ['andersonDarling', (a, b) => andersonDarling([a, b])],
  ];
  it.each(numericTests)(
    '%s rejects empty samples, NaN (drop missing values first) and non-numbers',
    (fn, run) => {
      const arg = (i: 0 | 1) => (fn === 'andersonDarling' ? `samples[${i}]` : i === 0 ? 'a' : 'b');
      expectInvalid(() => run([], [1, 2, 3]), `${fn}: argument '${arg(0)}' must not be empty`);
      expectInvalid(
        () => run([1, 2, 3], Float64Array.of(1, Number.NaN, 2)),
        `${fn}: argument '${arg(1)}'`,
        'drop missing values',
        'index 1',
      );
      expectInvalid(() => run([1, '2' as unknown as number, 3], [1, 2]), `'${arg(0)}'`, 'index 1');
      expectInvalid(
        () => run('123' as unknown as number[], [1, 2]),
        `'${arg(0)}' must be an array of numbers`,
      );
    },
  );

  it('rejects unknown options', () => {
    expectInvalid(
      () => ksTest([1], [2], { alternative: 'bigger' as 'less' }),
      "ksTest: argument 'options.alternative'",
    );
    expectInvalid(
      () => ksTest([1], [2], { method: 'asymp' as 'exact' }),
      "ksTest: argument 'options.method'",
    );
    expectInvalid(
      () => mannWhitneyU([1], [2], { continuity: 1 as unknown as boolean }),
      "'options.continuity' must be a boolean",
    );
    expectInvalid(
      () => welchTTest([1, 2], [2, 3], null as unknown as WelchTTestOptions),
      "welchTTest: argument 'options' must be an object",
    );
    expectInvalid(
      () => chiSquareTest({ a: 1 }, { a: 1 }, { correction: 'yes' as unknown as boolean }),
      "'options.correction'",
    );
  });

  it('welchTTest needs 2 finite values a sample', () => {
    expectInvalid(() => welchTTest([1], [1, 2]), "welchTTest: argument 'a' must hold at least 2 values");
    expectInvalid(
      () => welchTTest([1, 2], [1, Number.POSITIVE_INFINITY]),
      "argument 'b' must hold only finite numbers",
    );
  });

  it('chiSquareTest rejects bad counts, missing values and empty samples', () => {
    expectInvalid(
      () => chiSquareTest({ a: -1, b: 3 }, { a: 1 }),
      "chiSquareTest: argument 'reference' must hold finite counts",
      '"a"',
    );
    expectInvalid(
      () => chiSquareTest({ a: 1 }, { a: Number.NaN }),
      "argument 'current' must hold finite counts",
    );
    expectInvalid(
      () => chiSquareTest(['x', null as unknown as string], ['x']),
      "argument 'reference'",
      'drop missing values',
      'index 1',
    );
    expectInvalid(() => chiSquareTest({}, { a: 1 }), "argument 'reference' must have a total count above 0");
    expectInvalid(() => chiSquareTest([], ['a']), "argument 'reference' must have a total count above 0");
    expectInvalid(
      () => chiSquareTest(new Map([[1 as unknown as string, 2]]), { a: 1 }),
      'must use strings as categories',
    );
    expectInvalid(
      () => chiSquareTest(5 as unknown as string[], { a: 1 }),
      'must be a Map or object of counts',
    );
  });

  it('zTestProportions checks counts', () => {
    expectInvalid(
      () => zTestProportions(3, 0, 1, 5),
      "zTestProportions: argument 'nA' must be a positive integer",
    );
    expectInvalid(() => zTestProportions(6, 5, 1, 5), "argument 'successesA' must be an integer in [0, 5]");
    expectInvalid(() => zTestProportions(1, 5, 1.5, 5), "argument 'successesB'");
  });

  it('andersonDarling needs 2 samples, 4 values and 2 distinct values', () => {
    expectInvalid(
      () => andersonDarling([[1, 2, 3]]),
      "andersonDarling: argument 'samples' must be an array of at least 2",
    );
    expectInvalid(() => andersonDarling([[1], [2, 3]]), 'at least 4 values');
    expectInvalid(
      () =>
        andersonDarling([
          [1, 1],
          [1, 1],
        ]),
      'at least 2 distinct values',
    );
  });
});

// ------------------------------------------------------------------------------------ TSDoc examples

// The examples in the two-sample tests' files show object results, which the repository-wide TSDoc test
// (test/docs/tsdoc-examples.test.ts, literal results only) does not evaluate; they are checked here,
// against this module's exports, for exact (Object.is) equality. (Those of the special functions behind
// them are checked in test/core/math/scipy-oracle.test.ts.)
const TEST_FILES = [
  'ks-test.ts',
  'chi-square-test.ts',
  'z-test-proportions.ts',
  'mann-whitney-test.ts',
  't-test.ts',
  'anderson-darling.ts',
];

describe('TSDoc examples in the two-sample tests', () => {
  const scope: Record<string, unknown> = { ...tests };
  const examples = TEST_FILES.flatMap((file) =>
    [
      ...readFileSync(join(import.meta.dirname, '../../src/drift', file), 'utf8').matchAll(
        /@example (.+?) \/\/ => (.+)$/gm,
      ),
    ].map(([, expression, result]) => [`${file}: ${expression}`, expression!, result!] as const),
  );
  it('finds them', () => expect(examples.length).toBeGreaterThanOrEqual(6));
  it.each(examples)('%s', (_, expression, result) => {
    const got = new Function(...Object.keys(scope), `return (${expression});`)(...Object.values(scope));
    expect(got).toEqual(new Function(`return (${result});`)());
  });
});
