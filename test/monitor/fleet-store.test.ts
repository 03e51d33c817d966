// The window store contract on the memory store and on PGlite (the PostgreSQL server runs it in
// fleet-postgres.test.ts, with three replica processes).
import { describe } from 'vitest';
import { createMemoryWindowStore } from '../../src/monitor/fleet.js';
import { createSqlWindowStore } from '../../src/monitor/fleet-sql.js';
import { pglite } from '../helpers/pglite.js';
import { windowStoreContract } from './fleet-store-contract.js';

describe('memory window store: the contract', () => {
  windowStoreContract({ open: async () => createMemoryWindowStore() });
});

const database = pglite();

describe('SQL window store on PGlite: the contract', () => {
  windowStoreContract({
    async open() {
      await database().query('DROP TABLE IF EXISTS lockstep_monitor_migrations, lockstep_monitor_windows');
      return createSqlWindowStore({ client: database() });
    },
    async write(name, replica, start, record) {
      await database().query(
        'UPDATE lockstep_monitor_windows SET record = $4::json WHERE name = $1 AND replica = $2 AND start = $3',
        [name, replica, start, record],
      );
    },
  });
});
