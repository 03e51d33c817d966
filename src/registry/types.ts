// The registry's public shapes: what a version, its artifacts, its lineage and its history look like, and the
// one `ModelRegistry` interface every back end (memory, fs, SQL) implements with the same behaviour. All of it
// is plain JSON, so a version read from disk, from a database or from memory is the same object, deeply frozen.
import type { Promisable } from '../core/types.js';

/** A version's approval status (SageMaker's approval states, plus archived). New versions are `pending`. */
export type VersionStatus = 'pending' | 'approved' | 'rejected' | 'archived';

/** A JSON value, as artifacts and hyperparameters hold. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/**
 * One stored artifact of a version: where its bytes are (their SHA-256, the content address) and what they are.
 * A lockstep artifact (schema, profile, transform, gate, …) stored as JSON also carries its `kind`,
 * `formatVersion` and `fingerprint`, read from its envelope when it was registered.
 */
export interface ArtifactRef {
  /** SHA-256 of the stored bytes, 64 lower-case hex digits: the artifact's address. */
  readonly sha256: string;
  /** Size of the stored bytes. */
  readonly size: number;
  /** `application/json` (stored as canonical JSON text) or `application/octet-stream` (bytes as given). */
  readonly mediaType: 'application/json' | 'application/octet-stream';
  /** For a lockstep artifact: its kind (`lockstep.schema`), format version and fingerprint. */
  readonly kind?: string;
  readonly formatVersion?: number;
  readonly fingerprint?: string;
}

/**
 * Where a version came from, typed. Every field is optional; what is given is checked (fingerprints are 64
 * hex digits, the parent is an existing version) and stored as given.
 */
export interface Lineage {
  /** `fingerprintData` of the training data. */
  readonly dataFingerprint?: string;
  /** The split that made the training set: its salt and weights. */
  readonly split?: { readonly salt: string; readonly weights: Readonly<Record<string, number>> };
  /** The training seed. */
  readonly seed?: number | string;
  readonly schemaFingerprint?: string;
  readonly transformFingerprint?: string;
  readonly profileFingerprint?: string;
  /** Hyperparameters: names to JSON scalars. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean | null>>;
  /** The code's version: a git commit, a package version. */
  readonly codeVersion?: string;
  /** The version this one was trained from, as a ref (`flights/2`; an alias is resolved when registering). */
  readonly parent?: string;
}

/** One registered version of a model, as every read returns it (deeply frozen). */
export interface ModelVersion {
  readonly name: string;
  /** 1, 2, 3, … per model: never reused, skipped or duplicated. */
  readonly version: number;
  /** `name/version`. */
  readonly ref: string;
  /** Registration time, ISO 8601 in UTC. */
  readonly createdAt: string;
  /** Registry-wide registration order (1, 2, 3, … across all models). */
  readonly sequence: number;
  readonly actor: string | null;
  readonly description: string | null;
  readonly status: VersionStatus;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lineage: Lineage;
  readonly artifacts: Readonly<Record<string, ArtifactRef>>;
}

/** A model: its name, when it was created, its aliases and how many versions it has. */
export interface ModelInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly description: string | null;
  /** The highest version number (0 before the first version). */
  readonly latestVersion: number;
  /** Alias → version. */
  readonly aliases: Readonly<Record<string, number>>;
}

/** The write actions the authorisation hook is asked about. */
export type RegistryAction =
  | 'createModel'
  | 'createVersion'
  | 'addArtifacts'
  | 'setAlias'
  | 'deleteAlias'
  | 'rollback'
  | 'setStatus'
  | 'setTags';

/** What the authorisation hook is asked: may `actor` do `action` on `ref` (a model name or a version ref)? */
export interface AuthorizeRequest {
  readonly action: RegistryAction;
  readonly ref: string;
  readonly actor: string | null;
}

/** What every history entry carries. */
interface EventBase<T extends string> {
  readonly type: T;
  /** Position in the model's history: 1, 2, 3, … */
  readonly index: number;
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly actor: string | null;
  readonly reason: string | null;
}

/** One entry of a model's history: a discriminated union on `type`. */
export type HistoryEvent =
  | (EventBase<'model.created'> & { readonly description: string | null })
  | (EventBase<'version.registered'> & { readonly version: number })
  | (EventBase<'artifacts.added'> & { readonly version: number; readonly artifacts: readonly string[] })
  | (EventBase<'alias.set'> & {
      readonly alias: string;
      readonly from: number | null;
      readonly to: number;
    })
  | (EventBase<'alias.deleted'> & { readonly alias: string; readonly from: number })
  | (EventBase<'alias.rolledBack'> & { readonly alias: string; readonly from: number; readonly to: number })
  | (EventBase<'status.changed'> & {
      readonly version: number;
      readonly from: VersionStatus;
      readonly to: VersionStatus;
    })
  | (EventBase<'tags.changed'> & {
      readonly version: number;
      readonly set: Readonly<Record<string, string>>;
      readonly removed: readonly string[];
    })
  | (EventBase<'write.denied'> & { readonly action: RegistryAction; readonly ref: string });

/** Who makes a change and why: recorded with it in the history. */
export interface ChangeOptions {
  readonly actor?: string;
  readonly reason?: string;
}

/** `setAlias`'s options: `expected` makes the move a compare-and-set. */
export interface SetAliasOptions extends ChangeOptions {
  /**
   * The version the alias must point at now for the move to happen (`null`: the alias must not exist yet).
   * When it points elsewhere the move is refused with a `CONFLICT` error, so two deployers cannot both win.
   * Left out, the move is unconditional.
   */
  readonly expected?: number | null;
}

/**
 * An artifact to register: bytes, or a JSON value (any plain object, such as a lockstep schema or transform,
 * is accepted by the types; what JSON cannot carry faithfully, NaN or a function, is refused at run time).
 */
export type ArtifactInput = Uint8Array | JsonValue | object;

/** What `createVersion` registers. Artifacts are bytes (`Uint8Array`) or JSON values. */
export interface CreateVersionInput {
  readonly name: string;
  readonly artifacts?: Readonly<Record<string, ArtifactInput>>;
  readonly lineage?: Lineage;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly actor?: string;
  readonly reason?: string;
}

/** A bound on one metric in `search`. */
export interface MetricFilter {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
}

/** `search`'s options. */
export interface SearchOptions {
  /** Only this model. */
  readonly name?: string;
  /** Only versions carrying every one of these tags with these values. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Only versions with this status (or one of these). */
  readonly status?: VersionStatus | readonly VersionStatus[];
  /** Only versions whose metrics meet every bound (a version without the metric does not match). */
  readonly metrics?: Readonly<Record<string, MetricFilter>>;
  /** `name` (name, then version; the default), `created` (registration order), or a metric. */
  readonly orderBy?: 'name' | 'created' | { readonly metric: string };
  /** Reverse the order (versions without the metric stay last when ordering by a metric). */
  readonly descending?: boolean;
  /** Page size: 1 to 1,000 (default 100). */
  readonly limit?: number;
  /** The `cursor` of the previous page (opaque). Only valid with the same filters and order. */
  readonly cursor?: string;
}

/** A page of search results; `cursor` is set when more may follow. */
export interface SearchPage {
  readonly versions: readonly ModelVersion[];
  readonly cursor?: string;
}

/** A parsed ref: `flights/3` → `{ name, version: 3 }`; `flights@champion` → `{ name, alias: 'champion' }`. */
export type ParsedRef =
  | { readonly name: string; readonly version: number; readonly alias?: undefined }
  | { readonly name: string; readonly alias: string; readonly version?: undefined };

/**
 * The registry. Every method is async and behaves the same on every back end (the contract suite in
 * test/registry/contract.ts runs on each). Reads return deeply frozen plain data; every write asks the
 * `authorize` hook first and is recorded in the model's history with its time, actor and reason.
 */
export interface ModelRegistry {
  /** Creates a model without a version (the first `createVersion` also creates it). `CONFLICT` if it exists. */
  createModel(name: string, options?: ChangeOptions & { readonly description?: string }): Promise<ModelInfo>;
  /** The model, or `NOT_FOUND`. */
  getModel(name: string): Promise<ModelInfo>;
  /** Every model's name, sorted. */
  listModels(): Promise<readonly string[]>;
  /** Registers the next version of `input.name` (creating the model if needed) with its artifacts. */
  createVersion(input: CreateVersionInput): Promise<ModelVersion>;
  /**
   * Adds artifacts to the version `ref` names (a gate result, an evaluation made after registration). A
   * version's artifacts are never replaced or removed: a name it holds already with other bytes is a
   * `CONFLICT`; with the same bytes it is left as it is (so a retried call is harmless). Recorded in the
   * history as `artifacts.added` with the names added. Returns the version.
   */
  addArtifacts(
    ref: string,
    artifacts: Readonly<Record<string, ArtifactInput>>,
    options?: ChangeOptions,
  ): Promise<ModelVersion>;
  /** One version, or `NOT_FOUND`. */
  getVersion(name: string, version: number): Promise<ModelVersion>;
  /** Every version of a model, oldest first (`NOT_FOUND` for an unknown model). */
  listVersions(name: string): Promise<readonly ModelVersion[]>;
  /** Versions across models matching the filters, a page at a time. */
  search(options?: SearchOptions): Promise<SearchPage>;
  /** The version a ref names (`flights/3`, `flights@champion`, `flights@latest`), or `NOT_FOUND`. */
  resolve(ref: string): Promise<ModelVersion>;
  /** Points `alias` at `version` (compare-and-set with `expected`). Returns the model. */
  setAlias(name: string, alias: string, version: number, options?: SetAliasOptions): Promise<ModelInfo>;
  /** Removes an alias (`NOT_FOUND` if it is not set). */
  deleteAlias(name: string, alias: string, options?: ChangeOptions): Promise<ModelInfo>;
  /** Moves `alias` back to the version it held before its last move (`NOT_FOUND` when there is none). */
  rollback(name: string, alias: string, options?: ChangeOptions): Promise<ModelInfo>;
  /** Sets the status of the version `ref` names. */
  setStatus(ref: string, status: VersionStatus, options?: ChangeOptions): Promise<ModelVersion>;
  /** Sets tags on the version `ref` names; a `null` value removes the tag. */
  setTags(
    ref: string,
    tags: Readonly<Record<string, string | null>>,
    options?: ChangeOptions,
  ): Promise<ModelVersion>;
  /** Every change to the model, in order (registrations, alias moves, status and tag changes, denials). */
  history(name: string): Promise<readonly HistoryEvent[]>;
  /** An artifact's bytes, verified against their SHA-256 (`INTEGRITY` otherwise). A fresh copy each call. */
  readArtifact(ref: string, artifact: string): Promise<Uint8Array>;
  /**
   * A JSON artifact, verified and parsed (deeply frozen). With `parse` (`parseSchema`, `parseTransform`, …)
   * the value goes through it, so a lockstep artifact comes back checked and sealed.
   */
  readJson<T = JsonValue>(ref: string, artifact: string, parse?: (json: unknown) => T): Promise<T>;
}

/** Options every registry back end takes. */
export interface RegistryOptions {
  /** Asked before every write; anything but `true` denies (`FORBIDDEN`, and the denial is recorded). */
  readonly authorize?: (request: AuthorizeRequest) => Promisable<boolean>;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Largest artifact accepted, in bytes (default 256 MiB, at most 2^31 − 1). */
  readonly maxArtifactBytes?: number;
}
