// Hostile inputs to every public function of lockstep/drift and every method of what they return: each
// call gives a result or a LockstepError, never a TypeError, a RangeError, a stack overflow or a hang, and
// nothing is written onto Object.prototype. Valid artifacts with one field corrupted (profiles, schemas,
// detector and metric states) are refused or read as they were; what a detector or metric saves, it
// resumes from. In CI the properties run from test/setup.ts's fixed seed.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
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
  type DriftDetector,
  energyDistance,
  exampleSkew,
  hellinger,
  jensenShannon,
  klDivergence,
  ksTest,
  lInfinity,
  logLoss,
  type Metric,
  mae,
  mannWhitneyU,
  progressiveValidation,
  psi,
  totalVariation,
  wasserstein,
  welchTTest,
  zTestProportions,
} from '../../src/drift/index.js';
import { inferSchema } from '../../src/schema/index.js';
import { profile } from '../../src/stats/index.js';
import {
  corruption,
  corruptOne,
  deepArray,
  deepObject,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 120 };

// ------------------------------------------------------------------------------------------- fixtures

const rows = Array.from({ length: 40 }, (_, i) => ({
  n: i % 9 === 0 ? null : (i * 37) % 50,
  c: ['a', 'b', 'c'][i % 3],
  b: i % 4 === 0,
  d: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  m: i % 2 === 0 ? i : 'x',
}));
const valid = profile(rows);
const validJson = JSON.parse(JSON.stringify(valid)) as unknown;
const schema = inferSchema(rows, { environments: ['training', 'serving'] });
const schemaJson = JSON.parse(JSON.stringify(schema)) as unknown;

/** An array of `length` holes, made without allocating them. */
function sparse(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}

/**
 * Frame-like objects with a bad shape, as a caller could make them (a Frame lockstep built is trusted, so
 * these are plain objects claiming to be Frames): lengths of -1 and NaN, columns that are numbers or of
 * no kind, cells String() cannot convert.
 */
function badFrames(): unknown[] {
  const numeric = { kind: 'numeric', values: new Float64Array(3), valid: undefined };
  const frame = (length: unknown, column: unknown, name = 'n') => ({
    kind: 'lockstep.frame',
    length,
    names: [name],
    columns: new Map([[name, column]]),
  });
  return [
    frame(-1, numeric),
    frame(Number.NaN, numeric),
    frame(2 ** 40, numeric),
    frame(3, 5),
    frame(3, { kind: 'numeric', values: [1, 2, 3] }),
    frame(3, { kind: 'other', values: [] }),
    frame(1, { kind: 'string', values: [Object.create(null)] }, 'c'),
    frame(3, { kind: 'dictionary', codes: Int32Array.of(0, 1, 9), dictionary: ['a'] }, 'c'),
    { kind: 'lockstep.frame', length: 2, names: ['n'], columns: new Map([['y', numeric]]) },
    { kind: 'lockstep.frame', length: -1, columns: new Map() },
  ];
}

/** `base` with the own keys of `o` added, when `o` is an object whose keys can be read (else `base`). */
function withKeys(base: object, o: unknown): object {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return base;
  try {
    return { ...base, ...o };
  } catch {
    return base; // a throwing getter or Proxy: the call with `o` itself covers it
  }
}

/** Data: hostile values, bad Frames, rows and columns of hostile cells, profiles valid and corrupted. */
const data = fc.oneof(
  hostile(),
  fc.nat({ max: badFrames().length - 1 }).map((i) => badFrames()[i]),
  fc
    .array(fc.nat({ max: hostileValues().length - 1 }), { maxLength: 6 })
    .map((picks) => picks.map((i, k) => ({ n: hostileValues()[i], c: k % 2 === 0 ? 'a' : 'b', k }))),
  fc
    .array(fc.nat({ max: hostileValues().length - 1 }), { maxLength: 4 })
    .map((picks) => Object.fromEntries(picks.map((i, k) => [k % 2 ? 'n' : 'c', hostileValues()[i]]))),
  fc.constant(rows as unknown),
  fc.constant(valid as unknown),
  fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(validJson, pick, bad)),
  fc.constant({ kind: 'lockstep.profile', features: {} } as unknown),
  fc.constant({ features: {} } as unknown),
  fc.constant([protoKey(), protoKey()]),
  fc.constant([{ n: 1 }, { n: throwingGetters() }]),
  fc.constant([throwingProxy()]),
);

/** Options: hostile values, or objects of known and unknown keys holding hostile values. */
function options(keys: readonly string[], extra: fc.Arbitrary<unknown> = hostile()): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostile(),
    fc
      .array(
        fc.tuple(fc.constantFrom(...keys, 'bin', '__proto__', 'threshold'), fc.oneof(hostile(), extra)),
        {
          maxLength: 3,
        },
      )
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries)
          Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
        return o;
      }),
  );
}

/** One side of a distance: hostile values, arrays of hostile cells, good samples, profile features. */
const sample = fc.oneof(
  hostile(),
  fc.array(fc.oneof(fc.double(), hostile()), { maxLength: 8 }),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 8 }),
  fc.array(fc.double(), { minLength: 1, maxLength: 30 }),
  fc.array(fc.double(), { minLength: 1, maxLength: 30 }).map((v) => Float64Array.from(v)),
  fc.record({
    profile: fc.oneof(
      fc.constant(valid as unknown),
      hostile(),
      fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(validJson, pick, bad)),
    ),
    feature: fc.oneof(fc.constantFrom('n', 'c', 'b', 'd', 'm', 'zz'), hostile()),
  }),
);

/** A numeric sample for the two-sample tests. */
const numbers = fc.oneof(
  hostile(),
  fc.array(fc.oneof(fc.double(), hostile()), { maxLength: 8 }),
  fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 30 }),
);

/** A categorical sample for chiSquareTest: arrays, Maps and records, with hostile entries. */
const categories = fc.oneof(
  hostile(),
  fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c'), hostile()), { maxLength: 8 }),
  fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), fc.oneof(fc.nat(), hostile())),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('a', 'b'), hostile()), fc.oneof(fc.nat(), hostile())))
    .map((entries) => new Map(entries)),
);

const BINNED = { psi, klDivergence, jensenShannon, lInfinity, hellinger, totalVariation };
const BINNED_KEYS = ['bins', 'edges', 'missing', 'top', 'epsilon', 'base', 'distance'];

afterAll(() => expectNoPrototypePollution());

// ------------------------------------------------------------------------------------------- properties

describe('lockstep/drift under hostile input: a result or a LockstepError, always', () => {
  it('compare, on hostile data, profiles and options (schemas valid, corrupted and hostile)', () => {
    const schemas = fc.oneof(
      fc.constant(schema as unknown),
      hostile(),
      fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(schemaJson, pick, bad)),
    );
    const perFeature = fc.oneof(
      fc.constantFrom<unknown>('ks', 'chiSquare', 'wasserstein', 'jensenShannon', 'psi', 'lInfinity', 0.1),
      fc.dictionary(
        fc.constantFrom('n', 'c', 'zz', '__proto__'),
        fc.oneof(hostile(), fc.constantFrom('ks', 'psi', 0.5)),
      ),
    );
    fc.assert(
      fc.property(
        data,
        data,
        options(
          [
            'schema',
            'environment',
            'mode',
            'features',
            'method',
            'thresholds',
            'smallSample',
            'missingThreshold',
            'driftShare',
          ],
          fc.oneof(schemas, perFeature, fc.constantFrom<unknown>('skew', 'drift', 'serving', ['n', 'c'])),
        ),
        (a, b, o) => {
          expectLockstepOrResult(() => compare(a as never, b as never, o as never));
          expectLockstepOrResult(() => compare(rows, b as never, o as never));
        },
      ),
      RUNS,
    );
  });

  it('exampleSkew', () => {
    fc.assert(
      fc.property(
        data,
        data,
        options(
          ['key', 'features', 'tolerance', 'maxExamples'],
          fc.oneof(
            fc.constantFrom<unknown>('k', 'n', ['n', 'c'], { absolute: 0.1 }, { n: { relative: 1 } }),
            fc.dictionary(fc.constantFrom('n', 'absolute', 'zz'), hostile()),
          ),
        ),
        (a, b, o) => {
          expectLockstepOrResult(() => exampleSkew(a as never, b as never, o as never));
          expectLockstepOrResult(() =>
            exampleSkew(a as never, b as never, withKeys({ key: 'k' }, o) as never),
          );
        },
      ),
      RUNS,
    );
  });

  it('the binned distances, wasserstein and energyDistance', () => {
    fc.assert(
      fc.property(sample, sample, options([...BINNED_KEYS, 'normalize']), (a, b, o) => {
        for (const distance of Object.values(BINNED)) {
          expectLockstepOrResult(() => distance(a as never, b as never, o as never));
        }
        expectLockstepOrResult(() => wasserstein(a as never, b as never, o as never));
        expectLockstepOrResult(() => energyDistance(a as never, b as never));
      }),
      RUNS,
    );
  });

  it('the two-sample tests', () => {
    fc.assert(
      fc.property(
        numbers,
        numbers,
        categories,
        categories,
        options(['alternative', 'method', 'continuity', 'correction']),
        fc.array(hostile(), { maxLength: 5 }),
        (a, b, c, d, o, counts) => {
          expectLockstepOrResult(() => ksTest(a as never, b as never, o as never));
          expectLockstepOrResult(() => mannWhitneyU(a as never, b as never, o as never));
          expectLockstepOrResult(() => welchTTest(a as never, b as never, o as never));
          expectLockstepOrResult(() => chiSquareTest(c as never, d as never, o as never));
          expectLockstepOrResult(() => andersonDarling([a, b] as never));
          expectLockstepOrResult(() => andersonDarling(a as never));
          expectLockstepOrResult(() =>
            zTestProportions(
              counts[0] as never,
              counts[1] as never,
              counts[2] as never,
              counts[3] as never,
              o as never,
            ),
          );
          expectLockstepOrResult(() => zTestProportions(3, 10, 4, 10, o as never));
        },
      ),
      RUNS,
    );
  });

  type Factory = (options?: never) => DriftDetector<unknown>;
  const detectors: readonly [string, Factory, readonly string[], fc.Arbitrary<number>][] = [
    [
      'createAdwin',
      createAdwin as Factory,
      ['delta', 'clock', 'maxBuckets', 'minWindowLength', 'gracePeriod'],
      fc.double({ min: -1e100, max: 1e100, noNaN: true }),
    ],
    [
      'createDdm',
      createDdm as Factory,
      ['warmStart', 'warningThreshold', 'driftThreshold'],
      fc.constantFrom(0, 1),
    ],
    ['createEddm', createEddm as Factory, ['warmStart', 'alpha', 'beta'], fc.constantFrom(0, 1)],
    [
      'createHddmA',
      createHddmA as Factory,
      ['driftConfidence', 'warningConfidence', 'twoSidedTest'],
      fc.double({ min: 0, max: 1, noNaN: true }),
    ],
    [
      'createPageHinkley',
      createPageHinkley as Factory,
      ['minInstances', 'delta', 'threshold', 'alpha', 'mode'],
      fc.double({ min: -1e100, max: 1e100, noNaN: true }),
    ],
    [
      'createKswin',
      createKswin as Factory,
      ['alpha', 'windowSize', 'statSize', 'seed', 'rng', 'window'],
      fc.double({ min: -1e100, max: 1e100, noNaN: true }),
    ],
  ];

  it.each(detectors)(
    '%s and its update, reset and state: a saved state always resumes',
    (_name, create, keys, values) => {
      fc.assert(
        fc.property(
          options([...keys, 'state'], fc.constantFrom<unknown>(0.5, 10, 1, 'up', true, [1, 2, 3])),
          fc.array(fc.oneof(values, hostile()), { maxLength: 40 }),
          fc.array(values, { maxLength: 60 }),
          (o, hostileStream, goodStream) => {
            let d: DriftDetector<unknown>;
            try {
              d = create(o as never);
            } catch (error) {
              expect(error).toBeInstanceOf(LockstepError);
              d = create();
            }
            for (const x of hostileStream) expectLockstepOrResult(() => d.update(x as never));
            for (const x of goodStream) d.update(x);
            const state = d.state();
            expect(Object.isFrozen(state)).toBe(true);
            expect((state as { kind: string }).kind).toMatch(/^lockstep\.drift\./);
            expect((state as { formatVersion: number }).formatVersion).toBe(1);
            // What a detector saves, it resumes from: the same state, and the same decisions after.
            const resumed = create({ state: JSON.parse(JSON.stringify(state)) } as never);
            expect(resumed.state()).toEqual(state);
            d.reset();
            expect([d.n, d.nDetections, d.drift, d.warning]).toEqual([0, 0, false, false]);
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it.each(detectors)(
    '%s: a saved state with one field corrupted is refused or resumes as it was',
    (_name, create, _keys, values) => {
      const d = create();
      fc.assert(
        fc.property(
          fc.array(values, { minLength: 1, maxLength: 80 }),
          fc.nat(),
          corruption(),
          (stream, pick, bad) => {
            for (const x of stream) d.update(x);
            const json = JSON.parse(JSON.stringify(d.state())) as unknown;
            const broken = corruptOne(json, pick, bad);
            let resumed: DriftDetector<unknown> | undefined;
            try {
              resumed = create({ state: broken } as never);
            } catch (error) {
              expect(error).toBeInstanceOf(LockstepError);
              expect(['INVALID_ARTIFACT', 'INVALID_ARGUMENT']).toContain((error as LockstepError).code);
            }
            if (resumed) {
              // Whatever resumed can go on, and saves a state it resumes from again.
              for (const x of stream.slice(0, 5)) expectLockstepOrResult(() => resumed.update(x));
              const again = resumed.state();
              expect(create({ state: JSON.parse(JSON.stringify(again)) } as never).state()).toEqual(again);
            }
            for (const x of hostileValues()) expectLockstepOrResult(() => create({ state: x } as never));
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  const metrics: readonly [
    string,
    (o?: never) => Metric<unknown, unknown>,
    fc.Arbitrary<[unknown, unknown]>,
  ][] = [
    ['accuracy', accuracy as never, fc.tuple(fc.constantFrom('a', 'b', 1), fc.constantFrom('a', 'b', 1))],
    [
      'mae',
      mae as never,
      fc.tuple(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      ),
    ],
    [
      'logLoss',
      logLoss as never,
      fc.tuple(fc.constantFrom(true, false, 0, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    ],
  ];

  it.each(metrics)('%s and its update, value, merge and state', (_name, make, pairs) => {
    fc.assert(
      fc.property(
        options(['state']),
        fc.array(fc.tuple(hostile(), hostile()), { maxLength: 5 }),
        fc.array(pairs, { maxLength: 20 }),
        fc.oneof(hostile(), fc.constant('metric'), fc.constant('state')),
        fc.nat(),
        corruption(),
        (o, bad, good, other, pick, replacement) => {
          let m: Metric<unknown, unknown>;
          try {
            m = make(o as never);
          } catch (error) {
            expect(error).toBeInstanceOf(LockstepError);
            m = make();
          }
          for (const [y, p] of bad) expectLockstepOrResult(() => m.update(y, p));
          for (const [y, p] of good) m.update(y, p);
          const peer = make();
          for (const [y, p] of good) peer.update(y, p);
          const with_ =
            other === 'metric' ? peer : other === 'state' ? JSON.parse(JSON.stringify(peer.state())) : other;
          expectLockstepOrResult(() => m.merge(with_ as never));
          expectLockstepOrResult(() =>
            m.merge(corruptOne(JSON.parse(JSON.stringify(peer.state())), pick, replacement) as never),
          );
          expect(typeof m.value()).toBe('number');
          const state = m.state();
          expect(Object.isFrozen(state)).toBe(true);
          expect(state.kind).toMatch(/^lockstep\.metric\./);
          expect(state.formatVersion).toBe(1);
          expect(make({ state: JSON.parse(JSON.stringify(state)) } as never).state()).toEqual(state);
          expectLockstepOrResult(() =>
            make({ state: corruptOne(JSON.parse(JSON.stringify(state)), pick, replacement) } as never),
          );
        },
      ),
      RUNS,
    );
  });

  it('progressiveValidation', async () => {
    const streams = fc.oneof(
      hostile(),
      fc.array(
        fc.oneof(
          hostile(),
          fc.record(
            { x: fc.nat(), y: fc.nat(), t: fc.oneof(fc.nat(), hostile()) },
            { requiredKeys: ['x', 'y'] },
          ),
        ),
        { maxLength: 6 },
      ),
      fc.array(fc.record({ x: fc.nat(), y: fc.nat() }), { maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        streams,
        options(
          ['predict', 'learn', 'metric', 'delay', 'every'],
          fc.constantFrom<unknown>(1, 0, () => 1, accuracy(), { update: 1 }),
        ),
        async (stream, o) => {
          await expectLockstepOrResultAsync(() => progressiveValidation(stream as never, o as never));
          await expectLockstepOrResultAsync(() =>
            progressiveValidation(
              stream as never,
              withKeys(
                { predict: (x: unknown) => x, learn: () => undefined, metric: accuracy() },
                o,
              ) as never,
            ),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('deeply nested, sparse, proxied and huge inputs to every function', () => {
    const nasty = [
      deepArray(10_000),
      deepObject(10_000),
      sparse(2 ** 32 - 1),
      throwingProxy(),
      throwingGetters(),
      protoKey(),
    ];
    for (const v of nasty) {
      const x = v as never;
      for (const distance of Object.values(BINNED)) {
        expectLockstepOrResult(() => distance(x, [1, 2]));
        expectLockstepOrResult(() => distance([1, 2], x));
        expectLockstepOrResult(() => distance([1, 2], [1, 2], x));
        expectLockstepOrResult(() => distance([1, 2], [1, 2], { edges: x }));
      }
      expectLockstepOrResult(() => wasserstein(x, [1]));
      expectLockstepOrResult(() => energyDistance([1], x));
      expectLockstepOrResult(() => ksTest(x, [1]));
      expectLockstepOrResult(() => mannWhitneyU([1], x));
      expectLockstepOrResult(() => welchTTest(x, [1, 2]));
      expectLockstepOrResult(() => chiSquareTest(x, ['a']));
      expectLockstepOrResult(() => andersonDarling(x));
      expectLockstepOrResult(() => andersonDarling([x, [1, 2, 3]] as never));
      expectLockstepOrResult(() => compare(x, rows));
      expectLockstepOrResult(() => compare(rows, rows, { features: x }));
      expectLockstepOrResult(() => compare(rows, rows, { method: x }));
      expectLockstepOrResult(() => exampleSkew(x, rows, { key: 'n' }));
      expectLockstepOrResult(() => exampleSkew(rows, rows, { key: 'n', tolerance: x }));
      expectLockstepOrResult(() => createKswin({ window: x }));
      for (const make of [createAdwin, createDdm, createEddm, createHddmA, createPageHinkley, createKswin]) {
        expectLockstepOrResult(() => make(x));
        expectLockstepOrResult(() => make({ state: x }));
        expectLockstepOrResult(() => make().update(x));
      }
      for (const make of [accuracy, mae, logLoss]) {
        expectLockstepOrResult(() => make(x));
        expectLockstepOrResult(() => make().merge(x));
        expectLockstepOrResult(() => make().update(x, x));
      }
    }
  });
});
