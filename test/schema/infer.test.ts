import { describe, expect, it } from 'vitest';
import { inferSchema, validate } from '../../src/schema/index.js';
import { profile } from '../../src/stats/index.js';

const byName = (s: ReturnType<typeof inferSchema>, name: string) => s.features.find((f) => f.name === name)!;

describe('inferSchema rules', () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({
    count: i % 17,
    price: i * 0.25,
    city: ['Lagos', 'Lima', 'Oslo'][i % 3],
    user: `user-${i}`,
    comment: `this is a fairly long free-text comment number ${i}`,
    vip: i % 5 === 0,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    maybe: i % 4 === 0 ? null : i,
    blank: null,
    mixed: i % 10 === 0 ? 'x' : i,
    ratio: i === 7 ? Number.NaN : i === 8 ? Number.POSITIVE_INFINITY : i / 400,
  }));
  const s = inferSchema(rows);

  it.each([
    ['count', 'integer', /all 400 finite values are whole numbers: integer/],
    ['price', 'numeric', /with a fractional part: numeric/],
    ['city', 'categorical', /3 distinct strings \(at most maxDomainSize 100\): categorical with a domain/],
    [
      'user',
      'categorical',
      /about \d+ distinct strings \(more than maxDomainSize 100\): categorical without a domain/,
    ],
    ['comment', 'text', /mean length \d+\.\d \(at least 24\): free text/],
    ['vip', 'boolean', /boolean/],
    ['at', 'timestamp', /timestamp/],
    ['blank', 'text', /no value seen/],
    [
      'mixed',
      'integer',
      /mixed types \(360 numbers, 40 strings, 0 booleans, 0 other values\): integer, the most common/,
    ],
  ])('types %s as %s and says why', (name, type, reason) => {
    expect(byName(s, name).type).toBe(type);
    expect(byName(s, name).reason).toMatch(reason);
  });

  it('gives a small categorical its sorted domain, and a large one none', () => {
    expect(byName(s, 'city').categorical).toEqual({ values: ['Lagos', 'Lima', 'Oslo'] });
    expect(byName(s, 'user').categorical).toBeUndefined();
    expect(byName(inferSchema(rows, { maxDomainSize: 1000 }), 'user').categorical!.values.length).toBe(400);
  });

  it('makes always-present features required and others nullable', () => {
    expect(byName(s, 'count')).toMatchObject({ nullable: false, presence: { minFraction: 1, minCount: 1 } });
    expect(byName(s, 'maybe')).toMatchObject({ nullable: true, presence: { minFraction: 0, minCount: 1 } });
    expect(byName(s, 'maybe').reason).toMatch(/missing in 100 rows: nullable/);
    expect(byName(s, 'blank')).toMatchObject({ nullable: true, presence: { minFraction: 0, minCount: 0 } });
  });

  it('allows NaN and ±Infinity only where seen, and infers ranges only when asked (never for timestamps)', () => {
    expect(byName(s, 'ratio').numeric).toEqual({ allowNaN: true, allowInfinity: true });
    expect(byName(s, 'count').numeric).toBeUndefined();
    const ranged = inferSchema(rows, { inferRanges: true, rangeMargin: 0.5 });
    expect(byName(ranged, 'count').numeric).toEqual({ min: -8, max: 24 });
    expect(byName(ranged, 'price').numeric).toEqual({ min: -49.875, max: 149.625 });
    expect(byName(ranged, 'at').numeric).toBeUndefined();
  });

  it('takes types by name, reading numbers as categories while profiling', () => {
    const zips = [{ zip: 10001 }, { zip: 94105 }, { zip: 10001 }];
    const t = inferSchema(zips, { types: { zip: 'categorical' } });
    expect(t.features[0]).toMatchObject({
      type: 'categorical',
      categorical: { values: ['10001', '94105'] },
      reason: /set by options.types/,
    });
    expect(validate(zips, t).ok).toBe(true);
  });

  it('sets environments and exclusions', () => {
    const e = inferSchema([{ x: 1, label: true }], {
      environments: ['training', 'serving'],
      exclude: { serving: ['label'] },
    });
    expect(e.environments).toEqual(['training', 'serving']);
    expect(e.features.find((f) => f.name === 'label')!.notInEnvironments).toEqual(['serving']);
  });

  it('infers the same schema from data and from its profile', () => {
    expect(inferSchema(profile(rows))).toEqual(s);
  });

  it('gives a schema the data it came from passes, but for the minority type of a mixed column', () => {
    const only = (r: ReturnType<typeof validate>) => r.anomalies.map((a) => [a.code, a.feature, a.count]);
    expect(only(validate(rows, s))).toEqual([['TYPE_MISMATCH', 'mixed', 40]]);
    expect(only(validate(rows, inferSchema(rows, { inferRanges: true })))).toEqual([
      ['TYPE_MISMATCH', 'mixed', 40],
    ]);
    const { mixed: _, ...clean } = rows[0]!;
    expect(validate([clean], inferSchema([clean], { inferRanges: true }))).toEqual({
      ok: true,
      rows: 1,
      anomalies: [],
    });
  });

  it('rejects bad options, naming them', () => {
    expect(() => inferSchema(rows, { maxDomainSize: -1 })).toThrow(
      /inferSchema: argument 'options.maxDomainSize'/,
    );
    expect(() => inferSchema(rows, { types: { count: 'float' as never } })).toThrow(
      /options.types.count' must be one of "numeric", "integer"/,
    );
    expect(() => inferSchema(rows, { exclude: { serving: ['count'] } })).toThrow(
      /options.exclude.serving' must name one of options.environments/,
    );
    expect(() => inferSchema(rows, { environments: ['serving'], exclude: { serving: ['nope'] } })).toThrow(
      /names a feature the data does not have/,
    );
  });
});
