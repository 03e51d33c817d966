// The SQL storage: the primitives of storage.ts on PostgreSQL (a server through `pg`, or PGlite in-process),
// through any client with `query(text, params)` returning `{ rows }`. No driver is imported: the caller brings
// one, so this file runs in Node and in browsers alike.
//
// Tables (created by the migrations below, recorded in lockstep_registry_migrations):
//   lockstep_registry_meta      one row (id 1): the registry-wide registration sequence; every transaction locks it
//   lockstep_registry_models    name → the model record (JSON)
//   lockstep_registry_versions  (name, version) → the version (JSON)
//   lockstep_registry_events    (name, idx) → the history event (JSON)
//   lockstep_registry_blobs     sha256 → the artifact's bytes (bytea)
// Records are stored in `json` columns, which keep their text as written (jsonb would reorder keys and lose
// -0), and are read back as `record::text`, so every driver hands over the same text to JSON.parse.
//
// How the guarantees of storage.ts are met:
//   - One at a time across processes: a transaction begins with SELECT … FOR UPDATE on the meta row, so every
//     writer on the server queues behind the one holding it; under READ COMMITTED (set explicitly on BEGIN)
//     each later statement sees everything committed before the lock was granted.
//   - Own writes visible, nothing kept on a throw: writes collect in a draft that reads consult first, and are
//     sent, with the new sequence, just before COMMIT; a throw rolls the transaction back.
//   - Durable on resolve: COMMIT has returned (synchronous_commit as the server is configured).
//   - No torn reads: every read is one statement on one row or one range, which sees a committed snapshot.
//   - Blobs: an upsert outside transactions that replaces only bytes that differ (tampered ones).
//
// How a connection or a pool is shared, transactions and migrations: src/core/sql.ts, written once for every
// SQL store.
import { LockstepError } from '../../core/errors.js';
import {
  inTransaction,
  migrate,
  once,
  type SqlClient,
  type SqlConnection,
  type SqlMigration,
  type SqlResult,
} from '../../core/sql.js';
import type { ModelRecord, RegistryStorage, StorageReader, StorageTransaction } from '../storage.js';
import type { HistoryEvent, ModelVersion } from '../types.js';

/** Schema changes, in order; each is applied once and recorded in lockstep_registry_migrations. */
export const MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'models, versions, events and blobs',
    sql: [
      `CREATE TABLE lockstep_registry_meta (
           id integer PRIMARY KEY CHECK (id = 1),
           sequence bigint NOT NULL)`,
      'INSERT INTO lockstep_registry_meta (id, sequence) VALUES (1, 0)',
      `CREATE TABLE lockstep_registry_models (
           name text PRIMARY KEY,
           record json NOT NULL)`,
      `CREATE TABLE lockstep_registry_versions (
           name text NOT NULL,
           version integer NOT NULL,
           record json NOT NULL,
           PRIMARY KEY (name, version))`,
      `CREATE TABLE lockstep_registry_events (
           name text NOT NULL,
           idx integer NOT NULL,
           record json NOT NULL,
           PRIMARY KEY (name, idx))`,
      `CREATE TABLE lockstep_registry_blobs (
           sha256 text PRIMARY KEY,
           size bigint NOT NULL,
           bytes bytea NOT NULL)`,
    ],
  },
];

// The key of the transaction-level advisory lock that migrations run under (any fixed 64-bit number; this one
// spells "lockstep" in ASCII, truncated to fit a signed bigint).
const MIGRATION_LOCK = '7813576853913776496';

const parse = <T>(row: Record<string, unknown> | undefined): T | undefined =>
  row === undefined ? undefined : (JSON.parse(String(row.record)) as T);

function readerOn(c: SqlClient): StorageReader {
  return {
    async getModel(name) {
      const { rows } = await c.query(
        'SELECT record::text AS record FROM lockstep_registry_models WHERE name = $1',
        [name],
      );
      return parse<ModelRecord>(rows[0]);
    },
    async listModels() {
      const { rows } = await c.query('SELECT name FROM lockstep_registry_models');
      return rows.map((r) => String(r.name));
    },
    async getVersion(name, version) {
      const { rows } = await c.query(
        'SELECT record::text AS record FROM lockstep_registry_versions WHERE name = $1 AND version = $2',
        [name, version],
      );
      return parse<ModelVersion>(rows[0]);
    },
    async getVersions(name, from, to) {
      const { rows } = await c.query(
        `SELECT record::text AS record FROM lockstep_registry_versions
         WHERE name = $1 AND version BETWEEN $2 AND $3 ORDER BY version`,
        [name, from, to],
      );
      return rows.map((r) => parse<ModelVersion>(r)!);
    },
    async getEvents(name, from, to) {
      const { rows } = await c.query(
        `SELECT record::text AS record FROM lockstep_registry_events
         WHERE name = $1 AND idx BETWEEN $2 AND $3 ORDER BY idx`,
        [name, from, to],
      );
      return rows.map((r) => parse<HistoryEvent>(r)!);
    },
  };
}

/** Overlays a transaction's drafted records (number → record) on a range read from the database. */
function overlay<T>(
  read: readonly T[],
  drafted: Map<number, T>,
  key: (t: T) => number,
  from: number,
  to: number,
) {
  const out = new Map<number, T>(read.map((t) => [key(t), t]));
  for (const [k, t] of drafted) if (k >= from && k <= to) out.set(k, t);
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** The SQL storage over a single connection or a pool (internal: `createSqlRegistry` is the public way in). */
export function createSqlStorage(connection: SqlConnection, lockTimeoutMs: number): RegistryStorage {
  // Migrations run once per storage, on first use; a failure is retried by the next call.
  const migrated = once(() =>
    connection.session((c) => migrate(c, 'lockstep_registry_migrations', MIGRATION_LOCK, MIGRATIONS)),
  );
  const read =
    <A extends unknown[], R>(f: (r: StorageReader, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await migrated();
      return connection.run((c) => f(readerOn(c), ...args));
    };

  return {
    reader: {
      getModel: read((r, name: string) => r.getModel(name)),
      listModels: read((r) => r.listModels()),
      getVersion: read((r, name: string, version: number) => r.getVersion(name, version)),
      getVersions: read((r, name: string, from: number, to: number) => r.getVersions(name, from, to)),
      getEvents: read((r, name: string, from: number, to: number) => r.getEvents(name, from, to)),
    },

    async transact<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T> {
      await migrated();
      return connection.session((c) =>
        inTransaction(c, async () => {
          // The meta row's lock serialises every writer sharing the database (see the top of this file). A
          // writer waits for it at most lockTimeoutMs (SET LOCAL: for this transaction only), then CONFLICT.
          await c.query(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
          let rows: SqlResult['rows'];
          try {
            ({ rows } = await c.query('SELECT sequence FROM lockstep_registry_meta WHERE id = 1 FOR UPDATE'));
          } catch (error) {
            // 55P03 lock_not_available: another writer held the lock past the timeout.
            if ((error as { code?: unknown } | null)?.code !== '55P03') throw error;
            throw new LockstepError(
              'CONFLICT',
              `sql registry: the registry's lock (the row of lockstep_registry_meta) stayed busy for ${lockTimeoutMs} ms`,
              { fn: 'sql registry' },
            );
          }
          const committed = Number(rows[0]?.sequence ?? 0);
          let sequence = committed;
          const models = new Map<string, ModelRecord>();
          const versions = new Map<string, Map<number, ModelVersion>>();
          const events = new Map<string, Map<number, HistoryEvent>>();
          const under = <V>(m: Map<string, Map<number, V>>, name: string) => {
            let inner = m.get(name);
            if (inner === undefined) m.set(name, (inner = new Map()));
            return inner;
          };
          const db = readerOn(c);
          const copy = <V>(v: V): V => JSON.parse(JSON.stringify(v)) as V;
          const tx: StorageTransaction = {
            getModel: async (name) => {
              const m = models.get(name);
              return m === undefined ? db.getModel(name) : copy(m);
            },
            listModels: async () => [...new Set([...(await db.listModels()), ...models.keys()])],
            getVersion: async (name, version) => {
              const v = versions.get(name)?.get(version);
              return v === undefined ? db.getVersion(name, version) : copy(v);
            },
            getVersions: async (name, from, to) =>
              overlay(
                await db.getVersions(name, from, to),
                under(versions, name),
                (v) => v.version,
                from,
                to,
              ).map(copy),
            getEvents: async (name, from, to) =>
              overlay(await db.getEvents(name, from, to), under(events, name), (e) => e.index, from, to).map(
                copy,
              ),
            nextSequence: async () => ++sequence,
            putModel: (m) => void models.set(m.name, copy(m)),
            putVersion: (v) => void under(versions, v.name).set(v.version, copy(v)),
            putEvent: (name, e) => void under(events, name).set(e.index, copy(e)),
          };
          const result = await fn(tx);
          for (const m of models.values())
            await c.query(
              `INSERT INTO lockstep_registry_models (name, record) VALUES ($1, $2::json)
               ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record`,
              [m.name, JSON.stringify(m)],
            );
          for (const [name, held] of versions)
            for (const v of held.values())
              await c.query(
                `INSERT INTO lockstep_registry_versions (name, version, record) VALUES ($1, $2, $3::json)
                 ON CONFLICT (name, version) DO UPDATE SET record = EXCLUDED.record`,
                [name, v.version, JSON.stringify(v)],
              );
          for (const [name, held] of events)
            for (const e of held.values())
              await c.query(
                `INSERT INTO lockstep_registry_events (name, idx, record) VALUES ($1, $2, $3::json)
                 ON CONFLICT (name, idx) DO UPDATE SET record = EXCLUDED.record`,
                [name, e.index, JSON.stringify(e)],
              );
          if (sequence !== committed)
            await c.query('UPDATE lockstep_registry_meta SET sequence = $1 WHERE id = 1', [sequence]);
          return result;
        }),
      );
    },

    async putBlob(sha256, bytes) {
      await migrated();
      await connection.run((c) =>
        c.query(
          `INSERT INTO lockstep_registry_blobs (sha256, size, bytes) VALUES ($1, $2, $3)
           ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size, bytes = EXCLUDED.bytes
           WHERE lockstep_registry_blobs.bytes IS DISTINCT FROM EXCLUDED.bytes`,
          [sha256, bytes.length, bytes],
        ),
      );
    },

    async getBlob(sha256) {
      await migrated();
      const { rows } = await connection.run((c) =>
        c.query('SELECT bytes FROM lockstep_registry_blobs WHERE sha256 = $1', [sha256]),
      );
      const held = rows[0]?.bytes;
      return held === undefined ? undefined : toBytes(held);
    },
  };
}

/** A bytea value as a Uint8Array: pg gives a Buffer (a Uint8Array already), PGlite a Uint8Array. */
function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // A driver without bytea parsing hands over Postgres's hex text: \x0102…
  const text = String(value);
  const hex = text.startsWith('\\x') ? text.slice(2) : text;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
