// Hostile inputs to profileInWorkers: every call resolves to a profile or rejects with a LockstepError
// (never a TypeError or a hang), no thread is left running, and nothing reaches Object.prototype. Runs
// are few: a call that gets as far as the threads starts real worker threads.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFrame } from '../../src/core/frame.js';
import { parseProfile } from '../../src/stats/index.js';
import { profileInWorkers } from '../../src/stats/workers/index.js';
import { rejectsLockstep } from '../helpers/errors.js';
import {
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
  throwingGetters,
} from '../helpers/hostile.js';

const numeric = { kind: 'numeric', values: new Float64Array(3), valid: undefined } as const;

/** Batches and sources with a bad shape, and rows whose cells are hostile values. */
const sources = fc.oneof(
  hostile(),
  fc.constantFrom<unknown>(
    [makeFrame(-1, new Map([['x', numeric]]))],
    [makeFrame(Number.NaN, new Map([['x', numeric]]))],
    makeFrame(3, new Map([['x', 5 as never]])),
    [{ x: { length: -1 } }],
    [{ x: { length: Number.NaN } }],
    [[{ x: 1 }], undefined],
    { numRows: Number.NaN, schema: { fields: [] }, getChild: () => null, batches: [] },
    { numRows: -1, schema: { fields: [] }, getChild: () => null },
    [throwingGetters()],
  ),
  fc
    .array(fc.nat({ max: hostileValues().length - 1 }), { minLength: 1, maxLength: 3 })
    .map((picks) => [picks.map((i, k) => ({ x: hostileValues()[i], d: '2026-01-0' + (k + 1) }))]),
);

const options = fc.oneof(
  hostile(),
  fc.record(
    {
      workers: fc.oneof(fc.constant(1), hostile()),
      feature: fc.constant(['x']),
      sketches: hostile(),
      chunkRows: hostile(),
    },
    { requiredKeys: ['workers'] },
  ),
);

describe('profileInWorkers under hostile input', () => {
  afterAll(() => expectNoPrototypePollution());

  it('resolves to a profile or rejects with a LockstepError', async () => {
    await fc.assert(
      fc.asyncProperty(sources, options, async (source, o) => {
        await expectLockstepOrResultAsync(async () => {
          const p = await profileInWorkers(source as never, o as never);
          expect(parseProfile(JSON.stringify(p))).toEqual(p); // what it writes, it reads back
        });
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a misspelled option, naming the key meant, before any thread starts', async () => {
    await rejectsLockstep(() => profileInWorkers([[{ x: 1 }]], { chunkRow: 10 } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'profileInWorkers',
      message: /unknown key "chunkRow" \(did you mean "chunkRows"\?\)/,
    });
    await rejectsLockstep(() => profileInWorkers([[{ x: 1 }]], { workers: 2 ** 31 }), {
      arg: 'options.workers',
    });
    await rejectsLockstep(() => profileInWorkers([makeFrame(Number.NaN, new Map([['x', numeric]]))]), {
      code: 'INVALID_ARGUMENT',
      arg: 'source[0]',
    });
  });

  it('profiles ISO-8601 date strings as timestamps in the threads, as profile does', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      d: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
    }));
    const p = await profileInWorkers([rows.slice(0, 20), rows.slice(20)], { workers: 2 });
    expect(p.features[0]).toMatchObject({ name: 'd', type: 'timestamp', present: 40 });
  });
});
