// lockstep/registry/sql: the registry in PostgreSQL, through a client the caller brings (pg or PGlite), for one
// process or many service replicas sharing one server. Imports no driver and no node: built-in, so it runs in
// browsers with PGlite.
import { checkInteger, readOptions } from '../../core/check.js';
import { type SqlClient, type SqlPool, sqlConnection } from '../../core/sql.js';
import { createRegistry, REGISTRY_OPTION_KEYS } from '../registry.js';
import type { ModelRegistry, RegistryOptions } from '../types.js';
import { createSqlStorage } from './storage.js';

export { LockstepError, type LockstepErrorCode } from '../../core/errors.js';
export type {
  ArrowTableLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from '../../core/frame-types.js';
export type { SqlClient, SqlPool, SqlPoolClient, SqlResult } from '../../core/sql.js';

/** Options of {@link createSqlRegistry}: exactly one of `client` and `pool`, and the registry's options. */
export interface SqlRegistryOptions extends RegistryOptions {
  /**
   * One connection (a connected pg `Client`, a `PGlite`), shared by everything this registry does. Its use is
   * serialised in this process: a transaction holds it from BEGIN to COMMIT and reads wait meanwhile. Other
   * processes and other registries on the same database are serialised by the database itself.
   */
  readonly client?: SqlClient;
  /**
   * A pool (pg's `Pool`): each transaction checks out its own connection with `connect()` and releases it
   * (discarding it after a failure); reads use a connection of their own too, so they run beside a write.
   */
  readonly pool?: SqlPool;
  /**
   * How long a write waits for another writer's lock before a `CONFLICT` error (default 30,000 ms; 0 waits
   * without limit). Postgres's `lock_timeout`, set for the registry's own transactions only.
   */
  readonly lockTimeoutMs?: number;
}

/**
 * A registry in PostgreSQL: tables `lockstep_registry_models`, `_versions`, `_events` and `_blobs` (bytea),
 * created on first use by versioned migrations recorded in `lockstep_registry_migrations` (applied once, under
 * an advisory lock, however many processes start at once). Every write is one database transaction that
 * first locks the registry's one meta row (`SELECT … FOR UPDATE`), so writers in every process and replica
 * sharing the database run one at a time, and a version, its history event and its model record commit
 * together or not at all. Artifacts are stored before the transaction that names them. See docs/registry.md.
 * @example
 * // client: a PGlite (import { PGlite } from '@electric-sql/pglite') or a pg Client; pool: a pg Pool
 * const registry = createSqlRegistry({ client: new PGlite() });
 * (await registry.createVersion({ name: 'flights' })).ref // => the new version's ref, flights/1 in an empty database
 * @throws LockstepError `INVALID_ARGUMENT` unless exactly one of `client` (with `query`) and `pool` (with
 *   `connect`) is given, or for unknown or invalid options. Database errors (a refused connection, a missing
 *   permission) reject the call that met them, as the driver reported them.
 */
export function createSqlRegistry(options: SqlRegistryOptions): ModelRegistry {
  const fn = 'createSqlRegistry';
  const o = readOptions(fn, options, [...REGISTRY_OPTION_KEYS, 'client', 'pool', 'lockTimeoutMs']);
  const lockTimeoutMs =
    o.lockTimeoutMs === undefined
      ? 30_000
      : checkInteger(fn, 'options.lockTimeoutMs', o.lockTimeoutMs, 0, 3_600_000);
  return createRegistry(createSqlStorage(sqlConnection(fn, o.client, o.pool), lockTimeoutMs), o, fn);
}
