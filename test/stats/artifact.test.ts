import { describe, expect, it } from 'vitest';
import type { LockstepError } from '../../src/core/errors.js';
import {
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
