import { describe, expect, it } from 'vitest';
import { createProfiler, type FeatureProfile, LockstepError, profile } from '../../src/index.js';

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
