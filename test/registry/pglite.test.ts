import { describe, expect, it } from 'vitest';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { catchLockstep } from '../helpers/errors.js';
import { pglite } from '../helpers/pglite.js';
import { contract } from './contract.js';
import { dropTables, sqlCase } from './sql-case.js';

const database = pglite();

describe('SQL registry on PGlite: the contract', () => {
  contract(
    sqlCase(
      () => database(),
      () => ({ client: database() }),
    ),
  );
});

describe('createSqlRegistry on PGlite', () => {
  it('migrates once into readable tables, and two registries on one database see each other', async () => {
    await dropTables(database());
    const a = createSqlRegistry({ client: database(), now: () => Date.parse('2026-03-01T00:00:00Z') });
    const b = createSqlRegistry({ client: database() });
    await Promise.all([
      a.createVersion({ name: 'm', artifacts: { w: new Uint8Array([7]) }, actor: 'ana' }),
      b.createVersion({ name: 'm' }),
      a.createVersion({ name: 'm' }),
    ]);
    expect((await b.listVersions('m')).map((v) => v.version)).toEqual([1, 2, 3]);
    const migrations = await database().query<{ version: number; name: string }>(
      'SELECT version, name FROM lockstep_registry_migrations ORDER BY version',
    );
    expect(migrations.rows).toEqual([{ version: 1, name: 'models, versions, events and blobs' }]);
    const model = await database().query<{ versions: number; events: number }>(
      "SELECT (record->>'versions')::int AS versions, (record->>'events')::int AS events FROM lockstep_registry_models",
    );
    expect(model.rows).toEqual([{ versions: 3, events: 4 }]);
    const meta = await database().query<{ sequence: string }>(
      'SELECT sequence::text FROM lockstep_registry_meta',
    );
    expect(meta.rows).toEqual([{ sequence: '3' }]);
    const blob = await database().query<{ size: string; bytes: Uint8Array }>(
      'SELECT size::text, bytes FROM lockstep_registry_blobs',
    );
    expect(blob.rows).toEqual([{ size: '1', bytes: new Uint8Array([7]) }]);
    const v1 = await database().query<{ record: string }>(
      'SELECT record::text AS record FROM lockstep_registry_versions WHERE version = 1',
    );
    expect(JSON.parse(v1.rows[0]!.record)).toEqual(await a.getVersion('m', 1));
  });

  it('keeps nothing of a transaction that fails', async () => {
    await dropTables(database());
    const registry = createSqlRegistry({
      client: database(),
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
    catchLockstep(() => createSqlRegistry({ clinet: database() } as never), {
      code: 'INVALID_ARGUMENT',
      message: /did you mean "client"/,
    });
    catchLockstep(() => createSqlRegistry({} as never), { arg: 'options.client' });
    catchLockstep(() => createSqlRegistry({ client: {} } as never), { arg: 'options.client' });
    catchLockstep(() => createSqlRegistry({ pool: database() } as never), { arg: 'options.pool' });
    catchLockstep(() => createSqlRegistry({ client: database(), lockTimeoutMs: -1 }), {
      arg: 'options.lockTimeoutMs',
    });
    catchLockstep(
      () => createSqlRegistry({ client: database(), pool: { connect: async () => database() } } as never),
      {
        arg: 'options',
      },
    );
  });
});
