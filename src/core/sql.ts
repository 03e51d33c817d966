// SQL plumbing shared by every lockstep store that keeps its records in PostgreSQL (the registry's SQL back
// end, the rollout store): the client shapes, how a connection is shared, a transaction, and versioned
// migrations. No driver is imported: the caller brings one (pg's Client or Pool, PGlite), so this runs in
// Node and in browsers alike.
//
// The rules, written once:
//   - A single connection (`client`: a pg Client, PGlite) is shared by everything given it, so its use is
//     serialised in this process: a read waits while a transaction holds the connection, or it would read
//     uncommitted writes. The queue is per connection and shared by every store on it, so two stores on one
//     PGlite never interleave their BEGINs. (Statements the application sends on that connection meanwhile
//     would join the transaction: give lockstep a connection of its own, or a pool.)
//   - A pool (`pool`: pg's Pool) gives each transaction its own connection and lets reads run beside it. A
//     connection whose transaction could not be ended (BEGIN or ROLLBACK failed, or it emitted 'error') is
//     released with `true`, which makes the pool discard it.
//   - A transaction is BEGIN ISOLATION LEVEL READ COMMITTED … COMMIT, rolled back when its function throws.
//   - Migrations are numbered; each store records the ones applied in its own table and applies the missing
//     ones in one transaction under a transaction-level advisory lock, so many processes starting at once
//     apply each exactly once.
import { invalidArgument, LockstepError } from './errors.js';

/** What a query returns: the result rows as objects keyed by column name. */
export interface SqlResult {
  readonly rows: readonly Record<string, unknown>[];
}

/** Anything that runs one SQL statement with `$1`-style parameters: a pg Client, a pg PoolClient, PGlite. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<SqlResult>;
}

/** A connection checked out of a pool, given back with `release` (pg's PoolClient). */
export interface SqlPoolClient extends SqlClient {
  /** Gives the connection back; given an error (or true), the pool discards it instead. */
  release(error?: Error | boolean): void;
}

/** A pool of connections (pg's Pool): `connect` checks one out for a transaction. */
export interface SqlPool {
  connect(): Promise<SqlPoolClient>;
}

/** How a store reaches the database: `run` for lone reads, `session` for a transaction's connection. */
export interface SqlConnection {
  run<T>(fn: (c: SqlClient) => Promise<T>): Promise<T>;
  session<T>(fn: (c: SqlClient) => Promise<T>): Promise<T>;
}

/** One schema change: statements applied together, once, recorded under `version`. */
export interface SqlMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

/** Whether `v[key]` is a function; a throwing getter or proxy trap reads as "no". */
export function hasFunction(v: unknown, key: string): boolean {
  try {
    return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[key] === 'function';
  } catch {
    return false;
  }
}

// One queue per connection, shared by every store given that connection. Made on first use (no module-level
// call).
let queues: WeakMap<SqlClient, Promise<unknown>> | undefined;

/** A single connection, serialised in this process. */
export function singleConnection(client: SqlClient): SqlConnection {
  const exclusive = <T>(fn: (c: SqlClient) => Promise<T>): Promise<T> => {
    queues ??= new WeakMap();
    const queue = queues.get(client) ?? Promise.resolve();
    const next = queue.then(
      () => fn(client),
      () => fn(client),
    );
    queues.set(
      client,
      next.catch(() => undefined),
    );
    return next;
  };
  return { run: exclusive, session: exclusive };
}

// Connections whose transaction could not be ended: the pool must not reuse them.
let broken: WeakSet<SqlClient> | undefined;
const markBroken = (c: SqlClient) => void (broken ??= new WeakSet()).add(c);

/** A pool: each session checks out a connection of its own. `fn` names the factory in a misuse error. */
export function poolConnection(pool: SqlPool, fn: string): SqlConnection {
  const session = async <T>(work: (c: SqlClient) => Promise<T>): Promise<T> => {
    const connection = await pool.connect();
    // A pg Client also has connect(), resolving to nothing: given as a pool by mistake, it is named here.
    if (typeof connection?.query !== 'function' || typeof connection.release !== 'function')
      throw new LockstepError(
        'INVALID_ARGUMENT',
        `${fn}: argument 'options.pool' must be a pool whose connect() resolves to a connection with query and release (pg.Pool); for one connection (pg.Client, PGlite) use options.client`,
        { fn, arg: 'options.pool' },
      );
    // A pg connection that dies while checked out emits 'error' (an unhandled one would crash the process);
    // while lockstep holds it, that marks it broken, and the query in flight, if any, rejects with the error.
    const events = connection as unknown as {
      on?: (event: 'error', listener: (error: unknown) => void) => unknown;
      off?: (event: 'error', listener: (error: unknown) => void) => unknown;
    };
    const onError = () => markBroken(connection);
    if (typeof events.on === 'function') events.on('error', onError);
    try {
      return await work(connection);
    } finally {
      // A broken connection keeps the listener: its late errors (the server's FATAL after a failed query) come
      // after it is discarded, when nobody else listens.
      if (broken?.has(connection) !== true && typeof events.off === 'function') events.off('error', onError);
      connection.release(broken?.has(connection) === true ? true : undefined);
    }
  };
  return { run: session, session };
}

/**
 * The connection a store's options name: exactly one of `client` (with `query`) and `pool` (with `connect`),
 * else INVALID_ARGUMENT naming `fn`.
 */
export function sqlConnection(fn: string, client: unknown, pool: unknown): SqlConnection {
  if (client !== undefined && pool !== undefined)
    throw invalidArgument(fn, 'options', 'must give one of client and pool, not both');
  if (pool !== undefined) {
    if (!hasFunction(pool, 'connect'))
      throw invalidArgument(fn, 'options.pool', 'must be a pool with connect() (pg.Pool)', pool);
    return poolConnection(pool as SqlPool, fn);
  }
  if (!hasFunction(client, 'query'))
    throw invalidArgument(
      fn,
      'options.client',
      'must be a client with query(text, params) (pg.Client, PGlite)',
      client,
    );
  return singleConnection(client as SqlClient);
}

/** Runs `fn` inside BEGIN … COMMIT on `c`, rolling back when it throws. */
export async function inTransaction<T>(c: SqlClient, fn: () => Promise<T>): Promise<T> {
  try {
    await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  } catch (error) {
    markBroken(c);
    throw error;
  }
  try {
    const result = await fn();
    await c.query('COMMIT');
    return result;
  } catch (error) {
    try {
      // After a failed COMMIT the transaction has ended already; ROLLBACK then only warns.
      await c.query('ROLLBACK');
    } catch {
      // The connection is gone: the original error is the one to report, and the connection is not reused.
      markBroken(c);
    }
    throw error;
  }
}

/**
 * Applies the migrations the database lacks, recorded in `table`, in one transaction under the advisory lock
 * `lockKey` (a decimal signed 64-bit integer, one per store), so concurrent starters apply each once.
 */
export async function migrate(
  c: SqlClient,
  table: string,
  lockKey: string,
  migrations: readonly SqlMigration[],
): Promise<void> {
  await inTransaction(c, async () => {
    await c.query(`SELECT pg_advisory_xact_lock(${lockKey})`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${table} (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await c.query(`SELECT coalesce(max(version), 0) AS v FROM ${table}`);
    const applied = Number(rows[0]?.v ?? 0);
    for (const m of migrations) {
      if (m.version <= applied) continue;
      for (const statement of m.sql) await c.query(statement);
      await c.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
  });
}

/**
 * Runs `apply` once per store, on first use; a failure is forgotten, so the next call retries it.
 * Returns the function that waits for it.
 */
export function once(apply: () => Promise<void>): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= apply().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
