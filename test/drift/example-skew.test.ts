import { describe, expect, it } from 'vitest';
import { exampleSkew } from '../../src/drift/example-skew.js';

const training = [
  { id: 'a', price: 10.5, city: 'Oslo', n: 1 },
  { id: 'b', price: 20, city: 'Lima', n: 2 },
  { id: 'c', price: Number.NaN, city: 'Rome', n: null },
  { id: 'd', price: 7, city: 'Oslo', n: 4 },
  { id: null, price: 1, city: 'x', n: 5 },
];

describe('exampleSkew', () => {
  it('finds nothing when serving computed the same features', () => {
    const r = exampleSkew(training, [...training].reverse(), { key: 'id' });
    expect(r).toMatchObject({
      joined: 4,
      trainingOnly: 0,
      servingOnly: 0,
      identical: true,
      missingKeys: { training: 1, serving: 1 },
    });
    expect(r.features.map((f) => [f.feature, f.matches, f.mismatches])).toEqual([
      ['city', 4, 0],
      ['n', 4, 0],
      ['price', 4, 0],
    ]);
  });

  it('counts mismatches per feature, values missing on one side, the largest difference and examples', () => {
    const serving = [
      { id: 'a', price: 10.500001, city: 'Oslo', n: 1 },
      { id: 'b', price: 20, city: 'LIMA', n: 2 },
      { id: 'c', price: Number.NaN, city: 'Rome' },
      { id: 'd', price: 9, city: 'Oslo', n: null },
      { id: 'e', price: 1, city: 'x', n: 1 },
      { id: 'e', price: 1, city: 'x', n: 1 },
    ];
    const r = exampleSkew(training, serving, { key: 'id' });
    expect(r).toMatchObject({
      joined: 4,
      trainingOnly: 0,
      servingOnly: 1,
      identical: false,
      duplicateKeys: { training: 0, serving: 1 },
    });
    const price = r.features.find((f) => f.feature === 'price')!;
    expect(price).toMatchObject({
      compared: 4,
      matches: 2,
      mismatches: 2,
      mismatchRate: 0.5,
      maxAbsoluteDifference: 2,
    });
    expect(price.examples).toEqual([
      { key: 'a', training: 10.5, serving: 10.500001 },
      { key: 'd', training: 7, serving: 9 },
    ]);
    const n = r.features.find((f) => f.feature === 'n')!;
    expect(n).toMatchObject({ mismatches: 1, missingInServing: 1, missingInTraining: 0 });
    expect(r.features[0]!.feature).toBe('price'); // highest mismatch rate first
  });

  it('applies a tolerance, for all features or per feature', () => {
    const serving = training.map((row) => ({
      ...row,
      price: typeof row.price === 'number' ? row.price * (1 + 1e-7) : row.price,
    }));
    expect(exampleSkew(training, serving, { key: 'id' }).identical).toBe(false);
    expect(exampleSkew(training, serving, { key: 'id', tolerance: { relative: 1e-6 } }).identical).toBe(true);
    expect(
      exampleSkew(training, serving, { key: 'id', tolerance: { price: { relative: 1e-6 } } }).identical,
    ).toBe(true);
  });

  it('joins numeric keys and distinguishes them from their string form', () => {
    const r = exampleSkew(
      [
        { k: 1, v: 1 },
        { k: '1', v: 2 },
      ],
      [{ k: 1, v: 1 }],
      { key: 'k' },
    );
    expect(r).toMatchObject({ joined: 1, trainingOnly: 1, identical: true });
  });

  it('rejects a key neither side has and bad options', () => {
    expect(() => exampleSkew(training, training, { key: 'uid' })).toThrow(
      /exampleSkew: argument 'options.key' must name a column of training/,
    );
    expect(() => exampleSkew(training, training, { key: 'id', features: ['zz'] })).toThrow(
      /options.features' names a column neither side has/,
    );
    expect(() => exampleSkew(training, training, null as never)).toThrow(/options/);
  });
});
