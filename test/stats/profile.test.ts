import { describe, expect, it } from 'vitest';
import { makeFrame } from '../../src/core/frame.js';
import { createProfiler, type FeatureProfile, LockstepError, profile, quantiles } from '../../src/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const feature = (p: { features: readonly FeatureProfile[] }, name: string) =>
  p.features.find((f) => f.name === name)!;

describe('profile: what each feature holds', () => {
  it('counts present, missing, NaN, ±Infinity and zeros, keeping them out of the moments', () => {
    const p = profile([
      { x: 1 },
      { x: Number.NaN },
      { x: null },
      {},
      { x: Number.POSITIVE_INFINITY },
      { x: Number.NEGATIVE_INFINITY },
      { x: 0 },
      { x: 5 },
    ]);
    const x = feature(p, 'x');
    expect([p.rows, x.type, x.present, x.missing]).toEqual([8, 'numeric', 6, 2]);
    expect(x.numeric).toMatchObject({
      count: 3,
      nan: 1,
      posInf: 1,
      negInf: 1,
      zeros: 1,
      min: 0,
      max: 5,
      mean: 2,
    });
    expect(x.numeric!.variance).toBeCloseTo(14 / 3, 12);
  });

  it('profiles categorical values: frequencies, distinct count, string lengths', () => {
    const p = profile({ c: ['ab', 'ab', 'c', undefined, 'def'] });
    const c = feature(p, 'c');
    expect([c.type, c.present, c.missing]).toEqual(['categorical', 4, 1]);
    expect(c.categorical).toMatchObject({
      count: 4,
      distinct: 3,
      distinctExact: true,
      frequencies: [
        ['ab', 2],
        ['c', 1],
        ['def', 1],
      ],
      frequencyError: 0,
      length: { min: 1, max: 3, mean: 2, sum: 8 },
    });
  });

  it('handles empty input, a single row, and a column that is all missing', () => {
    expect(profile([])).toMatchObject({ rows: 0, features: [] });
    const one = profile([{ x: 7, c: 'k' }]);
    expect(feature(one, 'x').numeric).toMatchObject({ count: 1, min: 7, max: 7, mean: 7, variance: 0 });
    const empty = feature(profile([{ e: null }, { e: undefined }]), 'e');
    expect([empty.type, empty.present, empty.missing, empty.numeric, empty.categorical]).toEqual([
      'empty',
      0,
      2,
      undefined,
      undefined,
    ]);
  });

  it('reports a column of mixed types, profiling each part, without crashing', () => {
    const m = feature(profile([{ m: 1 }, { m: 'a' }, { m: true }, { m: { x: 1 } }, { m: 3 }]), 'm');
    expect(m.type).toBe('mixed');
    expect(m.types).toEqual({ number: 2, string: 1, boolean: 1, other: 1 });
    expect(m.numeric).toMatchObject({ count: 2, mean: 2 });
    expect(m.categorical!.frequencies).toEqual([
      ['a', 1],
      ['true', 1],
    ]);
  });

  it('types booleans and Dates', () => {
    const p = profile([
      { b: true, d: new Date(1000) },
      { b: false, d: new Date(3000) },
      { b: true, d: null },
    ]);
    expect(feature(p, 'b').type).toBe('boolean');
    expect(feature(p, 'b').categorical!.frequencies).toEqual([
      ['true', 2],
      ['false', 1],
    ]);
    expect(feature(p, 'd').type).toBe('timestamp');
    expect(feature(p, 'd').numeric).toMatchObject({ min: 1000, max: 3000 });
  });

  it('reads a feature as asked: numbers as categories, strings as numbers (counting what does not parse)', () => {
    const p = profile(
      [
        { zip: 10001, n: '1.5' },
        { zip: 10001, n: ' 2 ' },
        { zip: 94105, n: 'n/a' },
        { zip: null, n: '' },
      ],
      { types: { zip: 'categorical', n: 'numeric' } },
    );
    expect(feature(p, 'zip').categorical!.frequencies).toEqual([
      ['10001', 2],
      ['94105', 1],
    ]);
    const n = feature(p, 'n');
    expect([n.type, n.invalid, n.numeric!.count, n.numeric!.mean]).toEqual(['numeric', 2, 2, 1.75]);
  });

  it('profiles only the features asked for, listing an absent one as all missing', () => {
    const p = profile([{ a: 1, b: 2 }], { features: ['b', 'zz'] });
    expect(p.features.map((f) => [f.name, f.present, f.missing])).toEqual([
      ['b', 1, 0],
      ['zz', 0, 1],
    ]);
  });

  it('treats __proto__ and constructor as ordinary feature names', () => {
    const p = profile(JSON.parse('[{"__proto__": 1, "constructor": "x"}]'));
    expect(p.features.map((f) => f.name)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('reports progress per chunk and gives the same profile whatever the chunk size', () => {
    const x = Float64Array.from({ length: 10_000 }, (_, i) => (i * 37) % 1001);
    const seen: number[] = [];
    const a = profile({ x }, { chunkRows: 1000, onProgress: (p) => seen.push(p.rows) });
    expect(seen).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    const b = profile({ x });
    expect(a.features[0]!.numeric!.mean).toBeCloseTo(b.features[0]!.numeric!.mean!, 12);
    expect(a.features[0]!.numeric!.count).toBe(b.features[0]!.numeric!.count);
  });

  it('has a fingerprint of its content, the same on every run', () => {
    const rows = [
      { x: 1, c: 'a' },
      { x: 2, c: 'b' },
    ];
    expect(profile(rows).fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(profile(rows).fingerprint).toBe(profile(rows).fingerprint);
    expect(profile(rows).fingerprint).not.toBe(profile([...rows, { x: 3, c: 'a' }]).fingerprint);
  });
});

describe('createProfiler: streams', () => {
  it('equals profile of everything when fed in batches, features appearing late or not at all', () => {
    const rows = [{ a: 1 }, { a: 2, b: 'x' }, { b: 'y' }, { a: 4 }];
    const p = createProfiler();
    p.update([rows[0]!])
      .update([rows[1]!, rows[2]!])
      .update({ a: [4] });
    const streamed = p.result();
    const whole = profile(rows);
    expect(p.rows).toBe(4);
    expect(streamed.features.map((f) => [f.name, f.present, f.missing])).toEqual(
      whole.features.map((f) => [f.name, f.present, f.missing]),
    );
    expect(feature(streamed, 'a').numeric!.mean).toBe(feature(whole, 'a').numeric!.mean);
  });

  it('consumes an async iterable of batches', async () => {
    async function* batches() {
      for (let i = 0; i < 5; i++) yield Array.from({ length: 100 }, (_, j) => ({ x: i * 100 + j }));
    }
    const p = createProfiler();
    for await (const batch of batches()) p.update(batch);
    expect(p.result().features[0]!.numeric).toMatchObject({ count: 500, min: 0, max: 499, mean: 249.5 });
  });

  it('merges with another profiler and with a profile artifact, and keeps going after result()', () => {
    const a = createProfiler().update({ x: [1, 2] });
    const b = createProfiler().update({ x: [3] });
    a.merge(b).merge(profile({ x: [4] }));
    expect(a.result().features[0]!.numeric).toMatchObject({ count: 4, mean: 2.5 });
    a.update({ x: [5] });
    expect(a.result().features[0]!.numeric).toMatchObject({ count: 5, max: 5 });
  });

  it('rejects bad options and bad merges with errors naming the argument', () => {
    expect(() => createProfiler({ sketches: { quantileK: 4 } })).toThrow(
      /createProfiler: argument 'options.sketches.quantileK' must be an integer in \[8, 65536\]/,
    );
    expect(() => createProfiler({ types: { x: 'text' as never } })).toThrow(
      /options.types.x' must be 'numeric' or 'categorical'/,
    );
    expect(() => createProfiler({ features: 'x' as never })).toThrow(/options.features/);
    expect(() => createProfiler({ chunkRows: 0 })).toThrow(/options.chunkRows/);
    expect(() => createProfiler().merge({} as never)).toThrow(LockstepError);
    expect(() => createProfiler().update(5 as never)).toThrow(/profiler.update: argument 'data'/);
  });
});

describe('profiles from elsewhere', () => {
  it('are validated before they merge: mergeProfiles checks them, profiler.merge asks for parseProfile', async () => {
    const { mergeProfiles, parseProfile } = await import('../../src/stats/index.js');
    const json = JSON.parse(JSON.stringify(profile({ x: [1, 2] })));
    expect(mergeProfiles(json, profile({ x: [3] })).rows).toBe(3);
    expect(() => createProfiler().merge(json)).toThrow(
      /profiler.merge: argument 'other' must be a profile made by lockstep or checked by parseProfile/,
    );
    expect(createProfiler().merge(parseProfile(json)).rows).toBe(2);
    json.features[0].numeric.max = 1e9;
    expect(() => mergeProfiles(json)).toThrow(/fingerprint does not match/);
  });
});

describe('profileStream', () => {
  it('profiles an async iterable of single rows in bounded batches, equal to profile of them all', async () => {
    const { profileStream } = await import('../../src/stats/index.js');
    const rows = Array.from({ length: 2500 }, (_, i) => ({ x: i % 97, c: `k${i % 7}` }));
    async function* lines() {
      for (const row of rows) yield row;
    }
    const batches: number[] = [];
    const streamed = await profileStream(lines(), {
      batchRows: 1000,
      onProgress: (p) => batches.push(p.rows),
    });
    expect(batches).toEqual([1000, 2000, 2500]);
    const whole = profile(rows);
    expect(streamed.rows).toBe(2500);
    const [a, b] = [feature(streamed, 'x').numeric!, feature(whole, 'x').numeric!];
    expect([a.count, a.min, a.max, a.zeros, a.quantiles]).toEqual([
      b.count,
      b.min,
      b.max,
      b.zeros,
      b.quantiles,
    ]);
    expect(a.mean).toBeCloseTo(b.mean!, 12); // merged per batch (Chan), equal to rounding
    expect(a.variance).toBeCloseTo(b.variance!, 10);
    expect(feature(streamed, 'c').categorical).toEqual(feature(whole, 'c').categorical);
  });

  it('takes batches and rows mixed, from a plain iterable', async () => {
    const { profileStream } = await import('../../src/stats/index.js');
    const p = await profileStream([[{ x: 1 }, { x: 2 }], { x: 3 }, [{ x: 6 }]]);
    expect(feature(p, 'x').numeric).toMatchObject({ count: 4, min: 1, max: 6 });
  });

  it('rejects what is not a stream, and a bad batch size', async () => {
    const { profileStream } = await import('../../src/stats/index.js');
    await expect(profileStream(5 as never)).rejects.toThrow(
      /profileStream: argument 'source' must be an iterable/,
    );
    await expect(profileStream([], { batchRows: 0 })).rejects.toThrow(/options.batchRows/);
  });
});

describe('strict arguments', () => {
  it.each([
    ['profile', () => profile([{ x: 1 }], { feature: ['x'] } as never)],
    ['createProfiler', () => createProfiler({ feature: ['x'] } as never)],
  ])('%s: a misspelled option is an INVALID_ARGUMENT naming the key meant', (fn, call) => {
    catchLockstep(call, {
      code: 'INVALID_ARGUMENT',
      fn,
      arg: 'options.feature',
      message: new RegExp(
        `^${fn}: argument 'options' has an unknown key "feature" \\(did you mean "features"\\?\\)`,
      ),
    });
  });

  it('profileStream: a misspelled option rejects, naming the key meant', async () => {
    const { profileStream } = await import('../../src/stats/index.js');
    await rejectsLockstep(() => profileStream([{ x: 1 }], { batchRow: 10 } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'profileStream',
      message: /unknown key "batchRow" \(did you mean "batchRows"\?\)/,
    });
    await rejectsLockstep(() => profileStream([{ x: 1 }], { batchRows: 2 ** 32 }), {
      arg: 'options.batchRows',
    });
  });

  it.each([
    ['options that are a string', () => profile([{ x: 1 }], 'features' as never), 'options'],
    ['sketches that are a string', () => createProfiler({ sketches: 'big' as never }), 'options.sketches'],
    [
      'an unknown sketch size',
      () => createProfiler({ sketches: { quantilek: 8 } as never }),
      'options.sketches.quantilek',
    ],
    ['a NaN chunk size', () => createProfiler({ chunkRows: Number.NaN }), 'options.chunkRows'],
    ['a chunk size past 2^24', () => createProfiler({ chunkRows: 2 ** 25 }), 'options.chunkRows'],
    ['repeated features', () => createProfiler({ features: ['a', 'a'] }), 'options.features[1]'],
    ['types that are null', () => createProfiler({ types: null as never }), 'options.types'],
    [
      'a callback that is not a function',
      () => createProfiler({ onProgress: 1 as never }),
      'options.onProgress',
    ],
  ])('refuses %s, naming the argument', (_, call, arg) => {
    catchLockstep(call, { code: 'INVALID_ARGUMENT', arg });
  });

  it('profiler.merge refuses null, NaN, a number and a row, and merges a profiler into itself as twice its data', () => {
    const p = createProfiler().update({ x: [1, 2, 3] });
    for (const other of [null, Number.NaN, 3, { x: 1 }, undefined])
      catchLockstep(() => p.merge(other as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'profiler.merge',
        arg: 'other',
      });
    p.merge(p);
    expect(p.rows).toBe(6);
    expect(feature(p.result(), 'x').numeric).toMatchObject({ count: 6, mean: 2, min: 1, max: 3 });
  });

  it('mergeProfiles refuses what is not a profile, naming its position', async () => {
    const { mergeProfiles } = await import('../../src/stats/index.js');
    const p = profile({ x: [1] });
    catchLockstep(() => mergeProfiles(p, null as never), { code: 'INVALID_ARGUMENT', arg: 'profiles[1]' });
    catchLockstep(() => mergeProfiles(p, { kind: 'lockstep.profile' } as never), {
      code: 'INVALID_ARTIFACT',
      arg: 'profiles[1]',
    });
    catchLockstep(() => mergeProfiles(p, profile({ x: [1] }, { sketches: { quantileK: 16 } })), {
      code: 'INVALID_ARGUMENT',
      fn: 'mergeProfiles',
      arg: 'profiles[1]',
      message: /only equal sizes merge/,
    });
  });

  it('refuses a Frame-like batch of length -1 or NaN, or with a column that is a number, at update', () => {
    const column = { kind: 'numeric', values: new Float64Array(2), valid: undefined } as const;
    for (const length of [-1, Number.NaN, 1.5]) {
      const p = createProfiler();
      catchLockstep(() => p.update(makeFrame(length, new Map([['x', column]]))), {
        code: 'INVALID_ARGUMENT',
        fn: 'profiler.update',
        arg: 'data',
      });
      expect(p.rows).toBe(0);
      expect(p.result().rows).toBe(0);
    }
    const bad = makeFrame(2, new Map([['x', 5 as never]]));
    catchLockstep(() => profile(bad), { code: 'INVALID_ARGUMENT', fn: 'profile', message: /column "x"/ });
    const short = makeFrame(3, new Map([['x', column]]));
    catchLockstep(() => profile(short), { code: 'INVALID_ARGUMENT', message: /column "x"/ });
  });
});

describe('ISO-8601 date strings', () => {
  it('profiles a column of dates or date-times as timestamps (epoch ms, read as UTC without an offset)', () => {
    const p = profile([
      {
        day: '2026-01-05',
        at: '2026-01-05T10:00:00Z',
        local: '2026-01-05 10:00',
        zoned: '2026-01-05T12:00:00.5+02:00',
      },
      {
        day: null,
        at: '2026-01-06T10:00:00Z',
        local: '2026-01-05 11:30:15',
        zoned: '2026-01-05T10:00:00-01:30',
      },
      { day: '2026-01-07', at: undefined, local: '2026-01-05T09:00', zoned: '2026-01-05T10:00Z' },
    ]);
    const day = feature(p, 'day');
    expect([day.type, day.present, day.missing, day.types]).toEqual([
      'timestamp',
      2,
      1,
      { number: 2, string: 0, boolean: 0, other: 0 },
    ]);
    expect(day.numeric).toMatchObject({ count: 2, min: Date.UTC(2026, 0, 5), max: Date.UTC(2026, 0, 7) });
    expect(feature(p, 'at').numeric).toMatchObject({
      min: Date.UTC(2026, 0, 5, 10),
      max: Date.UTC(2026, 0, 6, 10),
    });
    expect(feature(p, 'local').numeric).toMatchObject({
      min: Date.UTC(2026, 0, 5, 9),
      max: Date.UTC(2026, 0, 5, 11, 30, 15),
    });
    expect(feature(p, 'zoned').numeric).toMatchObject({
      min: Date.UTC(2026, 0, 5, 10),
      max: Date.UTC(2026, 0, 5, 11, 30),
    });
    expect(quantiles(p, 'day', [0, 1])).toEqual([Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 7)]);
  });

  it('gives the same profile as the same dates given as Date objects', () => {
    const texts = ['2026-03-01', '2026-03-04', '2025-12-31', '2026-03-01'];
    const fromText = feature(profile({ d: texts }), 'd');
    const fromDates = feature(profile({ d: texts.map((t) => new Date(`${t}T00:00:00Z`)) }), 'd');
    expect(fromText).toEqual(fromDates);
  });

  it.each([
    ['one value that is not a date', ['2026-01-05', '2026-01-06', 'n/a']],
    ['slashes', ['2026/01/05', '2026/01/06']],
    ['an impossible date', ['2026-02-28', '2026-02-30']],
    ['surrounding space', [' 2026-01-05', '2026-01-06']],
    ['a trailing space', ['2026-01-05 ', '2026-01-06']],
    ['an offset on a bare date', ['2026-01-05Z']],
    ['a lower-case separator', ['2026-01-05t10:00']],
    ['a year alone, and a month', ['2026', '2026-01']],
    ['words of the same length', ['abcd-ef-gh', 'abcd-ef-gi']],
    ['a time without minutes', ['2026-01-05T10']],
  ])('keeps a column with %s categorical', (_, values) => {
    const f = feature(profile({ c: values }), 'c');
    expect(f.type).toBe('categorical');
    expect(f.numeric).toBeUndefined();
  });

  it('reads dictionary-encoded (Arrow) date strings the same way as plain ones', () => {
    const dictionary = ['2026-01-02', 'unused text', '2026-01-01'];
    const frame = makeFrame(
      4,
      new Map([['d', { kind: 'dictionary', codes: Int32Array.of(0, 2, -1, 0), dictionary } as const]]),
    );
    const fromDictionary = feature(profile(frame), 'd');
    const fromStrings = feature(
      profile([{ d: '2026-01-02' }, { d: '2026-01-01' }, {}, { d: '2026-01-02' }]),
      'd',
    );
    expect(fromDictionary.type).toBe('timestamp');
    expect(fromDictionary).toEqual(fromStrings);
  });

  it("leaves dates as text when the feature is read as 'categorical', and does not parse them as numbers", () => {
    const p = profile({ d: ['2026-01-05', '2026-01-06'] }, { types: { d: 'categorical' } });
    expect(feature(p, 'd').type).toBe('categorical');
    const n = profile({ d: ['2026-01-05'] }, { types: { d: 'numeric' } });
    expect([feature(n, 'd').type, feature(n, 'd').invalid]).toEqual(['numeric', 1]);
  });

  it('decides batch by batch in a profiler, as merging the batches’ profiles would', async () => {
    const { mergeProfiles } = await import('../../src/stats/index.js');
    const a = [{ d: '2026-01-05' }, { d: '2026-01-06' }];
    const b = [{ d: 'unknown' }];
    const streamed = createProfiler().update(a).update(b).result();
    const merged = mergeProfiles(profile(a), profile(b));
    expect(feature(streamed, 'd')).toEqual(feature(merged, 'd'));
    expect(feature(streamed, 'd').type).toBe('mixed');
    expect(feature(profile([...a, ...b]), 'd').type).toBe('categorical');
  });
});
