// What every rollout store does, whatever keeps it: the memory store, and the SQL store on PGlite and on a
// PostgreSQL server. A case opens an empty store.
import { describe, expect, it } from 'vitest';
import { analyze, type RolloutState, sealState, setWeight } from '../../src/router/rollout-state.js';
import type { RolloutObservations, RolloutStore } from '../../src/router/rollout-store.js';
import { rejectsLockstep } from '../helpers/errors.js';

export interface RolloutStoreCase {
  open(): Promise<RolloutStore>;
}

const at = '2026-12-01T00:00:00.000Z';

/** A state of rollout `name` at `revision`. */
export function stateOf(name: string, revision: number, weight = 0.1): RolloutState {
  return sealState({
    kind: 'lockstep.rollout',
    formatVersion: 1,
    name,
    revision,
    steps: [setWeight(weight), analyze({ maxRequests: 100 })],
    analysis: {
      metrics: { error: { direction: 'lower', margin: 0.01 } },
      alpha: 0.05,
      method: 'sequential',
      minSamples: 100,
      tuning: 5000,
      background: true,
    },
    phase: 'progressing',
    step: 1,
    weight,
    window: 1,
    startedAt: at,
    stepStartedAt: at,
    stepStartRequests: 0,
    reason: null,
    comparisons: {},
    events: [{ type: 'started', at, step: 0, weight: 0, reason: null, actor: null }],
  });
}

const delta = (b: number, c: number, errorsB: number, errorsC: number): RolloutObservations => ({
  requests: { baseline: b, candidate: c },
  metrics: {
    error: {
      baseline: { n: b, mean: b === 0 ? 0 : errorsB / b, m2: b === 0 ? 0 : errorsB - errorsB ** 2 / b },
      candidate: { n: c, mean: c === 0 ? 0 : errorsC / c, m2: c === 0 ? 0 : errorsC - errorsC ** 2 / c },
    },
  },
});

export function rolloutStoreContract(c: RolloutStoreCase): void {
  describe('states', () => {
    it('creates once, then writes only over the revision it read (compare-and-set)', async () => {
      const store = await c.open();
      expect(await store.load('r')).toBeUndefined();
      expect(await store.save(stateOf('r', 1), 0)).toBe(true);
      expect(await store.save(stateOf('r', 1, 0.2), 0)).toBe(false);
      expect(await store.load('r')).toEqual(stateOf('r', 1));
      expect(await store.save(stateOf('r', 2, 0.5), 1)).toBe(true);
      expect(await store.save(stateOf('r', 2, 0.7), 1)).toBe(false);
      expect(await store.save(stateOf('r', 3, 0.7), 3)).toBe(false);
      const held = await store.load('r');
      expect(held).toMatchObject({ revision: 2, weight: 0.5 });
      expect(Object.isFrozen(held)).toBe(true);
      expect(await store.load('other')).toBeUndefined();
    });

    it('of many writers over one revision, exactly one wins', async () => {
      const store = await c.open();
      await store.save(stateOf('r', 1), 0);
      const wins = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.save(stateOf('r', 2, (i + 1) / 20), 1)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await store.load('r'))!.weight).toBe((wins.indexOf(true) + 1) / 20);
    });

    it('refuses a state that is not a valid artifact', async () => {
      const store = await c.open();
      const edited = { ...JSON.parse(JSON.stringify(stateOf('r', 1))), weight: 0.9 };
      await rejectsLockstep(() => store.save(edited, 0), { code: 'INVALID_ARTIFACT', path: '$.fingerprint' });
      expect(await store.load('r')).toBeUndefined();
    });
  });

  describe('observations', () => {
    it('adds each replica’s deltas and sums the replicas', async () => {
      const store = await c.open();
      expect((await store.observations('r')).requests).toEqual({ baseline: 0, candidate: 0 });
      await store.record('r', 'a', 0, delta(100, 10, 1, 1));
      await store.record('r', 'a', 0, delta(100, 10, 3, 0));
      await store.record('r', 'b', 0, delta(50, 50, 0, 5));
      await store.record('other', 'a', 0, delta(7, 7, 7, 7));
      const o = await store.observations('r');
      expect(o.requests).toEqual({ baseline: 250, candidate: 70 });
      expect(o.metrics.error!.baseline.n).toBe(250);
      expect(o.metrics.error!.baseline.mean).toBeCloseTo(4 / 250, 14);
      expect(o.metrics.error!.candidate.mean).toBeCloseTo(6 / 70, 14);
      // m2 of 0/1 data with k ones in n is k − k²/n.
      expect(o.metrics.error!.candidate.m2).toBeCloseTo(6 - 36 / 70, 12);
    });

    it('keeps weight epochs apart: one epoch, or all of them', async () => {
      const store = await c.open();
      await store.record('r', 'a', 0, delta(10, 0, 1, 0));
      await store.record('r', 'a', 1, delta(5, 5, 0, 5));
      await store.record('r', 'b', 1, delta(5, 5, 0, 0));
      expect((await store.observations('r', 0)).requests).toEqual({ baseline: 10, candidate: 0 });
      expect((await store.observations('r', 1)).requests).toEqual({ baseline: 10, candidate: 10 });
      expect((await store.observations('r', 1)).metrics.error!.candidate).toEqual({
        n: 10,
        mean: 0.5,
        m2: 2.5,
      });
      expect((await store.observations('r', 2)).requests).toEqual({ baseline: 0, candidate: 0 });
      expect((await store.observations('r')).requests).toEqual({ baseline: 20, candidate: 10 });
    });

    it('loses nothing when one replica records concurrently', async () => {
      const store = await c.open();
      await Promise.all(Array.from({ length: 20 }, () => store.record('r', 'a', 0, delta(1, 2, 1, 0))));
      const o = await store.observations('r');
      expect(o.requests).toEqual({ baseline: 20, candidate: 40 });
      expect(o.metrics.error!.baseline).toEqual({ n: 20, mean: 1, m2: 0 });
    });

    it('refuses observations that are not', async () => {
      const store = await c.open();
      await rejectsLockstep(
        () => store.record('r', 'a', 0, { requests: { baseline: -1, candidate: 0 }, metrics: {} }),
        {
          code: 'INVALID_ARGUMENT',
          arg: 'delta.requests.baseline',
        },
      );
      await rejectsLockstep(
        () =>
          store.record('r', 'a', 0, {
            ...delta(1, 1, 0, 0),
            metrics: { error: { baseline: { n: 1, mean: 0, m2: 3 } } },
          } as never),
        { code: 'INVALID_ARGUMENT' },
      );
      await rejectsLockstep(() => store.record('', 'a', 0, delta(1, 1, 0, 0)), { arg: 'name' });
      expect((await store.observations('r')).requests).toEqual({ baseline: 0, candidate: 0 });
    });
  });
}
