// The fs registry across processes: concurrent writers get distinct consecutive versions, a writer killed with
// SIGKILL mid-write leaves the previous state intact and the registry usable, and a dead holder's lock or a
// half-applied commit is recovered by the next writer.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsRegistry } from '../../src/registry/fs/index.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-fs-processes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `r${n++}`);
// The worker is bundled once into plain JavaScript, so each child starts in milliseconds (tsx would compile it
// in every child, a second of CPU each on a busy machine).
const worker = join(root, 'fs-worker.mjs');
beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'fs-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: worker,
    logLevel: 'silent',
  });
});

function start(...args: string[]): ChildProcess {
  return spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
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

describe('fs registry across processes', () => {
  it('8 processes × 50 concurrent registrations give exactly the versions 1..400', async () => {
    const dir = freshDir();
    const results = await Promise.all(Array.from({ length: 8 }, () => finish(start('register', dir, '50'))));
    for (const r of results) expect(r.err).toBe('');
    const numbers = results.flatMap((r) => JSON.parse(r.out) as number[]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const registry = createFsRegistry({ dir });
    const versions = await registry.listVersions('m');
    expect(versions.map((v) => v.version)).toEqual(numbers);
    // Numbers and registration order agree: each version's sequence is higher than the one before it.
    expect(versions.map((v) => v.sequence)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect((await registry.history('m')).filter((e) => e.type === 'version.registered')).toHaveLength(400);
  }, 60_000);

  it('a writer killed with SIGKILL mid-write leaves the previous state intact and the registry usable', async () => {
    // Three moments: a fixed delay after the first commit, and (polled every millisecond) while the writer
    // holds the lock, and while its journal exists (a commit written but not yet applied).
    for (const moment of ['delay', 'lock', 'journal'] as const) {
      const dir = freshDir();
      const child = start('crash', dir);
      const done = finish(child);
      let printed = '';
      child.stdout!.on('data', (d) => {
        printed += d;
      });
      await new Promise<void>((resolve) => {
        const check = () => (printed.includes('\n') ? resolve() : setTimeout(check, 5));
        check();
      });
      const target = moment === 'delay' ? undefined : join(dir, moment === 'lock' ? 'lock' : 'journal.json');
      const started = Date.now();
      let caught = false;
      if (target === undefined) await new Promise((r) => setTimeout(r, 300));
      else
        while (Date.now() - started < 5000) {
          if (existsSync(target)) {
            caught = true;
            break;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
      child.kill('SIGKILL');
      await done;
      if (target !== undefined) expect(caught, `saw ${target} before the kill`).toBe(true);
      const acknowledged = printed.split('\n').filter(Boolean).map(Number);
      const registry = createFsRegistry({ dir, lockTimeoutMs: 5000 });
      const model = await registry.getModel('m');
      // Every acknowledged version is there; at most the one in flight beyond it.
      expect(model.latestVersion).toBeGreaterThanOrEqual(acknowledged.length);
      expect(model.latestVersion).toBeLessThanOrEqual(acknowledged.length + 1);
      for (const v of await registry.listVersions('m')) {
        expect(await registry.readJson(v.ref, 'cfg')).toEqual({ i: v.version - 1 });
        expect((await registry.readArtifact(v.ref, 'w'))[0]).toBe((v.version - 1) % 256);
      }
      // Usable: the dead writer's lock is broken, its half commit finished or discarded.
      const next = await registry.createVersion({ name: 'm' });
      // The version in flight may have been committed by the next writer (its journal was complete).
      expect([model.latestVersion + 1, model.latestVersion + 2]).toContain(next.version);
      expect((await registry.listVersions('m')).map((v) => v.version)).toEqual(
        Array.from({ length: next.version }, (_, i) => i + 1),
      );
    }
  }, 60_000);

  it("breaks a dead holder's lock, and an empty lock file left long ago", async () => {
    const dir = freshDir();
    const registry = createFsRegistry({ dir, lockTimeoutMs: 3000, fsync: false });
    await registry.createVersion({ name: 'm' });
    const dead = start('register', join(root, 'unused'), '0');
    await finish(dead);
    writeFileSync(
      join(dir, 'lock'),
      JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname() }),
    );
    // The dead holder's temp file is removed once its lock is broken; a live process's is left alone.
    writeFileSync(join(dir, 'tmp', `${dead.pid}-0.tmp`), 'half');
    writeFileSync(join(dir, 'tmp', `${process.ppid}-0.tmp`), 'in progress');
    expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([`${process.ppid}-0.tmp`]);
    writeFileSync(join(dir, 'lock'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'lock'), past, past);
    expect((await registry.createVersion({ name: 'm' })).version).toBe(3);
  }, 20_000);

  it('a live holder keeps the lock: a writer waits, then gives up with CONFLICT', async () => {
    const dir = freshDir();
    const registry = createFsRegistry({ dir, lockTimeoutMs: 100, fsync: false });
    await registry.createVersion({ name: 'm' });
    writeFileSync(
      join(dir, 'lock'),
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname() }),
    );
    await expect(registry.createVersion({ name: 'm' })).rejects.toMatchObject({ code: 'CONFLICT' });
    rmSync(join(dir, 'lock'));
    expect((await registry.createVersion({ name: 'm' })).version).toBe(2);
  });

  it('the next writer finishes a commit whose journal was written but not applied', async () => {
    const now = () => Date.parse('2026-03-01T00:00:00Z');
    const complete = freshDir();
    const a = createFsRegistry({ dir: complete, now, fsync: false });
    await a.createVersion({ name: 'm' });
    const crashed = freshDir();
    cpSync(complete, crashed, { recursive: true });
    await a.createVersion({ name: 'm', tags: { second: 'yes' } });
    const changed = [
      'models/m/versions/2.json',
      'models/m/history/3.json',
      'models/m/model.json',
      'registry.json',
    ];
    const writes = changed.map((path) => ({ path, text: readFileSync(join(complete, path), 'utf8') }));
    // Only the first file was applied before the "crash".
    writeFileSync(join(crashed, changed[0]!), writes[0]!.text);
    writeFileSync(join(crashed, 'journal.json'), JSON.stringify({ writes }));
    const b = createFsRegistry({ dir: crashed, now, fsync: false });
    expect((await b.getModel('m')).latestVersion).toBe(1); // readers see the last complete state
    const third = await b.createVersion({ name: 'm' });
    expect(third.version).toBe(3);
    expect((await b.getVersion('m', 2)).tags).toEqual({ second: 'yes' });
    expect(third.sequence).toBe(3);
  });
});
