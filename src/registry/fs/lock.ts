// The cross-process lock of an fs registry: a file created with O_EXCL (`wx`), so exactly one process can
// create it, holding the holder's pid, host and time as JSON. A process that finds the lock taken waits, with a
// backoff, unless the holder is dead: a pid that no longer exists on this host (`process.kill(pid, 0)` fails
// with ESRCH), or a lock file left empty or unreadable for longer than `EMPTY_STALE_MS` (a holder killed between
// creating it and writing its pid). A dead holder's lock is broken under a second O_EXCL file (`lock.break`),
// and only if it still holds the same text, so two waiters cannot both break it and then delete each other's
// fresh lock. Limits: one host (pids mean nothing across machines, so no network file systems), and a pid
// reused by an unrelated process keeps a dead holder's lock alive until that process ends.
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockstepError } from '../../core/errors.js';

/** How long an empty or unreadable lock file may stay before it counts as left by a dead holder. */
export const EMPTY_STALE_MS = 2000;
/** How long a `lock.break` file may stay before it counts as left by a dead breaker. */
const BREAK_STALE_MS = 5000;

/** True when a process with this pid exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException)?.code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock in `dir`, waiting at most `timeoutMs`; returns the function that releases it, and whether a
 * dead holder's lock was broken on the way (so the caller knows to clean up after it).
 */
export async function acquireLock(
  dir: string,
  timeoutMs: number,
  fn: string,
  clock: () => number,
): Promise<{ release: () => Promise<void>; brokeStale: boolean }> {
  let brokeStale = false;
  const path = join(dir, 'lock');
  const host = hostname();
  const started = clock();
  for (let attempt = 0; ; attempt++) {
    const text = JSON.stringify({ pid: process.pid, host, acquiredAt: new Date(clock()).toISOString() });
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      const release = async () => {
        try {
          // Only our own lock is removed (a lock broken as stale while we were stopped is someone else's now).
          if ((await readFile(path, 'utf8')) === text) await unlink(path);
        } catch (error) {
          if (code(error) !== 'ENOENT') throw error;
        }
      };
      return { release, brokeStale };
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    const held = await readHolder(path, clock);
    if (held?.stale) {
      await breakStale(dir, path, held.text, clock);
      brokeStale = true;
    } else if (clock() - started > timeoutMs)
      throw new LockstepError(
        'CONFLICT',
        `${fn}: the registry's lock ${path} stayed busy for ${timeoutMs} ms (held by ${held?.text || 'an unknown holder'})`,
        { fn },
      );
    else await sleep(1 + ((attempt * 7 + process.pid) % 4) + Math.min(attempt, 6));
  }
}

async function readHolder(
  path: string,
  clock: () => number,
): Promise<{ text: string; stale: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
  let holder: { pid?: unknown; host?: unknown } | undefined;
  try {
    holder = JSON.parse(text) as typeof holder;
  } catch {
    holder = undefined;
  }
  if (holder === undefined || typeof holder.pid !== 'number') {
    const age = await ageOf(path, clock);
    return { text, stale: age !== undefined && age > EMPTY_STALE_MS };
  }
  // A lock from another host cannot be judged by pid: it is never broken here.
  return { text, stale: holder.host === hostname() && !isAlive(holder.pid) };
}

/** How old a file is by `clock`, a wall clock comparable with the file system's mtime. */
async function ageOf(path: string, clock: () => number): Promise<number | undefined> {
  try {
    return clock() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function breakStale(dir: string, path: string, staleText: string, clock: () => number): Promise<void> {
  const breakPath = join(dir, 'lock.break');
  try {
    const handle = await open(breakPath, 'wx');
    await handle.close();
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    const age = await ageOf(breakPath, clock);
    if (age !== undefined && age > BREAK_STALE_MS) await unlink(breakPath).catch(() => undefined);
    await sleep(2);
    return;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === staleText) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
}
