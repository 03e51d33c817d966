// lockstep/registry/fs: the registry on the local file system, the embedded default in Node. Node only.
import { resolve } from 'node:path';
import { checkBoolean, checkInteger, checkString, readOptions } from '../../core/check.js';
import { wallClock } from '../../core/clock.js';
import { createRegistry, REGISTRY_OPTION_KEYS } from '../registry.js';
import type { ModelRegistry, RegistryOptions } from '../types.js';
import { createFsStorage } from './storage.js';

export { LockstepError, type LockstepErrorCode } from '../../core/errors.js';
export type {
  ArrowTableLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from '../../core/frame-types.js';

/** Options of {@link createFsRegistry}. */
export interface FsRegistryOptions extends RegistryOptions {
  /** The registry's directory (created on the first write). */
  readonly dir: string;
  /** How long a write waits for another process's lock before a `CONFLICT` error (default 30,000 ms). */
  readonly lockTimeoutMs?: number;
  /**
   * fsync every file and directory written (default true). Renames are atomic either way, so a killed process
   * never leaves half a change; without fsync a power loss may lose the last changes.
   */
  readonly fsync?: boolean;
}

/**
 * A registry in a directory: JSON files a person can read (`models/<name>/model.json`,
 * `versions/<n>.json`, `history/<n>.json`) and artifacts under `sha256/`. Writes are atomic and serialised
 * across processes by a lock file that is broken when its holder has died; a process killed mid-write leaves
 * the previous state, which the next writer completes or discards. Reads take no lock. See docs/registry.md.
 * @example
 * const registry = createFsRegistry({ dir: './registry' });
 * const v = await registry.createVersion({ name: 'flights', artifacts: { model: { layers: 3 } } });
 * v.ref // => the new version's ref, flights/1 in a fresh directory
 * @throws LockstepError `INVALID_ARGUMENT` for a missing `dir` or unknown or invalid options.
 */
export function createFsRegistry(options: FsRegistryOptions): ModelRegistry {
  const fn = 'createFsRegistry';
  const o = readOptions(fn, options, [...REGISTRY_OPTION_KEYS, 'dir', 'lockTimeoutMs', 'fsync']);
  const dir = resolve(checkString(fn, 'options.dir', o.dir, 4096, true));
  const lockTimeoutMs =
    o.lockTimeoutMs === undefined
      ? 30_000
      : checkInteger(fn, 'options.lockTimeoutMs', o.lockTimeoutMs, 0, 3_600_000);
  const fsync = o.fsync === undefined ? true : checkBoolean(fn, 'options.fsync', o.fsync);
  // The lock's clock is the wall clock, never `now` (storage.ts says why).
  return createRegistry(createFsStorage({ dir, lockTimeoutMs, fsync, clock: wallClock }), o, fn);
}
