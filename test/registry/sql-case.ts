// The contract suite's case for the SQL back end, shared by pglite.test.ts and postgres.test.ts. Starting a
// database is slow (PGlite takes seconds to load here), so each file starts one and every case begins by
// dropping the registry's tables: the next registry then migrates an empty database from scratch.
import { readOptions } from '../../src/core/check.js';
import { REGISTRY_OPTION_KEYS } from '../../src/registry/registry.js';
import { createSqlRegistry, type SqlClient, type SqlPool } from '../../src/registry/sql/index.js';
import type { RegistryCase } from './contract.js';

export const TABLES = ['migrations', 'meta', 'models', 'versions', 'events', 'blobs'].map(
  (t) => `lockstep_registry_${t}`,
);

/** Drops every table of the registry, leaving an empty database. */
export async function dropTables(admin: SqlClient): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')}`);
}

/**
 * A case that opens registries through `connect()` (a client or a pool) and damages blobs through `admin`,
 * after `ready()` (which throws, failing the case, when the database did not start).
 */
export function sqlCase(
  admin: () => SqlClient,
  connect: () => { client: SqlClient } | { pool: SqlPool },
  ready: () => Promise<void> = async () => {},
): RegistryCase {
  return {
    async open(options) {
      await ready();
      await dropTables(admin());
      readOptions('createSqlRegistry', options, REGISTRY_OPTION_KEYS);
      const registry = createSqlRegistry({ ...connect(), ...options });
      return {
        registry,
        async tamper(sha256, how) {
          const sql = {
            delete: 'DELETE FROM lockstep_registry_blobs WHERE sha256 = $1',
            truncate:
              'UPDATE lockstep_registry_blobs SET bytes = substring(bytes from 1 for length(bytes) - 1) WHERE sha256 = $1',
            flip: 'UPDATE lockstep_registry_blobs SET bytes = set_byte(bytes, 0, get_byte(bytes, 0) # 1) WHERE sha256 = $1',
          }[how];
          await admin().query(sql, [sha256]);
        },
        async blobCount() {
          const { rows } = await admin().query('SELECT count(*)::int AS n FROM lockstep_registry_blobs');
          return Number(rows[0]!.n);
        },
      };
    },
  };
}
