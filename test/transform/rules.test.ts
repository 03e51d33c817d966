// Every edge-case rule of docs/transform.md, one example each, with exact expected values.
import { describe, expect, it } from 'vitest';
import { isFinding } from '../../src/core/finding.js';
import { hash32 } from '../../src/split/hash.js';
import {
  apply,
  applyBatch,
  bucketize,
  clip,
  cross,
  datetime,
  fit as fitTransform,
  hashBucket,
  impute,
  log1p,
  minMax,
  multiHot,
  oneHot,
  passthrough,
  recencyWeight,
  robustScale,
  standardize,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep } from '../helpers/errors.js';

const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));
const row = (t: ReturnType<typeof fitTransform>, r: Record<string, unknown>) => Array.from(apply(t, r));

describe('numeric rules', () => {
  it('standardize uses the population std (ddof 0)', () => {
    const t = fitTransform({ x: standardize() }, { x: [1, 2, 3, 4] });
    expect(t.features[0]!.steps[0]).toEqual({
      type: 'standardize',
      fitted: { mean: 2.5, std: Math.sqrt(1.25) },
    });
    expect(row(t, { x: 4 })).toEqual(f32([1.5 / Math.sqrt(1.25)]));
  });

  it('zero variance scales by 1, even when the computed variance is rounding noise', () => {
    const t = fitTransform({ x: standardize() }, { x: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] });
    const fitted = t.features[0]!.steps[0] as { fitted: { mean: number; std: number } };
    expect(fitted.fitted.std).toBe(0);
    expect(Math.abs(row(t, { x: 0.1 })[0]!)).toBeLessThan(1e-15);
    expect(row(t, { x: 1.1 })[0]).toBeCloseTo(1, 6);
  });

  it('minMax of a constant feature is x − min; clip keeps serving values in [0, 1]', () => {
    const constant = fitTransform({ x: minMax() }, { x: [5, 5] });
    expect(row(constant, { x: 7 })).toEqual([2]);
    const clipped = fitTransform({ x: minMax({ clip: true }) }, { x: [0, 10] });
    expect(row(clipped, { x: 20 })).toEqual([1]);
    expect(row(clipped, { x: -5 })).toEqual([0]);
  });

  it('robustScale centres on the median and scales by the IQR (numpy linear quantiles)', () => {
    const t = fitTransform({ x: robustScale() }, { x: [1, 2, 3, 4, 100] });
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { center: 3, low: 2, high: 4 } });
    expect(row(t, { x: 5 })).toEqual([1]);
  });

  it('log1p of a value at or below −1 is an error naming the feature, never NaN', () => {
    const t = fitTransform({ x: log1p() }, { x: [0, 1] });
    expect(row(t, { x: Math.E - 1 })).toEqual(f32([1]));
    const e = catchLockstep(() => apply(t, { x: -1 }));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toBe("apply: feature 'x' of argument 'row' must be greater than -1 for log1p, got -1");
  });

  it('log1p checks imputed values too: a fill at or below −1 is an error, in fitting and applying', () => {
    const fill = impute({ strategy: 'constant', value: -5 });
    const fitting = catchLockstep(() =>
      fitTransform({ x: [fill, log1p(), standardize()] }, { x: [1, null] }),
    );
    expect(fitting.message).toContain('must be greater than -1 for log1p');
    const t = fitTransform({ x: [fill, log1p()] }, { x: [1, 2] });
    expect(catchLockstep(() => apply(t, { x: null })).message).toBe(
      "apply: feature 'x' of argument 'row' must be greater than -1 for log1p, got -5",
    );
  });

  it('a mean or variance that overflows float64 cannot be fitted', () => {
    const e = catchLockstep(() => fitTransform({ x: standardize() }, { x: [1e308, 1e308, -1e308] }));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toBe(
      "fit: feature 'x' overflows float64 while fitting standardize; scale or clip it first",
    );
  });

  it('fixed clip bounds need no fitting; either side may be open', () => {
    const t = fitTransform({ x: clip({ max: 10 }) }, { x: [1] });
    expect(row(t, { x: -1e9 })).toEqual([-1e9]);
    expect(row(t, { x: 11 })).toEqual([10]);
    expect((t.features[0]!.steps[0] as { fitted?: unknown }).fitted).toBeUndefined();
  });

  it('bucket i is [b(i−1), b(i)): a value on a boundary goes to the bucket above it', () => {
    const t = fitTransform({ x: bucketize({ boundaries: [0, 10] }) }, { x: [1] });
    expect([-1, 0, 5, 10, 11, Number.POSITIVE_INFINITY].map((x) => row(t, { x })[0])).toEqual([
      0, 1, 1, 2, 2, 2,
    ]);
    expect(t.columns.map((c) => c.name)).toEqual(['x']);
  });

  it('quantile buckets drop duplicate boundaries; one-hot columns are named by interval', () => {
    const t = fitTransform({ x: [bucketize({ quantiles: 4 }), oneHot()] }, { x: [1, 1, 1, 1, 1, 1, 2, 3] });
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { boundaries: [1, 1.25] } });
    expect(t.columns.map((c) => c.name)).toEqual(['x=[-inf,1)', 'x=[1,1.25)', 'x=[1.25,inf)']);
    expect(row(t, { x: 2 })).toEqual([0, 0, 1]);
  });

  it('passthrough keeps numbers and reads booleans as 0 and 1', () => {
    const t = fitTransform({ x: passthrough() }, { x: [1] });
    expect(row(t, { x: true })).toEqual([1]);
    expect(row(t, { x: 2.5 })).toEqual([2.5]);
  });
});

describe('missing values', () => {
  it('null, undefined, an absent key and NaN are all missing, and impute fills them', () => {
    const t = fitTransform({ x: impute({ strategy: 'mean', indicator: true }) }, [
      { x: 1 },
      { x: 3 },
      { x: null },
      {},
    ]);
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { value: 2 } });
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'x.missing']);
    for (const r of [{ x: null }, { x: undefined }, {}, { x: Number.NaN }]) expect(row(t, r)).toEqual([2, 1]);
    expect(row(t, { x: 5 })).toEqual([5, 0]);
  });

  it('a missing number with no impute is an error, not a NaN', () => {
    const t = fitTransform({ x: standardize() }, { x: [1, 2, null] });
    const e = catchLockstep(() => apply(t, { x: null }));
    expect(e.message).toBe("apply: feature 'x' of argument 'row' is missing; add impute() to fill it");
  });

  it('missing values are left out of every fitted statistic, as scikit-learn does', () => {
    const t = fitTransform({ x: standardize() }, { x: [1, null, 3, Number.NaN] });
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { mean: 2, std: 1 } });
  });

  it("an index step's missing bucket is its last index", () => {
    const t = fitTransform({ x: [bucketize({ boundaries: [0], missing: 'bucket' }), oneHot()] }, { x: [1] });
    expect(t.columns.map((c) => c.name)).toEqual(['x=[-inf,0)', 'x=[0,inf)', 'x=#missing']);
    expect(row(t, { x: null })).toEqual([0, 0, 1]);
    const h = fitTransform({ c: hashBucket({ buckets: 4, missing: 'bucket' }) }, { c: ['a'] });
    expect(row(h, {})).toEqual([4]);
  });

  it("a vocabulary's mask is index 0 for missing values and the mask token, all zeros one-hot", () => {
    const t = fitTransform({ c: [vocabulary({ mask: '' }), oneHot()] }, { c: ['a', 'b', 'a', '', null] });
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { values: ['a', 'b'], counts: [2, 1] } });
    expect(t.columns.map((c) => c.name)).toEqual(['c=a', 'c=b', 'c=#oov0']);
    expect(row(t, { c: '' })).toEqual([0, 0, 0]);
    expect(row(t, { c: null })).toEqual([0, 0, 0]);
    expect(row(t, { c: 'b' })).toEqual([0, 1, 0]);
    const index = fitTransform({ c: vocabulary({ mask: true }) }, { c: ['a'] });
    expect(row(index, {})).toEqual([0]);
    expect(row(index, { c: 'a' })).toEqual([1]);
  });

  it('mode imputes the most frequent category, ties to the first in code-unit order', () => {
    const t = fitTransform(
      { c: [impute({ strategy: 'mode' }), vocabulary()] },
      { c: ['b', 'a', 'b', 'a', null] },
    );
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { value: 'a' } });
    expect(row(t, {})).toEqual(row(t, { c: 'a' }));
  });
});

describe('categories', () => {
  it('orders a vocabulary by frequency, then lexicographically; topK and minFrequency cut it', () => {
    const data = { c: ['d', 'b', 'c', 'b', 'c', 'a', 'a', 'e', 'e', 'e'] };
    expect(fitTransform({ c: vocabulary() }, data).features[0]!.steps[0]).toMatchObject({
      fitted: { values: ['e', 'a', 'b', 'c', 'd'], counts: [3, 2, 2, 2, 1], exact: true },
    });
    expect(fitTransform({ c: vocabulary({ topK: 2 }) }, data).features[0]!.steps[0]).toMatchObject({
      fitted: { values: ['e', 'a'] },
    });
    expect(fitTransform({ c: vocabulary({ minFrequency: 3 }) }, data).features[0]!.steps[0]).toMatchObject({
      fitted: { values: ['e'] },
    });
  });

  it('sends an unseen category to an OOV bucket by murmur3, the hash of lockstep/split', () => {
    const t = fitTransform({ c: vocabulary({ oovBuckets: 3, salt: 's' }) }, { c: ['a', 'b'] });
    for (const unseen of ['x', 'y', 'zz', 'ünï']) {
      expect(row(t, { c: unseen })).toEqual([2 + (hash32(unseen, hash32('s')) % 3)]);
    }
    const explained = apply(t, { c: 'x' }, { explain: true });
    expect(explained.outOfVocabulary).toEqual([{ feature: 'c', value: 'x' }]);
  });

  it('with no OOV buckets an unseen category is an error; an empty such vocabulary cannot be fitted', () => {
    const t = fitTransform({ c: vocabulary({ oovBuckets: 0 }) }, { c: ['a'] });
    expect(catchLockstep(() => apply(t, { c: 'b' })).message).toBe(
      "apply: feature 'c' of argument 'row' is not in the vocabulary, and the vocabulary has no OOV buckets, got \"b\"",
    );
    const e = catchLockstep(() =>
      fitTransform({ c: vocabulary({ oovBuckets: 0, minFrequency: 5 }) }, { c: ['a'] }),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toContain("the vocabulary of feature 'c' is empty");
  });

  it('an empty vocabulary with OOV buckets sends everything to them', () => {
    const t = fitTransform({ c: [vocabulary({ minFrequency: 5 }), oneHot()] }, { c: ['a'] });
    expect(t.columns.map((c) => c.name)).toEqual(['c=#oov0']);
    expect(row(t, { c: 'a' })).toEqual([1]);
  });

  it('reads numbers and booleans as their text, so ids and flags are categories', () => {
    const t = fitTransform({ c: vocabulary() }, { c: [7, 7, true] });
    expect(t.features[0]!.steps[0]).toMatchObject({ fitted: { values: ['7', 'true'] } });
    expect(row(t, { c: '7' })).toEqual(row(t, { c: 7 }));
  });

  it('hashBucket and cross hash UTF-8 with murmur3; cross joins the values with U+001F', () => {
    const h = fitTransform({ c: hashBucket({ buckets: 10, salt: 'v1' }) }, { c: ['a'] });
    expect(row(h, { c: 'SFO' })).toEqual([hash32('SFO', hash32('v1')) % 10]);
    const x = fitTransform({ r: cross(['o', 'd'], { buckets: 1000 }) }, { o: ['a'], d: ['b'] });
    expect(row(x, { o: 'SFO', d: 'LAX' })).toEqual([hash32('SFO\u001fLAX') % 1000]);
    expect(catchLockstep(() => apply(x, { o: 'SFO' })).message).toContain(
      "feature 'r' of argument 'row' is missing",
    );
  });

  it('multiHot marks every listed category; a missing list is all zeros', () => {
    const t = fitTransform({ tags: [vocabulary(), multiHot()] }, { tags: [['a', 'b'], ['b'], null] });
    expect(t.columns.map((c) => c.name)).toEqual(['tags=b', 'tags=a', 'tags=#oov0']);
    expect(row(t, { tags: ['a', 'z'] })).toEqual([0, 1, 1]);
    expect(row(t, { tags: null })).toEqual([0, 0, 0]);
    expect(catchLockstep(() => apply(t, { tags: 'a' })).message).toContain('must be an array of categories');
  });
});

describe('date-times and weights', () => {
  it('reads epoch ms, Dates and ISO strings in UTC; Monday is day 0', () => {
    const t = fitTransform(
      { d: datetime({ parts: ['year', 'month', 'dayOfMonth', 'dayOfWeek', 'dayOfYear', 'hour', 'minute'] }) },
      { d: [0] },
    );
    const expected = [2024, 2, 29, 3, 60, 23, 59];
    expect(row(t, { d: '2024-02-29T23:59:30Z' })).toEqual(expected);
    expect(row(t, { d: new Date(Date.UTC(2024, 1, 29, 23, 59, 30)) })).toEqual(expected);
    expect(row(t, { d: Date.UTC(2024, 1, 29, 23, 59, 30) })).toEqual(expected);
    expect(row(t, { d: '2024-03-01T01:59:30+02:00' })).toEqual(expected);
  });

  it('cyclical parts are the sine and cosine of 2π (part − base) / period', () => {
    const t = fitTransform({ d: datetime({ parts: ['hour', 'year'], cyclical: true }) }, { d: [0] });
    expect(t.columns.map((c) => c.name)).toEqual(['d.hour_sin', 'd.hour_cos', 'd.year']);
    expect(row(t, { d: Date.UTC(2001, 0, 1, 6) })).toEqual(
      f32([Math.sin(Math.PI / 2), Math.cos(Math.PI / 2), 2001]),
    );
  });

  it('recency weights halve every halfLife before the latest training time, in batches only', () => {
    const day = 86_400_000;
    const spec = { x: passthrough(), w: recencyWeight({ column: 't', halfLife: day }) };
    const t = fitTransform(spec, { x: [1, 2, 3], t: [0, day, 2 * day] });
    expect(t.features[1]).toMatchObject({
      role: 'weight',
      width: 0,
      steps: [{ fitted: { reference: 2 * day } }],
    });
    const b = applyBatch(t, { x: [1, 2, 3], t: [0, day, 2 * day] });
    expect(Array.from(b.weights!)).toEqual([0.25, 0.5, 1]);
    expect(b.columns).toBe(1);
    expect(row(t, { x: 1 })).toEqual([1]);
  });

  it('a missing or unreadable date-time is an error', () => {
    const t = fitTransform({ d: datetime({ parts: ['hour'] }) }, { d: [0] });
    expect(catchLockstep(() => apply(t, {})).message).toContain('is missing; a date-time is required');
    expect(catchLockstep(() => apply(t, { d: '2001-02-30' })).message).toContain('must be a date-time');
  });
});

describe('batches', () => {
  it('lists every value it cannot encode, by row and feature, and throws', () => {
    const t = fitTransform(
      { x: standardize(), c: vocabulary({ oovBuckets: 0 }) },
      { x: [1, 2], c: ['a', 'b'] },
    );
    const e = catchLockstep(() =>
      applyBatch(t, [
        { x: 1, c: 'a' },
        { x: null, c: 'a' },
        { x: 'one', c: 'z' },
      ]),
    );
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toBe(
      "applyBatch: argument 'data' has 3 values the transform cannot encode; first: row 1, feature 'x' is missing; add impute() to fill it",
    );
    expect(e.fn).toBe('applyBatch');
    expect(e.arg).toBe('data');
    // Each issue is a core finding with a stable code.
    expect(e.issues).toEqual([
      {
        code: 'MISSING_VALUE',
        severity: 'error',
        message: "row 1: feature 'x' is missing; add impute() to fill it",
        feature: 'x',
        row: 1,
        problem: 'is missing; add impute() to fill it',
      },
      {
        code: 'INVALID_VALUE',
        severity: 'error',
        message: 'row 2: feature \'x\' must be a number, got "one"',
        feature: 'x',
        row: 2,
        problem: 'must be a number',
        value: 'one',
      },
      {
        code: 'OUT_OF_VOCABULARY',
        severity: 'error',
        message:
          'row 2: feature \'c\' is not in the vocabulary, and the vocabulary has no OOV buckets, got "z"',
        feature: 'c',
        row: 2,
        problem: 'is not in the vocabulary, and the vocabulary has no OOV buckets',
        value: 'z',
      },
    ]);
    expect(e.issues.every(isFinding)).toBe(true);
    // maxIssues bounds the list, not the count; 0 lists none but the message still names the first.
    const none = catchLockstep(() => applyBatch(t, [{ x: null, c: 'z' }], { maxIssues: 0 }));
    expect(none.issues).toEqual([]);
    expect(none.message).toMatch(/has 2 values .*first: row 0, feature 'x' is missing/);
    // apply's error carries its one issue too.
    const one = catchLockstep(() => apply(t, { x: 'one', c: 'a' }), { fn: 'apply', arg: 'row' });
    expect(one.issues).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', row: 0, feature: 'x' })]);
  });

  it('explains a request: missing inputs, how they were filled, and OOV categories', () => {
    const t = fitTransform(
      {
        x: impute({ strategy: 'median' }),
        b: bucketize({ boundaries: [1], missing: 'bucket' }),
        c: vocabulary(),
        m: vocabulary({ mask: true }),
      },
      { x: [1], b: [1], c: ['a'], m: ['a'] },
    );
    const e = apply(t, { c: 'zz' }, { explain: true });
    expect(e.missing).toEqual([
      { feature: 'x', filled: 'impute' },
      { feature: 'b', filled: 'bucket' },
      { feature: 'm', filled: 'mask' },
    ]);
    expect(e.outOfVocabulary).toEqual([{ feature: 'c', value: 'zz' }]);
    expect(Array.from(e.values)).toEqual(row(t, { c: 'zz' }));
  });

  it('writes into a given array without allocating a new one, clearing one-hot columns first', () => {
    const t = fitTransform({ c: [vocabulary(), oneHot()] }, { c: ['a', 'b'] });
    const into = new Float32Array(3);
    expect(apply(t, { c: 'a' }, { into })).toBe(into);
    apply(t, { c: 'b' }, { into });
    expect(Array.from(into)).toEqual([0, 1, 0]);
    expect(catchLockstep(() => apply(t, { c: 'a' }, { into: new Float32Array(2) })).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
