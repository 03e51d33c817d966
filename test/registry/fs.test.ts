import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import { catchLockstep } from '../helpers/errors.js';
import { contract } from './contract.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-fs-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `r${n++}`);

describe('fs registry: the contract', () => {
  contract({
    async open(options) {
      const dir = freshDir();
      const registry = createFsRegistry({ dir, ...options });
      const blob = (sha: string) => join(dir, 'sha256', sha.slice(0, 2), sha);
      return {
        registry,
        async tamper(sha256, how) {
          const path = blob(sha256);
          if (how === 'delete') unlinkSync(path);
          else if (how === 'truncate') truncateSync(path, readFileSync(path).length - 1);
          else {
            const b = readFileSync(path);
            b[0] = b[0]! ^ 1;
            writeFileSync(path, b);
          }
        },
        async blobCount() {
          return readdirSync(join(dir, 'sha256')).flatMap((d) => readdirSync(join(dir, 'sha256', d))).length;
        },
      };
    },
  });
});

describe('createFsRegistry', () => {
  it('lays the registry out as files a person can read', async () => {
    const dir = freshDir();
    const registry = createFsRegistry({ dir, now: () => Date.parse('2026-03-01T00:00:00Z') });
    const v = await registry.createVersion({
      name: 'flights',
      artifacts: { w: new Uint8Array([1]) },
      actor: 'ana',
    });
    await registry.setAlias('flights', 'champion', 1);
    expect(readdirSync(dir).sort()).toEqual(['models', 'registry.json', 'sha256', 'tmp']);
    const model = JSON.parse(readFileSync(join(dir, 'models/flights/model.json'), 'utf8'));
    expect(model).toMatchObject({ name: 'flights', versions: 1, events: 3, aliases: { champion: 1 } });
    const version = readFileSync(join(dir, 'models/flights/versions/1.json'), 'utf8');
    expect(version).toContain('\n  "actor": "ana",\n');
    expect(JSON.parse(version)).toEqual(v);
    expect(readdirSync(join(dir, 'models/flights/history')).sort()).toEqual(['1.json', '2.json', '3.json']);
    const sha = v.artifacts.w!.sha256;
    expect(readFileSync(join(dir, 'sha256', sha.slice(0, 2), sha))).toEqual(Buffer.from([1]));
    expect(JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8'))).toEqual({
      format: 'lockstep.registry.fs',
      formatVersion: 1,
      sequence: 1,
    });
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('two registries on one directory see each other', async () => {
    const dir = freshDir();
    const a = createFsRegistry({ dir });
    const b = createFsRegistry({ dir });
    await Promise.all([
      a.createVersion({ name: 'm' }),
      b.createVersion({ name: 'm' }),
      a.createVersion({ name: 'm' }),
    ]);
    expect((await b.listVersions('m')).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('has strict options', () => {
    catchLockstep(() => createFsRegistry({ dir: root, lockTimeout: 5 } as never), {
      code: 'INVALID_ARGUMENT',
      message: /did you mean "lockTimeoutMs"/,
    });
    catchLockstep(() => createFsRegistry({} as never), { arg: 'options.dir' });
    catchLockstep(() => createFsRegistry({ dir: root, fsync: 'yes' } as never), { arg: 'options.fsync' });
  });
});
