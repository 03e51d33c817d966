// A window store in PostgreSQL, on the same clients as the registry's SQL back end and the rollout store (a
// pg Client or Pool, or PGlite), so the replicas of a service publish their monitors' windows to the database
// they already share, and any of them (or a dashboard) reads the fleet's window back.
//
// Table (created by the migrations below, recorded in lockstep_monitor_migrations):
//   lockstep_monitor_windows   (name, replica, start) → that replica's closed window starting at `start`
//                              (epoch ms), as JSON
//
// How the store's promises are kept (fleet.ts has the rules):
//   - publish is one statement, INSERT … ON CONFLICT (name, replica, start) DO UPDATE: a retry leaves one
//     row, a later window of the same key replaces that replica's row alone, and replicas never contend
//     (each writes its own rows).
//   - Every window read back goes through mergeWindows' checks (shape, counters, profiles parsed with their
//     fingerprints): an edited row is an INVALID_ARGUMENT or INVALID_ARTIFACT error naming the stored
//     window, never a fleet window a dashboard shows.
// The plumbing (connections, transactions, migrations) is src/core/sql.ts, shared with the registry.
import { readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { canonicalJson } from '../core/fingerprint.js';
import {
  migrate,
  once,
  type SqlClient,
  type SqlMigration,
  type SqlPool,
  sqlConnection,
} from '../core/sql.js';
import {
  byStartThenReplica,
  checkName,
  checkReplica,
  checkStart,
  mergeFleet,
  type PublishedWindow,
  readRange,
  readWindow,
  type WindowRange,
  type WindowStore,
} from './fleet.js';
import type { MonitorWindow } from './window.js';

/** Schema changes, in order; each is applied once and recorded in lockstep_monitor_migrations. */
export const MONITOR_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'windows',
    sql: [
      `CREATE TABLE lockstep_monitor_windows (
           name text NOT NULL,
           replica text NOT NULL,
           start double precision NOT NULL,
           record json NOT NULL,
           PRIMARY KEY (name, start, replica))`,
    ],
  },
];

// The advisory lock the migrations run under: "monitor" in ASCII, as a signed 64-bit number (the registry's
// and the rollout store's are other words).
const MIGRATION_LOCK = '30803292467785586';

/** Options of {@link createSqlWindowStore}: exactly one of `client` and `pool`. */
export interface SqlWindowStoreOptions {
  /** One connection (a connected pg Client, a PGlite), shared by everything this store does. */
  readonly client?: SqlClient;
  /** A pool (pg's Pool): each call checks out a connection of its own. */
  readonly pool?: SqlPool;
}

/** Rows read back as stored windows, each checked; sorted by start, then replica. */
function readRows(fn: string, rows: readonly Record<string, unknown>[]): PublishedWindow[] {
  const out: PublishedWindow[] = [];
  for (const row of rows) {
    const replica = String(row.replica);
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(row.record));
    } catch {
      parsed = undefined; // refused by readWindow as not a window
    }
    const window = readWindow(fn, `stored window (replica "${replica}")`, parsed);
    if (window.start !== Number(row.start))
      throw invalidArgument(
        fn,
        `stored window (replica "${replica}").start`,
        `must be its row's start (${Number(row.start)})`,
        window.start,
      );
    out.push(Object.freeze({ replica, window }));
  }
  return out.sort(byStartThenReplica);
}

/**
 * A window store in PostgreSQL (a server through `pg`, or PGlite), for the replicas of a service
 * publishing their monitors' closed windows: `publish` is a one-statement upsert of the replica's row,
 * `windows` lists the stored windows of a range of starts, `fleet` merges every replica's window of one
 * start (mergeWindows). The table is created on first use by versioned migrations
 * (lockstep_monitor_migrations). See docs/monitor.md, "Many replicas, one view".
 * @example
 * const store = createSqlWindowStore({ client: new PGlite() });
 * await store.fleet('flights', 0) // => no window (undefined) in an empty database
 * @throws LockstepError `INVALID_ARGUMENT` unless exactly one of `client` (with `query`) and `pool` (with
 *   `connect`) is given, or for an unknown option. Its methods throw as the memory store's do, and reading
 *   a malformed stored window is an `INVALID_ARGUMENT` or `INVALID_ARTIFACT` naming it. Database errors
 *   reject the call that met them.
 */
export function createSqlWindowStore(options: SqlWindowStoreOptions): WindowStore {
  const fn = 'createSqlWindowStore';
  const o = readOptions(fn, options, ['client', 'pool']);
  const connection = sqlConnection(fn, o.client, o.pool);
  const migrated = once(() =>
    connection.session((c) => migrate(c, 'lockstep_monitor_migrations', MIGRATION_LOCK, MONITOR_MIGRATIONS)),
  );

  return Object.freeze({
    async publish(nameArg: string, replicaArg: string, windowArg: MonitorWindow): Promise<void> {
      const name = checkName('publish', nameArg);
      const replica = checkReplica('publish', replicaArg);
      const window = readWindow('publish', 'window', windowArg);
      const text = canonicalJson(window, 'publish');
      await migrated();
      await connection.run((c) =>
        c.query(
          `INSERT INTO lockstep_monitor_windows (name, replica, start, record) VALUES ($1, $2, $3, $4::json)
           ON CONFLICT (name, start, replica) DO UPDATE SET record = EXCLUDED.record`,
          [name, replica, window.start, text],
        ),
      );
    },

    async windows(nameArg: string, rangeArg?: WindowRange): Promise<readonly PublishedWindow[]> {
      const name = checkName('windows', nameArg);
      const { since, until } = readRange('windows', rangeArg);
      await migrated();
      // Infinite bounds are left out rather than sent: drivers disagree on how to write ±Infinity.
      const where = ['name = $1'];
      const params: unknown[] = [name];
      if (since !== Number.NEGATIVE_INFINITY) where.push(`start >= $${params.push(since)}`);
      if (until !== Number.POSITIVE_INFINITY) where.push(`start < $${params.push(until)}`);
      const { rows } = await connection.run((c) =>
        c.query(
          `SELECT replica, start, record::text AS record FROM lockstep_monitor_windows
           WHERE ${where.join(' AND ')}`,
          params,
        ),
      );
      return Object.freeze(readRows('windows', rows));
    },

    async fleet(nameArg: string, startArg: number): Promise<MonitorWindow | undefined> {
      const name = checkName('fleet', nameArg);
      const start = checkStart('fleet', 'start', startArg);
      await migrated();
      const { rows } = await connection.run((c) =>
        c.query(
          `SELECT replica, start, record::text AS record FROM lockstep_monitor_windows
           WHERE name = $1 AND start = $2`,
          [name, start],
        ),
      );
      if (rows.length === 0) return undefined;
      return mergeFleet('fleet', name, readRows('fleet', rows));
    },
  });
}
