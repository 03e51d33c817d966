import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { catchLockstep } from '../helpers/errors.js';
import { contract } from './contract.js';
import { dropTables, sqlCase } from './sql-case.js';

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe('SQL registry on PGlite: the contract', () => {
  contract(
    sqlCase(
      () => db,
      () => ({ client: db }),
    ),
  );
});

describe('createSqlRegistry on PGlite', () => {
  it('migrates once into readable tables, and two registries on one database see each other', async () => {
    await dropTables(db);
    const a = createSqlRegistry({ client: db, now: () => Date.parse('2026-03-01T00:00:00Z') });
    const b = createSqlRegistry({ client: db });
    await Promise.all([
      a.createVersion({ name: 'm', artifacts: { w: new Uint8Array([7]) }, actor: 'ana' }),
      b.createVersion({ name: 'm' }),
      a.createVersion({ name: 'm' }),
    ]);
    expect((await b.listVersions('m')).map((v) => v.version)).toEqual([1, 2, 3]);
    const migrations = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM lockstep_registry_migrations ORDER BY version',
    );
    expect(migrations.rows).toEqual([{ version: 1, name: 'models, versions, events and blobs' }]);
    const model = await db.query<{ versions: number; events: number }>(
      "SELECT (record->>'versions')::int AS versions, (record->>'events')::int AS events FROM lockstep_registry_models",
    );
    expect(model.rows).toEqual([{ versions: 3, events: 4 }]);
    const meta = await db.query<{ sequence: string }>('SELECT sequence::text FROM lockstep_registry_meta');
    expect(meta.rows).toEqual([{ sequence: '3' }]);
    const blob = await db.query<{ size: string; bytes: Uint8Array }>(
      'SELECT size::text, bytes FROM lockstep_registry_blobs',
    );
    expect(blob.rows).toEqual([{ size: '1', bytes: new Uint8Array([7]) }]);
    const v1 = await db.query<{ record: string }>(
      'SELECT record::text AS record FROM lockstep_registry_versions WHERE version = 1',
    );
    expect(JSON.parse(v1.rows[0]!.record)).toEqual(await a.getVersion('m', 1));
  });

  it('keeps nothing of a transaction that fails', async () => {
    await dropTables(db);
    const registry = createSqlRegistry({
      client: db,
      now: (() => {
        let calls = 0;
        return () => (++calls === 2 ? Number.NaN : 0);
      })(),
    });
    await registry.createVersion({ name: 'm' });
    await expect(registry.createVersion({ name: 'm' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await registry.getModel('m')).latestVersion).toBe(1);
    expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
    expect((await registry.history('m')).map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it('names a pg Client given as a pool (its connect() resolves to nothing) at first use', async () => {
    const notAPool = { connect: async () => undefined } as never;
    await expect(createSqlRegistry({ pool: notAPool }).getModel('m')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      arg: 'options.pool',
      message: /use options\.client/,
    });
  });

  it('has strict options: exactly one of client and pool', () => {
    catchLockstep(() => createSqlRegistry({ clinet: db } as never), {
      code: 'INVALID_ARGUMENT',
      message: /did you mean "client"/,
    });
    catchLockstep(() => createSqlRegistry({} as never), { arg: 'options.client' });
    catchLockstep(() => createSqlRegistry({ client: {} } as never), { arg: 'options.client' });
    catchLockstep(() => createSqlRegistry({ pool: db } as never), { arg: 'options.pool' });
    catchLockstep(() => createSqlRegistry({ client: db, lockTimeoutMs: -1 }), {
      arg: 'options.lockTimeoutMs',
    });
    catchLockstep(() => createSqlRegistry({ client: db, pool: { connect: async () => db } } as never), {
      arg: 'options',
    });
  });
});
