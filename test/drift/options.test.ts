// Strict options and stated bounds across lockstep/drift: every options object is read against its known
// keys (a misspelled key is an INVALID_ARGUMENT naming it and the key that was meant), every value of the
// wrong type is refused naming the function and the argument, and every option or input that sizes memory
// or work has a bound that is checked before anything is allocated.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  andersonDarling,
  chiSquareTest,
  compare,
  createAdwin,
  createDdm,
  createEddm,
  createHddmA,
  createKswin,
  createPageHinkley,
  exampleSkew,
  hellinger,
  jensenShannon,
  klDivergence,
  ksTest,
  lInfinity,
  logLoss,
  mae,
  mannWhitneyU,
  progressiveValidation,
  psi,
  totalVariation,
  wasserstein,
  welchTTest,
  zTestProportions,
} from '../../src/drift/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const rows = [
  { id: 'a', x: 1, c: 'p' },
  { id: 'b', x: 2, c: 'q' },
  { id: 'c', x: 3, c: 'p' },
];

/** An array of `length` holes, made without allocating them. */
function sparse(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}

describe('every options object is checked against its known keys', () => {
  it.each([
    ['compare', () => compare(rows, rows, { threshold: 0.1 } as never), 'threshold', 'thresholds'],
    ['psi', () => psi([1, 2, 3], [1, 2, 3], { bin: 3 } as never), 'bin', 'bins'],
    ['klDivergence', () => klDivergence([1, 2], [1, 2], { epsilo: 0.1 } as never), 'epsilo', 'epsilon'],
    ['jensenShannon', () => jensenShannon(['a'], ['a'], { bases: 2 } as never), 'bases', 'base'],
    ['lInfinity', () => lInfinity(['a'], ['a'], { tops: 1 } as never), 'tops', 'top'],
    ['hellinger', () => hellinger([1, 2], [1, 2], { edge: [1] } as never), 'edge', 'edges'],
    ['totalVariation', () => totalVariation([1, 2], [1, 2], { missng: 'bin' } as never), 'missng', 'missing'],
    ['wasserstein', () => wasserstein([1], [2], { normalise: 'std' } as never), 'normalise', 'normalize'],
    ['ksTest', () => ksTest([1, 2], [3, 4], { alternativ: 'less' } as never), 'alternativ', 'alternative'],
    [
      'chiSquareTest',
      () => chiSquareTest(['a'], ['a'], { corection: true } as never),
      'corection',
      'correction',
    ],
    [
      'zTestProportions',
      () => zTestProportions(1, 2, 1, 2, { Alternative: 'less' } as never),
      'Alternative',
      'alternative',
    ],
    ['mannWhitneyU', () => mannWhitneyU([1], [2], { continuty: false } as never), 'continuty', 'continuity'],
    [
      'welchTTest',
      () => welchTTest([1, 2], [3, 4], { alternatives: 'less' } as never),
      'alternatives',
      'alternative',
    ],
    [
      'exampleSkew',
      () => exampleSkew(rows, rows, { key: 'id', maxExample: 1 } as never),
      'maxExample',
      'maxExamples',
    ],
    ['createAdwin', () => createAdwin({ detla: 0.1 } as never), 'detla', 'delta'],
    ['createDdm', () => createDdm({ warmstart: 5 } as never), 'warmstart', 'warmStart'],
    ['createEddm', () => createEddm({ betta: 0.5 } as never), 'betta', 'beta'],
    ['createHddmA', () => createHddmA({ twoSided: true } as never), 'twoSided', 'twoSidedTest'],
    ['createPageHinkley', () => createPageHinkley({ treshold: 5 } as never), 'treshold', 'threshold'],
    ['createKswin', () => createKswin({ windowsize: 50 } as never), 'windowsize', 'windowSize'],
    ['accuracy', () => accuracy({ states: {} } as never), 'states', 'state'],
    ['mae', () => mae({ stat: {} } as never), 'stat', 'state'],
    ['logLoss', () => logLoss({ State: {} } as never), 'State', 'state'],
  ] as const)('%s names the unknown key %s and the key meant', (fn, call, key, meant) => {
    const e = catchLockstep(call, { code: 'INVALID_ARGUMENT', fn, arg: `options.${key}` });
    expect(e.message).toContain(`unknown key "${key}" (did you mean "${meant}"?)`);
  });

  it('progressiveValidation names the unknown key and the key meant', async () => {
    const e = await rejectsLockstep(
      () =>
        progressiveValidation([{ x: 1, y: 1 }], {
          predict: (x: number) => x,
          learn: () => undefined,
          metrics: accuracy(),
        } as never),
      { code: 'INVALID_ARGUMENT', fn: 'progressiveValidation', arg: 'options.metrics' },
    );
    expect(e.message).toContain('(did you mean "metric"?)');
  });

  it('a tolerance and a per-feature option are checked too: their keys name a feature, or the key meant', () => {
    catchLockstep(() => exampleSkew(rows, rows, { key: 'id', tolerance: { absolut: 0.1 } } as never), {
      fn: 'exampleSkew',
      arg: 'options.tolerance',
      message: /names a column neither side has: "absolut" \(did you mean "absolute"\?\)/,
    });
    catchLockstep(
      () => exampleSkew(rows, rows, { key: 'id', tolerance: { absolute: 0.1, rel: 1 } } as never),
      {
        arg: 'options.tolerance.rel',
        message: /did you mean "relative"/,
      },
    );
    catchLockstep(() => compare(rows, rows, { method: { xx: 'psi' } }), {
      arg: 'options.method',
      message: /names a feature neither side has: "xx" \(did you mean "x"\?\)/,
    });
    catchLockstep(() => compare(rows, rows, { thresholds: { C: 0.5 } }), {
      arg: 'options.thresholds',
      message: /did you mean "c"/,
    });
    catchLockstep(() => compare(rows, rows, { features: ['X'] }), {
      arg: 'options.features',
      message: /names a feature reference does not have: "X" \(did you mean "x"\?\)/,
    });
  });

  it('options of the wrong type are LockstepErrors naming the argument, never TypeErrors', () => {
    catchLockstep(() => compare(rows, rows, { features: Number.NaN } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'compare',
      arg: 'options.features',
    });
    catchLockstep(() => compare(rows, rows, { method: null } as never), {
      fn: 'compare',
      arg: 'options.method',
    });
    catchLockstep(() => compare(rows, rows, { thresholds: 'high' } as never), { arg: 'options.thresholds' });
    catchLockstep(() => compare(rows, rows, { method: { x: 'kolmogorov' } } as never), {
      arg: 'options.method.x',
    });
    catchLockstep(() => compare(rows, rows, 'strict' as never), { fn: 'compare', arg: 'options' });
    catchLockstep(() => psi([1], [1], { missing: null } as never), { fn: 'psi', arg: 'options.missing' });
    catchLockstep(() => jensenShannon([1], [1], { base: 10 } as never), { arg: 'options.base' });
    catchLockstep(() => exampleSkew(rows, rows, { key: 'id', tolerance: { absolute: -1 } }), {
      arg: 'options.tolerance.absolute',
    });
    catchLockstep(() => createKswin({ seed: 'x'.repeat(100_000) }), {
      fn: 'createKswin',
      arg: 'options.seed',
    });
    const holed = [1, 2, 3];
    delete holed[1]; // a hole, which every() would skip and a loop by index reads as undefined
    catchLockstep(() => createKswin({ window: holed }), { arg: 'options.window' });
    catchLockstep(() => createPageHinkley({ mode: 'sideways' } as never), { arg: 'options.mode' });
  });
});

describe('options and inputs that size memory or work have stated bounds', () => {
  it.each([
    ['psi', psi],
    ['klDivergence', klDivergence],
    ['jensenShannon', jensenShannon],
    ['lInfinity', lInfinity],
    ['hellinger', hellinger],
    ['totalVariation', totalVariation],
  ] as const)('%s: bins in [1, 100000], 1 to 99,999 edges', (fn, distance) => {
    catchLockstep(() => distance([1, 2, 3], [1, 2, 3], { bins: 2 ** 32 }), {
      code: 'INVALID_ARGUMENT',
      fn,
      arg: 'options.bins',
      message: `${fn}: argument 'options.bins' must be an integer in [1, 100000], got 4294967296`,
    });
    catchLockstep(() => distance([1, 2, 3], [1, 2, 3], { edges: sparse(2 ** 32 - 1) as number[] }), {
      fn,
      arg: 'options.edges',
      message: /must have at most 99999 items/,
    });
    // The largest bound is allowed and the result is the same as with fewer bins where edges merge.
    expect(distance([1, 2, 3], [1, 2, 3], { bins: 100_000 }).value).toBe(0);
  });

  it('refuses huge sizes at once, before allocating anything', () => {
    const huge = sparse(2 ** 32 - 1);
    const many = sparse(2 ** 25 + 1);
    const start = performance.now();
    for (const [call, fn, arg] of [
      [() => psi(huge as number[], [1]), 'psi', 'reference'],
      [() => wasserstein([1], many as number[]), 'wasserstein', 'current'],
      [() => ksTest(huge as number[], [1]), 'ksTest', 'a'],
      [() => mannWhitneyU([1], many as number[]), 'mannWhitneyU', 'b'],
      [() => welchTTest(huge as number[], [1, 2]), 'welchTTest', 'a'],
      [() => chiSquareTest(huge as string[], ['a']), 'chiSquareTest', 'reference'],
      [() => andersonDarling(huge as number[][]), 'andersonDarling', 'samples'],
      [() => andersonDarling(Array.from({ length: 1001 }, () => [1, 2])), 'andersonDarling', 'samples'],
      [() => createKswin({ windowSize: 1e9 }), 'createKswin', 'options.windowSize'],
      [() => createKswin({ window: huge as number[] }), 'createKswin', 'options.window'],
      [() => createAdwin({ maxBuckets: 2 ** 40 }), 'createAdwin', 'options.maxBuckets'],
      [() => createPageHinkley({ delta: 1e200 }), 'createPageHinkley', 'options.delta'],
      [() => compare(rows, rows, { features: huge as string[] }), 'compare', 'options.features'],
      [
        () => exampleSkew(rows, rows, { key: 'id', features: huge as string[] }),
        'exampleSkew',
        'options.features',
      ],
    ] as const) {
      catchLockstep(call, { code: 'INVALID_ARGUMENT', fn, arg });
    }
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('ADWIN and Page-Hinkley take values of at most 1e100, so their states always save as JSON', () => {
    for (const [make, fn] of [
      [createAdwin, 'adwin.update'],
      [createPageHinkley, 'pageHinkley.update'],
    ] as const) {
      const d = make();
      for (let i = 0; i < 200; i++) d.update(i % 2 === 0 ? 1e100 : -1e100);
      const before = d.state();
      catchLockstep(() => d.update(1e308), {
        code: 'INVALID_ARGUMENT',
        fn,
        arg: 'x',
        message: `${fn}: argument 'x' must be at most 1e100 in absolute value (larger values would overflow the detector's sums, and its state could not be saved), got 1e+308`,
      });
      expect(d.state()).toEqual(before); // refused before anything changed
      const saved = JSON.parse(JSON.stringify(before));
      expect(make({ state: saved } as never).state()).toEqual(before);
    }
  });
});
