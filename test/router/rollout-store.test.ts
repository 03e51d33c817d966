// The rollout store contract on the memory store and on PGlite (the PostgreSQL server runs it in
// rollout-postgres.test.ts).

import { describe } from 'vitest';
import { createSqlRolloutStore } from '../../src/router/rollout-sql.js';
import { createMemoryRolloutStore } from '../../src/router/rollout-store.js';
import { pglite } from '../helpers/pglite.js';
import { rolloutStoreContract } from './rollout-store-contract.js';

describe('memory rollout store: the contract', () => {
  rolloutStoreContract({ open: async () => createMemoryRolloutStore() });
});

const database = pglite();

describe('SQL rollout store on PGlite: the contract', () => {
  rolloutStoreContract({
    async open() {
      await database().query(
        'DROP TABLE IF EXISTS lockstep_rollout_migrations, lockstep_rollout_states, lockstep_rollout_observations',
      );
      return createSqlRolloutStore({ client: database() });
    },
  });
});
