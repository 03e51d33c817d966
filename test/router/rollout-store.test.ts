// The rollout store contract on the memory store and on PGlite (the PostgreSQL server runs it in
// rollout-postgres.test.ts).
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe } from 'vitest';
import { createSqlRolloutStore } from '../../src/router/rollout-sql.js';
import { createMemoryRolloutStore } from '../../src/router/rollout-store.js';
import { rolloutStoreContract } from './rollout-store-contract.js';

describe('memory rollout store: the contract', () => {
  rolloutStoreContract({ open: async () => createMemoryRolloutStore() });
});

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe('SQL rollout store on PGlite: the contract', () => {
  rolloutStoreContract({
    async open() {
      await db.query(
        'DROP TABLE IF EXISTS lockstep_rollout_migrations, lockstep_rollout_states, lockstep_rollout_observations',
      );
      return createSqlRolloutStore({ client: db });
    },
  });
});
