// lockstep/router's rollout statistics: mergeable arm summaries (summary.ts) and compareArms
// (sequential.ts). Oracle values come from test/fixtures/make-router-sequential.py (numpy and scipy, the
// documented formulas in the paper's own form); one case is GrowthBook's own published test; properties
// run with fast-check from test/setup.ts's seed. The simulations of the error guarantee are in
// simulation.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import {
  type ArmComparison,
  type CompareArmsOptions,
  compareArms,
  comparisonSettings,
  confidenceSequenceHalfWidth,
  decide,
} from '../../src/router/sequential.js';
import {
  type ArmSummary,
  countSummary,
  createAccumulator,
  emptySummary,
  mergeSummaries,
  observe,
  summarize,
} from '../../src/router/summary.js';
import fixture from '../fixtures/router-sequential.json' with { type: 'json' };
import { expectLockstepOrResult, expectNoPrototypePollution, hostile } from '../helpers/hostile.js';

const RUNS = { numRuns: 150 };

/** |actual − expected| ≤ tol · max(1, |expected|): relative, and absolute near 0. */
function close(actual: number, expected: number, tol: number, what: string): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
  expect(ok, `${what}: got ${actual}, expected ${expected}`).toBe(true);
}

function expectError(call: () => unknown, code: string, fn: string, arg?: string): void {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(LockstepError);
    const e = error as LockstepError;
    expect(e.code).toBe(code);
    expect(e.fn).toBe(fn);
    if (arg !== undefined) expect(e.arg).toBe(arg);
    expect(e.message.startsWith(`${fn}:`)).toBe(true);
    return;
  }
  expect.fail('did not throw');
}

describe('oracle: numpy and scipy (make-router-sequential.py)', () => {
  it('summarize, countSummary and mergeSummaries agree with numpy to 1e-12', () => {
    for (const c of fixture.summaries) {
      const a = summarize(c.a);
      const b = summarize(c.b);
      for (const [got, want, what] of [
        [a, c.summaryA, 'a'],
        [b, c.summaryB, 'b'],
        [mergeSummaries(a, b), c.merged, 'merged'],
        [mergeSummaries(b, a), c.merged, 'merged ba'],
        [summarize([...c.a, ...c.b]), c.merged, 'all'],
      ] as const) {
        expect(got.n).toBe(want.n);
        close(got.mean, want.mean, 1e-12, `${c.name} ${what} mean`);
        // m2 relative to its own size (it may be far below the mean squared: the latency case's offset is 1e5).
        expect(Math.abs(got.m2 - want.m2), `${c.name} ${what} m2`).toBeLessThanOrEqual(
          1e-11 * want.m2 + 1e-300,
        );
      }
      if (c.name === 'bernoulli') {
        const events = c.a.filter((v) => v === 1).length;
        const s = countSummary(events, c.a.length);
        close(s.mean, c.summaryA.mean, 1e-15, 'countSummary mean');
        close(s.m2, c.summaryA.m2, 1e-13, 'countSummary m2');
      }
    }
  });

  it(`compareArms matches ${fixture.compare.length} cases to 1e-9 relative, verdicts exactly`, () => {
    expect(fixture.compare.length).toBeGreaterThanOrEqual(20);
    for (const c of fixture.compare) {
      const r = compareArms(c.baseline, c.candidate, c.options as CompareArmsOptions);
      for (const key of ['estimate', 'low', 'high', 'standardError'] as const)
        close(r[key], c.expected[key], 1e-9, `${c.name} ${key}`);
      expect(r.verdict, c.name).toBe(c.expected.verdict);
    }
  });

  it('confidenceSequenceHalfWidth matches to 1e-9 relative', () => {
    for (const c of fixture.halfWidth)
      close(confidenceSequenceHalfWidth(c.standardError, c.n, c.alpha, c.tuning), c.expected, 1e-9, `${c.n}`);
  });

  it("the fixed method's z₁₋α/₂ matches scipy.stats.norm.isf(α / 2) to 1e-12", () => {
    for (const c of fixture.fixedZ) {
      const s = comparisonSettings('t', { direction: 'lower', method: 'fixed', alpha: c.alpha });
      close(s.z, c.z, 1e-12, `alpha ${c.alpha}`);
      // And through compareArms: the half-width over SE is z.
      const r = compareArms(
        { n: 200, mean: 1, m2: 199 },
        { n: 200, mean: 1, m2: 199 },
        {
          direction: 'lower',
          method: 'fixed',
          alpha: c.alpha,
        },
      );
      close((r.high - r.low) / 2 / r.standardError, c.z, 1e-12, `alpha ${c.alpha} via compareArms`);
    }
  });
});

describe("GrowthBook's published case (gbstats tests/frequentist/test_tests.py)", () => {
  // test_sequential_test_runs: SampleMeanStatistic(sum=1396.87, sum_squares=52377.9767, n=3000) against
  // (sum=2422.7, sum_squares=134698.29, n=3461), tuning 1000, relative uplift: expected 0.50336,
  // stddev 0.33341, ci (-0.55844, 1.56516). And the absolute difference's SE, 0.12983081254184736, from
  // test_one_sided_ttest_absolute. The relative uplift's SE is the delta method's, worked out here.
  const a = { n: 3000, sum: 1396.87, sumSquares: 52377.9767 };
  const b = { n: 3461, sum: 2422.7, sumSquares: 134698.29 };
  const toSummary = (s: typeof a): ArmSummary => {
    const mean = s.sum / s.n;
    return { n: s.n, mean, m2: s.sumSquares - s.sum * mean };
  };

  it('the absolute difference and its SE are gbstats’', () => {
    const r = compareArms(toSummary(a), toSummary(b), { direction: 'higher', varianceFloor: 'none' });
    close(r.estimate, 0.23437666666666668, 1e-12, 'estimate');
    close(r.standardError, 0.12983081254184736, 1e-9, 'SE');
  });

  it('the sequential interval of the relative uplift is gbstats’ (-0.55844, 1.56516)', () => {
    const sa = toSummary(a);
    const sb = toSummary(b);
    const va = sa.m2 / (sa.n - 1);
    const vb = sb.m2 / (sb.n - 1);
    const estimate = (sb.mean - sa.mean) / sa.mean;
    const se = Math.sqrt(vb / (sa.mean ** 2 * sb.n) + (va * sb.mean ** 2) / (sa.mean ** 4 * sa.n));
    expect(se.toFixed(5)).toBe('0.33341');
    const half = confidenceSequenceHalfWidth(se, sa.n + sb.n, 0.05, 1000);
    expect((estimate - half).toFixed(5)).toBe('-0.55844');
    expect((estimate + half).toFixed(5)).toBe('1.56516');
  });
});

describe('summaries', () => {
  it('observe, the accumulator and summarize agree, and an empty summary is the identity of merge', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    let s = emptySummary();
    const acc = createAccumulator();
    for (const v of values) {
      s = observe(s, v);
      acc.add(v);
    }
    expect(s).toEqual(summarize(values));
    expect(acc.summary()).toEqual(s);
    expect(acc.n).toBe(8);
    expect(mergeSummaries(emptySummary(), s)).toEqual(s);
    expect(mergeSummaries(s, emptySummary())).toEqual(s);
    expect(Object.isFrozen(s)).toBe(true);
    expect(createAccumulator(s).summary()).toEqual(s);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('keeps the spread of latencies near 1e6 ms that sums of squares would lose', () => {
    // Values 1e6 + {0, 1, 2}·0.001 a million times over: variance 2/3·1e-6 exactly in reals.
    const acc = createAccumulator();
    for (let i = 0; i < 300_000; i++) acc.add(1e6 + (i % 3) * 0.001);
    const s = acc.summary();
    close(s.m2 / (s.n - 1), (2 / 3) * 1e-6, 1e-6, 'variance');
    // The naive Σx² − (Σx)²/n on the same values is off by orders of magnitude.
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = 1e6 + (i % 3) * 0.001;
      sum += x;
      squares += x * x;
    }
    const naive = (squares - (sum * sum) / 300_000) / (300_000 - 1);
    expect(Math.abs(naive - (2 / 3) * 1e-6)).toBeGreaterThan(1e-7);
  });

  it('refuses what is not a summary or a value, naming the function and the argument', () => {
    expectError(() => observe(emptySummary(), Number.NaN), 'INVALID_ARGUMENT', 'observe', 'value');
    expectError(() => observe({ n: -1, mean: 0, m2: 0 }, 1), 'INVALID_ARGUMENT', 'observe', 'summary.n');
    expectError(
      () => mergeSummaries({ n: 1, mean: 0, m2: 1 }, emptySummary()),
      'INVALID_ARGUMENT',
      'mergeSummaries',
      'a.m2',
    );
    expectError(
      () => mergeSummaries(emptySummary(), { n: 0, mean: 1, m2: 0 }),
      'INVALID_ARGUMENT',
      'mergeSummaries',
      'b',
    );
    expectError(
      () => mergeSummaries(emptySummary(), { n: 2, mean: 1, m2: -1 }),
      'INVALID_ARGUMENT',
      'mergeSummaries',
      'b.m2',
    );
    expectError(() => countSummary(5, 4), 'INVALID_ARGUMENT', 'countSummary', 'events');
    expectError(() => summarize([1, Number.POSITIVE_INFINITY]), 'INVALID_ARGUMENT', 'summarize', 'values[1]');
    expectError(() => summarize('12' as never), 'INVALID_ARGUMENT', 'summarize', 'values');
    expectError(() => createAccumulator().add('1' as never), 'INVALID_ARGUMENT', 'accumulator.add', 'value');
    expectError(
      () => mergeSummaries({ n: 2 ** 52, mean: 0, m2: 0 }, { n: 2 ** 52, mean: 0, m2: 0 }),
      'INVALID_ARGUMENT',
      'mergeSummaries',
      'b',
    );
    expectError(() => observe({ n: 2, mean: 1e308, m2: 0 }, -1e308), 'INVALID_ARGUMENT', 'observe', 'value');
  });
});

describe('compareArms', () => {
  const base = countSummary(50, 5000);
  const worse = countSummary(150, 5000);

  it('returns plain, deeply frozen data with the verdict and what it was judged with', () => {
    const r = compareArms(base, worse, { direction: 'lower' });
    expect(r).toMatchObject({
      verdict: 'worse',
      burnedIn: true,
      n: { baseline: 5000, candidate: 5000 },
      method: 'sequential',
      direction: 'lower',
      alpha: 0.05,
      margin: 0,
      tuning: 5000,
    });
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.n)).toBe(true);
    expect('tuning' in compareArms(base, worse, { direction: 'lower', method: 'fixed' })).toBe(false);
  });

  it('mirrors the verdict with the direction, and a margin holds back a rollback', () => {
    expect(compareArms(base, worse, { direction: 'higher' }).verdict).toBe('better');
    expect(compareArms(worse, base, { direction: 'higher' }).verdict).toBe('worse');
    expect(compareArms(worse, base, { direction: 'lower' }).verdict).toBe('better');
    const r = compareArms(base, worse, { direction: 'lower' });
    expect(compareArms(base, worse, { direction: 'lower', margin: r.low * 1.01 }).verdict).toBe(
      'inconclusive',
    );
    expect(compareArms(base, worse, { direction: 'lower', margin: r.low * 0.99 }).verdict).toBe('worse');
  });

  it('says nothing before the burn-in, however clear the data', () => {
    const b = countSummary(0, 99);
    const c = countSummary(99, 99);
    const r = compareArms(b, c, { direction: 'lower' });
    expect(r).toMatchObject({ verdict: 'inconclusive', burnedIn: false });
    expect(r.low).toBeGreaterThan(0);
    expect(compareArms(b, c, { direction: 'lower', minSamples: 99 }).verdict).toBe('worse');
  });

  it('gives an unbounded interval below two values an arm, and NaN for an empty arm', () => {
    const r = compareArms(emptySummary(), countSummary(1, 1), { direction: 'lower', minSamples: 2 });
    expect(r.estimate).toBeNaN();
    expect([r.low, r.high, r.standardError]).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(r.verdict).toBe('inconclusive');
    const one = compareArms(
      { n: 1, mean: 2, m2: 0 },
      { n: 1, mean: 5, m2: 0 },
      { direction: 'lower', minSamples: 2 },
    );
    expect(one.estimate).toBe(3);
    expect(one.low).toBe(Number.NEGATIVE_INFINITY);
  });

  it('the pooled variance floor is what stops an arm without events from looking better', () => {
    const b = countSummary(12, 1200);
    const c = countSummary(0, 300);
    expect(compareArms(b, c, { direction: 'lower', varianceFloor: 'none' }).verdict).toBe('better');
    expect(compareArms(b, c, { direction: 'lower' }).verdict).toBe('inconclusive');
  });

  it('the kernel the simulation uses gives what compareArms gives', () => {
    const out = new Float64Array(4);
    for (const c of fixture.compare) {
      const s = comparisonSettings('t', c.options);
      const code = decide(
        s,
        c.baseline.n,
        c.baseline.mean,
        c.baseline.m2,
        c.candidate.n,
        c.candidate.mean,
        c.candidate.m2,
        out,
      );
      const r = compareArms(c.baseline, c.candidate, c.options as CompareArmsOptions);
      expect(['inconclusive', 'worse', 'better'][code]).toBe(r.verdict);
      expect(Array.from(out)).toEqual([r.estimate, r.low, r.high, r.standardError]);
    }
  });

  it('refuses bad arguments and unknown option keys, naming them', () => {
    const o = { direction: 'lower' } as const;
    expectError(
      () => compareArms(base, worse, {} as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.direction',
    );
    expectError(
      () => compareArms(base, worse, undefined as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.direction',
    );
    expectError(
      () => compareArms(base, worse, { direction: 'down' } as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.direction',
    );
    expectError(
      () => compareArms(base, worse, { ...o, alpah: 0.1 } as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.alpah',
    );
    expect(() => compareArms(base, worse, { ...o, alpah: 0.1 } as never)).toThrow(/did you mean "alpha"/);
    expectError(
      () => compareArms(base, worse, { ...o, alpha: 1 }),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.alpha',
    );
    expectError(
      () => compareArms(base, worse, { ...o, alpha: 0 }),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.alpha',
    );
    expectError(
      () => compareArms(base, worse, { ...o, margin: -0.1 }),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.margin',
    );
    expectError(
      () => compareArms(base, worse, { ...o, minSamples: 1 }),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.minSamples',
    );
    expectError(
      () => compareArms(base, worse, { ...o, tuning: 0 }),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.tuning',
    );
    expectError(
      () => compareArms(base, worse, { ...o, method: 'bayes' } as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.method',
    );
    expectError(
      () => compareArms(base, worse, { ...o, varianceFloor: 0 } as never),
      'INVALID_ARGUMENT',
      'compareArms',
      'options.varianceFloor',
    );
    expectError(() => compareArms(null as never, worse, o), 'INVALID_ARGUMENT', 'compareArms', 'baseline');
    expectError(
      () => compareArms(base, { n: 1.5, mean: 0, m2: 0 }, o),
      'INVALID_ARGUMENT',
      'compareArms',
      'candidate.n',
    );
    expectError(
      () => compareArms({ n: 5, mean: 1e308, m2: 0 }, { n: 5, mean: -1e308, m2: 0 }, o),
      'INVALID_DATA',
      'compareArms',
    );
    expectError(
      () => confidenceSequenceHalfWidth(1, 0, 0.05),
      'INVALID_ARGUMENT',
      'confidenceSequenceHalfWidth',
      'n',
    );
  });
});

// ---------------------------------------------------------------------------------------------- properties

const summaryArb = fc
  .tuple(
    fc.integer({ min: 0, max: 10_000 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
  )
  .map(
    ([n, mean, variance]): ArmSummary =>
      n === 0 ? emptySummary() : { n, mean, m2: n === 1 ? 0 : variance * (n - 1) },
  );

const valuesArb = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 30 });

describe('properties', () => {
  it('any hostile arguments give a result or a LockstepError, and pollute nothing', () => {
    fc.assert(
      fc.property(hostile(), hostile(), hostile(), (a, b, o) => {
        expectLockstepOrResult(() => compareArms(a as never, b as never, o as never));
        expectLockstepOrResult(() => compareArms(countSummary(3, 300), countSummary(9, 300), o as never));
        expectLockstepOrResult(() => compareArms(a as never, countSummary(9, 300), { direction: 'lower' }));
        expectLockstepOrResult(() =>
          compareArms(countSummary(9, 300), a as never, { direction: 'higher', method: 'fixed' }),
        );
        expectLockstepOrResult(() =>
          compareArms(countSummary(9, 300), countSummary(9, 300), {
            direction: 'lower',
            alpha: a as never,
            tuning: b as never,
          }),
        );
        expectLockstepOrResult(() => mergeSummaries(a as never, b as never));
        expectLockstepOrResult(() => observe(a as never, b as never));
        expectLockstepOrResult(() => summarize(a as never));
        expectLockstepOrResult(() => countSummary(a as never, b as never));
        expectLockstepOrResult(() => createAccumulator(a as never).add(b as never));
        expectLockstepOrResult(() => confidenceSequenceHalfWidth(a as never, b as never, o as never));
        expectNoPrototypePollution();
      }),
      RUNS,
    );
  });

  it('valid summaries give a finite estimate, an ordered interval around it, or INVALID_DATA', () => {
    fc.assert(
      fc.property(summaryArb, summaryArb, fc.constantFrom('sequential', 'fixed'), (b, c, method) => {
        const r: ArmComparison = compareArms(b, c, {
          direction: 'lower',
          method: method as 'fixed',
          minSamples: 2,
        });
        if (b.n === 0 || c.n === 0) expect(r.estimate).toBeNaN();
        else {
          expect(Number.isFinite(r.estimate)).toBe(true);
          expect(r.low).toBeLessThanOrEqual(r.estimate);
          expect(r.high).toBeGreaterThanOrEqual(r.estimate);
        }
      }),
      RUNS,
    );
  });

  it('merging is commutative and associative within float tolerance, and equals the summary of all values', () => {
    fc.assert(
      fc.property(valuesArb, valuesArb, valuesArb, (x, y, z) => {
        const [a, b, c] = [summarize(x), summarize(y), summarize(z)];
        const all = summarize([...x, ...y, ...z]);
        const scale = Math.max(1, ...[...x, ...y, ...z].map(Math.abs));
        for (const m of [
          mergeSummaries(mergeSummaries(a, b), c),
          mergeSummaries(a, mergeSummaries(b, c)),
          mergeSummaries(mergeSummaries(c, b), a),
          mergeSummaries(b, mergeSummaries(c, a)),
        ]) {
          expect(m.n).toBe(all.n);
          expect(Math.abs(m.mean - all.mean)).toBeLessThanOrEqual(1e-12 * scale);
          expect(Math.abs(m.m2 - all.m2)).toBeLessThanOrEqual(1e-10 * scale * scale * Math.max(1, all.n));
        }
      }),
      RUNS,
    );
  });

  it('the interval widens as alpha shrinks, and the sequential one is wider than the fixed one', () => {
    const arm = fc
      .tuple(
        fc.integer({ min: 2, max: 1e6 }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
      )
      .map(([n, mean, variance]): ArmSummary => ({ n, mean, m2: variance * (n - 1) }));
    const alphas = fc.tuple(
      fc.double({ min: 1e-9, max: 0.9, noNaN: true }),
      fc.double({ min: 1e-9, max: 0.9, noNaN: true }),
    );
    fc.assert(
      fc.property(
        arm,
        arm,
        alphas,
        fc.double({ min: 1, max: 1e9, noNaN: true }),
        (b, c, [a1, a2], tuning) => {
          const [small, large] = a1 < a2 ? [a1, a2] : [a2, a1];
          fc.pre(large > small * (1 + 1e-9)); // alphas a few ulps apart may round either way
          for (const method of ['sequential', 'fixed'] as const) {
            const wide = compareArms(b, c, {
              direction: 'lower',
              method,
              alpha: small,
              tuning: method === 'fixed' ? undefined : tuning,
            });
            const narrow = compareArms(b, c, {
              direction: 'lower',
              method,
              alpha: large,
              tuning: method === 'fixed' ? undefined : tuning,
            });
            expect(wide.high - wide.low).toBeGreaterThanOrEqual(narrow.high - narrow.low);
          }
          const seq = compareArms(b, c, { direction: 'lower', alpha: small, tuning });
          const fixed = compareArms(b, c, { direction: 'lower', method: 'fixed', alpha: small });
          expect(seq.high - seq.low).toBeGreaterThan(fixed.high - fixed.low);
        },
      ),
      RUNS,
    );
  });
});
