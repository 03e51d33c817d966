import { describe, expect, it } from 'vitest';
import { withFingerprint } from '../../src/core/artifact.js';
import { float64ToBase64 } from '../../src/core/base64.js';
import type { LockstepError } from '../../src/core/errors.js';
import {
  cdf,
  histogram,
  type ProfileArtifact,
  parseProfile,
  profile,
  quantiles,
  topValues,
} from '../../src/stats/index.js';
import golden from '../fixtures/golden-profile.json' with { type: 'json' };
import reads from '../fixtures/golden-profile-reads.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';

const sample = () =>
  profile([
    { x: 1.5, c: 'a' },
    { x: Number.NaN, c: 'b' },
    { x: null, c: null },
  ]);
/** A deep copy of the sample profile as plain JSON, edited by `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary JSON paths of the artifact.
function edited(edit: (p: Record<string, any>) => void): string {
  const json = JSON.parse(JSON.stringify(sample()));
  edit(json);
  return JSON.stringify(json);
}

function artifactError(json: unknown): LockstepError {
  return catchLockstep(() => parseProfile(json), { code: 'INVALID_ARTIFACT' });
}

describe('parseProfile', () => {
  it('round-trips a profile through JSON text, with compact base64 sketches', () => {
    const p = profile({
      x: Float64Array.from({ length: 50_000 }, (_, i) => i % 977),
      c: Array.from({ length: 50_000 }, (_, i) => `v${i % 3000}`),
    });
    const text = JSON.stringify(p);
    expect(parseProfile(text)).toEqual(p);
    expect(typeof p.features[0]!.numeric!.quantiles.items).toBe('string');
    expect(typeof p.features[1]!.categorical!.hll).toBe('string');
    expect(text.length).toBeLessThan(80_000);
  });

  it('loads the golden profile written by formatVersion 1 and reads the same answers from it', () => {
    const p = parseProfile(golden);
    expect(p.rows).toBe(200_000);
    expect(quantiles(p, 'amount', reads.ps)).toEqual(reads.quantiles.amount);
    expect(quantiles(p, 'ratio', reads.ps)).toEqual(reads.quantiles.ratio);
    expect(quantiles(p, 'when', reads.ps)).toEqual(reads.quantiles.when);
    expect(histogram(p, 'amount', { bins: 5 })).toEqual(reads.histogram);
    expect(topValues(p, 'city', 4)).toEqual(reads.top.city);
    expect(topValues(p, 'session', 5)).toEqual(reads.top.session);
    expect(p.features.map((f) => [f.name, f.type])).toEqual([
      ['amount', 'numeric'],
      ['ratio', 'numeric'],
      ['city', 'categorical'],
      ['session', 'categorical'],
      ['when', 'timestamp'],
      ['flag', 'boolean'],
      ['mixed', 'mixed'],
      ['empty', 'empty'],
    ]);
  });

  it.each([
    ['text that is not JSON', '{"kind":', /parseProfile: argument 'json' is not valid JSON/],
    ['another artifact kind', edited((p) => (p.kind = 'lockstep.schema')), /at|\$\.kind/],
    ['a future format version', edited((p) => (p.formatVersion = 2)), /\$\.formatVersion/],
    ['a negative count', edited((p) => (p.features[0].numeric.nan = -1)), /\$\.features\[0\]\.numeric\.nan/],
    ['a count that is not an integer', edited((p) => (p.rows = 2.5)), /\$\.rows/],
    [
      'bad base64 in a sketch',
      edited((p) => (p.features[0].numeric.quantiles.items = 'not base64!')),
      /\$\.features\[0\]\.numeric\.quantiles\.items: must be base64/,
    ],
    [
      'sketch levels that do not add up',
      edited((p) => (p.features[0].numeric.quantiles.levels = [5])),
      /\$\.features\[0\]\.numeric\.quantiles\.levels/,
    ],
    [
      'HyperLogLog registers of the wrong size',
      edited((p) => (p.features[1].categorical.hll = 'AAAA')),
      /\$\.features\[1\]\.categorical\.hll: must hold 2\^12 registers/,
    ],
    [
      'counts that do not add up to the rows',
      edited((p) => (p.features[0].missing = 7)),
      /\$\.features\[0\]\.missing: present \+ missing must equal rows/,
    ],
    ['a duplicate feature', edited((p) => p.features.push(p.features[0])), /duplicate feature "x"/],
    [
      'an edited value (fingerprint mismatch)',
      edited((p) => (p.features[0].numeric.max = 99)),
      /\$\.fingerprint does not match the content/,
    ],
  ])('rejects %s with INVALID_ARTIFACT and the JSON path', (_, json, message) => {
    expect(artifactError(json).message).toMatch(message);
  });

  it('lists every problem in issues', () => {
    const e = artifactError(
      edited((p) => {
        p.rows = -1;
        p.kind = 'x';
      }),
    );
    expect(e.issues.length).toBeGreaterThanOrEqual(2);
    expect(e.issues).toContainEqual(expect.objectContaining({ path: '$.kind' }));
  });
});

describe('reading a profile', () => {
  const p: ProfileArtifact = profile({
    x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    c: ['a', 'b', 'a', 'c', 'a', 'b', 'd', 'e', 'f', 'g'],
  });

  it('quantiles: exact while the sketch is exact; min and max at 0 and 1', () => {
    expect(quantiles(p, 'x', [0, 0.1, 0.5, 0.55, 0.9, 1])).toEqual([1, 1, 5, 6, 9, 10]);
    expect(quantiles(profile({ x: [Number.NaN] }), 'x', [0.5])).toEqual([Number.NaN]);
  });

  it('histograms: equal width, equal mass, explicit edges with underflow and overflow', () => {
    expect(histogram(p, 'x', { bins: 3 })).toEqual({
      edges: [1, 4, 7, 10],
      counts: [3, 3, 4],
      underflow: 0,
      overflow: 0,
      exact: true,
    });
    const q = histogram(p, 'x', { bins: 2, kind: 'quantile' });
    expect(q.edges).toEqual([1, 5, 10]);
    expect(q.counts).toEqual([4, 6]);
    expect(histogram(p, 'x', { edges: [2.5, 5, 8] })).toEqual({
      edges: [2.5, 5, 8],
      counts: [2, 4],
      underflow: 2,
      overflow: 2,
      exact: true,
    });
  });

  it('topValues: by count, then value; exact counts with upper bound equal', () => {
    expect(topValues(p, 'c', 3)).toEqual([
      { value: 'a', count: 3, upperBound: 3 },
      { value: 'b', count: 2, upperBound: 2 },
      { value: 'c', count: 1, upperBound: 1 },
    ]);
  });

  it('rejects unknown features, the wrong kind of feature and bad arguments', () => {
    expect(() => quantiles(p, 'nope', [0.5])).toThrow(
      /quantiles: argument 'feature' must name a feature of the profile \("x", "c"\), got "nope"/,
    );
    expect(() => quantiles(p, 'c', [0.5])).toThrow(
      /must be a feature with numeric values, but it is categorical/,
    );
    expect(() => quantiles(p, 'x', [1.5])).toThrow(/argument 'ps\[0\]' must be a number in \[0, 1\]/);
    expect(() => topValues(p, 'x', 2)).toThrow(/must be a feature with categorical values/);
    expect(() => topValues(p, 'c', -1)).toThrow(/argument 'k'/);
    expect(() => histogram(p, 'x', { edges: [3, 2] })).toThrow(/options.edges/);
    expect(() => histogram(p, 'x', { bins: 0 })).toThrow(/options.bins/);
    expect(() => quantiles({} as never, 'x', [0.5])).toThrow(
      /argument 'profile' must be a lockstep.profile artifact/,
    );
  });
});

describe('profiles are frozen artifacts', () => {
  const data = { x: [1, 2, 3, 4, 5], c: ['a', 'b', 'a', 'c', 'a'] };

  it('profile, result, mergeProfiles and parseProfile return deeply frozen profiles', async () => {
    const { createProfiler, mergeProfiles } = await import('../../src/stats/index.js');
    const p = profile(data);
    const made = [
      p,
      createProfiler().update(data).result(),
      mergeProfiles(p, profile(data)),
      parseProfile(JSON.stringify(p)),
    ];
    for (const q of made) {
      expect(Object.isFrozen(q)).toBe(true);
      expect(Object.isFrozen(q.features)).toBe(true);
      expect(Object.isFrozen(q.features[0]!.numeric!.quantiles.levels)).toBe(true);
      expect(Object.isFrozen(q.features[1]!.categorical!.frequencies[0])).toBe(true);
      expect(() => {
        (q.features[0]!.numeric as { max: number }).max = 99;
      }).toThrow(TypeError);
    }
  });

  it('parseProfile returns a profile lockstep made or parsed as it is, and parses a copy afresh', () => {
    const p = profile(data);
    expect(parseProfile(p)).toBe(p);
    const copy = parseProfile(JSON.parse(JSON.stringify(p)));
    expect(copy).not.toBe(p);
    expect(copy).toEqual(p);
    expect(parseProfile(copy)).toBe(copy);
  });

  it('a cached read cannot go stale: to change a profile, edit its JSON and parse it (new answers)', () => {
    const p = profile({ x: [1, 2, 3, 4, 5] });
    expect(quantiles(p, 'x', [0.5])).toEqual([3]); // decodes and caches the sketch
    expect(() => {
      (p.features[0]!.numeric!.quantiles as { items: string }).items = '';
    }).toThrow(TypeError);
    expect(quantiles(p, 'x', [0.5])).toEqual([3]);
    const other = profile({ x: [10, 20, 30, 40, 50] });
    // The JSON of p with the sketch of other (and a fingerprint to match) is a new profile, read anew.
    const json = JSON.parse(JSON.stringify(p));
    json.features[0].numeric = JSON.parse(JSON.stringify(other.features[0]!.numeric));
    delete json.fingerprint;
    const edited = parseProfile(withFingerprint(json));
    expect(quantiles(edited, 'x', [0.5])).toEqual([30]);
    expect(quantiles(p, 'x', [0.5])).toEqual([3]);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON paths of the artifact.
type Json = Record<string, any>;

describe('readers take only profiles lockstep made or parsed', () => {
  const p = profile({ x: [1, 2, 3, 4], c: ['a', 'b', 'a', 'b'] });
  const json = () => JSON.parse(JSON.stringify(p));
  const readers: [string, (q: unknown) => unknown][] = [
    ['quantiles', (q) => quantiles(q as ProfileArtifact, 'x', [0.5])],
    ['cdf', (q) => cdf(q as ProfileArtifact, 'x', [2])],
    ['histogram', (q) => histogram(q as ProfileArtifact, 'x')],
    ['topValues', (q) => topValues(q as ProfileArtifact, 'c', 1)],
  ];

  it.each(readers)(
    '%s refuses a copy from JSON with INVALID_ARTIFACT, pointing at parseProfile',
    (fn, read) => {
      catchLockstep(() => read(json()), {
        code: 'INVALID_ARTIFACT',
        fn,
        arg: 'profile',
        message: new RegExp(
          `^${fn}: argument 'profile' must be a profile made by lockstep or checked by parseProfile`,
        ),
      });
      expect(() => read(parseProfile(json()))).not.toThrow();
    },
  );

  it.each([
    ['features that are an object', (q: Json) => (q.features = {})],
    ['a KLL sketch without levels', (q: Json) => delete q.features[0].numeric.quantiles.levels],
    ['a count that is a BigInt', (q: Json) => (q.features[0].present = 4n)],
    ['numeric stats wrapped in an array', (q: Json) => (q.features[0].numeric = [q.features[0].numeric])],
  ])('a profile with %s is an INVALID_ARTIFACT for every reader and for parseProfile', (_, edit) => {
    const broken = json();
    edit(broken);
    for (const [fn, read] of readers) catchLockstep(() => read(broken), { code: 'INVALID_ARTIFACT', fn });
    catchLockstep(() => parseProfile(broken), { code: 'INVALID_ARTIFACT', fn: 'parseProfile' });
  });

  it('refuses a sketch whose levels hold a 100 kB string quickly, by its declared size', () => {
    const broken = json();
    broken.features[0].numeric.quantiles.items = 'A'.repeat(100_000);
    const start = performance.now();
    const e = catchLockstep(() => parseProfile(broken), {
      code: 'INVALID_ARTIFACT',
      path: '$.features[0].numeric.quantiles.items',
    });
    expect(e.message).toMatch(/must hold at most \d+ values \(a sketch of k = 400 retains no more\)/);
    expect(performance.now() - start).toBeLessThan(200);
    const levels = json();
    levels.features[0].numeric.quantiles.levels = 'x'.repeat(100_000);
    catchLockstep(() => parseProfile(levels), {
      code: 'INVALID_ARTIFACT',
      path: '$.features[0].numeric.quantiles.levels',
    });
  });

  it.each([
    [
      'a sketch size other than the declared one',
      (q: Json) => (q.features[0].numeric.quantiles.k = 200),
      '$.features[0].numeric.quantiles.k',
    ],
    [
      'a sampler level past the levels',
      (q: Json) => (q.features[0].numeric.quantiles.sampler.level = 3),
      '$.features[0].numeric.quantiles.sampler.level',
    ],
    [
      'sketch items that are not finite',
      (q: Json) =>
        (q.features[0].numeric.quantiles.items = float64ToBase64(Float64Array.of(1, 2, Number.NaN, 4))),
      '$.features[0].numeric.quantiles.items',
    ],
    [
      'types that do not add up to present',
      (q: Json) => (q.features[0].types.number = 9),
      '$.features[0].types',
    ],
    [
      'a repeated frequent value',
      (q: Json) => (q.features[1].categorical.frequencies[1][0] = 'a'),
      '$.features[1].categorical.frequencies[1]',
    ],
    [
      'more frequent values than the capacity',
      (q: Json) => (q.sketches.frequentCapacity = 1),
      '$.features[1].categorical.frequencies',
    ],
    [
      'a HyperLogLog register too high for p',
      (q: Json) => (q.features[1].categorical.hll = `/w==${'A'.repeat(5460)}`),
      '$.features[1].categorical.hll',
    ],
  ])('parseProfile refuses %s, with its path', (_, edit, path) => {
    const broken = json();
    edit(broken);
    catchLockstep(() => parseProfile(broken), { code: 'INVALID_ARTIFACT', path });
  });
});

describe('reader arguments', () => {
  const p = profile({ x: [1, 2, 3, 4], c: ['a', 'b', 'a', 'b'] });

  it('refuses unknown histogram options, naming the closest known key', () => {
    catchLockstep(() => histogram(p, 'x', { bin: 3 } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.bin',
      message: /^histogram: argument 'options' has an unknown key "bin" \(did you mean "bins"\?\)/,
    });
    catchLockstep(() => histogram(p, 'x', 'bins' as never), { code: 'INVALID_ARGUMENT', arg: 'options' });
    catchLockstep(() => histogram(p, 'x', { bins: 2 ** 32 }), { arg: 'options.bins' });
    catchLockstep(() => histogram(p, 'x', { kind: 'log' as never }), { arg: 'options.kind' });
  });

  it('refuses points that are not an array of numbers, and huge or sparse arrays before walking them', () => {
    const sparse: number[] = [];
    sparse[2 ** 32 - 2] = 0.5;
    catchLockstep(() => quantiles(p, 'x', sparse), { code: 'INVALID_ARGUMENT', arg: 'ps' });
    const holed = [0.5, 0.6, 0.7];
    delete holed[1];
    catchLockstep(() => quantiles(p, 'x', holed), { arg: 'ps[1]' });
    catchLockstep(() => cdf(p, 'x', 3 as never), { code: 'INVALID_ARGUMENT', arg: 'xs' });
    catchLockstep(() => cdf(p, 'x', ['3'] as never), { arg: 'xs[0]' });
    catchLockstep(() => topValues(p, 'c', Number.NaN), { arg: 'k' });
    catchLockstep(() => quantiles(p, 5 as never, [0.5]), { arg: 'feature' });
  });
});
