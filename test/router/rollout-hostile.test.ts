// Hostile inputs to every public entry of the rollout half of lockstep/router: createRollout and its
// methods, the step builders, parseRollout (whole artifacts with one field corrupted), and the memory and
// SQL stores. Each answers with a result or a LockstepError, never a TypeError, and pollutes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRollout } from '../../src/router/rollout.js';
import { createSqlRolloutStore } from '../../src/router/rollout-sql.js';
import { analyze, parseRollout, pause, setWeight } from '../../src/router/rollout-state.js';
import { createMemoryRolloutStore, type RolloutStore } from '../../src/router/rollout-store.js';
import {
  corruption,
  corruptOne,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
} from '../helpers/hostile.js';
import { pglite } from '../helpers/pglite.js';
import { stateOf } from './rollout-store-contract.js';

const database = pglite();

const base = () => ({
  name: 'r',
  steps: [setWeight(0.1), analyze({ maxRequests: 100 })],
  analysis: { metrics: { error: { direction: 'lower' as const } } },
  store: createMemoryRolloutStore(),
  now: () => 0,
});

describe('rollouts under hostile input', () => {
  it('createRollout, its options and the step builders answer with a result or a LockstepError', () => {
    const builds: ((x: unknown) => unknown)[] = [
      (x) => createRollout(x as never),
      (x) => createRollout({ ...base(), name: x } as never),
      (x) => createRollout({ ...base(), steps: x } as never),
      (x) => createRollout({ ...base(), steps: [x] } as never),
      (x) => createRollout({ ...base(), analysis: x } as never),
      (x) => createRollout({ ...base(), analysis: { metrics: x } } as never),
      (x) => createRollout({ ...base(), analysis: { metrics: { error: x } } } as never),
      (x) => createRollout({ ...base(), analysis: { ...base().analysis, alpha: x } } as never),
      (x) => createRollout({ ...base(), store: x } as never),
      (x) => createRollout({ ...base(), router: x } as never),
      (x) => createRollout({ ...base(), onSucceeded: x } as never),
      (x) => setWeight(x as never),
      (x) => pause(x as never),
      (x) => analyze(x as never),
    ];
    for (const build of builds) {
      fc.assert(
        fc.property(hostile(), (x) => expectLockstepOrResult(() => build(x))),
        { numRuns: 60 },
      );
      for (const x of hostileValues()) expectLockstepOrResult(() => build(x));
    }
    expectNoPrototypePollution();
  });

  it('a rollout’s methods answer with a result or a LockstepError, and a refused record leaves nothing', async () => {
    const rollout = createRollout(base());
    await rollout.start();
    const calls: ((x: unknown) => unknown)[] = [
      (x) => rollout.record(x as never, { error: 0 }),
      (x) => rollout.record('baseline', x as never),
      (x) => rollout.record('baseline', { error: x } as never),
      (x) => rollout.record('baseline', { error: 1 }, x as never),
    ];
    for (const call of calls) {
      fc.assert(
        fc.property(hostile(), (x) => expectLockstepOrResult(() => call(x))),
        { numRuns: 60 },
      );
      for (const x of hostileValues()) expectLockstepOrResult(() => call(x));
    }
    for (const change of ['abort', 'pause', 'resume', 'skip'] as const)
      for (const x of hostileValues())
        await expectLockstepOrResultAsync(() => createRollout(base())[change](x as never));
    expectNoPrototypePollution();
  });

  it('parseRollout refuses any one corrupted field with INVALID_ARTIFACT (or reads it when still valid)', () => {
    const json = JSON.parse(JSON.stringify(stateOf('r', 3)));
    fc.assert(
      fc.property(fc.nat(), corruption(), (pick, replacement) => {
        expectLockstepOrResult(() => parseRollout(corruptOne(json, pick, replacement)));
      }),
      { numRuns: 300 },
    );
    for (const x of hostileValues()) expectLockstepOrResult(() => parseRollout(x));
    expectNoPrototypePollution();
  });

  it('the memory and SQL stores answer with a result or a LockstepError', async () => {
    await database().query(
      'DROP TABLE IF EXISTS lockstep_rollout_migrations, lockstep_rollout_states, lockstep_rollout_observations',
    );
    const stores: RolloutStore[] = [
      createMemoryRolloutStore(),
      createSqlRolloutStore({ client: database() }),
    ];
    for (const store of stores) {
      const calls: ((x: unknown) => Promise<unknown>)[] = [
        (x) => store.load(x as never),
        (x) => store.save(x as never, 0),
        (x) => store.save(stateOf('r', 1), x as never),
        (x) => store.record(x as never, 'a', 0, { requests: { baseline: 0, candidate: 0 }, metrics: {} }),
        (x) => store.record('r', x as never, 0, { requests: { baseline: 0, candidate: 0 }, metrics: {} }),
        (x) => store.record('r', 'a', x as never, { requests: { baseline: 0, candidate: 0 }, metrics: {} }),
        (x) => store.record('r', 'a', 0, x as never),
        (x) => store.observations('r', x as never),
        (x) => store.observations(x as never),
      ];
      for (const call of calls) {
        await fc.assert(
          fc.asyncProperty(hostile(), async (x) => {
            await expectLockstepOrResultAsync(() => call(x));
          }),
          { numRuns: 20 },
        );
        for (const x of hostileValues()) await expectLockstepOrResultAsync(() => call(x));
      }
      // Nothing hostile was stored as a state.
      const held = await store.load('r');
      expect(held === undefined || held.name === 'r').toBe(true);
    }
    for (const x of hostileValues()) {
      expectLockstepOrResult(() => createSqlRolloutStore(x as never));
      expectLockstepOrResult(() => createSqlRolloutStore({ client: x } as never));
      expectLockstepOrResult(() => createSqlRolloutStore({ pool: x } as never));
    }
    expectNoPrototypePollution();
  }, 120_000);
});
