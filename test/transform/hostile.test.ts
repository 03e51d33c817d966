// Hostile inputs to every public function of lockstep/transform (and every method of what they return):
// each call gives a result or a LockstepError, never a TypeError, a RangeError, a stack overflow or a
// hang, and nothing is written onto Object.prototype. Then round trips: whatever fit writes, parseTransform
// reads back as it was, and applies to the same bits.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { inferSchema } from '../../src/schema/index.js';
import {
  apply,
  applyBatch,
  bucketize,
  checkOutput,
  clip,
  createFitter,
  cross,
  datetime,
  diffTransforms,
  type Fitter,
  fitStream,
  fit as fitTransform,
  hashBucket,
  impute,
  log1p,
  minMax,
  multiHot,
  oneHot,
  parseTransform,
  passthrough,
  recencyWeight,
  robustScale,
  type Step,
  specOf,
  standardize,
  type TransformArtifact,
  type TransformSpec,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';
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

const rows = Array.from({ length: 40 }, (_, i) => ({
  x: i % 6 === 0 ? null : ((i * 37) % 120) - 20,
  c: ['ATL', 'DFW', 'ORD', 'SFO'][i % 4],
  d: ['a', 'b'][i % 2],
  l: i % 5 === 0 ? null : [['p', 'q', 'r'][i % 3], 's'],
  t: Date.UTC(2026, 0, 1 + (i % 28), i % 24),
}));

/** Every step type, every chain shape. */
const spec: TransformSpec = {
  x: [impute({ strategy: 'median', indicator: true }), clip({ quantiles: [0.05, 0.95] }), standardize()],
  xm: { input: 'x', steps: [impute({ strategy: 'mean' }), minMax({ clip: true })] },
  xr: { input: 'x', steps: [impute({ strategy: 'mode' }), robustScale(), log1p()] },
  xb: { input: 'x', steps: [bucketize({ quantiles: 4, missing: 'bucket' }), oneHot()] },
  xp: { input: 'x', steps: [impute({ strategy: 'constant', value: 0 }), passthrough()] },
  c: [vocabulary({ topK: 3, oovBuckets: 2 }), oneHot()],
  ch: { input: 'c', steps: [impute({ strategy: 'mode' }), hashBucket({ buckets: 5, salt: 's' })] },
  l: [vocabulary({ mask: true }), multiHot()],
  cd: [cross(['c', 'd'], { buckets: 7, missing: 'bucket' }), oneHot()],
  t: datetime({ parts: ['hour', 'dayOfWeek'], cyclical: true }),
  w: recencyWeight({ column: 't', halfLife: 86_400_000 }),
};
const fitted = fitTransform(spec, rows);
const json = JSON.parse(JSON.stringify(fitted)) as TransformArtifact;

const STEP_TYPES = [
  'standardize',
  'minMax',
  'robustScale',
  'clip',
  'log1p',
  'passthrough',
  'bucketize',
  'vocabulary',
  'oneHot',
  'multiHot',
  'hashBucket',
  'cross',
  'impute',
  'datetime',
  'recencyWeight',
];

/** Data-shaped hostile values: Frame-like objects of bad lengths, columns that are numbers, odd cells. */
function hostileData(): readonly unknown[] {
  // Sparse arrays of the largest length, one empty and one holding an element at index 2^32 − 2 (core's
  // toFrame refuses such a cell by its length, instead of joining four billion holes to read it as text).
  const sparse: unknown[] = [];
  sparse.length = 2 ** 32 - 1;
  const sparseLast: unknown[] = [];
  sparseLast[2 ** 32 - 2] = 1;
  const holey: unknown[] = [];
  holey[1_000_000] = 1;
  return [
    ...hostileValues(),
    sparse,
    { length: -1, names: ['x'], columns: new Map(), kind: 'lockstep.frame' },
    { length: Number.NaN, names: [], columns: new Map(), kind: 'lockstep.frame' },
    { x: 5 },
    { x: [1, 2], c: 'xy' },
    { x: new Float64Array(3), c: [1] },
    [Object.create(null), { x: Object.create(null) }],
    [{ x: deepObject(10_000), c: deepArray(10_000) }, { l: deepArray(10_000) }],
    [{ c: '\uD800', x: 1 }, { c: 'x'.repeat(1 << 20) }],
    [protoKey(), { constructor: 1, toString: 'x', x: 1 }],
    [throwingGetters(), throwingProxy()],
    [{ x: throwingProxy(), l: throwingProxy(), c: throwingGetters() }],
    [{ l: sparse }, { l: holey }, { l: new Array(2 ** 20) }, { l: [1n, Symbol('s'), {}] }],
    [{ l: sparseLast }, { l: [1] }],
    [{ t: 'not a date', x: 'one', c: {} }, { t: new Date(Number.NaN) }],
    [1, 'row', null, [1]],
  ];
}

const dataArb = fc.oneof(
  fc.nat({ max: hostileData().length - 1 }).map((i) => hostileData()[i]),
  fc.array(fc.dictionary(fc.constantFrom('x', 'c', 'd', 'l', 't', '__proto__'), hostile(), { maxKeys: 5 }), {
    maxLength: 5,
  }),
);

/** Each step type's option keys, and values that are right for some of them. */
const STEP_KEYS: Readonly<Record<string, readonly string[]>> = {
  standardize: [],
  minMax: ['clip'],
  robustScale: ['quantiles'],
  clip: ['min', 'max', 'quantiles'],
  log1p: [],
  passthrough: [],
  bucketize: ['boundaries', 'quantiles', 'missing'],
  vocabulary: ['topK', 'minFrequency', 'oovBuckets', 'mask', 'salt'],
  oneHot: [],
  multiHot: [],
  hashBucket: ['buckets', 'salt', 'missing'],
  cross: ['inputs', 'buckets', 'salt', 'missing'],
  impute: ['strategy', 'value', 'indicator'],
  datetime: ['parts', 'cyclical'],
  recencyWeight: ['column', 'halfLife'],
};
const GOOD_VALUES: readonly unknown[] = [
  true,
  2,
  0,
  0.5,
  [0.1, 0.9],
  [1, 2],
  ['c', 'd'],
  ['hour'],
  'mode',
  'constant',
  'bucket',
  'c',
  't',
  2 ** 24,
  2 ** 24 + 1,
];

/** A step-shaped object: a known type with its own keys (hostile or plausible values), or any keys at all. */
const stepArb = fc.oneof(
  fc.constantFrom(...STEP_TYPES).chain((type) =>
    fc
      .tuple(
        ...STEP_KEYS[type]!.map((key) =>
          fc.option(
            fc.oneof(hostile(), fc.constantFrom(...GOOD_VALUES)).map((v) => [key, v] as const),
            { nil: undefined },
          ),
        ),
      )
      .map((entries) => ({ type, ...Object.fromEntries(entries.filter((e) => e !== undefined)) })),
  ),
  fc.record(
    {
      type: fc.oneof(fc.constantFrom(...STEP_TYPES, 'nope', '__proto__'), hostile()),
      topK: hostile(),
      quantiles: hostile(),
      buckets: hostile(),
      fitted: hostile(),
      topk: hostile(),
    },
    { requiredKeys: ['type'] },
  ),
);

/** The spec argument: hostile values, specs of hostile steps and feature objects, and the valid spec. */
const specArb = fc.oneof(
  hostile(),
  fc.dictionary(
    fc.constantFrom('x', 'c', 'l', 't', '__proto__', 'constructor', 'x'.repeat(2000)),
    fc.oneof(
      stepArb,
      fc.array(fc.oneof(stepArb, hostile()), { maxLength: 4 }),
      fc.record({ input: hostile(), steps: fc.oneof(hostile(), fc.array(stepArb, { maxLength: 3 })) }),
      hostile(),
    ),
    { maxKeys: 3 },
  ),
  fc.constant(spec),
  fc.constant({ x: Array.from({ length: 1000 }, () => standardize()) }),
);

const fitOptionsArb = fc.oneof(
  hostile(),
  fc.record(
    {
      schema: hostile(),
      exactQuantiles: fc.oneof(hostile(), fc.constantFrom(0, 2 ** 40, 2 ** 26)),
      quantileK: fc.oneof(hostile(), fc.constantFrom(8, 2 ** 32)),
      maxCategories: fc.oneof(hostile(), fc.constantFrom(1, 2 ** 32)),
      exactQuantile: hostile(),
    },
    { requiredKeys: [] },
  ),
);

/** The artifact argument: hostile values, the valid one as JSON with one field corrupted, the valid one. */
const artifactArb = fc.oneof(
  hostile(),
  fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(json, pick, bad)),
  fc.constant(fitted),
  fc.constant(json),
);

const applyOptionsArb = fc.oneof(
  hostile(),
  fc.record(
    {
      into: fc.oneof(hostile(), fc.constant(new Float32Array(64)), fc.constant(new Float32Array(1))),
      explain: fc.oneof(hostile(), fc.boolean()),
      int: hostile(),
    },
    { requiredKeys: [] },
  ),
);

const RUNS = { numRuns: 120, seed: 20261207 };

afterAll(() => expectNoPrototypePollution());

describe('hostile inputs: a result or a LockstepError, always', () => {
  it('fit and createFitter', () => {
    fc.assert(
      fc.property(specArb, dataArb, fitOptionsArb, (s, data, options) => {
        expectLockstepOrResult(() => fitTransform(s as never, data as never, options as never));
        expectLockstepOrResult(() => createFitter(s as never, options as never));
        // The valid spec with hostile data and options alone.
        expectLockstepOrResult(() => fitTransform(spec, data as never));
        expectLockstepOrResult(() => fitTransform(spec, rows, options as never));
      }),
      RUNS,
    );
  });

  it('fitStream, with hostile specs, options, openers and batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArb,
        fitOptionsArb,
        fc.oneof(
          hostile(),
          hostile().map((v) => () => v),
          dataArb.map((d) => () => [d]),
          // An async iterable by hand: an async generator would await the batch itself (and a hostile
          // `then` getter would throw inside the caller's own generator, which is the caller's error).
          dataArb.map((d) => () => ({
            [Symbol.asyncIterator]() {
              let given = false;
              return {
                next: async () => {
                  if (given) return { done: true, value: undefined };
                  given = true;
                  return { done: false, value: d };
                },
              };
            },
          })),
          hostile().map((v) => () => ({ [Symbol.asyncIterator]: () => ({ next: () => v }) })),
          hostile().map((v) => () => ({ [Symbol.iterator]: () => v })),
        ),
        async (s, options, open) => {
          await expectLockstepOrResultAsync(() => fitStream(s as never, open as never, options as never));
          await expectLockstepOrResultAsync(() => fitStream(spec, open as never));
        },
      ),
      { ...RUNS, numRuns: 80 },
    );
  });

  it("the fitter's methods: update, merge, nextStage and result, in any order", () => {
    const method = fc.oneof(
      dataArb.map((d) => (f: Fitter) => f.update(d as never)),
      hostile().map((v) => (f: Fitter) => f.merge(v as never)),
      fc.constant((f: Fitter) => f.merge(f)),
      fc.constant((f: Fitter) => f.merge(createFitter(spec).update(rows))),
      fc.constant((f: Fitter) => f.update(rows)),
      fc.constant((f: Fitter) => f.nextStage()),
      fc.constant((f: Fitter) => f.result()),
    );
    fc.assert(
      fc.property(fc.array(method, { minLength: 1, maxLength: 8 }), (calls) => {
        let f: Fitter = createFitter(spec);
        for (const call of calls) {
          expectLockstepOrResult(() => {
            const next = call(f);
            if (typeof next === 'object' && next !== null && 'update' in next) f = next as Fitter;
          });
        }
        // Whatever the calls did, the fitter still answers with a result or a LockstepError.
        expectLockstepOrResult(() => f.rows + f.stage + f.stages);
      }),
      RUNS,
    );
  });

  it('apply and applyBatch, with hostile transforms, rows, batches and options', () => {
    fc.assert(
      fc.property(artifactArb, hostile(), dataArb, applyOptionsArb, (t, row, data, options) => {
        expectLockstepOrResult(() => apply(t as never, row as never, options as never));
        expectLockstepOrResult(() => apply(fitted, row as never));
        expectLockstepOrResult(() => apply(fitted, { x: row, c: row, l: row, t: row, d: row }));
        expectLockstepOrResult(() => apply(fitted, rows[1]!, options as never));
        expectLockstepOrResult(() => applyBatch(t as never, data as never, options as never));
        expectLockstepOrResult(() => applyBatch(fitted, data as never));
        expectLockstepOrResult(() => applyBatch(fitted, rows, { maxIssues: row } as never));
        expectLockstepOrResult(() => checkOutput(t as never, data as never));
      }),
      RUNS,
    );
  });

  it('parseTransform, from parsed values and from JSON text', () => {
    fc.assert(
      fc.property(artifactArb, (value) => {
        expectLockstepOrResult(() => parseTransform(value));
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          text = undefined; // a bigint, a cycle or a throwing getter: JSON cannot carry it
        }
        if (text !== undefined) expectLockstepOrResult(() => parseTransform(text));
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('a valid artifact with one field corrupted and its fingerprint made to match: parsed or refused, and what parses applies', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.nat(), corruption(), (pick, bad) => {
        const body = corruptOne(json, pick, bad) as Record<string, unknown>;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
        const { fingerprint: _stale, ...rest } = body;
        let sealed: unknown;
        try {
          sealed = { ...rest, fingerprint: fingerprint(rest) };
        } catch {
          return; // canonical JSON refuses the corruption itself (a lone surrogate is fine; a cycle is not)
        }
        let t: TransformArtifact | undefined;
        expectLockstepOrResult(() => {
          t = parseTransform(sealed);
        });
        if (t === undefined) return;
        accepted++;
        // What parseTransform accepts, the kernel runs: a result or an INVALID_DATA, never a TypeError.
        for (const row of rows.slice(0, 6)) expectLockstepOrResult(() => apply(t!, row, { explain: true }));
        expectLockstepOrResult(() => applyBatch(t!, rows));
        expectLockstepOrResult(() => checkOutput(t!, rows));
        expectLockstepOrResult(() => specOf(t!));
        expectLockstepOrResult(() => diffTransforms(fitted, t!));
        expect(parseTransform(JSON.stringify(t))).toEqual(t);
      }),
      { ...RUNS, numRuns: 400 },
    );
    // Some corruptions are harmless (a row count, a salt, a vocabulary count that stays in order).
    expect(accepted).toBeGreaterThan(0);
  });

  it('diffTransforms and specOf', () => {
    fc.assert(
      fc.property(artifactArb, artifactArb, (a, b) => {
        expectLockstepOrResult(() => diffTransforms(a as never, b as never));
        expectLockstepOrResult(() => diffTransforms(fitted, b as never));
        expectLockstepOrResult(() => specOf(a as never));
      }),
      RUNS,
    );
  });

  it('every step builder, with hostile options', () => {
    const builders: ((o: unknown) => Step)[] = [
      (o) => standardize(o as never),
      (o) => minMax(o as never),
      (o) => robustScale(o as never),
      (o) => clip(o as never),
      (o) => log1p(o as never),
      (o) => passthrough(o as never),
      (o) => bucketize(o as never),
      (o) => vocabulary(o as never),
      (o) => oneHot(o as never),
      (o) => multiHot(o as never),
      (o) => hashBucket(o as never),
      (o) => cross(['a', 'b'], o as never),
      (o) => cross(o as never, { buckets: 2 }),
      (o) => impute(o as never),
      (o) => datetime(o as never),
      (o) => recencyWeight(o as never),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          hostile(),
          stepArb.map(({ type: _type, ...options }) => options),
          fc.record({ quantiles: hostile(), boundaries: hostile(), parts: hostile(), strategy: hostile() }),
        ),
        (options) => {
          for (const build of builders) {
            let step: Step | undefined;
            expectLockstepOrResult(() => {
              step = build(options);
            });
            // What a builder accepts, fit accepts as a spec (a step it made is never refused as a step).
            if (step !== undefined) {
              try {
                createFitter({
                  f:
                    step.type === 'multiHot' || step.type === 'oneHot'
                      ? [hashBucket({ buckets: 2 }), step]
                      : step,
                });
              } catch (error) {
                expect(error).toBeInstanceOf(LockstepError);
                expect((error as LockstepError).arg).not.toMatch(/^spec\.f(\[\d+\])?\./);
              }
            }
          }
        },
      ),
      RUNS,
    );
  });
});

describe('known cases from the sweep, and the bounds they led to', () => {
  it('a chain of 1,000 standardize steps is refused at once: a chain has at most 32 steps', () => {
    const started = performance.now();
    const e = catchLockstep(
      () => fitTransform({ x: Array.from({ length: 1000 }, () => standardize()) }, { x: [1, 2, 3] }),
      { code: 'INVALID_ARGUMENT', fn: 'fit', arg: 'spec.x' },
    );
    expect(e.message).toBe("fit: argument 'spec.x' must have at most 32 steps, got 1000");
    expect(performance.now() - started).toBeLessThan(1000);
    // 32 is allowed: 64 stages, each a pass over the data, in well under a second here.
    const t = fitTransform({ x: Array.from({ length: 32 }, () => standardize()) }, { x: [1, 2, 3, 4] });
    expect(t.features[0]!.steps).toHaveLength(32);
    expect(createFitter({ x: Array.from({ length: 32 }, () => standardize()) }).stages).toBe(64);
  });

  it('an expansion past 1,048,576 output columns is refused before its names are made', () => {
    const started = performance.now();
    catchLockstep(() => fitTransform({ c: [hashBucket({ buckets: 2 ** 24 }), oneHot()] }, { c: ['a'] }), {
      code: 'INVALID_ARGUMENT',
      fn: 'fit',
      arg: 'spec.c',
      message:
        "fit: argument 'spec.c' would give the transform 16777216 output columns; a transform has at most 1048576",
    });
    expect(performance.now() - started).toBeLessThan(1000);
    // In an artifact, the same is an INVALID_ARTIFACT at the feature's steps.
    const small = fitTransform({ c: [hashBucket({ buckets: 2 }), oneHot()] }, { c: ['a'] });
    const body = JSON.parse(JSON.stringify(small));
    body.features[0].steps[0].buckets = 2 ** 24;
    delete body.fingerprint;
    catchLockstep(() => parseTransform({ ...body, fingerprint: fingerprint(body) }), {
      code: 'INVALID_ARTIFACT',
      path: '$.features[0].steps',
    });
  });

  it('sparse and huge lists in an artifact are refused by their length before anything walks them', () => {
    for (const [edit, path] of [
      [(t: Json) => (t.features = sparseArray(2 ** 32 - 1)), '$.features'],
      [(t: Json) => (t.columns = sparseArray(2 ** 21)), '$.columns'],
      [(t: Json) => (t.features[0].steps = sparseArray(2 ** 32 - 1)), '$.features[0].steps'],
      [
        (t: Json) => (t.features[5].steps[0].fitted.values = sparseArray(2 ** 32 - 1)),
        '$.features[5].steps[0].fitted.values',
      ],
      [
        (t: Json) => (t.features[3].steps[0].fitted.boundaries = sparseArray(2 ** 32 - 1)),
        '$.features[3].steps[0].fitted.boundaries',
      ],
    ] as const) {
      const t = structuredClone(json) as Json;
      edit(t);
      const started = performance.now();
      catchLockstep(() => parseTransform(t), { code: 'INVALID_ARTIFACT', path });
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('a row whose getter throws, or a Proxy list, is INVALID_DATA naming the feature', () => {
    const e = catchLockstep(() => apply(fitted, throwingGetters()), {
      code: 'INVALID_DATA',
      fn: 'apply',
      arg: 'row',
    });
    expect(e.message).toBe(
      "apply: feature 'x' of argument 'row' could not be read (a getter or Proxy threw)",
    );
    catchLockstep(() => apply(fitted, { ...rows[1]!, l: throwingProxy() }), {
      code: 'INVALID_DATA',
      message:
        "apply: feature 'l' of argument 'row' could not be read (a getter or Proxy threw), got an object",
    });
    catchLockstep(() => apply(fitted, { ...rows[1]!, l: new Array(2 ** 32 - 1) }), {
      code: 'INVALID_DATA',
      message: /feature 'l' of argument 'row' must hold at most 65536 categories/,
    });
  });

  it('option lists that are Proxies, sparse or huge are read once, or refused by their length', () => {
    const trap = new Proxy([1, 2], {
      get(target, key) {
        if (key === 'length') throw new Error('hostile length');
        return Reflect.get(target, key);
      },
    });
    catchLockstep(() => bucketize({ boundaries: trap }), {
      code: 'INVALID_ARGUMENT',
      fn: 'bucketize',
      arg: 'options.boundaries',
      message: "bucketize: argument 'options.boundaries' could not be read (a getter or Proxy threw)",
    });
    catchLockstep(() => fitTransform({ x: { type: 'datetime', parts: trap } as never }, { x: [1] }), {
      arg: 'spec.x[0].parts',
    });
    catchLockstep(() => fitTransform({ x: trap as never }, { x: [1] }), {
      arg: 'spec.x',
      message: "fit: argument 'spec.x' could not be read (a getter or Proxy threw)",
    });
    catchLockstep(() => fitTransform({ x: [trap] as never }, { x: [1] }), { arg: 'spec.x[0]' });
    const started = performance.now();
    catchLockstep(() => bucketize({ boundaries: sparseArray(2 ** 32 - 1) as number[] }), {
      arg: 'options.boundaries',
      message: /must have at most 65536 items, got 4294967295/,
    });
    catchLockstep(() => datetime({ parts: sparseArray(2 ** 32 - 1) as never }), { arg: 'options.parts' });
    catchLockstep(() => cross(sparseArray(2 ** 32 - 1) as string[], { buckets: 2 }), { arg: 'inputs' });
    expect(performance.now() - started).toBeLessThan(1000);
    // A getter that answers a step type once and another the next time is held to the first.
    let reads = 0;
    const shifty = {
      get type() {
        reads++;
        return reads === 1 ? 'standardize' : 'vocabulary';
      },
    };
    const t = fitTransform({ x: shifty as never }, { x: [1, 2] });
    expect(t.features[0]!.steps[0]!.type).toBe('standardize');
  });

  it('a list holding a bigint is explained without a TypeError', () => {
    const t = fitTransform({ l: [vocabulary(), multiHot()] }, { l: [['a']] });
    const e = apply(t, { l: [1n] }, { explain: true });
    expect(e.outOfVocabulary).toEqual([{ feature: 'l', value: '[1n]' }]);
  });

  it('infinite clip bounds are refused, since JSON cannot carry them', () => {
    catchLockstep(() => clip({ min: Number.NEGATIVE_INFINITY }), {
      code: 'INVALID_ARGUMENT',
      fn: 'clip',
      arg: 'options.min',
    });
    catchLockstep(
      () => fitTransform({ x: { type: 'clip', max: Number.POSITIVE_INFINITY } as never }, { x: [1] }),
      {
        code: 'INVALID_ARGUMENT',
        arg: 'spec.x[0].max',
      },
    );
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary JSON paths of the artifact.
type Json = Record<string, any>;

function sparseArray(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}

// ---- What lockstep writes, it reads back ----

/** Cells of every kind a column may hold, with strings holding numbers, -0, extremes and missing values. */
const cellArb = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 0, 5e-324, 1e308, -1e308, Number.NaN),
  fc.constantFrom('1', '2', '-0', '0', '1e21', '3.5', 'NaN', 'Infinity', '', 'a', '\uD800', '__proto__'),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
);

/** A column: numbers, strings (many holding numbers), lists, times, or all of these mixed. */
const columnArb = fc.oneof(
  fc.array(
    fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-0, 0, 5e-324, 1e308, -1e308, Number.NaN, null),
    ),
    { minLength: 1, maxLength: 12 },
  ),
  fc.array(
    fc.oneof(
      fc.constantFrom(
        '1',
        '2',
        '-0',
        '0',
        '1e21',
        '3.5',
        'NaN',
        'Infinity',
        '',
        'a',
        '\uD800',
        '__proto__',
        null,
      ),
      fc.integer({ min: -100, max: 100 }).map(String),
      fc.double({ noNaN: true }).map(String),
    ),
    { minLength: 1, maxLength: 12 },
  ),
  fc.array(fc.oneof(fc.array(cellArb, { maxLength: 3 }), fc.constant(null)), { minLength: 1, maxLength: 12 }),
  fc.array(
    fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.constantFrom('2026-01-02T03:04:05Z', '2001-02-03')),
    { minLength: 1, maxLength: 12 },
  ),
  fc.array(fc.oneof(cellArb, fc.array(cellArb, { maxLength: 3 })), { minLength: 1, maxLength: 12 }),
);

const probabilities = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .filter(([a, b]) => a < b);

/** Chains over one column `s` (read as numbers, categories, lists or times, as the chain says). */
const chainArb: fc.Arbitrary<readonly Step[]> = fc.oneof(
  fc
    .record(
      {
        topK: fc.integer({ min: 1, max: 3 }),
        minFrequency: fc.integer({ min: 1, max: 3 }),
        oovBuckets: fc.integer({ min: 1, max: 3 }),
        mask: fc.constantFrom<string | true>(true, '1', '', '-0'),
        salt: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .chain((o) => fc.boolean().map((hot) => [vocabulary(o), ...(hot ? [oneHot()] : [])])),
  fc
    .constantFrom('mode', 'constant')
    .map((s) => [
      s === 'mode'
        ? impute({ strategy: 'mode', indicator: true })
        : impute({ strategy: 'constant', value: '1' }),
      hashBucket({ buckets: 3 }),
      oneHot(),
    ]),
  fc
    .constantFrom<'mean' | 'median' | 'mode'>('mean', 'median', 'mode')
    .map((strategy) => [impute({ strategy }), standardize()]),
  fc.constant([impute({ strategy: 'constant', value: -0 }), minMax()]),
  probabilities.map((q) => [robustScale({ quantiles: q })]),
  probabilities.map((q) => [clip({ quantiles: q }), bucketize({ quantiles: 4 }), oneHot()]),
  fc.constant([clip({ min: -0, max: 0 }), standardize()]),
  fc.constant([bucketize({ boundaries: [-0, 1] })]),
  fc.constant([vocabulary(), multiHot()]),
  fc.constant([datetime({ parts: ['year', 'hour'] })]),
  fc.constant([recencyWeight({ column: 's', halfLife: 1000 })]),
);

const sizesArb = fc.record(
  { exactQuantiles: fc.constantFrom(0, 2, 1000), maxCategories: fc.constantFrom(1, 2, 100) },
  { requiredKeys: [] },
);

const bits = (v: Float32Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

describe('round trips through JSON and parseTransform', () => {
  it('whatever fit writes (strings holding numbers, -0, extremes, tiny sketches) parses back equal and applies to the same bits (property)', () => {
    let fittedCount = 0;
    fc.assert(
      fc.property(columnArb, chainArb, sizesArb, (values, chain, sizes) => {
        let t: TransformArtifact;
        try {
          t = fitTransform(
            { f: { input: 's', steps: chain } },
            values.map((s) => ({ s })),
            sizes,
          );
        } catch (error) {
          // Data a chain cannot be fitted on is refused with a LockstepError, never written.
          expect(error).toBeInstanceOf(LockstepError);
          return;
        }
        fittedCount++;
        const back = parseTransform(JSON.stringify(t));
        expect(back).toEqual(t);
        expect(back.fingerprint).toBe(t.fingerprint);
        expect(Object.isFrozen(back)).toBe(true);
        for (const v of values) {
          const a = outcome(() => apply(t, { s: v }));
          const b = outcome(() => apply(back, { s: v }));
          expect(b).toEqual(a);
        }
      }),
      { numRuns: 400, seed: 20261207 },
    );
    // The property is not vacuous: many cases fit (the others are refused with a LockstepError).
    expect(fittedCount).toBeGreaterThan(100);
  });

  it('specOf gives a spec that fits to the same artifact (property)', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { minLength: 2, maxLength: 10 }), chainArb, (values, chain) => {
        const data = values.map((s) => ({ s }));
        let t: TransformArtifact;
        try {
          t = fitTransform({ f: { input: 's', steps: chain } }, data);
        } catch {
          return;
        }
        expect(fitTransform(specOf(t), data).fingerprint).toBe(t.fingerprint);
      }),
      { numRuns: 200, seed: 20261207 },
    );
  });
});

function outcome(run: () => Float32Array): unknown {
  try {
    return bits(run());
  } catch (error) {
    return (error as LockstepError).message;
  }
}

// ---- Frozen artifacts: caches keyed by identity cannot go stale ----

describe('fitted transforms are frozen', () => {
  it('fit, fitStream, a fitter and parseTransform return deeply frozen artifacts that cannot be edited', async () => {
    const streamed = await fitStream(spec, () => [rows]);
    let f = createFitter(spec);
    for (;;) {
      f.update(rows);
      if (f.stage + 1 === f.stages) break;
      f = f.nextStage();
    }
    for (const t of [
      fitted,
      streamed,
      f.result(),
      parseTransform(json),
      parseTransform(JSON.stringify(json)),
    ]) {
      expect(Object.isFrozen(t)).toBe(true);
      expect(Object.isFrozen(t.features[0]!.steps[2])).toBe(true);
      expect(Object.isFrozen((t.features[0]!.steps[2] as { fitted: object }).fitted)).toBe(true);
      expect(Object.isFrozen(t.columns)).toBe(true);
      // ES modules run in strict mode: an assignment to a frozen property throws.
      expect(() => {
        (t.features[0]!.steps[2] as { fitted: { mean: number } }).fitted.mean = 5;
      }).toThrow(TypeError);
      expect(() => {
        (t.features as unknown[]).push({});
      }).toThrow(TypeError);
      expect(t.fingerprint).toBe(fitted.fingerprint);
    }
  });

  it('an edited clone, re-fingerprinted and parsed, gives the new numbers; the first artifact keeps its own', () => {
    const t = fitTransform({ x: standardize() }, { x: [1, 2, 3] });
    expect(Array.from(apply(t, { x: 4 }))).toEqual([Math.fround((4 - 2) / Math.sqrt(2 / 3))]);
    const body = JSON.parse(JSON.stringify(t));
    body.features[0].steps[0].fitted.mean = 3;
    delete body.fingerprint;
    const edited = parseTransform({ ...body, fingerprint: fingerprint(body) });
    expect(Array.from(apply(edited, { x: 4 }))).toEqual([Math.fround((4 - 3) / Math.sqrt(2 / 3))]);
    // The first artifact (and its cached kernel) still gives its own numbers.
    expect(Array.from(apply(t, { x: 4 }))).toEqual([Math.fround((4 - 2) / Math.sqrt(2 / 3))]);
    // Edited without a new fingerprint, the clone is refused.
    body.fingerprint = t.fingerprint;
    catchLockstep(() => parseTransform(body), { code: 'INVALID_ARTIFACT', path: '$.fingerprint' });
  });

  it('parseTransform leaves the caller’s object as it was (a copy is frozen, not the argument)', () => {
    const copy = JSON.parse(JSON.stringify(json));
    const parsed = parseTransform(copy);
    expect(Object.isFrozen(copy)).toBe(false);
    expect(Object.isFrozen(copy.features[0].steps[0])).toBe(false);
    expect(parsed).toEqual(copy);
    expect(parseTransform(parsed)).toBe(parsed);
  });

  it('apply and applyBatch refuse a transform lockstep did not make or parse, pointing at parseTransform', () => {
    for (const t of [json, { ...fitted }, JSON.parse(JSON.stringify(fitted))]) {
      const e = catchLockstep(() => apply(t, rows[1]!), {
        code: 'INVALID_ARGUMENT',
        fn: 'apply',
        arg: 'fitted',
      });
      expect(e.message).toMatch(/give JSON text or a parsed object to parseTransform first/);
      catchLockstep(() => applyBatch(t, rows), { code: 'INVALID_ARGUMENT', fn: 'applyBatch', arg: 'fitted' });
      catchLockstep(() => checkOutput(t, rows), { code: 'INVALID_ARGUMENT', arg: 'fitted' });
      // Parsed once, it applies.
      expect(apply(parseTransform(t), rows[1]!)).toEqual(apply(fitted, rows[1]!));
    }
  });

  it('fit copies the spec: the caller’s steps are neither frozen nor read again', () => {
    const boundaries = [1, 5];
    const steps = [clip({ min: 0, max: 10 }), bucketize({ boundaries })];
    const t = fitTransform({ x: steps }, { x: [1, 2] });
    expect(Object.isFrozen(steps[1])).toBe(false);
    expect(Object.isFrozen(boundaries)).toBe(false);
    boundaries.push(9);
    expect(t.features[0]!.steps[1]).toMatchObject({ boundaries: [1, 5], fitted: { boundaries: [1, 5] } });
  });
});

// ---- Strict options, messages and types ----

describe('strict options: an unknown key is an INVALID_ARGUMENT naming the key meant', () => {
  it.each<[string, () => unknown, string, string]>([
    ['apply', () => apply(fitted, rows[1]!, { int: 1 } as never), 'apply', '"int" (did you mean "into"?)'],
    [
      'apply, any other key',
      () => apply(fitted, rows[1]!, { into: undefined, verbose: true } as never),
      'apply',
      '"verbose"',
    ],
    [
      'applyBatch',
      () => applyBatch(fitted, rows, { maxIssue: 1 } as never),
      'applyBatch',
      '"maxIssue" (did you mean "maxIssues"?)',
    ],
    [
      'fit',
      () => fitTransform(spec, rows, { exactQuantile: 3 } as never),
      'fit',
      '"exactQuantile" (did you mean "exactQuantiles"?)',
    ],
    [
      'createFitter',
      () => createFitter(spec, { quantilek: 8 } as never),
      'createFitter',
      '"quantilek" (did you mean "quantileK"?)',
    ],
    ['vocabulary', () => vocabulary({ topk: 3 } as never), 'vocabulary', '"topk" (did you mean "topK"?)'],
    ['minMax', () => minMax({ clipped: true } as never), 'minMax', '"clipped" (did you mean "clip"?)'],
    [
      'robustScale',
      () => robustScale({ quantile: [0.1, 0.9] } as never),
      'robustScale',
      '"quantile" (did you mean "quantiles"?)',
    ],
    ['clip', () => clip({ minimum: 0 } as never), 'clip', '"minimum"'],
    [
      'bucketize',
      () => bucketize({ boundries: [1] } as never),
      'bucketize',
      '"boundries" (did you mean "boundaries"?)',
    ],
    [
      'hashBucket',
      () => hashBucket({ bucket: 3 } as never),
      'hashBucket',
      '"bucket" (did you mean "buckets"?)',
    ],
    [
      'cross',
      () => cross(['a', 'b'], { buckets: 3, sal: 'x' } as never),
      'cross',
      '"sal" (did you mean "salt"?)',
    ],
    [
      'impute',
      () => impute({ strategy: 'mean', indicate: true } as never),
      'impute',
      '"indicate" (did you mean "indicator"?)',
    ],
    ['datetime', () => datetime({ part: ['hour'] } as never), 'datetime', '"part" (did you mean "parts"?)'],
    [
      'recencyWeight',
      () => recencyWeight({ column: 't', halflife: 1 } as never),
      'recencyWeight',
      '"halflife" (did you mean "halfLife"?)',
    ],
    ['standardize', () => standardize({ withMean: false } as never), 'standardize', '"withMean"'],
    [
      'a spec step',
      () => fitTransform({ x: { type: 'vocabulary', topk: 3 } as never }, { x: ['a'] }),
      'fit',
      '"topk" (did you mean "topK"?)',
    ],
    [
      'a spec feature',
      () => fitTransform({ x: { input: 'x', step: [] } as never }, { x: [1] }),
      'fit',
      '"step" (did you mean "steps"?)',
    ],
  ])('%s', (_name, run, fn, key) => {
    const e = catchLockstep(run, { code: 'INVALID_ARGUMENT', fn });
    expect(e.message).toContain(`unknown key ${key}`);
  });

  it('fitStream, before any stage is read', async () => {
    let opened = 0;
    const e = await rejectsLockstep(
      () =>
        fitStream(
          spec,
          () => {
            opened++;
            return [rows];
          },
          { maxCategory: 3 } as never,
        ),
      { code: 'INVALID_ARGUMENT', fn: 'fitStream' },
    );
    expect(e.message).toContain('unknown key "maxCategory" (did you mean "maxCategories"?)');
    expect(opened).toBe(0);
  });

  it('option values out of range or of the wrong type', () => {
    catchLockstep(() => apply(fitted, rows[1]!, { explain: 'yes' } as never), { arg: 'options.explain' });
    catchLockstep(() => apply(fitted, rows[1]!, { into: new Float32Array(2) }), { arg: 'options.into' });
    catchLockstep(() => apply(fitted, rows[1]!, 'into' as never), { arg: 'options' });
    catchLockstep(() => applyBatch(fitted, rows, { maxIssues: -1 }), { arg: 'options.maxIssues' });
    catchLockstep(() => applyBatch(fitted, rows, { maxIssues: 1.5 }), { arg: 'options.maxIssues' });
    expect(applyBatch(fitted, rows, { maxIssues: Number.POSITIVE_INFINITY }).rows).toBe(rows.length);
    catchLockstep(() => vocabulary({ topK: 0 }), { fn: 'vocabulary', arg: 'options.topK' });
    catchLockstep(() => cross(['a'], { buckets: 2 }), { fn: 'cross', arg: 'inputs' });
    catchLockstep(() => fitTransform(spec, rows, { exactQuantiles: 2 ** 27 }), {
      arg: 'options.exactQuantiles',
    });
    catchLockstep(() => fitTransform(spec, rows, { schema: JSON.parse(JSON.stringify(inferSchema(rows))) }), {
      arg: 'options.schema',
    });
  });

  it('the fast path of apply reads a plain { into } or { explain } exactly as readOptions would', () => {
    const into = new Float32Array(fitted.columns.length);
    expect(apply(fitted, rows[1]!, { into })).toBe(into);
    expect(apply(fitted, rows[1]!, { explain: false })).toEqual(apply(fitted, rows[1]!));
    // An options object with a prototype other than Object.prototype goes through readOptions.
    const withProto = Object.assign(Object.create({ inherited: 1 }), { into });
    expect(apply(fitted, rows[1]!, withProto)).toBe(into);
    const getter = {
      get into(): Float32Array {
        throw new Error('hostile');
      },
    };
    catchLockstep(() => apply(fitted, rows[1]!, getter), { code: 'INVALID_ARGUMENT', arg: 'options.into' });
  });
});

describe('messages and types', () => {
  it('a column the data lacks is named, with the columns it has', () => {
    catchLockstep(() => fitTransform({ y: standardize() }, [{ x: 1 }]), {
      code: 'INVALID_ARGUMENT',
      fn: 'fit',
      arg: 'spec.y',
      message:
        "fit: argument 'spec.y' reads column 'y', which the data does not have; its columns: x (did you mean 'x'?)",
    });
    catchLockstep(() => fitTransform({ dist: [log1p()] }, { distance: [1], delay: [2] }), {
      message:
        "fit: argument 'spec.dist' reads column 'dist', which the data does not have; its columns: distance, delay (did you mean 'distance'?)",
    });
    // A fitter says the same once its first stage has seen every batch, naming its method.
    const f = createFitter({ k: cross(['a', 'b'], { buckets: 2 }) })
      .update({ a: ['x'] })
      .update({ a: ['y'], c: [1] });
    catchLockstep(() => f.result(), {
      fn: 'fitter.result',
      arg: 'spec.k',
      message:
        "fitter.result: argument 'spec.k' reads column 'b', which the data does not have; its columns: a, c (did you mean 'a'?)",
    });
    // A column whose values are all missing is still a column.
    catchLockstep(() => fitTransform({ y: standardize() }, [{ x: 1, y: null }]), {
      code: 'INVALID_DATA',
      message: "fit: feature 'y' has no values to fit standardize on (every value is missing)",
    });
  });

  it('apply takes rows typed with an interface', () => {
    interface Request {
      readonly x: number | null;
      readonly c: string;
      readonly d: string;
      readonly l: readonly string[] | null;
      readonly t: number;
    }
    const request: Request = { x: 3, c: 'ATL', d: 'a', l: ['p'], t: Date.UTC(2026, 0, 2) };
    const out: Float32Array = apply(fitted, request);
    expect(out).toHaveLength(fitted.columns.length);
    catchLockstep(() => apply(fitted, [1, 2] as never), { code: 'INVALID_ARGUMENT', arg: 'row' });
  });

  it('diffTransforms returns core findings with stable codes and severities', () => {
    const other = fitTransform(spec, rows.slice(0, 20));
    const changes = diffTransforms(fitted, other);
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(c).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), severity: 'warning' });
      expect(typeof c.message).toBe('string');
    }
  });
});
