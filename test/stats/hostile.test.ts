// Hostile inputs to every public function of lockstep/stats (and the profile helpers lockstep/drift uses):
// each call gives a result or a LockstepError, never a TypeError, a RangeError, a stack overflow or a hang,
// and nothing reaches Object.prototype. Valid profiles with one field corrupted are refused by every
// reader, and what lockstep writes it reads back.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { makeFrame } from '../../src/core/frame.js';
import { isProfile } from '../../src/stats/artifact.js';
import {
  cdf,
  correlations,
  createProfiler,
  featureLabelAssociation,
  histogram,
  mergeProfiles,
  type ProfileArtifact,
  parseProfile,
  profile,
  profileStream,
  quantiles,
  topValues,
} from '../../src/stats/index.js';
import { profileFeature } from '../../src/stats/read.js';
import {
  corruption,
  corruptOne,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 150 };

/** An array of `length` holes, made without allocating them. */
function sparse(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}

/** A valid profile of every feature type, and its JSON. */
const valid = profile([
  { n: 1.5, c: 'a', b: true, d: '2026-01-05', m: 1 },
  { n: -2, c: 'b', b: false, d: '2026-01-06', m: 'x' },
  { n: Number.NaN, c: null, b: true, d: null, m: null },
  { n: 7, c: 'a', b: null, d: '2026-02-01', m: 2 },
]);
const validJson = JSON.parse(JSON.stringify(valid)) as unknown;

/** Frame-like objects with a bad shape: lengths of -1 and NaN, columns that are numbers or of no kind. */
function badFrames(): unknown[] {
  const numeric = { kind: 'numeric', values: new Float64Array(3), valid: undefined };
  return [
    makeFrame(-1, new Map([['x', numeric as never]])),
    makeFrame(Number.NaN, new Map([['x', numeric as never]])),
    makeFrame(2 ** 40, new Map([['x', numeric as never]])),
    makeFrame(3, new Map([['x', 5 as never]])),
    makeFrame(3, new Map([['x', { kind: 'other', values: [] } as never]])),
    makeFrame(3, new Map([['x', { kind: 'numeric', values: [1, 2, 3] } as never]])),
    makeFrame(
      3,
      new Map([['x', { kind: 'dictionary', codes: Int32Array.of(0, 1, 9), dictionary: [1, 2] } as never]]),
    ),
    makeFrame(
      3,
      new Map([
        ['x', { kind: 'dictionary', codes: Int32Array.of(0, 5, -1), dictionary: ['2026-01-01'] } as never],
      ]),
    ),
    makeFrame(1, new Map([['x', { kind: 'string', values: [Object.create(null)] } as never]])),
    { kind: 'lockstep.frame', length: 2, names: ['x'], columns: new Map([['y', numeric]]) },
    { kind: 'lockstep.frame', length: 2, names: null, columns: new Map() },
    { kind: 'lockstep.frame', length: -1, columns: new Map() },
  ];
}

/** Data: hostile values, bad Frames, rows and columns holding hostile cells. */
const data = fc.oneof(
  hostile(),
  fc.nat({ max: badFrames().length - 1 }).map((i) => badFrames()[i]),
  fc
    .array(fc.nat({ max: hostileValues().length - 1 }), { maxLength: 6 })
    .map((picks) =>
      picks.map((i, k) => ({ x: hostileValues()[i], k: k % 2 === 0 ? '2026-01-01' : 'a', y: k })),
    ),
  fc
    .array(fc.nat({ max: hostileValues().length - 1 }), { maxLength: 4 })
    .map((picks) => Object.fromEntries(picks.map((i, k) => [`c${k}`, hostileValues()[i]]))),
  fc.constant({ x: [Object.create(null), Object.create(null)], y: [1, 2] }),
  fc.constant([protoKey(), protoKey()]),
  fc.constant([{ x: '2026-01-01' }, { x: throwingGetters() }]),
  fc.constant([throwingProxy()]),
);

/** Options: hostile values, or objects of known and unknown keys with hostile values. */
function options(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostile(),
    fc
      .array(fc.tuple(fc.constantFrom(...keys, 'feature', '__proto__', 'bin'), hostile()), { maxLength: 3 })
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries)
          Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
        return o;
      }),
  );
}

/** Profiles: the valid one, hostile values, and its JSON with one field corrupted. */
const profiles = fc.oneof(
  fc.constant(valid as unknown),
  hostile(),
  fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(validJson, pick, bad)),
);

const PROFILE_KEYS = ['features', 'types', 'sketches', 'onProgress', 'chunkRows'];

describe('lockstep/stats under hostile input', () => {
  afterAll(() => expectNoPrototypePollution());

  it('profile', () => {
    fc.assert(
      fc.property(data, options(PROFILE_KEYS), (d, o) => {
        expectLockstepOrResult(() => profile(d as never, o as never));
      }),
      RUNS,
    );
  });

  it('createProfiler and its update, merge and result', () => {
    fc.assert(
      fc.property(options(PROFILE_KEYS), data, profiles, (o, d, other) => {
        let p: ReturnType<typeof createProfiler>;
        try {
          p = createProfiler(o as never);
        } catch (error) {
          expect(error).toBeInstanceOf(LockstepError);
          p = createProfiler();
        }
        expectLockstepOrResult(() => p.update(d as never));
        expectLockstepOrResult(() => p.merge(other as never));
        const result = p.result();
        expect(parseProfile(JSON.stringify(result))).toEqual(result); // what it writes, it reads back
      }),
      RUNS,
    );
  });

  it('profileStream', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          data,
          data.map((d) => [d]),
          hostile(),
        ),
        options([...PROFILE_KEYS, 'batchRows']),
        async (source, o) => {
          await expectLockstepOrResultAsync(() => profileStream(source as never, o as never));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('mergeProfiles and parseProfile', () => {
    fc.assert(
      fc.property(fc.array(profiles, { minLength: 0, maxLength: 3 }), (list) => {
        expectLockstepOrResult(() => mergeProfiles(...(list as ProfileArtifact[])));
        for (const p of list) expectLockstepOrResult(() => parseProfile(p));
      }),
      RUNS,
    );
  });

  it('a corrupted profile is refused by every reader, and parses only when the corruption changed nothing', () => {
    fc.assert(
      fc.property(fc.nat(), corruption(), (pick, bad) => {
        const broken = corruptOne(validJson, pick, bad);
        let parsed: ProfileArtifact | undefined;
        try {
          parsed = parseProfile(broken);
        } catch (error) {
          expect((error as LockstepError).code).toBe('INVALID_ARTIFACT');
        }
        // The fingerprint catches every edit: only a replacement equal to what was there parses.
        if (parsed) expect(parsed).toEqual(valid);
        for (const read of [
          () => quantiles(broken as never, 'n', [0.5]),
          () => cdf(broken as never, 'n', [0]),
          () => histogram(broken as never, 'n'),
          () => topValues(broken as never, 'c', 2),
          () => profileFeature('compare', broken as never, 'n'),
        ]) {
          expect(read).toThrow(LockstepError);
        }
        expect(isProfile(broken)).toBe(false);
      }),
      RUNS,
    );
  });

  it('quantiles, cdf, histogram and topValues', () => {
    fc.assert(
      fc.property(
        profiles,
        fc.oneof(fc.constantFrom('n', 'c', 'd', 'b', 'm', 'zz'), hostile()),
        hostile(),
        options(['bins', 'kind', 'edges']),
        (p, f, arg, o) => {
          expectLockstepOrResult(() => quantiles(p as never, f as never, arg as never));
          expectLockstepOrResult(() => cdf(p as never, f as never, arg as never));
          expectLockstepOrResult(() => histogram(p as never, f as never, o as never));
          expectLockstepOrResult(() => topValues(p as never, f as never, arg as never));
          expectLockstepOrResult(() => profileFeature('psi', p as never, f as never, 'reference'));
          expect(typeof isProfile(p)).toBe('boolean');
        },
      ),
      RUNS,
    );
  });

  it('correlations and featureLabelAssociation', () => {
    fc.assert(
      fc.property(
        data,
        options(['features', 'threshold', 'methods']),
        options(['label', 'features', 'bins', 'leakageThreshold']),
        (d, o, a) => {
          expectLockstepOrResult(() => correlations(d as never, o as never));
          expectLockstepOrResult(() => featureLabelAssociation(d as never, a as never));
          expectLockstepOrResult(() => featureLabelAssociation(d as never, { label: 'y', bins: a } as never));
        },
      ),
      RUNS,
    );
  });

  it('sizes that would exhaust memory or hang are refused at once', () => {
    const rows = [{ y: 1, x: 2 }];
    const [many, huge] = [sparse(2 ** 25), sparse(2 ** 30)]; // made before the clock starts
    const start = performance.now();
    for (const call of [
      () => featureLabelAssociation(rows, { label: 'y', bins: 2 ** 32 }),
      () => histogram(valid, 'n', { bins: 2 ** 32 }),
      () => histogram(valid, 'n', { edges: many as number[] }),
      () => createProfiler({ chunkRows: 2 ** 40 }),
      () => createProfiler({ sketches: { quantileK: 2 ** 30 } }),
      () => createProfiler({ sketches: { frequentCapacity: 2 ** 40 } }),
      () => quantiles(valid, 'n', huge as number[]),
      () => correlations(rows, { methods: huge as never }),
    ]) {
      expect(call).toThrow(LockstepError);
    }
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
