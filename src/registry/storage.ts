// The storage primitives a registry back end implements. The registry's semantics (version numbering,
// compare-and-set, history, rollback, authorisation, content addressing and integrity) are written once, in
// registry.ts, on top of this small interface; a back end only stores records and bytes:
//
//   - memory: maps behind an in-process mutex;
//   - fs:     JSON files, a cross-process lock file and a journal that makes a transaction's files all-or-nothing;
//   - SQL:    tables (models, versions, events, blobs), `transact` a database transaction that locks the row
//             it changes (SELECT … FOR UPDATE, or an advisory lock), so replicas sharing a server serialise.
//
// Records are plain JSON. A back end must give `transact` these guarantees: transactions run one at a time
// across every process sharing the storage; reads inside one see its own writes; when `fn` throws nothing it
// wrote is kept; when `transact` resolves everything is durable. Reads outside a transaction may run at any
// time and must see each record either before or after a committed write, never a torn one. Blobs are
// content-addressed and immutable, so they are written outside transactions (before the version that names
// them) and never deleted by a transaction.
import type { HistoryEvent, ModelVersion } from './types.js';

/** A model's record: everything about it that is not a version or an event. */
export interface ModelRecord {
  readonly name: string;
  /** Null while the model has only recorded denials (it does not exist yet). */
  readonly createdAt: string | null;
  readonly description: string | null;
  /** Highest version number: the next version is `versions + 1`. */
  readonly versions: number;
  /** Number of history events: the next event's index is `events + 1`. */
  readonly events: number;
  /** Alias → version. */
  readonly aliases: Readonly<Record<string, number>>;
  /** Alias → the versions it held before its current one, oldest first (what `rollback` returns to). */
  readonly previous: Readonly<Record<string, readonly number[]>>;
}

/** Reads every back end serves, inside or outside a transaction. */
export interface StorageReader {
  getModel(name: string): Promise<ModelRecord | undefined>;
  /** Names of every model record (including ones that only hold denials), in any order. */
  listModels(): Promise<readonly string[]>;
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  /** Versions `from`..`to` of a model, in order (one query in SQL; one read each on files). */
  getVersions(name: string, from: number, to: number): Promise<readonly ModelVersion[]>;
  /** Events `from`..`to` (1-based, inclusive) of a model, in order. */
  getEvents(name: string, from: number, to: number): Promise<readonly HistoryEvent[]>;
}

/** A transaction: reads that see its own writes, writes kept only if it commits. */
export interface StorageTransaction extends StorageReader {
  /** The next registry-wide registration number (1, 2, 3, …). */
  nextSequence(): Promise<number>;
  putModel(record: ModelRecord): void;
  putVersion(version: ModelVersion): void;
  putEvent(name: string, event: HistoryEvent): void;
}

/** What a back end provides. */
export interface RegistryStorage {
  readonly reader: StorageReader;
  /** Runs `fn` alone (across processes), then commits all its writes at once, or none if it throws. */
  transact<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T>;
  /** Stores bytes under their SHA-256 (hex); a no-op when intact bytes are already there. */
  putBlob(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes as they are (the registry verifies them), or undefined. */
  getBlob(sha256: string): Promise<Uint8Array | undefined>;
}
