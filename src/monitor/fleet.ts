// Many replicas, one view: where the closed windows of every replica's monitor meet, and how the fleet's
// window is read back. The rules, written once:
//
// - A stored window is keyed by (name, replica, start). `name` is the monitored service (or model), the
//   replica is whoever published it, and `start` is the window's start: with time windows
//   (`window: { ms }`), monitor.ts aligns window i to [i·ms, (i+1)·ms) from the epoch, so every replica's
//   window of one period has the same start, and that start is the fleet's key. (Count windows start
//   whenever a replica's first request came: they do not align, and a fleet of them means nothing.)
// - `publish` is an upsert: publishing a window again (a retry after a timeout, the same `onWindow` twice)
//   leaves one row, and a later window with the same key replaces that replica's row alone. So a replica
//   id must be one per monitor: a process that restarts within a window and reuses its id overwrites what
//   it published before the restart (use hostname and pid, or a fresh id per process), and so does
//   `closeWindow()` called mid-period followed by more requests in that period.
// - `fleet(name, start)` merges every replica's window of that start with `mergeWindows` (counters added,
//   profiles merged with lockstep/stats' mergeProfiles), in replica order, so the answer is what one
//   monitor that saw every replica's requests would have closed: counts exactly, quantiles and distinct
//   counts within the sketches' stated error.
// - What is published is checked as `mergeWindows` checks a window (its profiles parsed), and what is read
//   back is checked again, so a row edited in the database is an INVALID_ARGUMENT or INVALID_ARTIFACT
//   error naming the stored window, never a number on a dashboard.
//
// Every store passes one contract suite (test/monitor/fleet-store-contract.ts): the memory store here, and
// the SQL store (fleet-sql.ts) on PGlite and on a PostgreSQL server.
import { checkNumber, checkString, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError, type LockstepError, rethrownAs } from '../core/errors.js';
import { deepFreeze } from '../core/freeze.js';
import { type MonitorWindow, mergeWindows } from './window.js';

/** A window as a store holds it: who published it, and the window. */
export interface PublishedWindow {
  readonly replica: string;
  readonly window: MonitorWindow;
}

/** Which windows `windows` lists: starts in [since, until). */
export interface WindowRange {
  /** Earliest start listed (epoch ms, inclusive). */
  readonly since?: number;
  /** Starts before this are listed (epoch ms, exclusive). */
  readonly until?: number;
}

/**
 * Where replicas publish their closed windows and a reader finds the fleet's. Every method may be called
 * by many replicas at once.
 */
export interface WindowStore {
  /**
   * Stores `window` as `replica`'s window of `name` starting at `window.start`, replacing that replica's
   * row for that start if there was one (so publishing twice is harmless).
   */
  publish(name: string, replica: string, window: MonitorWindow): Promise<void>;
  /** The stored windows of `name` with starts in [since, until), by start, then replica. */
  windows(name: string, range?: WindowRange): Promise<readonly PublishedWindow[]>;
  /** Every replica's window of `name` starting at `start`, merged (mergeWindows); undefined when none. */
  fleet(name: string, start: number): Promise<MonitorWindow | undefined>;
}

/** Longest service name and replica id, in UTF-16 units. */
export const MAX_NAME = 128;

/** Checks a store method's `name`. */
export function checkName(fn: string, v: unknown): string {
  return checkString(fn, 'name', v, MAX_NAME, true);
}

/** Checks a store method's `replica`. */
export function checkReplica(fn: string, v: unknown): string {
  return checkString(fn, 'replica', v, MAX_NAME, true);
}

/** Checks a window start (epoch ms). */
export function checkStart(fn: string, arg: string, v: unknown): number {
  return checkNumber(fn, arg, v);
}

/** Reads `windows`' range: [since, until), each bound optional. */
export function readRange(fn: string, range: unknown): { since: number; until: number } {
  const o = readOptions(fn, range, ['since', 'until'], 'range');
  const since = o.since === undefined ? Number.NEGATIVE_INFINITY : checkStart(fn, 'range.since', o.since);
  const until = o.until === undefined ? Number.POSITIVE_INFINITY : checkStart(fn, 'range.until', o.until);
  return { since, until };
}

/**
 * A window handed to or read from a store, as plain JSON data (copied through JSON.stringify, so a getter
 * or Proxy is read once), checked as mergeWindows checks one (its profiles parsed with their
 * fingerprints), and deeply frozen. The copy, not mergeWindows' rebuilt window, is what is kept: merging
 * re-seeds the sketches' samplers, and a store gives back what was published. An error names `fn` and
 * `arg` (`window`, or `stored window …`).
 */
export function readWindow(fn: string, arg: string, v: unknown): MonitorWindow {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(v) ?? 'null');
  } catch {
    throw invalidArgument(fn, arg, 'must be a lockstep.monitor.window as JSON (reading it threw)');
  }
  try {
    mergeWindows(copy as MonitorWindow);
  } catch (error) {
    if (isLockstepError(error)) throw renamed(error as LockstepError, fn, arg);
    throw error;
  }
  return deepFreeze(copy as MonitorWindow);
}

/** mergeWindows' error about `windows[0]…` as `fn`'s about `arg…`. */
function renamed(error: LockstepError, fn: string, arg: string): LockstepError {
  const at = error.arg === undefined ? arg : error.arg.replace(/^windows(\[0\])?/, arg);
  return rethrownAs(error, fn, at);
}

/**
 * The fleet's window: `parts` (one replica's window each, all with one start) merged. Windows of one start
 * but different indexes were closed by monitors with different window lengths: merging them would mix
 * periods, so that is an INVALID_ARGUMENT.
 */
export function mergeFleet(fn: string, name: string, parts: readonly PublishedWindow[]): MonitorWindow {
  const first = parts[0]!;
  for (const p of parts)
    if (p.window.index !== first.window.index)
      throw invalidArgument(
        fn,
        'start',
        `names windows of different lengths for "${name}": replica "${first.replica}" has window ${first.window.index}, "${p.replica}" window ${p.window.index} (give every replica the same window.ms)`,
      );
  // One replica's window is the fleet's as it is (merging one would only re-seed its samplers).
  if (parts.length === 1) return first.window;
  try {
    return mergeWindows(...parts.map((p) => p.window));
  } catch (error) {
    if (isLockstepError(error)) throw renamed(error as LockstepError, fn, 'stored windows');
    throw error;
  }
}

/** Orders stored windows by start, then replica (UTF-16 order, as every store sorts them). */
export function byStartThenReplica(a: PublishedWindow, b: PublishedWindow): number {
  return a.window.start !== b.window.start
    ? a.window.start - b.window.start
    : a.replica < b.replica
      ? -1
      : a.replica > b.replica
        ? 1
        : 0;
}

/**
 * A window store in this process's memory: for tests, and for several monitors in one process. Windows
 * are checked when published (as mergeWindows checks them) and kept frozen; `fleet` merges a start's
 * windows in replica order. O(replicas × profile size) a fleet read.
 * @example
 * const store = createMemoryWindowStore();
 * await store.fleet('flights', 0) // => undefined
 * @throws LockstepError from its methods: `INVALID_ARGUMENT` for an empty or overlong (over 128) name or
 *   replica, a window that is not a monitor window (naming the field), a bad range; `INVALID_ARTIFACT` for
 *   a window whose profile is corrupted.
 */
export function createMemoryWindowStore(): WindowStore {
  // name → start → replica → window
  const byName = new Map<string, Map<number, Map<string, MonitorWindow>>>();
  return Object.freeze({
    async publish(nameArg: string, replicaArg: string, windowArg: MonitorWindow): Promise<void> {
      const name = checkName('publish', nameArg);
      const replica = checkReplica('publish', replicaArg);
      const window = readWindow('publish', 'window', windowArg);
      let starts = byName.get(name);
      if (starts === undefined) byName.set(name, (starts = new Map()));
      let replicas = starts.get(window.start);
      if (replicas === undefined) starts.set(window.start, (replicas = new Map()));
      replicas.set(replica, window);
    },

    async windows(nameArg: string, rangeArg?: WindowRange): Promise<readonly PublishedWindow[]> {
      const name = checkName('windows', nameArg);
      const { since, until } = readRange('windows', rangeArg);
      const out: PublishedWindow[] = [];
      for (const [start, replicas] of byName.get(name) ?? [])
        if (start >= since && start < until)
          for (const [replica, window] of replicas) out.push(Object.freeze({ replica, window }));
      return Object.freeze(out.sort(byStartThenReplica));
    },

    async fleet(nameArg: string, startArg: number): Promise<MonitorWindow | undefined> {
      const name = checkName('fleet', nameArg);
      const start = checkStart('fleet', 'start', startArg);
      const replicas = byName.get(name)?.get(start);
      if (replicas === undefined || replicas.size === 0) return undefined;
      const parts = [...replicas].map(([replica, window]) => ({ replica, window }));
      return mergeFleet('fleet', name, parts.sort(byStartThenReplica));
    },
  });
}
