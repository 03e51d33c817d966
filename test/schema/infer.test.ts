import { describe, expect, it } from 'vitest';
import { compare } from '../../src/drift/index.js';
import {
  compileValidator,
  DEFAULT_COMPARATORS,
  diffSchemas,
  inferSchema,
  parseSchema,
  toZod,
  validate,
} from '../../src/schema/index.js';
import { isIsoTimestamp } from '../../src/schema/infer.js';
import { profile } from '../../src/stats/index.js';
import { catchLockstep } from '../helpers/errors.js';

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

describe('inferSchema: default skew and drift comparators', () => {
  // Training and serving of one service: the same columns, serving's delays shifted and its carrier mix
  // changed, its airport mix and cancellations as in training.
  const rows = (n: number, shift: number, mix: readonly number[], seed: number) =>
    Array.from({ length: n }, (_, i) => {
      const u = ((i * 2654435761 + seed) % 2 ** 32) / 2 ** 32;
      return {
        delay: Math.round(60 * u * u + shift),
        distance: 100 + ((i * 53) % 2500) + 0.5,
        carrier: u < mix[0]! ? 'AA' : u < mix[0]! + mix[1]! ? 'UA' : 'DL',
        origin: ['ATL', 'DFW', 'ORD', 'SEA'][i % 4],
        cancelled: i % 9 === 0,
        departed: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + seed * 86_400_000).toISOString(),
        note: `a free-text note of some length, number ${i}`,
      };
    });
  const training = rows(4000, 0, [0.5, 0.3], 1);
  const serving = rows(4000, 40, [0.2, 0.3], 2);
  const schema = inferSchema(training);

  it('gives numbers Jensen-Shannon and categories L-infinity at 0.1, timestamps and text none', () => {
    const comparators = Object.fromEntries(schema.features.map((f) => [f.name, [f.skew, f.drift]]));
    const numeric = { method: 'jensenShannon', threshold: 0.1 };
    const categorical = { method: 'lInfinity', threshold: 0.1 };
    expect(comparators).toEqual({
      delay: [numeric, numeric],
      distance: [numeric, numeric],
      carrier: [categorical, categorical],
      origin: [categorical, categorical],
      cancelled: [categorical, categorical],
      departed: [undefined, undefined],
      note: [undefined, undefined],
    });
    expect(DEFAULT_COMPARATORS).toEqual({ numeric, categorical });
  });

  it('so compare in skew mode checks every comparable feature and flags the skewed ones (as TFDV users expect)', () => {
    for (const [a, b] of [
      [training, serving],
      [profile(training), profile(serving)],
    ] as const) {
      const r = compare(a, b, { schema, mode: 'skew' });
      expect(r.features.map((f) => [f.feature, f.method, f.drifted])).toEqual([
        ['delay', 'jensenShannon', true],
        ['distance', 'jensenShannon', false],
        ['carrier', 'lInfinity', true],
        ['origin', 'lInfinity', false],
        ['cancelled', 'lInfinity', false],
      ]);
      expect(r.anomalies.map((x) => [x.code, x.feature])).toEqual([
        ['SKEW_HIGH', 'delay'],
        ['SKEW_HIGH', 'carrier'],
      ]);
    }
    // Training against itself: nothing to report.
    expect(compare(training, training, { schema, mode: 'drift' }).anomalies).toEqual([]);
  });

  it('leaves them out with comparators: false (and then skew mode compares nothing)', () => {
    const bare = inferSchema(training, { comparators: false });
    expect(bare.features.filter((f) => f.skew || f.drift)).toEqual([]);
    expect(compare(training, serving, { schema: bare, mode: 'skew' }).features).toEqual([]);
    expect(diffSchemas(bare, schema).map((c) => c.code)).toEqual([
      ...Array(5).fill(['SKEW_THRESHOLD_CHANGED', 'DRIFT_THRESHOLD_CHANGED']).flat(),
    ]);
  });
});

describe('inferSchema: ISO-8601 date strings are timestamps', () => {
  // As JSON carries them: an API's records with dates as text.
  const json = JSON.stringify(
    Array.from({ length: 300 }, (_, i) => ({
      id: i,
      day: new Date(Date.UTC(2026, 0, 1 + (i % 60))).toISOString().slice(0, 10),
      at: new Date(Date.UTC(2026, 0, 5, 10) + i * 3_600_000).toISOString(),
      local: `2026-01-05T${String(i % 24).padStart(2, '0')}:30:00+02:00`,
      maybe: i % 5 === 0 ? null : `2026-02-${String(1 + (i % 28)).padStart(2, '0')} 08:15`,
      cohort: ['2026-01', '2026-02'][i % 2],
      almost: i === 7 ? 'soon' : '2026-01-05',
      slashed: '2026/01/05',
    })),
  );
  const rows = JSON.parse(json) as Record<string, unknown>[];
  const s = inferSchema(rows);

  it.each([
    ['day', 'timestamp', /ISO-8601/],
    ['at', 'timestamp', /ISO-8601/],
    ['local', 'timestamp', /ISO-8601/],
    ['maybe', 'timestamp', /ISO-8601.*nullable/],
    // Not dates by the rule: a month alone, one value that is not a date, slashes (not ISO-8601).
    ['cohort', 'categorical', /distinct strings/],
    ['almost', 'categorical', /distinct strings/],
    ['slashed', 'categorical', /1 distinct string/],
  ])('types %s as %s, saying why', (name, type, reason) => {
    expect(byName(s, name)).toMatchObject({ type, reason: expect.stringMatching(reason) });
  });

  it('so the data validate against it, alone and as a batch, and it does not drift against itself', () => {
    expect(validate(rows, s)).toMatchObject({ ok: true, anomalies: [] });
    const check = compileValidator(s);
    const zod = toZod(s);
    for (const row of rows) {
      expect(check(row).ok).toBe(true);
      expect(zod.safeParse(row).success).toBe(true);
    }
    // A later month is not an UNEXPECTED_CATEGORY, as it would be for a categorical date.
    const march = rows.map((r) => ({ ...r, day: '2026-03-15', at: '2026-03-15T09:00:00Z' }));
    expect(validate(march, s).anomalies).toEqual([]);
    // Text that is not a date is still refused.
    expect(validate([{ ...rows[1]!, at: 'tomorrow' }], s).anomalies.map((a) => [a.code, a.feature])).toEqual([
      ['TYPE_MISMATCH', 'at'],
    ]);
  });

  it('reads the same from the profile as from the data', () => {
    expect(inferSchema(profile(rows))).toEqual(s);
  });

  it('also from a profile that read the dates as strings (every value listed, each one a date)', () => {
    const asText = profile(rows, { types: { day: 'categorical', cohort: 'categorical' } });
    expect(asText.features.find((f) => f.name === 'day')!.type).toBe('categorical');
    const t = inferSchema(asText);
    expect(byName(t, 'day')).toMatchObject({
      type: 'timestamp',
      reason: expect.stringMatching(
        /every present value is an ISO-8601 date or date-time string \(60 distinct values/,
      ),
    });
    expect(byName(t, 'cohort').type).toBe('categorical');
    expect(validate(rows, t).ok).toBe(true);
  });

  it('strictness of the rule: real dates only, and the date must be there', () => {
    for (const ok of [
      '2026-01-05',
      '2026-01-05T10:00',
      '2026-01-05T10:00:00.250Z',
      '2026-01-05 10:00:00+0530',
    ])
      expect([ok, isIsoTimestamp(ok)]).toEqual([ok, true]);
    for (const bad of [
      '2026-02-30',
      '2026-1-5',
      '2026/01/05',
      '20260105',
      '10:00',
      ' 2026-01-05',
      'x'.repeat(100),
    ])
      expect([bad, isIsoTimestamp(bad)]).toEqual([bad, false]);
  });
});

describe('inferSchema: strict options and bounds', () => {
  const rows = [{ x: 1, label: true }];

  it('refuses an unknown key, naming the closest one', () => {
    catchLockstep(() => inferSchema(rows, { maxDomain: 5 } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'inferSchema',
      arg: 'options.maxDomain',
      message: /unknown key "maxDomain" \(did you mean "maxDomainSize"\?\)/,
    });
    catchLockstep(() => inferSchema(rows, { categorical: ['x'] } as never), { arg: 'options.categorical' });
  });

  it('refuses options of the wrong type, naming them', () => {
    for (const [options, arg] of [
      ['strict', 'options'],
      [null, 'options'],
      [{ version: 0 }, 'options.version'],
      [{ version: 'v'.repeat(257) }, 'options.version'],
      [{ description: 'd'.repeat(5000) }, 'options.description'],
      [{ maxDomainSize: Number.NaN }, 'options.maxDomainSize'],
      [{ maxDomainSize: 2 ** 32 }, 'options.maxDomainSize'],
      [{ minDomainMass: 2 }, 'options.minDomainMass'],
      [{ rangeMargin: Number.POSITIVE_INFINITY }, 'options.rangeMargin'],
      [{ inferRanges: 'yes' }, 'options.inferRanges'],
      [{ comparators: 1 }, 'options.comparators'],
      [{ environments: 'serving' }, 'options.environments'],
      [{ environments: ['a', 'a'] }, 'options.environments[1]'],
      [{ types: [] }, 'options.types'],
      [{ exclude: { serving: 'label' }, environments: ['serving'] }, 'options.exclude.serving'],
      [{ features: [1] }, 'options.features[0]'],
    ] as const) {
      catchLockstep(() => inferSchema(rows, options as never), { code: 'INVALID_ARGUMENT', arg });
    }
  });

  it('writes only what parseSchema reads: version and description copied, long categories get no domain', () => {
    const s = inferSchema(rows, { version: '2026.1', description: 'flights' });
    expect(parseSchema(JSON.stringify(s))).toEqual(s);
    expect([s.version, s.description]).toEqual(['2026.1', 'flights']);
    const long = inferSchema([{ c: 'x'.repeat(2000) }, { c: 'y' }]);
    expect(long.features[0]).toMatchObject({
      type: 'categorical',
      reason: expect.stringMatching(/one of 2000 characters \(a domain value may have at most 1024\)/),
    });
    expect(long.features[0]!.categorical).toBeUndefined();
    expect(parseSchema(JSON.stringify(long))).toEqual(long);
    // A range margin that overflows leaves the bound open rather than writing Infinity.
    const wide = inferSchema([{ x: -1e150 }, { x: 1e150 }], { inferRanges: true, rangeMargin: 1e300 });
    expect(wide.features[0]!.numeric).toBeUndefined();
    expect(parseSchema(JSON.stringify(wide))).toEqual(wide);
  });

  it('returns a sealed, deeply frozen schema', () => {
    const s = inferSchema(rows);
    expect(
      Object.isFrozen(s) && Object.isFrozen(s.features[0]) && Object.isFrozen(s.features[0]!.presence),
    ).toBe(true);
    expect(parseSchema(s)).toBe(s);
  });
});
