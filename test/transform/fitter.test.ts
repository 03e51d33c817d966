// Fitting data that arrives in pieces: fit, fitStream and createFitter agree; each stage reads the data
// once; misuse of the stages and of merge is refused; the sketches take over past their limits within
// their stated error; options and the schema are checked.
import { describe, expect, it } from 'vitest';
import type { FrameInput } from '../../src/core/frame.js';
import { createRng } from '../../src/core/rng.js';
import { inferSchema } from '../../src/schema/index.js';
import {
  bucketize,
  clip,
  createFitter,
  cross,
  datetime,
  type Fitter,
  fitStream,
  fit as fitTransform,
  hashBucket,
  impute,
  minMax,
  multiHot,
  oneHot,
  recencyWeight,
  robustScale,
  standardize,
  type TransformArtifact,
  type TransformSpec,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

/** Seeded rows with missing values, small integers (exact sums), categories, lists and times. */
function makeRows(n: number, seed: string) {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => ({
    x: i % 13 === 0 ? null : rng.int(-50, 200),
    y: rng.int(1000),
    c: i % 29 === 0 ? null : `c${Math.floor(rng.next() ** 2 * 40)}`,
    l: i % 7 === 0 ? null : [`t${rng.int(6)}`, `t${rng.int(9)}`],
    t: Date.UTC(2024, 0, 1) + rng.int(1_000_000) * 60_000,
  }));
}
type Row = ReturnType<typeof makeRows>[number];

/** Every stateful step type, in chains of up to three stages. */
const spec: TransformSpec = {
  a: {
    input: 'x',
    steps: [impute({ strategy: 'median' }), clip({ quantiles: [0.01, 0.99] }), standardize()],
  },
  b: { input: 'x', steps: [impute({ strategy: 'mean' }), robustScale(), bucketize({ quantiles: 8 })] },
  y: minMax(),
  c: [vocabulary({ topK: 30 }), oneHot()],
  m: { input: 'c', steps: [impute({ strategy: 'mode' }), hashBucket({ buckets: 16 })] },
  l: [vocabulary(), multiHot()],
  r: cross(['c', 'x'], { buckets: 8, missing: 'bucket' }),
  d: { input: 't', steps: [datetime({ parts: ['hour'] })] },
  w: recencyWeight({ column: 't', halfLife: 86_400_000 }),
};
/** The same without the steps whose statistics are moments (standardize, mean impute). */
const exactSpec: TransformSpec = {
  a: { input: 'x', steps: [impute({ strategy: 'median' }), clip({ quantiles: [0.01, 0.99] }), minMax()] },
  b: { input: 'x', steps: [impute({ strategy: 'mode' }), robustScale(), bucketize({ quantiles: 8 })] },
  y: minMax(),
  c: [vocabulary({ topK: 30 }), oneHot()],
  m: { input: 'c', steps: [impute({ strategy: 'mode' }), hashBucket({ buckets: 16 })] },
  l: [vocabulary(), multiHot()],
  w: recencyWeight({ column: 't', halfLife: 86_400_000 }),
};

function batchesOf(rows: readonly Row[], size: number): Row[][] {
  const out: Row[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Drives a fitter by hand: every stage reads every batch (as a record of columns), then the next stage. */
function byHand(s: TransformSpec, batches: readonly Row[][]): TransformArtifact {
  let f: Fitter = createFitter(s);
  for (;;) {
    for (const batch of batches) {
      f.update({
        x: batch.map((r) => r.x),
        y: batch.map((r) => r.y),
        c: batch.map((r) => r.c),
        l: batch.map((r) => r.l),
        t: batch.map((r) => r.t),
      });
    }
    if (f.stage + 1 === f.stages) return f.result();
    f = f.nextStage();
  }
}

/** fitStream over an async generator of the batches, counting the calls to `open`. */
async function streamed(s: TransformSpec, batches: readonly FrameInput[]) {
  let opens = 0;
  const artifact = await fitStream(s, async function* open() {
    opens++;
    for (const batch of batches) yield batch;
  });
  return { artifact, opens };
}

const rows = makeRows(3000, 'fitter');

describe('fit, fitStream and createFitter', () => {
  it('give the same artifact for the same data, read as rows, an async stream or columns by hand', async () => {
    const whole = fitTransform(spec, rows);
    // fit reads 1,024 rows at a time; the batches here are the same.
    const batches = batchesOf(rows, 1024);
    const { artifact } = await streamed(spec, batches);
    expect(artifact).toEqual(whole);
    expect(byHand(spec, batches)).toEqual(whole);
    expect(whole.rows).toBe(3000);
    expect(whole.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('give the same artifact however the data are batched, for quantiles, ranges, counts and modes', async () => {
    const whole = fitTransform(exactSpec, rows);
    for (const size of [1, 7, 500, 3000]) {
      const batches = batchesOf(rows, size);
      expect((await streamed(exactSpec, batches)).artifact.fingerprint).toBe(whole.fingerprint);
      expect(byHand(exactSpec, batches).fingerprint).toBe(whole.fingerprint);
    }
  });

  it('give the same artifact however the data are batched, for standardize and mean impute too', async () => {
    // Small integers: every sum is exact, so nothing but the order of the arithmetic can move a bit.
    const momentSpec: TransformSpec = {
      z: { input: 'y', steps: [standardize()] },
      i: { input: 'x', steps: [impute({ strategy: 'mean' })] },
    };
    const whole = fitTransform(momentSpec, rows);
    for (const size of [1, 7, 500, 3000]) {
      const { artifact } = await streamed(momentSpec, batchesOf(rows, size));
      expect({ size, features: artifact.features }).toEqual({ size, features: whole.features });
    }
  });

  it('a stateless spec reads the data once and records the rows', async () => {
    const { artifact, opens } = await streamed(
      { h: hashBucket({ buckets: 4 }) },
      batchesOf(rows, 1000).map((b) => b.map((r) => ({ h: r.c ?? 'none' }))),
    );
    expect(opens).toBe(1);
    expect(artifact.rows).toBe(3000);
    expect(createFitter({ h: hashBucket({ buckets: 4 }) }).stages).toBe(1);
  });

  it('a three-step chain reads the data four times (standardize takes two passes), each on the output of the steps before', async () => {
    const chain: TransformSpec = {
      x: [impute({ strategy: 'median' }), clip({ quantiles: [0.1, 0.9] }), standardize()],
    };
    const data = [{ x: 0 }, { x: null }, { x: 10 }, { x: 20 }, { x: 30 }, { x: 1000 }];
    expect(createFitter(chain).stages).toBe(4);
    const { artifact, opens } = await streamed(chain, [data.slice(0, 3), data.slice(3)]);
    expect(opens).toBe(4);
    // Stage 1: the median of 0, 10, 20, 30, 1000 is 20. Stage 2 sees 0, 20, 10, 20, 30, 1000: the 10 % and
    // 90 % quantiles are 5 and 515. Stages 3 and 4 see 5, 20, 10, 20, 30, 515: its mean, then the squared
    // deviations from it.
    const [imputed, clipped, scaled] = artifact.features[0]!.steps as unknown as {
      fitted: Record<string, number>;
    }[];
    expect(imputed!.fitted).toEqual({ value: 20 });
    expect(clipped!.fitted).toEqual({ min: 5, max: 515 });
    const seen = [5, 20, 10, 20, 30, 515];
    const mean = seen.reduce((a, b) => a + b) / seen.length;
    expect(scaled!.fitted.mean).toBeCloseTo(mean, 12);
    expect(scaled!.fitted.std).toBeCloseTo(Math.sqrt(seen.reduce((a, v) => a + (v - mean) ** 2, 0) / 6), 10);
  });

  it('fitStream accepts a sync iterable, and Frames, Arrow-like tables and records as batches', async () => {
    const artifact = await fitStream({ y: minMax() }, () => [
      [{ y: 3 }],
      { y: [1, 2] },
      { y: Float64Array.of(9) },
    ]);
    expect(artifact.features[0]!.steps[0]).toEqual({ type: 'minMax', fitted: { min: 1, max: 9 } });
    expect(artifact.rows).toBe(4);
  });
});

describe('stages and merge refuse misuse', () => {
  const chain: TransformSpec = { x: [impute({ strategy: 'median' }), standardize()] };

  it('stages that read different numbers of rows are INVALID_DATA', async () => {
    let calls = 0;
    const e = await rejectsLockstep(() =>
      fitStream(chain, function* open() {
        calls++;
        yield { x: calls === 1 ? [1, 2, 3] : [1, 2] };
      }),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toBe(
      'fitStream: stage 2 read 2 rows, but stage 1 read 3: every stage must read the same data',
    );
    const f = createFitter(chain)
      .update({ x: [1, 2] })
      .nextStage()
      .update({ x: [1, 2, 3] });
    catchLockstep(() => f.nextStage(), { code: 'INVALID_DATA', fn: 'fitter.nextStage' });
  });

  it('result() with stages left, nextStage() on the last stage, and reuse of a finished stage are INVALID_ARGUMENT', () => {
    const f = createFitter(chain).update({ x: [1, 2] });
    const early = catchLockstep(() => f.result());
    expect(early.code).toBe('INVALID_ARGUMENT');
    expect(early.message).toBe(
      "fitter.result: argument 'fitter' has 2 stage(s) left; call nextStage() and read the data again",
    );
    const last = f
      .nextStage()
      .update({ x: [1, 2] })
      .nextStage()
      .update({ x: [1, 2] });
    const beyond = catchLockstep(() => last.nextStage());
    expect(beyond.code).toBe('INVALID_ARGUMENT');
    expect(beyond.message).toBe(
      "fitter.nextStage: argument 'fitter' is at its last stage (3); call result()",
    );
    expect(catchLockstep(() => f.update({ x: [3] })).code).toBe('INVALID_ARGUMENT');
    expect(catchLockstep(() => f.nextStage()).code).toBe('INVALID_ARGUMENT');
    last.result();
    expect(catchLockstep(() => last.result()).message).toBe(
      "fitter.result: argument 'fitter' has already finished this stage",
    );
  });

  it('merging fitters at different stages is INVALID_ARGUMENT', () => {
    const first = createFitter(chain).update({ x: [1, 2] });
    const second = createFitter(chain)
      .update({ x: [1, 2] })
      .nextStage();
    for (const [a, b] of [
      [first, second],
      [second, first],
    ] as const) {
      const e = catchLockstep(() => a.merge(b));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(
        /^fitter\.merge: argument 'other' must be a fitter of the same spec at the same stage/,
      );
    }
    expect(catchLockstep(() => first.merge({ stage: 0, rows: 2 } as unknown as Fitter)).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('merging fitters of different specs is INVALID_ARGUMENT, never a silently wrong fit', () => {
    const x = createFitter({ f: { input: 'x', steps: [standardize()] } }).update({ x: [1, 2] });
    const y = createFitter({ f: { input: 'y', steps: [standardize()] } }).update({ y: [50] });
    expect(catchLockstep(() => x.merge(y)).code).toBe('INVALID_ARGUMENT');
    const z = createFitter({ f: { input: 'x', steps: [minMax()] } }).update({ x: [5] });
    expect(catchLockstep(() => x.merge(z)).code).toBe('INVALID_ARGUMENT');
  });

  it('merging pieces of a one-stage spec gives the artifact of the whole', () => {
    const s: TransformSpec = {
      c: [vocabulary({ topK: 30 }), oneHot()],
      y: minMax(),
      l: [vocabulary(), multiHot()],
    };
    const pieces = [rows.slice(0, 1100), rows.slice(1100, 1500), rows.slice(1500)].map((p) =>
      createFitter(s).update(p),
    );
    const merged = pieces[2]!.merge(pieces[0]!).merge(pieces[1]!);
    expect(merged.rows).toBe(3000);
    expect(merged.result()).toEqual(fitTransform(s, rows));
  });

  it('merging later-stage fitters whose earlier stages were fitted on other data is INVALID_ARGUMENT', () => {
    // Two workers fit stage 1 on their halves and move on: their stage-2 fitters impute different medians,
    // so merging them would fit stage 2 on data no single stage 1 produced.
    const a = createFitter(chain).update({ x: [1, 2, 3] });
    const b = createFitter(chain).update({ x: [100, 200, null] });
    const e = catchLockstep(() =>
      a
        .nextStage()
        .update({ x: [1, 2, 3] })
        .merge(b.nextStage().update({ x: [100, 200, null] })),
    );
    expect(e.code).toBe('INVALID_ARGUMENT');
  });
});

describe('sketches past their limits', () => {
  const n = 100_000;
  const rng = createRng('kll-path');
  // A skewed distribution with a long tail, and no ties to speak of.
  const values = Float64Array.from({ length: n }, () => Math.exp(rng.next() * 8) + rng.next());
  const sorted = values.slice().sort();
  /** The share of values below v: the rank a boundary really has. */
  const rankOf = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  };
  /** numpy's linear quantile of the sorted values. */
  const exact = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return sorted[lo]! + (sorted[Math.min(lo + 1, n - 1)]! - sorted[lo]!) * (h - lo);
  };
  const quantileSpec: TransformSpec = {
    b: bucketize({ quantiles: 20 }),
    r: { input: 'b', steps: [robustScale({ quantiles: [0.05, 0.95] })] },
  };

  it('with exactQuantiles: 100, every fitted boundary has a true rank within 1 % of p', () => {
    const t = fitTransform(quantileSpec, { b: values }, { exactQuantiles: 100 });
    const boundaries = (t.features[0]!.steps[0] as unknown as { fitted: { boundaries: number[] } }).fitted
      .boundaries;
    expect(boundaries).toHaveLength(19);
    boundaries.forEach((b, i) => {
      expect(Math.abs(rankOf(b) - (i + 1) / 20)).toBeLessThan(0.01);
    });
    const { center, low, high } = (t.features[1]!.steps[0] as { fitted: Record<string, number> }).fitted;
    expect(Math.abs(rankOf(center!) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(rankOf(low!) - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(rankOf(high!) - 0.95)).toBeLessThan(0.01);
    // The sketch really took over: the boundaries are not the exact ones.
    expect(boundaries.filter((b, i) => b !== exact((i + 1) / 20)).length).toBeGreaterThan(10);
  });

  it('under the default limit, the boundaries are exactly numpy linear quantiles', () => {
    const t = fitTransform({ b: bucketize({ quantiles: 20 }) }, { b: values });
    const boundaries = (t.features[0]!.steps[0] as unknown as { fitted: { boundaries: number[] } }).fitted
      .boundaries;
    expect(boundaries).toEqual(Array.from({ length: 19 }, (_, i) => exact((i + 1) / 20)));
  });

  it('a vocabulary past maxCategories is marked exact: false and keeps the frequent values', () => {
    const data = {
      c: Array.from({ length: 5000 }, (_, i) =>
        i % 2 === 0 ? 'common' : i % 3 === 0 ? 'often' : `rare${i}`,
      ),
    };
    const small = fitTransform({ c: vocabulary({ topK: 2 }) }, data, { maxCategories: 50 });
    expect(small.features[0]!.steps[0]).toMatchObject({
      fitted: { values: ['common', 'often'], exact: false },
    });
    const full = fitTransform({ c: vocabulary({ topK: 2 }) }, data);
    expect(full.features[0]!.steps[0]).toMatchObject({
      fitted: { values: ['common', 'often'], counts: [2500, 833], exact: true },
    });
    // Counting stays exact up to the capacity itself.
    const distinct = { c: ['a', 'b', 'c', 'a'] };
    expect(
      fitTransform({ c: vocabulary() }, distinct, { maxCategories: 3 }).features[0]!.steps[0],
    ).toMatchObject({
      fitted: { exact: true },
    });
  });
});

describe('options', () => {
  it.each<[string, unknown, string]>([
    ['null options', null, "argument 'options' must be an object, got null"],
    [
      'a negative exactQuantiles',
      { exactQuantiles: -1 },
      "argument 'options.exactQuantiles' must be an integer in [0, 67108864], got -1",
    ],
    [
      'an exactQuantiles past its bound',
      { exactQuantiles: 2 ** 26 + 1 },
      "argument 'options.exactQuantiles' must be an integer in [0, 67108864], got 67108865",
    ],
    [
      'a fractional exactQuantiles',
      { exactQuantiles: 1.5 },
      "argument 'options.exactQuantiles' must be an integer",
    ],
    [
      'a string exactQuantiles',
      { exactQuantiles: '100' },
      "argument 'options.exactQuantiles' must be an integer",
    ],
    [
      'a quantileK below 8',
      { quantileK: 7 },
      "argument 'options.quantileK' must be an integer in [8, 65536], got 7",
    ],
    [
      'a quantileK past its bound',
      { quantileK: 2 ** 20 },
      "argument 'options.quantileK' must be an integer in [8, 65536], got 1048576",
    ],
    [
      'a maxCategories of 0',
      { maxCategories: 0 },
      "argument 'options.maxCategories' must be an integer in [1, 16777216], got 0",
    ],
    [
      'a misspelled option',
      { exactQuantile: 3 },
      'argument \'options\' has an unknown key "exactQuantile" (did you mean "exactQuantiles"?); known keys: schema, exactQuantiles, quantileK, maxCategories',
    ],
    [
      'a schema given as a plain object (not made or parsed by lockstep)',
      { schema: JSON.parse(JSON.stringify(inferSchema([{ x: 1 }]))) },
      "argument 'options.schema' must be a lockstep.schema artifact (from inferSchema, sealSchema or parseSchema)",
    ],
    [
      'a schema that is not one',
      { schema: { kind: 'lockstep.profile' } },
      "argument 'options.schema' must be a lockstep.schema artifact",
    ],
  ])(
    '%s is INVALID_ARGUMENT, from createFitter, fit and fitStream alike',
    async (_name, options, message) => {
      const e = catchLockstep(() => createFitter({ x: standardize() }, options as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'createFitter',
      });
      expect(e.message.startsWith(`createFitter: ${message}`)).toBe(true);
      const f = catchLockstep(() => fitTransform({ x: standardize() }, { x: [1] }, options as never));
      expect(f.message).toBe(`fit: ${e.message.slice('createFitter: '.length)}`);
      expect(f.arg).toBe(e.arg);
      const s = await rejectsLockstep(() =>
        fitStream({ x: standardize() }, () => [{ x: [1] }], options as never),
      );
      expect(s.message).toBe(`fitStream: ${e.message.slice('createFitter: '.length)}`);
    },
  );

  it('fitStream needs a function that opens the data', async () => {
    const e = await rejectsLockstep(() => fitStream({ x: standardize() }, [{ x: [1] }] as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^fitStream: argument 'open' must be a function/);
  });

  it('a spec with two recencyWeight features is INVALID_ARGUMENT naming the second', () => {
    const e = catchLockstep(() =>
      createFitter({
        w1: recencyWeight({ column: 't', halfLife: 1 }),
        w2: recencyWeight({ column: 't', halfLife: 2 }),
      }),
    );
    expect(e.message).toBe(
      "createFitter: argument 'spec.w2' is a second recencyWeight; a spec has at most one",
    );
  });

  it('values that cannot be fitted are INVALID_DATA, listed by row and feature', () => {
    const e = catchLockstep(() =>
      fitTransform({ x: standardize() }, { x: [1, Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY] }),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toBe(
      "fit: argument 'data' has 2 values that cannot be fitted; first: row 1, feature 'x' is Infinity and cannot be fitted; clip() it first",
    );
    expect(e.issues).toHaveLength(2);
    const none = catchLockstep(() => fitTransform({ x: standardize() }, { x: [null, Number.NaN] }));
    expect(none.message).toBe(
      "fit: feature 'x' has no values to fit standardize on (every value is missing)",
    );
  });
});

describe('the schema option', () => {
  const data = [
    { n: 1.5, i: 3, s: 'a', b: true, when: new Date(Date.UTC(2020, 0, 1)) },
    { n: 2.5, i: 4, s: 'b', b: false, when: new Date(Date.UTC(2020, 0, 2)) },
  ];
  const schema = inferSchema(data);

  it('records the fingerprint of the schema', () => {
    expect(schema.features.map((f) => [f.name, f.type])).toEqual([
      ['n', 'numeric'],
      ['i', 'integer'],
      ['s', 'categorical'],
      ['b', 'boolean'],
      ['when', 'timestamp'],
    ]);
    const t = fitTransform(
      {
        n: standardize(),
        i: { input: 'i', steps: [bucketize({ boundaries: [3.5] })] },
        b: { input: 'b', steps: [minMax()] },
        s: [vocabulary(), oneHot()],
        k: { input: 'i', steps: [hashBucket({ buckets: 4 })] },
        when: datetime({ parts: ['dayOfWeek'] }),
        w: recencyWeight({ column: 'when', halfLife: 1 }),
      },
      data,
      { schema },
    );
    expect(t.schema).toBe(schema.fingerprint);
    expect(fitTransform({ n: standardize() }, data).schema).toBeUndefined();
  });

  it.each<[string, TransformSpec, string]>([
    [
      'an input missing from the schema',
      { z: { input: 'zz', steps: [standardize()] } },
      "argument 'spec.z' reads column 'zz', which the schema does not have",
    ],
    [
      'a cross input missing from the schema',
      { k: cross(['s', 'nope'], { buckets: 3 }) },
      "argument 'spec.k' reads column 'nope', which the schema does not have",
    ],
    [
      'a category read as a number',
      { s: standardize() },
      "argument 'spec.s' reads 's' as a number, but the schema says it is categorical",
    ],
    [
      'a number read as a date-time',
      { t: { input: 'b', steps: [datetime({ parts: ['hour'] })] } },
      "argument 'spec.t' reads 'b' as a date-time, but the schema says it is boolean",
    ],
    [
      'a timestamp read as a category',
      { c: { input: 'when', steps: [hashBucket({ buckets: 3 })] } },
      "argument 'spec.c' reads 'when' as a category, but the schema says it is timestamp",
    ],
  ])('%s is INVALID_ARGUMENT naming spec.<feature>', (_name, s, message) => {
    const e = catchLockstep(() => createFitter(s, { schema }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(`createFitter: ${message}`);
  });
});
