// The fs back end's storage: JSON files a person can read, written so that a crash never shows half a change.
//
//   <dir>/registry.json                  { format, formatVersion, sequence }: the registry-wide counter
//   <dir>/models/<name>/model.json       versions and events counts, aliases, what each alias held before
//   <dir>/models/<name>/versions/<n>.json   one version (status and tags included)
//   <dir>/models/<name>/history/<n>.json    one history event
//   <dir>/sha256/<ab>/<digest>           artifact bytes, named by their SHA-256 (first two hex digits fan out)
//   <dir>/lock, <dir>/journal.json, <dir>/tmp/   while a write is in progress
//
// Every file is written atomically: to a temp file in <dir>/tmp (named by pid), fsync, rename over the target,
// fsync the directory. A transaction's files are made all-or-nothing by a journal: the whole set is written
// first to journal.json (atomically), then each file, then the directories are fsynced and the journal removed.
// A writer killed at any point leaves either no journal (the old state: its temp files are orphans, removed by
// the next writer) or a complete one, which the next writer replays before doing anything else. Within a
// commit, model.json files are written after the versions and events they count, and readers (who take no
// lock) read versions and events only up to those counts, so a reader never sees a version that a model's
// record does not yet count, even while a commit is half applied.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LockstepError } from '../../core/errors.js';
import type { ModelRecord, RegistryStorage, StorageReader, StorageTransaction } from '../storage.js';
import type { HistoryEvent, ModelVersion } from '../types.js';
import { acquireLock, isAlive } from './lock.js';

const FORMAT = 'lockstep.registry.fs';
const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** The only files a journal may name (relative, `/`-separated): a hostile journal.json writes nowhere else. */
const JOURNAL_PATH =
  /^(?:registry\.json|models\/[a-z0-9][a-z0-9._-]{0,127}\/(?:model\.json|(?:versions|history)\/(?:0|[1-9][0-9]{0,15})\.json))$/;

interface Write {
  readonly path: string;
  readonly text: string;
}

/** Commit order: versions and events (0), then the model records that count them (1), then registry.json (2). */
const rank = (path: string) => (path.endsWith('model.json') ? 1 : path === 'registry.json' ? 2 : 0);

const code = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/** Options of the fs storage. */
export interface FsStorageOptions {
  readonly dir: string;
  readonly lockTimeoutMs: number;
  /**
   * The wall clock of the lock: its timeout and the age of a lock file (compared with the file system's
   * mtime). Not the registry's `now`, which stamps records and which tests pin.
   */
  readonly clock: () => number;
  /** fsync files and directories (off only for tests that do not need durability against power loss). */
  readonly fsync: boolean;
}

export function createFsStorage(options: FsStorageOptions): RegistryStorage {
  const { dir, lockTimeoutMs, fsync, clock } = options;
  const tmpDir = join(dir, 'tmp');
  let counter = 0;
  // Directories known to exist (a registry never removes one), so a write does not mkdir each time.
  const made = new Set<string>();
  let cleaned = false;
  let ready: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  // The registry checks names and numbers before they reach storage (names.ts); checked again here, at the
  // last step before a path is made, so nothing that reaches this file can name a path outside `dir`.
  const safe = (name: string, n = 0) => {
    if (
      typeof name !== 'string' ||
      name.length > 128 ||
      !NAME.test(name) ||
      !Number.isSafeInteger(n) ||
      n < 0
    )
      throw new LockstepError(
        'INVALID_ARGUMENT',
        `fs registry: ${JSON.stringify(String(name)).slice(0, 140)} is not a model name`,
      );
    return name;
  };
  const modelPath = (name: string) => join(dir, 'models', safe(name), 'model.json');
  const versionPath = (name: string, v: number) =>
    join(dir, 'models', safe(name, v), 'versions', `${v}.json`);
  const eventPath = (name: string, i: number) => join(dir, 'models', safe(name, i), 'history', `${i}.json`);
  const blobPath = (sha: string) => join(dir, 'sha256', sha.slice(0, 2), sha);

  async function syncDir(path: string): Promise<void> {
    if (!fsync) return;
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Writes `data` to `path` through a temp file and rename; the directory is fsynced unless told not to. */
  async function atomicWrite(path: string, data: string | Uint8Array, syncParent = true): Promise<void> {
    const tmp = join(tmpDir, `${process.pid}-${counter++}.tmp`);
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    const parent = dirname(path);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await rename(tmp, path);
    if (syncParent) await syncDir(dirname(path));
  }

  // Records (model.json, a version, an event) are small JSON files, read synchronously: an asynchronous
  // readFile costs several thread-pool round trips (open, stat, read, close), which made a warm resolve
  // about 14 times slower than two plain reads, for files of a few kilobytes whose read blocks the event
  // loop for microseconds. Blobs, which may be large, are read asynchronously.
  async function readJsonFile<T>(path: string): Promise<T | undefined> {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LockstepError('INTEGRITY', `fs registry: ${path} is not valid JSON (edited or corrupted)`);
    }
  }

  function ensureLayout(): Promise<void> {
    ready ??= (async () => {
      await mkdir(tmpDir, { recursive: true });
      await mkdir(join(dir, 'models'), { recursive: true });
      await mkdir(join(dir, 'sha256'), { recursive: true });
    })();
    return ready;
  }

  const reader: StorageReader = {
    getModel: (name) => readJsonFile<ModelRecord>(modelPath(name)),
    async listModels() {
      try {
        return (await readdir(join(dir, 'models'))).filter((n) => NAME.test(n));
      } catch (error) {
        if (code(error) === 'ENOENT') return [];
        throw error;
      }
    },
    getVersion: (name, v) => readJsonFile<ModelVersion>(versionPath(name, v)),
    async getVersions(name, from, to) {
      // 32 files at a time: parallel enough to hide latency, few enough never to run out of file handles.
      const out: ModelVersion[] = [];
      for (let start = from; start <= to; start += 32) {
        const batch: Promise<ModelVersion | undefined>[] = [];
        for (let v = start; v <= Math.min(to, start + 31); v++)
          batch.push(readJsonFile(versionPath(name, v)));
        for (const v of await Promise.all(batch)) if (v !== undefined) out.push(v);
      }
      return out;
    },
    async getEvents(name, from, to) {
      const out: HistoryEvent[] = [];
      for (let i = from; i <= to; i++) {
        const e = await readJsonFile<HistoryEvent>(eventPath(name, i));
        if (e !== undefined) out.push(e);
      }
      return out;
    },
  };

  /** Applies a journal's writes (again, after a crash: each write is idempotent), then removes it. */
  async function apply(writes: readonly Write[]): Promise<void> {
    // In rank order (what is counted, then the records that count it, then registry.json); the files of one
    // rank are written in parallel.
    const dirs = new Set<string>();
    for (let r = 0; r <= 2; r++) {
      const group = writes.filter((w) => rank(w.path) === r);
      await Promise.all(group.map((w) => atomicWrite(join(dir, w.path), w.text, false)));
      for (const w of group) dirs.add(dirname(join(dir, w.path)));
    }
    await Promise.all([...dirs].map(syncDir));
    await unlink(join(dir, 'journal.json')).catch((error) => {
      if (code(error) !== 'ENOENT') throw error;
    });
    await syncDir(dir);
  }

  /**
   * With the lock held: finish a commit a dead writer left half applied; remove dead writers' temp files (on
   * the first write of this instance, and after breaking a dead holder's lock).
   */
  async function recover(brokeStale: boolean): Promise<void> {
    const journal = await readJsonFile<{ writes?: Write[] }>(join(dir, 'journal.json')).catch(
      () => undefined,
    );
    if (journal !== undefined && Array.isArray(journal.writes)) {
      // Only the layout's own files: no `..`, no absolute path, nothing outside models/ and registry.json.
      const inLayout = journal.writes.every(
        (w) =>
          typeof w.path === 'string' &&
          typeof w.text === 'string' &&
          JOURNAL_PATH.test(w.path.split(/[\\/]/).join('/')),
      );
      if (inLayout) await apply(journal.writes);
    }
    if (cleaned && !brokeStale) return;
    cleaned = true;
    for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
      const pid = Number(name.split('-')[0]);
      if (pid !== process.pid && Number.isSafeInteger(pid) && pid > 0 && !isAlive(pid))
        await unlink(join(tmpDir, name)).catch(() => undefined);
    }
  }

  async function transactLocked<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T> {
    await ensureLayout();
    const { release, brokeStale } = await acquireLock(dir, lockTimeoutMs, 'fs registry', clock);
    try {
      await recover(brokeStale);
      const draft = new Map<string, string>();
      const read = async <R>(path: string): Promise<R | undefined> => {
        const rel = path.slice(dir.length + 1);
        const held = draft.get(rel);
        return held === undefined ? readJsonFile<R>(path) : (JSON.parse(held) as R);
      };
      const put = (path: string, value: unknown) => {
        const rel = path.slice(dir.length + 1);
        draft.delete(rel); // re-inserted last: later puts of a file keep their place after what they count
        draft.set(rel, `${JSON.stringify(value, null, 2)}\n`);
      };
      let sequence: number | undefined;
      const tx: StorageTransaction = {
        getModel: (name) => read<ModelRecord>(modelPath(name)),
        async listModels() {
          const names = new Set(await reader.listModels());
          for (const rel of draft.keys()) {
            const parts = rel.split(/[\\/]/);
            if (parts[0] === 'models' && parts[2] === 'model.json') names.add(parts[1]!);
          }
          return [...names];
        },
        getVersion: (name, v) => read<ModelVersion>(versionPath(name, v)),
        async getVersions(name, from, to) {
          const out: ModelVersion[] = [];
          for (let v = from; v <= to; v++) {
            const version = await read<ModelVersion>(versionPath(name, v));
            if (version !== undefined) out.push(version);
          }
          return out;
        },
        async getEvents(name, from, to) {
          const out: HistoryEvent[] = [];
          for (let i = from; i <= to; i++) {
            const e = await read<HistoryEvent>(eventPath(name, i));
            if (e !== undefined) out.push(e);
          }
          return out;
        },
        async nextSequence() {
          if (sequence === undefined) {
            const meta = await readJsonFile<{ format?: unknown; sequence?: unknown }>(
              join(dir, 'registry.json'),
            );
            if (meta !== undefined && meta.format !== FORMAT)
              throw new LockstepError(
                'INTEGRITY',
                `fs registry: ${join(dir, 'registry.json')} is not a lockstep registry`,
              );
            sequence = typeof meta?.sequence === 'number' ? meta.sequence : 0;
          }
          sequence++;
          put(join(dir, 'registry.json'), { format: FORMAT, formatVersion: 1, sequence });
          return sequence;
        },
        putModel: (m) => put(modelPath(m.name), m),
        putVersion: (v) => put(versionPath(v.name, v.version), v),
        putEvent: (name, e) => put(eventPath(name, e.index), e),
      };
      const result = await fn(tx);
      if (draft.size > 0) {
        const writes = [...draft]
          .map(([path, text]) => ({ path, text }))
          .sort((a, b) => rank(a.path) - rank(b.path));
        await atomicWrite(join(dir, 'journal.json'), JSON.stringify({ writes }));
        await apply(writes);
      }
      return result;
    } finally {
      await release();
    }
  }

  return {
    reader,
    transact<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T> {
      const next = queue.then(
        () => transactLocked(fn),
        () => transactLocked(fn),
      );
      queue = next.catch(() => undefined);
      return next;
    },
    async putBlob(sha256, bytes) {
      if (!HEX64.test(sha256)) throw new Error(`fs registry: bad digest ${sha256}`);
      await ensureLayout();
      const path = blobPath(sha256);
      try {
        const held = await readFile(path);
        if (createHash('sha256').update(held).digest('hex') === sha256) return;
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error;
      }
      await atomicWrite(path, bytes);
    },
    async getBlob(sha256) {
      if (!HEX64.test(sha256)) return undefined;
      try {
        return new Uint8Array(await readFile(blobPath(sha256)));
      } catch (error) {
        if (code(error) === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
