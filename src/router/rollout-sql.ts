// A rollout store in PostgreSQL, on the same clients as the registry's SQL back end (a pg Client or Pool, or
// PGlite), so the replicas of a service follow one rollout through the database they already share.
//
// Tables (created by the migrations below, recorded in lockstep_rollout_migrations):
//   lockstep_rollout_states        name → revision and the state artifact (JSON)
//   lockstep_rollout_observations  (name, replica, win) → what that replica recorded in weight epoch `win`
//                                  (JSON), summed by readers
//
// How the store's promises are kept:
//   - save is a compare-and-set in one statement: an UPDATE … WHERE revision = expected (or an INSERT …
//     ON CONFLICT DO NOTHING for the first revision), RETURNING the row, so of two replicas writing over the
//     same revision exactly one sees its row come back. A step is therefore taken once.
//   - record adds, never replaces: in one transaction it locks the replica's row (SELECT … FOR UPDATE),
//     merges the delta into it and writes it back, so two syncs of one replica cannot lose each other's
//     observations, and replicas never contend (each has its own row).
//   - Every state read back goes through parseRollout's checks (shape, fingerprint): an edited row is an
//     INVALID_ARTIFACT error, never a state a replica acts on.
// The plumbing (connections, transactions, migrations) is src/core/sql.ts, shared with the registry.
import { checkInteger, checkString, readOptions } from '../core/check.js';
import { canonicalJson } from '../core/fingerprint.js';
import {
  inTransaction,
  migrate,
  once,
  type SqlClient,
  type SqlMigration,
  type SqlPool,
  sqlConnection,
} from '../core/sql.js';
import { type RolloutState, rolloutKind } from './rollout-state.js';
import {
  addObservations,
  checkWindow,
  emptyObservations,
  type RolloutObservations,
  type RolloutStore,
  readObservations,
} from './rollout-store.js';

/** Schema changes, in order; each is applied once and recorded in lockstep_rollout_migrations. */
export const ROLLOUT_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'states and observations',
    sql: [
      `CREATE TABLE lockstep_rollout_states (
           name text PRIMARY KEY,
           revision integer NOT NULL,
           record json NOT NULL)`,
      `CREATE TABLE lockstep_rollout_observations (
           name text NOT NULL,
           replica text NOT NULL,
           win integer NOT NULL,
           record json NOT NULL,
           PRIMARY KEY (name, replica, win))`,
    ],
  },
];

// The advisory lock the migrations run under: "rollout" in ASCII, as a signed 64-bit number.
const MIGRATION_LOCK = '32210658811409780';

/** Options of {@link createSqlRolloutStore}: exactly one of `client` and `pool`. */
export interface SqlRolloutStoreOptions {
  /** One connection (a connected pg Client, a PGlite), shared by everything this store does. */
  readonly client?: SqlClient;
  /** A pool (pg's Pool): each write checks out a connection of its own. */
  readonly pool?: SqlPool;
}

/**
 * A rollout store in PostgreSQL (a server through `pg`, or PGlite), for several replicas following one
 * rollout: `save` is a one-statement compare-and-set on the revision, `record` merges a replica's delta
 * into its own row under a row lock, `observations` sums every replica's row. Tables are created on first
 * use by versioned migrations (lockstep_rollout_migrations). See docs/router.md.
 * @example
 * const store = createSqlRolloutStore({ client: new PGlite() });
 * await store.load('flights') // => no state (undefined) in an empty database
 * @throws LockstepError `INVALID_ARGUMENT` unless exactly one of `client` (with `query`) and `pool` (with
 *   `connect`) is given, or for an unknown option. Database errors reject the call that met them.
 */
export function createSqlRolloutStore(options: SqlRolloutStoreOptions): RolloutStore {
  const fn = 'createSqlRolloutStore';
  const o = readOptions(fn, options, ['client', 'pool']);
  const connection = sqlConnection(fn, o.client, o.pool);
  const migrated = once(() =>
    connection.session((c) => migrate(c, 'lockstep_rollout_migrations', MIGRATION_LOCK, ROLLOUT_MIGRATIONS)),
  );
  const name = (f: string, v: unknown) => checkString(f, 'name', v, 128, true);

  return Object.freeze({
    async load(nameArg: string): Promise<RolloutState | undefined> {
      const n = name('load', nameArg);
      await migrated();
      const { rows } = await connection.run((c) =>
        c.query('SELECT record::text AS record FROM lockstep_rollout_states WHERE name = $1', [n]),
      );
      return rows[0] === undefined
        ? undefined
        : rolloutKind().parse(String(rows[0].record), 'load', 'stored state');
    },

    async save(state: RolloutState, expectedArg: number): Promise<boolean> {
      const s = rolloutKind().parse(state, 'save', 'state');
      const expected = checkInteger('save', 'expected', expectedArg, 0, 0x7fffffff);
      await migrated();
      const text = canonicalJson(s, 'save');
      const { rows } = await connection.run((c) =>
        expected === 0
          ? c.query(
              `INSERT INTO lockstep_rollout_states (name, revision, record) VALUES ($1, $2, $3::json)
               ON CONFLICT (name) DO NOTHING RETURNING name`,
              [s.name, s.revision, text],
            )
          : c.query(
              `UPDATE lockstep_rollout_states SET revision = $2, record = $3::json
               WHERE name = $1 AND revision = $4 RETURNING name`,
              [s.name, s.revision, text, expected],
            ),
      );
      return rows.length === 1;
    },

    async record(
      nameArg: string,
      replicaArg: string,
      windowArg: number,
      deltaArg: RolloutObservations,
    ): Promise<void> {
      const n = name('record', nameArg);
      const replica = checkString('record', 'replica', replicaArg, 128, true);
      const win = checkWindow('record', windowArg);
      const delta = readObservations('record', 'delta', deltaArg);
      await migrated();
      await connection.session((c) =>
        inTransaction(c, async () => {
          // Make sure the row exists, then lock it: the read-merge-write below is then one replica's alone.
          await c.query(
            `INSERT INTO lockstep_rollout_observations (name, replica, win, record) VALUES ($1, $2, $3, $4::json)
             ON CONFLICT (name, replica, win) DO NOTHING`,
            [n, replica, win, JSON.stringify(emptyObservations())],
          );
          const { rows } = await c.query(
            `SELECT record::text AS record FROM lockstep_rollout_observations
             WHERE name = $1 AND replica = $2 AND win = $3 FOR UPDATE`,
            [n, replica, win],
          );
          const held = readObservations('record', 'stored observations', JSON.parse(String(rows[0]?.record)));
          await c.query(
            'UPDATE lockstep_rollout_observations SET record = $4::json WHERE name = $1 AND replica = $2 AND win = $3',
            [n, replica, win, JSON.stringify(addObservations(held, delta))],
          );
        }),
      );
    },

    async observations(nameArg: string, windowArg?: number): Promise<RolloutObservations> {
      const n = name('observations', nameArg);
      const win = windowArg === undefined ? undefined : checkWindow('observations', windowArg);
      await migrated();
      const { rows } = await connection.run((c) =>
        win === undefined
          ? c.query(
              'SELECT record::text AS record FROM lockstep_rollout_observations WHERE name = $1 ORDER BY win, replica',
              [n],
            )
          : c.query(
              `SELECT record::text AS record FROM lockstep_rollout_observations
               WHERE name = $1 AND win = $2 ORDER BY replica`,
              [n, win],
            ),
      );
      let total = emptyObservations();
      for (const row of rows)
        total = addObservations(
          total,
          readObservations('observations', 'stored observations', JSON.parse(String(row.record))),
        );
      return total;
    },
  });
}
