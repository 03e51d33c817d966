import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { type Column, makeFrame } from '../../src/core/frame.js';
import { featureLabelAssociation } from '../../src/stats/association.js';
import fixture from '../fixtures/stats-association.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';
import { columnsOf, expectClose, rowsOf } from './association-fixture.js';

type Case = (typeof fixture.association)[number];
const caseName = (c: Case) => `${c.dataset} ${JSON.stringify(c.options)}`;

describe('featureLabelAssociation against numpy / scipy (test/fixtures/make-stats-association.py)', () => {
  it.each(fixture.association.map((c) => [caseName(c), c] as const))('%s', (_, c) => {
    const out = featureLabelAssociation(rowsOf(c.dataset), c.options);
    const { expected } = c;
    expect(out.label).toBe(expected.label);
    expect(out.labelRowsMissing).toBe(expected.labelRowsMissing);
    expect(out.features.map((f) => f.feature).sort()).toEqual(expected.features.map((f) => f.feature).sort());
    for (const e of expected.features) {
      const got = out.features.find((f) => f.feature === e.feature)!;
      const what = `${caseName(c)} ${e.feature}`;
      expect(got.type, what).toBe(e.type);
      expect(got.n, what).toBe(e.n);
      expect(got.leakage, what).toBe(e.leakage);
      expectClose(got.mutualInformation, e.mutualInformation, `${what} mutualInformation`);
      expectClose(got.normalized, e.normalized, `${what} normalized`);
      expectClose(got.score, e.score, `${what} score`);
      expectClose(got.baseline, e.baseline, `${what} baseline`);
      if ('auc' in e) expectClose(got.auc, e.auc as number, `${what} auc`);
      else expect(got, what).not.toHaveProperty('auc');
    }
    for (let k = 1; k < out.features.length; k++)
      expect(out.features[k - 1]!.normalized).toBeGreaterThanOrEqual(out.features[k]!.normalized);
  });

  it('gives the same result for rows and for a record of columns', () => {
    const options = { label: 'y' };
    expect(featureLabelAssociation(columnsOf('binary'), options)).toEqual(
      featureLabelAssociation(rowsOf('binary'), options),
    );
  });
});

describe('featureLabelAssociation: examples', () => {
  it('flags a noisy copy of the label and a feature missing exactly when the label is 1, not an unrelated one', () => {
    const out = featureLabelAssociation(rowsOf('binary'), { label: 'y' });
    const get = (name: string) => out.features.find((f) => f.feature === name)!;
    expect(get('copy').leakage).toBe(true);
    expect(get('copy').auc).toBeGreaterThanOrEqual(0.99);
    expect(get('miss_when_pos')).toMatchObject({ leakage: true, score: 1 });
    expect(get('miss_when_pos').normalized).toBeCloseTo(1, 12);
    expect(get('miss_when_pos')).not.toHaveProperty('auc'); // no value at all in one class
    expect(get('unrelated').leakage).toBe(false);
    expect(get('unrelated').normalized).toBeLessThan(0.05);
    expect(get('cat_unrelated').leakage).toBe(false);
    expect(out.features.map((f) => f.feature)).not.toContain('y');
  });

  it('counts rows with a missing label and leaves them out', () => {
    const out = featureLabelAssociation(
      { y: ['a', null, 'b', 'a', null, 'b'], x: [1, 100, 2, 1, 100, 2] },
      { label: 'y' },
    );
    expect(out.labelRowsMissing).toBe(2);
    expect(out.features).toEqual([
      {
        feature: 'x',
        type: 'numeric',
        mutualInformation: Math.log(2),
        normalized: 1,
        score: 1,
        baseline: 0.5,
        auc: 1,
        n: 4,
        leakage: true,
      },
    ]);
  });

  it('bins numeric features by the documented equal-frequency rule, with missing, NaN and ±Infinity apart', () => {
    // Present finite values sorted: [1, 1, 2, 3, 4, 5]; with bins = 3 the edges are v[2] = 2 and v[4] = 4, so
    // the bins are {1, 1}, {2, 3}, {4, 5}. A label equal to the bin of each row is predicted perfectly; NaN,
    // -Infinity, +Infinity and missing each need a class of their own to keep it so.
    const x = [1, 1, 2, 3, 4, 5, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, null];
    const byBin = ['lo', 'lo', 'mid', 'mid', 'hi', 'hi', 'nan', 'neg', 'pos', 'none'];
    const merged = ['lo', 'lo', 'lo', 'mid', 'hi', 'hi', 'nan', 'neg', 'pos', 'none'];
    const run = (y: string[]) => featureLabelAssociation({ x, y }, { label: 'y', bins: 3 }).features[0]!;
    expect(run(byBin).score).toBe(1);
    expect(run(byBin).normalized).toBeCloseTo(1, 12);
    // 2 and 3 share a bin, so the rule gets one of them wrong.
    expect(run(merged).score).toBe(0.9);
  });

  it('uses a numeric label with at most 20 values as classes and bins one with more', () => {
    const n = 400;
    const few = Array.from({ length: n }, (_, i) => i % 20);
    const many = Array.from({ length: n }, (_, i) => i % 21);
    const id = Array.from({ length: n }, (_, i) => `v${i % 20}`);
    // 20 classes of 20 rows each, each class one value of id.
    expect(featureLabelAssociation({ few, id }, { label: 'few' }).features[0]).toMatchObject({
      score: 1,
      baseline: 20 / 400,
    });
    // 21 values (0 appears 20 times, the others 19) are binned: edges v[40], v[80], …, v[360] = 2, 4, …, 18,
    // so the largest bin is {18, 19, 20} with 57 rows.
    expect(featureLabelAssociation({ many, id }, { label: 'many' }).features[0]!.baseline).toBe(57 / 400);
  });

  it('treats booleans and dictionary columns as categories, the same as strings', () => {
    const label = ['yes', 'no', 'yes', 'yes', 'no', undefined, 'no', 'yes'];
    const flag = [true, false, true, true, false, false, true, true];
    const dictionary = ['no', 'yes'];
    const frame = makeFrame(
      8,
      new Map<string, Column>([
        [
          'label',
          {
            kind: 'dictionary',
            codes: Int32Array.from(label, (v) => (v ? dictionary.indexOf(v) : -1)),
            dictionary,
          },
        ],
        ['flag', { kind: 'boolean', values: Uint8Array.from(flag, Number), valid: undefined }],
      ]),
    );
    const fromFrame = featureLabelAssociation(frame, { label: 'label' });
    const fromStrings = featureLabelAssociation({ label, flag }, { label: 'label' });
    expect(fromFrame).toEqual(fromStrings);
    expect(fromFrame.labelRowsMissing).toBe(1);
    expect(fromFrame.features[0]).toMatchObject({ type: 'categorical', score: 6 / 7, n: 7 });
  });

  it('never measures the label against itself, even when listed', () => {
    const out = featureLabelAssociation(
      { y: [0, 1, 0, 1], x: [1, 2, 3, 4] },
      { label: 'y', features: ['y', 'x'] },
    );
    expect(out.features.map((f) => f.feature)).toEqual(['x']);
  });

  it('gives 0 for a label with a single class', () => {
    const out = featureLabelAssociation({ y: ['a', 'a', 'a'], x: [1, 2, 3] }, { label: 'y' });
    expect(out.features[0]).toMatchObject({
      mutualInformation: 0,
      normalized: 0,
      score: 1,
      baseline: 1,
      leakage: false,
    });
  });
});

describe('featureLabelAssociation: arguments', () => {
  const data = { y: [0, 1, 0], x: [1, 2, 3] };
  const cases: [string, () => unknown, RegExp][] = [
    [
      'missing label column',
      () => featureLabelAssociation(data, { label: 'z' }),
      /^featureLabelAssociation: argument 'options.label' must name a column of 'data' \(columns: "y", "x"\), got "z"$/,
    ],
    [
      'no options',
      () => featureLabelAssociation(data, undefined as never),
      /^featureLabelAssociation: argument 'options' must be an object with a label/,
    ],
    [
      'bins < 2',
      () => featureLabelAssociation(data, { label: 'y', bins: 1 }),
      /^featureLabelAssociation: argument 'options.bins' must be an integer in \[2, 100000\], got 1$/,
    ],
    [
      'bins not an integer',
      () => featureLabelAssociation(data, { label: 'y', bins: 2.5 }),
      /'options.bins' must be an integer in \[2, 100000\], got 2.5$/,
    ],
    [
      'bins that would hang (2^32)',
      () => featureLabelAssociation(data, { label: 'y', bins: 2 ** 32 }),
      /'options.bins' must be an integer in \[2, 100000\], got 4294967296$/,
    ],
    [
      'a misspelled option',
      () => featureLabelAssociation(data, { label: 'y', feature: ['x'] } as never),
      /^featureLabelAssociation: argument 'options' has an unknown key "feature" \(did you mean "features"\?\)/,
    ],
    [
      'unknown feature',
      () => featureLabelAssociation(data, { label: 'y', features: ['w'] }),
      /^featureLabelAssociation: argument 'options.features' must name columns of 'data' \(columns: "y", "x"\), got "w"$/,
    ],
    [
      'leakageThreshold > 1',
      () => featureLabelAssociation(data, { label: 'y', leakageThreshold: 2 }),
      /'options.leakageThreshold' must be a finite number in \[0, 1\], got 2$/,
    ],
  ];
  it.each(cases)('%s throws LockstepError naming the function and argument', (_, call, message) => {
    expect(call).toThrow(LockstepError);
    expect(call).toThrow(message);
    catchLockstep(call, { code: 'INVALID_ARGUMENT' });
  });
});
