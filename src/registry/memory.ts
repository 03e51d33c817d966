// The in-memory back end: maps behind a promise-chain mutex, for tests and browsers. Records are kept as JSON
// text, so what a caller holds can never change what is stored, and each read is a fresh object.
import { readOptions } from '../core/check.js';
import { sha256Hex } from '../core/sha256.js';
import { createRegistry, REGISTRY_OPTION_KEYS } from './registry.js';
import type { ModelRecord, RegistryStorage, StorageTransaction } from './storage.js';
import type { HistoryEvent, ModelRegistry, ModelVersion, RegistryOptions } from './types.js';

/** The memory storage, with its blobs exposed so tests can tamper with them. */
export interface MemoryStorage extends RegistryStorage {
  readonly blobs: Map<string, Uint8Array>;
}

/** Storage in maps (internal: `createMemoryRegistry` is the public way in). */
export function createMemoryStorage(): MemoryStorage {
  const records = new Map<string, string>();
  const blobs = new Map<string, Uint8Array>();
  let sequence = 0;
  let queue: Promise<unknown> = Promise.resolve();

  // Reads through `draft` (a transaction's writes) first, then the committed records.
  const read = <T>(draft: Map<string, string> | undefined, key: string): T | undefined => {
    const text = draft?.get(key) ?? records.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  };
  const reader = (draft?: Map<string, string>) => ({
    getModel: async (name: string) => read<ModelRecord>(draft, `m/${name}`),
    listModels: async () => {
      const keys = new Set([...records.keys(), ...(draft?.keys() ?? [])]);
      return [...keys].filter((k) => k.startsWith('m/')).map((k) => k.slice(2));
    },
    getVersion: async (name: string, version: number) => read<ModelVersion>(draft, `v/${name}/${version}`),
    getVersions: async (name: string, from: number, to: number) => {
      const out: ModelVersion[] = [];
      for (let v = from; v <= to; v++) {
        const version = read<ModelVersion>(draft, `v/${name}/${v}`);
        if (version !== undefined) out.push(version);
      }
      return out;
    },
    getEvents: async (name: string, from: number, to: number) => {
      const out: HistoryEvent[] = [];
      for (let i = from; i <= to; i++) {
        const e = read<HistoryEvent>(draft, `e/${name}/${i}`);
        if (e !== undefined) out.push(e);
      }
      return out;
    },
  });

  return {
    blobs,
    reader: reader(),
    transact<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T> {
      const run = async () => {
        // Writes go to a draft; the draft joins the records only when fn resolves.
        const draft = new Map<string, string>();
        let drafted = sequence;
        const tx: StorageTransaction = {
          ...reader(draft),
          nextSequence: async () => ++drafted,
          putModel: (m) => void draft.set(`m/${m.name}`, JSON.stringify(m)),
          putVersion: (v) => void draft.set(`v/${v.name}/${v.version}`, JSON.stringify(v)),
          putEvent: (name, e) => void draft.set(`e/${name}/${e.index}`, JSON.stringify(e)),
        };
        const result = await fn(tx);
        for (const [k, v] of draft) records.set(k, v);
        sequence = drafted;
        return result;
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
    async putBlob(sha256, bytes) {
      const held = blobs.get(sha256);
      if (held === undefined || sha256Hex(held) !== sha256) blobs.set(sha256, new Uint8Array(bytes));
    },
    async getBlob(sha256) {
      return blobs.get(sha256);
    },
  };
}

/**
 * A registry held in memory, for tests and browsers: the full `ModelRegistry` behaviour (the contract suite
 * runs on it), gone when the process ends.
 * @example
 * const registry = createMemoryRegistry();
 * await registry.createVersion({ name: 'flights', artifacts: { weights: new Uint8Array([1, 2]) } });
 * (await registry.resolve('flights@latest')).version // => 1
 * @throws LockstepError `INVALID_ARGUMENT` for unknown or invalid options.
 */
export function createMemoryRegistry(options?: RegistryOptions): ModelRegistry {
  const o = readOptions('createMemoryRegistry', options, REGISTRY_OPTION_KEYS);
  return createRegistry(createMemoryStorage(), o, 'createMemoryRegistry');
}
