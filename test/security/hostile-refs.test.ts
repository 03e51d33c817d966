// Registry refs, model names, aliases and artifact names that try to escape their store are refused with
// INVALID_ARGUMENT before any storage is touched, in the memory, file-system and PGlite SQL registries; the
// fs store never creates or reads a file outside its directory (the parent directory is listed before and
// after), and a hostile journal.json left in the directory writes nowhere outside the registry's layout.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import { createMemoryRegistry, type ModelRegistry, parseRef } from '../../src/registry/index.js';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';
import { expectNoPrototypePollution } from '../helpers/hostile.js';
import { pglite } from '../helpers/pglite.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-hostile-refs-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  expectNoPrototypePollution();
});
const db = pglite();

/** Names that try to climb out of a directory, hide in one, or look like a name they are not. */
const escapes: readonly string[] = [
  '../x',
  '..\\x',
  '..',
  '.',
  '/etc/passwd',
  '\\etc\\passwd',
  'C:\\x',
  'a/../../b',
  'a/b',
  '%2e%2e/x',
  '%2e%2e%2fx',
  '..%2fx',
  'x\u0000y',
  'x\u0000',
  'x\ny',
  ' x',
  'x ',
  '-rf',
  '.hidden',
  '~root',
  'a'.repeat(129),
  'a'.repeat(100_000),
  '\u2024\u2024/x', // one-dot leaders, which look like ..
  '\uff0e\uff0e/x', // full-width full stops
  'mode\u0301l', // a combining accent
  'ﬂights', // a ligature that NFKC turns into "fl"
  'fl\u0131ghts', // dotless i
  'Flights',
  '',
];
const refs: readonly string[] = [
  ...escapes,
  ...escapes.map((e) => `${e}/1`),
  ...escapes.map((e) => `${e}@champion`),
  'm/../../1',
  'm/1/../..',
  'm@../x',
  'm@..',
  'm/0',
  'm/-1',
  'm/1e3',
  'm/01',
  'm/99999999999',
  'm@Champion',
  'm@latest/1',
  'm@a@b',
];
const artifactNames: readonly string[] = escapes.filter((e) => e !== 'a/b' && e !== 'Flights');

type Make = () => Promise<ModelRegistry>;
const backends: readonly { name: string; make: Make; dir?: string }[] = [
  { name: 'memory', make: async () => createMemoryRegistry() },
  {
    name: 'fs',
    dir: join(root, 'fs', 'registry'),
    make: async () => createFsRegistry({ dir: join(root, 'fs', 'registry'), fsync: false }),
  },
  // This file's own PGlite, fresh: the registry creates its tables on first use.
  { name: 'pglite', make: async () => createSqlRegistry({ client: db() }) },
];

/** Every file and directory under `dir`, relative, sorted. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      out.push(r);
      if (e.isDirectory()) walk(join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('parseRef refuses refs that try to escape', () => {
  it.each(refs.map((r) => [JSON.stringify(r).slice(0, 40), r]))('%s', (_shown, ref) => {
    catchLockstep(() => parseRef(ref), { code: 'INVALID_ARGUMENT', fn: 'parseRef', arg: 'ref' });
  });
});

describe.each(backends)('the $name registry', ({ name: backend, make, dir }) => {
  it('refuses hostile names, refs, aliases and artifact names with INVALID_ARGUMENT, touching nothing', async () => {
    const registry = await make();
    await registry.createVersion({ name: 'm', artifacts: { w: new Uint8Array([1]), j: { a: 1 } } });
    await registry.setAlias('m', 'champion', 1);
    const parent = dir === undefined ? undefined : join(dir, '..');
    const before = parent === undefined ? [] : listing(parent);
    const expectRefused = async (what: string, run: () => Promise<unknown>) => {
      const e = await rejectsLockstep(run);
      expect(e.code, `${backend} ${what}: ${e.message}`).toBe('INVALID_ARGUMENT');
    };
    for (const x of escapes) {
      await expectRefused(`createModel ${x}`, () => registry.createModel(x));
      await expectRefused(`createVersion ${x}`, () => registry.createVersion({ name: x }));
      await expectRefused(`getModel ${x}`, () => registry.getModel(x));
      await expectRefused(`getVersion ${x}`, () => registry.getVersion(x, 1));
      await expectRefused(`listVersions ${x}`, () => registry.listVersions(x));
      await expectRefused(`history ${x}`, () => registry.history(x));
      await expectRefused(`setAlias name ${x}`, () => registry.setAlias(x, 'champion', 1));
      await expectRefused(`setAlias alias ${x}`, () => registry.setAlias('m', x, 1));
      await expectRefused(`deleteAlias ${x}`, () => registry.deleteAlias('m', x));
    }
    for (const r of refs) {
      await expectRefused(`resolve ${r}`, () => registry.resolve(r));
      await expectRefused(`readArtifact ${r}`, () => registry.readArtifact(r, 'w'));
      await expectRefused(`readJson ${r}`, () => registry.readJson(r, 'j'));
      await expectRefused(`setStatus ${r}`, () => registry.setStatus(r, 'archived'));
      await expectRefused(`addArtifacts ${r}`, () => registry.addArtifacts(r, { x: new Uint8Array([1]) }));
      await expectRefused(`parent ${r}`, () => registry.createVersion({ name: 'm', lineage: { parent: r } }));
    }
    for (const a of artifactNames) {
      await expectRefused(`readArtifact artifact ${a}`, () => registry.readArtifact('m/1', a));
      await expectRefused(`readJson artifact ${a}`, () => registry.readJson('m@champion', a));
      await expectRefused(`createVersion artifact ${a}`, () =>
        registry.createVersion({ name: 'm', artifacts: { [a]: new Uint8Array([1]) } }),
      );
      await expectRefused(`addArtifacts artifact ${a}`, () =>
        registry.addArtifacts('m/1', { [a]: { x: 1 } }),
      );
    }
    // Nothing was written: still one version, one model; the same files on disk, and none beside them.
    expect((await registry.listVersions('m')).length).toBe(1);
    if (parent !== undefined) {
      expect(listing(parent)).toEqual(before);
      for (const model of readdirSync(join(dir!, 'models'))) expect(model).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    }
    // A name with a slash is an artifact name that never becomes a path: stored and read back as data.
    await registry.addArtifacts('m/1', { 'a/b': new Uint8Array([7]) });
    expect([...(await registry.readArtifact('m/1', 'a/b'))]).toEqual([7]);
    if (parent !== undefined)
      expect(listing(parent).filter((p) => !p.startsWith('registry/'))).toEqual(
        before.filter((p) => !p.startsWith('registry/')),
      );
  });
});

describe('the fs store', () => {
  it('never writes outside its directory from a hostile journal.json', async () => {
    const base = join(root, 'journal');
    const dir = join(base, 'registry');
    mkdirSync(dir, { recursive: true });
    const registry = createFsRegistry({ dir, fsync: false });
    await registry.createVersion({ name: 'm' });
    const outside = listing(base).filter((p) => !p.startsWith('registry'));
    for (const path of [
      '../escaped.json',
      '..\\escaped.json',
      '/tmp/escaped.json',
      'models/m/../../../escaped.json',
      'lock',
      'sha256/aa/bb',
      'models/M/model.json',
      'models/m/versions/x.json',
      'tmp/x',
    ]) {
      writeFileSync(
        join(dir, 'journal.json'),
        JSON.stringify({ writes: [{ path, text: '{"hostile":true}' }] }),
      );
      await registry.createVersion({ name: 'm' });
      expect(listing(base).filter((p) => !p.startsWith('registry'))).toEqual(outside);
      expect(listing(dir)).not.toContain('escaped.json');
      expect(listing(dir)).not.toContain('lock');
    }
    expect((await registry.listVersions('m')).length).toBe(10);
  });

  it('refuses a hostile name at its own door too (storage checks the names it turns into paths)', async () => {
    const { createFsStorage } = await import('../../src/registry/fs/storage.js');
    const storage = createFsStorage({
      dir: join(root, 'door'),
      lockTimeoutMs: 1000,
      fsync: false,
      clock: () => 0,
    });
    for (const x of ['../x', '/etc/passwd', 'a/../../b', 'x\u0000', '..'])
      await rejectsLockstep(() => storage.reader.getModel(x), { code: 'INVALID_ARGUMENT' });
    expect(listing(root)).not.toContain('door');
  });
});
