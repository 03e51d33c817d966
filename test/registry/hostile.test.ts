// Hostile inputs to every public function and method of lockstep/registry (and createFsRegistry): each answers
// with a result or a LockstepError, never a TypeError, a hang, a file outside its directory or a polluted
// prototype.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import { createMemoryRegistry, type ModelRegistry, modelAge, parseRef } from '../../src/registry/index.js';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';
import {
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-registry-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function seeded(registry: ModelRegistry): Promise<ModelRegistry> {
  await registry.createVersion({ name: 'm', artifacts: { w: new Uint8Array([1]), j: { a: 1 } } });
  await registry.setAlias('m', 'champion', 1);
  return registry;
}

type Call = (r: ModelRegistry, x: unknown) => Promise<unknown>;
let added = 0;
const calls: Record<string, Call> = {
  createModel: (r, x) => r.createModel(x as never),
  'createModel options': (r, x) => r.createModel('n', x as never),
  createVersion: (r, x) => r.createVersion(x as never),
  'createVersion name': (r, x) => r.createVersion({ name: x as never }),
  'createVersion artifacts': (r, x) => r.createVersion({ name: 'm', artifacts: x as never }),
  'createVersion artifact': (r, x) => r.createVersion({ name: 'm', artifacts: { a: x as never } }),
  'createVersion lineage': (r, x) => r.createVersion({ name: 'm', lineage: x as never }),
  'createVersion parent': (r, x) => r.createVersion({ name: 'm', lineage: { parent: x as never } }),
  'createVersion metrics': (r, x) => r.createVersion({ name: 'm', metrics: x as never }),
  'createVersion metric': (r, x) => r.createVersion({ name: 'm', metrics: { auc: x as never } }),
  'createVersion tags': (r, x) => r.createVersion({ name: 'm', tags: x as never }),
  'createVersion actor': (r, x) => r.createVersion({ name: 'm', actor: x as never }),
  addArtifacts: (r, x) => r.addArtifacts(x as never, { extra: new Uint8Array([2]) }),
  'addArtifacts artifacts': (r, x) => r.addArtifacts('m/1', x as never),
  'addArtifacts artifact': (r, x) => r.addArtifacts('m/1', { [`a${++added}`]: x as never }),
  'addArtifacts options': (r, x) => r.addArtifacts('m/1', { w: new Uint8Array([1]) }, x as never),
  getModel: (r, x) => r.getModel(x as never),
  getVersion: (r, x) => r.getVersion('m', x as never),
  listVersions: (r, x) => r.listVersions(x as never),
  search: (r, x) => r.search(x as never),
  'search orderBy': (r, x) => r.search({ orderBy: x as never }),
  'search metrics': (r, x) => r.search({ metrics: x as never }),
  'search cursor': (r, x) => r.search({ cursor: x as never }),
  'search status': (r, x) => r.search({ status: x as never }),
  resolve: (r, x) => r.resolve(x as never),
  setAlias: (r, x) => r.setAlias('m', x as never, 1),
  'setAlias version': (r, x) => r.setAlias('m', 'a', x as never),
  'setAlias options': (r, x) => r.setAlias('m', 'a', 1, x as never),
  deleteAlias: (r, x) => r.deleteAlias('m', x as never),
  rollback: (r, x) => r.rollback('m', 'champion', x as never),
  setStatus: (r, x) => r.setStatus('m/1', x as never),
  setTags: (r, x) => r.setTags('m/1', x as never),
  history: (r, x) => r.history(x as never),
  readArtifact: (r, x) => r.readArtifact('m/1', x as never),
  readJson: (r, x) => r.readJson(x as never, 'j'),
  'readJson parse': (r, x) => r.readJson('m/1', 'j', x as never),
};

describe('lockstep/registry under hostile input', () => {
  it('every method answers hostile values with a result or a LockstepError (property)', async () => {
    const registry = await seeded(createMemoryRegistry());
    for (const [name, call] of Object.entries(calls)) {
      await fc.assert(
        fc.asyncProperty(hostile(), async (x) => {
          await expectLockstepOrResultAsync(() => call(registry, x));
        }),
        { numRuns: 40 },
      );
      for (const x of hostileValues()) await expectLockstepOrResultAsync(() => call(registry, x));
      expect(name).toBeTruthy();
    }
    for (const x of hostileValues()) {
      expectLockstepOrResult(() => parseRef(x as never));
      expectLockstepOrResult(() => modelAge(x as never, 0));
      expectLockstepOrResult(() => modelAge({ createdAt: '2026-01-01T00:00:00Z' } as never, x as never));
      expectLockstepOrResult(() => createMemoryRegistry(x as never));
      expectLockstepOrResult(() => createFsRegistry(x as never));
    }
    expectNoPrototypePollution();
  }, 60_000);

  it('the SQL back end (PGlite) answers the same hostile values with a result or a LockstepError', async () => {
    const db = new PGlite();
    try {
      const registry = await seeded(createSqlRegistry({ client: db }));
      for (const call of Object.values(calls)) {
        await fc.assert(
          fc.asyncProperty(hostile(), async (x) => {
            await expectLockstepOrResultAsync(() => call(registry, x));
          }),
          { numRuns: 10 },
        );
        for (const x of hostileValues()) await expectLockstepOrResultAsync(() => call(registry, x));
      }
      expectLockstepOrResult(() => createSqlRegistry(undefined as never));
      for (const x of hostileValues()) {
        expectLockstepOrResult(() => createSqlRegistry(x as never));
        expectLockstepOrResult(() => createSqlRegistry({ client: x } as never));
      }
      // The hostile writes went through the registry's checks: the seeded version is intact.
      expect(await registry.readJson('m@champion', 'j')).toEqual({ a: 1 });
      expectNoPrototypePollution();
    } finally {
      await db.close();
    }
  }, 120_000);

  it('strict options: a misspelled key names the one meant, in every options object', async () => {
    const r = await seeded(createMemoryRegistry());
    await rejectsLockstep(() => r.createVersion({ name: 'm', metric: {} } as never), {
      message: /unknown key "metric" \(did you mean "metrics"\?\)/,
      arg: 'input.metric',
    });
    await rejectsLockstep(() => r.setAlias('m', 'a', 1, { expect: 1 } as never), {
      message: /did you mean "expected"/,
    });
    await rejectsLockstep(() => r.search({ order: 'name' } as never), { message: /did you mean "orderBy"/ });
    await rejectsLockstep(() => r.search({ metrics: { auc: { gte: 1, ge: 2 } } } as never), {
      arg: 'options.metrics.auc.ge',
    });
    await rejectsLockstep(() => r.createVersion({ name: 'm', lineage: { seeds: 1 } } as never), {
      message: /did you mean "seed"/,
    });
    await rejectsLockstep(() => r.setStatus('m/1', 'approve' as never), { arg: 'status' });
    await rejectsLockstep(() => r.rollback('m', 'champion', { reasons: 'x' } as never), {
      message: /did you mean "reason"/,
    });
    catchLockstep(() => createMemoryRegistry({ now: 5 } as never), { arg: 'options.now' });
    await rejectsLockstep(
      () => createMemoryRegistry({ now: () => Number.NaN }).createVersion({ name: 'm' }),
      {
        arg: 'options.now',
      },
    );
  });

  it('refuses throwing getters, proxies, __proto__ keys and huge inputs', async () => {
    const r = await seeded(createMemoryRegistry());
    for (const bad of [throwingGetters(), throwingProxy()]) {
      await rejectsLockstep(() => r.createVersion(bad as never), { code: 'INVALID_ARGUMENT' });
      await rejectsLockstep(() => r.createVersion({ name: 'm', artifacts: { a: bad } } as never));
      await rejectsLockstep(() => r.createVersion({ name: 'm', artifacts: bad } as never));
      await rejectsLockstep(() => r.setTags('m/1', bad as never));
    }
    await rejectsLockstep(() => r.createVersion({ name: 'm', tags: protoKey() } as never), {
      code: 'INVALID_ARGUMENT',
    });
    await rejectsLockstep(() => r.createVersion({ name: 'x'.repeat(1 << 20) }), { arg: 'input.name' });
    await rejectsLockstep(() => r.createVersion({ name: 'm', description: 'x'.repeat(1 << 20) }), {
      arg: 'input.description',
    });
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 1]));
    await rejectsLockstep(() => r.createVersion({ name: 'm', metrics: many }), { arg: 'input.metrics' });
    await rejectsLockstep(() => r.resolve(`m/${'9'.repeat(400)}`), { code: 'INVALID_ARGUMENT' });
    await rejectsLockstep(
      () => r.createVersion({ name: 'm', artifacts: { a: new Float64Array(2) } } as never),
      {
        arg: 'input.artifacts.a',
      },
    );
    await rejectsLockstep(() => r.createVersion({ name: 'm', artifacts: { a: { x: Number.NaN } } }), {
      code: 'INVALID_ARGUMENT',
    });
    expect((await r.getModel('m')).latestVersion).toBe(1);
    expectNoPrototypePollution();
  });

  it('fs: path traversal and control characters never reach the disk', async () => {
    const dir = join(root, 'fs');
    const r = createFsRegistry({ dir, fsync: false });
    await r.createVersion({ name: 'safe' });
    const names = [
      '../x',
      '../../etc',
      '..',
      '.',
      'a/../../b',
      'a\\b',
      'a\u0000',
      'con\nx',
      '%2e%2e',
      '/abs',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...names), fc.string({ unit: 'binary', maxLength: 40 })),
        async (name) => {
          await expectLockstepOrResultAsync(() => r.createVersion({ name }));
          await expectLockstepOrResultAsync(() => r.resolve(`${name}@latest`));
          await expectLockstepOrResultAsync(() => r.setAlias('safe', name, 1));
          await expectLockstepOrResultAsync(() => r.readArtifact('safe/1', name));
        },
      ),
      { numRuns: 100 },
    );
    expect(existsSync(join(root, 'x'))).toBe(false);
    for (const model of readdirSync(join(dir, 'models'))) expect(model).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
  });
});
