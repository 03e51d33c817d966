// The registry's semantics, written once over the storage primitives of storage.ts, so every back end behaves
// the same:
//
//   - A version number is the model record's `versions + 1`, taken inside the storage's transaction, which runs
//     alone across processes: numbers are never reused, skipped or duplicated.
//   - Artifact bytes are stored under their SHA-256 before the transaction that names them, so a version never
//     names bytes that are not there; identical bytes are one blob. Every read hashes them again: bytes that no
//     longer match (tampered, truncated, missing) are an INTEGRITY error and are never returned.
//   - Every write asks the `authorize` hook first (outside the transaction: it may be slow); a denial is
//     recorded in the model's history, then thrown as FORBIDDEN.
//   - Every change is a history event in the same transaction as the change, so history and state never
//     disagree. The clock is read inside the transaction, so times follow the history's order (given a clock
//     that does not run backwards). An alias remembers the versions it held (`previous`), which is what `rollback` returns to.

import { readEnvelope } from '../core/artifact.js';
import { base64ToBytes, bytesToBase64 } from '../core/base64.js';
import { checkBoolean, checkFunction, checkInteger, checkNumber, readOptions } from '../core/check.js';
import { readEpochClock } from '../core/clock.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { canonicalJson, fingerprint } from '../core/fingerprint.js';
import { deepFreeze } from '../core/freeze.js';
import { sha256Hex } from '../core/sha256.js';
import { encodeUtf8 } from '../core/utf8.js';
import { checkLineage, readRecord } from './lineage.js';
import { checkAlias, checkKey, checkModelName, checkText, checkVersion, MAX_NAME, readRef } from './names.js';
import type { ModelRecord, RegistryStorage, StorageReader, StorageTransaction } from './storage.js';
import type {
  ArtifactRef,
  AuthorizeRequest,
  HistoryEvent,
  JsonValue,
  Lineage,
  ModelInfo,
  ModelRegistry,
  ModelVersion,
  ParsedRef,
  RegistryAction,
  SearchPage,
  VersionStatus,
} from './types.js';

/** Default largest artifact: 256 MiB. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
/** Most artifacts one version holds. */
export const MAX_ARTIFACTS = 256;
/** How many earlier versions an alias remembers for rollback. */
export const MAX_PREVIOUS = 100;

export const REGISTRY_OPTION_KEYS = ['authorize', 'now', 'maxArtifactBytes'] as const;
const STATUSES: readonly VersionStatus[] = ['pending', 'approved', 'rejected', 'archived'];
const CREATE_KEYS = [
  'name',
  'artifacts',
  'lineage',
  'metrics',
  'tags',
  'description',
  'actor',
  'reason',
] as const;
const CHANGE_KEYS = ['actor', 'reason'] as const;
const SEARCH_KEYS = [
  'name',
  'tags',
  'status',
  'metrics',
  'orderBy',
  'descending',
  'limit',
  'cursor',
] as const;

const notFound = (fn: string, message: string) => new LockstepError('NOT_FOUND', `${fn}: ${message}`, { fn });
const conflict = (fn: string, message: string) => new LockstepError('CONFLICT', `${fn}: ${message}`, { fn });

interface Prepared {
  readonly name: string;
  readonly ref: ArtifactRef;
  readonly bytes: Uint8Array;
}

/**
 * A registry over `storage`: the one implementation of `ModelRegistry` every back end shares.
 * `fn` names the factory in option errors (`createMemoryRegistry`, `createFsRegistry`).
 */
export function createRegistry(
  storage: RegistryStorage,
  raw: { readonly authorize?: unknown; readonly now?: unknown; readonly maxArtifactBytes?: unknown },
  fn: string,
): ModelRegistry {
  const authorizeHook =
    raw.authorize === undefined
      ? undefined
      : checkFunction<(r: AuthorizeRequest) => unknown>(fn, 'options.authorize', raw.authorize);
  const clock = readEpochClock(fn, raw.now);
  const maxBytes =
    raw.maxArtifactBytes === undefined
      ? DEFAULT_MAX_ARTIFACT_BYTES
      : checkInteger(fn, 'options.maxArtifactBytes', raw.maxArtifactBytes, 0, 0x7fffffff);
  const reader = storage.reader;

  const time = (f: string): string => new Date(clock(f)).toISOString();

  function change(f: string, options: unknown, extra: readonly string[] = []) {
    const o = readOptions(f, options, [...CHANGE_KEYS, ...extra] as readonly string[]);
    return {
      o,
      actor: o.actor === undefined ? null : checkText(f, 'options.actor', o.actor, MAX_NAME * 2),
      reason: o.reason === undefined ? null : checkText(f, 'options.reason', o.reason),
    };
  }

  async function authorize(
    f: string,
    action: RegistryAction,
    ref: string,
    name: string,
    actor: string | null,
    reason: string | null,
  ): Promise<void> {
    if (authorizeHook === undefined) return;
    let allowed = false;
    let why = '';
    try {
      allowed = (await authorizeHook(Object.freeze({ action, ref, actor }))) === true;
    } catch (error) {
      why = ` (the hook threw: ${isLockstepError(error) || error instanceof Error ? error.message : describe(error)})`;
    }
    if (allowed) return;
    await storage.transact(async (tx) => {
      const at = time(f);
      const model = (await tx.getModel(name)) ?? emptyModel(name);
      tx.putModel(record(tx, model, { type: 'write.denied', action, ref }, at, actor, reason));
    });
    throw new LockstepError(
      'FORBIDDEN',
      `${f}: ${actor === null ? 'an anonymous actor' : describe(actor)} may not ${action} ${describe(ref)}${why}`,
      { fn: f },
    );
  }

  async function existing(r: StorageReader, f: string, name: string): Promise<ModelRecord> {
    const model = await r.getModel(name);
    if (model === undefined || model.createdAt === null)
      throw notFound(f, `no model named ${describe(name)}`);
    return model;
  }

  async function resolveIn(r: StorageReader, f: string, ref: ParsedRef): Promise<ModelVersion> {
    const model = await existing(r, f, ref.name);
    let version: number | undefined = ref.version;
    if (ref.alias === 'latest') version = model.versions === 0 ? undefined : model.versions;
    else if (ref.alias !== undefined) version = own(model.aliases, ref.alias);
    const shown = ref.alias === undefined ? `${ref.name}/${ref.version}` : `${ref.name}@${ref.alias}`;
    if (version === undefined) throw notFound(f, `${describe(shown)} names no version`);
    const found = version <= model.versions ? await r.getVersion(ref.name, version) : undefined;
    if (found === undefined) throw notFound(f, `no version ${describe(shown)}`);
    return found;
  }

  function prepareArtifacts(f: string, v: unknown, where = 'input.artifacts'): Prepared[] {
    if (v === undefined) return [];
    const prepared: Prepared[] = [];
    const entries = readRecord(f, where, v, (key, item) => ({ key, item }), MAX_ARTIFACTS);
    for (const { key, item } of Object.values(entries)) {
      const arg = `${where}.${key}`;
      let bytes: Uint8Array;
      let ref: ArtifactRef;
      if (ArrayBuffer.isView(item)) {
        if (!(item instanceof Uint8Array))
          throw invalidArgument(f, arg, 'must be a Uint8Array or a JSON value', item);
        if (item.byteLength > maxBytes)
          throw invalidArgument(f, arg, `must be at most ${maxBytes} bytes, got ${item.byteLength}`);
        bytes = new Uint8Array(item);
        ref = { sha256: sha256Hex(bytes), size: bytes.byteLength, mediaType: 'application/octet-stream' };
      } else if (tagOf(item) === '[object ArrayBuffer]') {
        throw invalidArgument(f, arg, 'must be a Uint8Array or a JSON value (wrap an ArrayBuffer in one)');
      } else {
        const text = canonicalJson(item, f);
        if (text.length > maxBytes)
          throw invalidArgument(f, arg, `must be at most ${maxBytes} bytes as JSON`);
        bytes = encodeUtf8(text);
        if (bytes.byteLength > maxBytes)
          throw invalidArgument(f, arg, `must be at most ${maxBytes} bytes as JSON, got ${bytes.byteLength}`);
        ref = { sha256: sha256Hex(bytes), size: bytes.byteLength, mediaType: 'application/json' };
        const kind =
          typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
        if (typeof kind === 'string' && kind.startsWith('lockstep.')) {
          const envelope = readEnvelope(item, f, arg);
          ref = { ...ref, ...envelope };
        }
      }
      prepared.push({ name: key, ref, bytes });
    }
    return prepared;
  }

  async function verified(f: string, ref: ArtifactRef, what: string): Promise<Uint8Array> {
    const bytes = await storage.getBlob(ref.sha256);
    const bad = (problem: string) =>
      new LockstepError('INTEGRITY', `${f}: artifact ${what} ${problem}; it is not returned`, { fn: f });
    if (bytes === undefined) throw bad(`is missing from storage (sha256 ${ref.sha256})`);
    if (bytes.byteLength !== ref.size)
      throw bad(`has ${bytes.byteLength} bytes where ${ref.size} were stored (truncated or replaced)`);
    if (sha256Hex(bytes) !== ref.sha256) throw bad('does not match its SHA-256 (tampered or corrupted)');
    return bytes;
  }

  async function artifactBytes(f: string, refText: unknown, artifact: unknown) {
    const ref = readRef(f, 'ref', refText);
    const name = checkKey(f, 'artifact', artifact);
    const version = await resolveIn(reader, f, ref);
    const stored = Object.hasOwn(version.artifacts, name) ? version.artifacts[name] : undefined;
    if (stored === undefined)
      throw notFound(f, `version ${describe(version.ref)} has no artifact ${describe(name)}`);
    return { stored, bytes: await verified(f, stored, `${describe(name)} of ${version.ref}`) };
  }

  /**
   * A change to one version, written once for addArtifacts, setStatus and setTags: in one transaction, the
   * version `ref` names is resolved, `edit` returns it updated with the history event that records the
   * change (or undefined: nothing changes and nothing is recorded), and both are stored.
   */
  async function changeVersion(
    f: string,
    ref: ParsedRef,
    actor: string | null,
    reason: string | null,
    edit: (version: ModelVersion) => { version: ModelVersion; event: EventBody } | undefined,
  ): Promise<ModelVersion> {
    return deepFreeze(
      await storage.transact(async (tx) => {
        const at = time(f);
        const version = await resolveIn(tx, f, ref);
        const model = await existing(tx, f, ref.name);
        const edited = edit(version);
        if (edited === undefined) return version;
        tx.putVersion(edited.version);
        tx.putModel(record(tx, model, edited.event, at, actor, reason));
        return edited.version;
      }),
    );
  }

  const registry: ModelRegistry = {
    async createModel(nameArg, options) {
      const f = 'createModel';
      const name = checkModelName(f, 'name', nameArg);
      const { o, actor, reason } = change(f, options, ['description']);
      const description =
        o.description === undefined ? null : checkText(f, 'options.description', o.description);
      await authorize(f, 'createModel', name, name, actor, reason);
      return await storage.transact(async (tx) => {
        const at = time(f);
        const before = await tx.getModel(name);
        if (before !== undefined && before.createdAt !== null)
          throw conflict(f, `a model named ${describe(name)} exists already`);
        const model = { ...(before ?? emptyModel(name)), createdAt: at, description };
        const after = record(tx, model, { type: 'model.created', description }, at, actor, reason);
        tx.putModel(after);
        return info(after);
      });
    },

    async getModel(nameArg) {
      const name = checkModelName('getModel', 'name', nameArg);
      return info(await existing(reader, 'getModel', name));
    },

    async listModels() {
      const names = [...(await reader.listModels())].sort(byCodeUnits);
      const out: string[] = [];
      for (const name of names) {
        const m = await reader.getModel(name);
        if (m !== undefined && m.createdAt !== null) out.push(name);
      }
      return Object.freeze(out);
    },

    async createVersion(input) {
      const f = 'createVersion';
      const o = readOptions(f, input, CREATE_KEYS, 'input');
      const name = checkModelName(f, 'input.name', o.name);
      const artifacts = prepareArtifacts(f, o.artifacts);
      const lineage: Lineage = o.lineage === undefined ? {} : checkLineage(f, 'input.lineage', o.lineage);
      const metrics =
        o.metrics === undefined
          ? {}
          : readRecord(f, 'input.metrics', o.metrics, (k, m) => checkNumber(f, `input.metrics.${k}`, m));
      const tags =
        o.tags === undefined
          ? {}
          : readRecord(f, 'input.tags', o.tags, (k, t) => checkText(f, `input.tags.${k}`, t, 1024));
      const description =
        o.description === undefined ? null : checkText(f, 'input.description', o.description);
      const actor = o.actor === undefined ? null : checkText(f, 'input.actor', o.actor, MAX_NAME * 2);
      const reason = o.reason === undefined ? null : checkText(f, 'input.reason', o.reason);
      const parent =
        lineage.parent === undefined ? undefined : readRef(f, 'input.lineage.parent', lineage.parent);
      await authorize(f, 'createVersion', name, name, actor, reason);
      for (const a of artifacts) await storage.putBlob(a.ref.sha256, a.bytes);
      const refs: Record<string, ArtifactRef> = {};
      for (const a of artifacts) refs[a.name] = a.ref;
      return deepFreeze(
        await storage.transact(async (tx) => {
          const at = time(f);
          let model = (await tx.getModel(name)) ?? emptyModel(name);
          const resolvedLineage =
            parent === undefined ? lineage : { ...lineage, parent: (await resolveIn(tx, f, parent)).ref };
          if (model.createdAt === null) {
            model = record(
              tx,
              { ...model, createdAt: at, description },
              { type: 'model.created', description },
              at,
              actor,
              reason,
            );
          }
          const number = model.versions + 1;
          const version: ModelVersion = {
            name,
            version: number,
            ref: `${name}/${number}`,
            createdAt: at,
            sequence: await tx.nextSequence(),
            actor,
            description,
            status: 'pending',
            tags,
            metrics,
            lineage: resolvedLineage,
            artifacts: refs,
          };
          tx.putVersion(version);
          model = record(
            tx,
            { ...model, versions: number },
            { type: 'version.registered', version: number },
            at,
            actor,
            reason,
          );
          tx.putModel(model);
          return version;
        }),
      );
    },

    async addArtifacts(refArg, artifactsArg, options) {
      const f = 'addArtifacts';
      const ref = readRef(f, 'ref', refArg);
      if (artifactsArg === undefined) throw invalidArgument(f, 'artifacts', 'is required', artifactsArg);
      const artifacts = prepareArtifacts(f, artifactsArg, 'artifacts');
      const { actor, reason } = change(f, options);
      await authorize(f, 'addArtifacts', showRef(ref), ref.name, actor, reason);
      for (const a of artifacts) await storage.putBlob(a.ref.sha256, a.bytes);
      return changeVersion(f, ref, actor, reason, (version) => {
        const refs: Record<string, ArtifactRef> = { ...version.artifacts };
        const added: string[] = [];
        for (const a of artifacts) {
          const held = own(refs, a.name);
          if (held === undefined) {
            refs[a.name] = a.ref;
            added.push(a.name);
          } else if (held.sha256 !== a.ref.sha256 || held.mediaType !== a.ref.mediaType)
            throw conflict(
              f,
              `${version.ref} holds an artifact ${describe(a.name)} already, with other bytes; a version's artifacts are never replaced (add it under another name, or register a new version)`,
            );
        }
        if (added.length === 0) return undefined;
        if (Object.keys(refs).length > MAX_ARTIFACTS)
          throw invalidArgument(f, 'artifacts', `would leave more than ${MAX_ARTIFACTS} artifacts`);
        return {
          version: { ...version, artifacts: refs },
          event: { type: 'artifacts.added', version: version.version, artifacts: added.sort(byCodeUnits) },
        };
      });
    },

    async getVersion(nameArg, versionArg) {
      const f = 'getVersion';
      const name = checkModelName(f, 'name', nameArg);
      const version = checkVersion(f, 'version', versionArg);
      return deepFreeze(await resolveIn(reader, f, { name, version }));
    },

    async listVersions(nameArg) {
      const f = 'listVersions';
      const name = checkModelName(f, 'name', nameArg);
      const model = await existing(reader, f, name);
      return deepFreeze(await versionsOf(reader, model));
    },

    async search(options) {
      return search(reader, options);
    },

    async resolve(refArg) {
      return deepFreeze(await resolveIn(reader, 'resolve', readRef('resolve', 'ref', refArg)));
    },

    async setAlias(nameArg, aliasArg, versionArg, options) {
      const f = 'setAlias';
      const name = checkModelName(f, 'name', nameArg);
      const alias = checkAlias(f, 'alias', aliasArg);
      const target = checkVersion(f, 'version', versionArg);
      const { o, actor, reason } = change(f, options, ['expected']);
      const expected =
        o.expected === undefined || o.expected === null
          ? o.expected
          : checkVersion(f, 'options.expected', o.expected);
      await authorize(f, 'setAlias', `${name}@${alias}`, name, actor, reason);
      return await storage.transact(async (tx) => {
        const at = time(f);
        const model = await existing(tx, f, name);
        await resolveIn(tx, f, { name, version: target });
        const current = Object.hasOwn(model.aliases, alias) ? model.aliases[alias]! : null;
        if (expected !== undefined && expected !== current)
          throw conflict(
            f,
            `${name}@${alias} points at ${current ?? 'nothing'}, not the expected ${expected ?? 'nothing'}; re-read and retry`,
          );
        const earlier = own(model.previous, alias) ?? [];
        const previous =
          current === null || current === target ? earlier : [...earlier, current].slice(-MAX_PREVIOUS);
        const after = record(
          tx,
          {
            ...model,
            aliases: { ...model.aliases, [alias]: target },
            previous: { ...model.previous, [alias]: previous },
          },
          { type: 'alias.set', alias, from: current, to: target },
          at,
          actor,
          reason,
        );
        tx.putModel(after);
        return info(after);
      });
    },

    async deleteAlias(nameArg, aliasArg, options) {
      const f = 'deleteAlias';
      const name = checkModelName(f, 'name', nameArg);
      const alias = checkAlias(f, 'alias', aliasArg);
      const { actor, reason } = change(f, options);
      await authorize(f, 'deleteAlias', `${name}@${alias}`, name, actor, reason);
      return await storage.transact(async (tx) => {
        const at = time(f);
        const model = await existing(tx, f, name);
        if (!Object.hasOwn(model.aliases, alias)) throw notFound(f, `${name}@${alias} is not set`);
        const from = model.aliases[alias]!;
        const aliases = { ...model.aliases };
        const previous = { ...model.previous };
        delete aliases[alias];
        delete previous[alias];
        const after = record(
          tx,
          { ...model, aliases, previous },
          { type: 'alias.deleted', alias, from },
          at,
          actor,
          reason,
        );
        tx.putModel(after);
        return info(after);
      });
    },

    async rollback(nameArg, aliasArg, options) {
      const f = 'rollback';
      const name = checkModelName(f, 'name', nameArg);
      const alias = checkAlias(f, 'alias', aliasArg);
      const { actor, reason } = change(f, options);
      await authorize(f, 'rollback', `${name}@${alias}`, name, actor, reason);
      return await storage.transact(async (tx) => {
        const at = time(f);
        const model = await existing(tx, f, name);
        const earlier = own(model.previous, alias) ?? [];
        if (!Object.hasOwn(model.aliases, alias) || earlier.length === 0)
          throw notFound(f, `${name}@${alias} has no earlier version to roll back to`);
        const from = model.aliases[alias]!;
        const to = earlier[earlier.length - 1]!;
        const after = record(
          tx,
          {
            ...model,
            aliases: { ...model.aliases, [alias]: to },
            previous: { ...model.previous, [alias]: earlier.slice(0, -1) },
          },
          { type: 'alias.rolledBack', alias, from, to },
          at,
          actor,
          reason,
        );
        tx.putModel(after);
        return info(after);
      });
    },

    async setStatus(refArg, statusArg, options) {
      const f = 'setStatus';
      const ref = readRef(f, 'ref', refArg);
      if (!STATUSES.includes(statusArg as VersionStatus))
        throw invalidArgument(f, 'status', `must be one of ${STATUSES.join(', ')}`, statusArg);
      const status = statusArg;
      const { actor, reason } = change(f, options);
      await authorize(f, 'setStatus', showRef(ref), ref.name, actor, reason);
      return changeVersion(f, ref, actor, reason, (version) => ({
        version: { ...version, status },
        event: { type: 'status.changed', version: version.version, from: version.status, to: status },
      }));
    },

    async setTags(refArg, tagsArg, options) {
      const f = 'setTags';
      const ref = readRef(f, 'ref', refArg);
      const tags = readRecord(f, 'tags', tagsArg, (k, t) =>
        t === null ? null : checkText(f, `tags.${k}`, t, 1024),
      );
      const { actor, reason } = change(f, options);
      await authorize(f, 'setTags', showRef(ref), ref.name, actor, reason);
      return changeVersion(f, ref, actor, reason, (version) => {
        const next: Record<string, string> = { ...version.tags };
        const set: Record<string, string> = {};
        const removed: string[] = [];
        for (const [k, t] of Object.entries(tags)) {
          if (t === null) {
            if (Object.hasOwn(next, k)) removed.push(k);
            delete next[k];
          } else {
            next[k] = t;
            set[k] = t;
          }
        }
        if (Object.keys(next).length > 1024)
          throw invalidArgument(f, 'tags', 'would leave more than 1024 tags');
        return {
          version: { ...version, tags: next },
          event: { type: 'tags.changed', version: version.version, set, removed },
        };
      });
    },

    async history(nameArg) {
      const name = checkModelName('history', 'name', nameArg);
      const model = await reader.getModel(name);
      if (model === undefined) throw notFound('history', `no model named ${describe(name)}`);
      return deepFreeze([...(await reader.getEvents(name, 1, model.events))]);
    },

    async readArtifact(ref, artifact) {
      const { bytes } = await artifactBytes('readArtifact', ref, artifact);
      return new Uint8Array(bytes);
    },

    async readJson<T = JsonValue>(ref: string, artifact: string, parse?: (json: unknown) => T): Promise<T> {
      const f = 'readJson';
      if (parse !== undefined) checkFunction(f, 'parse', parse);
      const { stored, bytes } = await artifactBytes(f, ref, artifact);
      if (stored.mediaType !== 'application/json')
        throw invalidArgument(
          f,
          'artifact',
          'must name a JSON artifact (this one is bytes; use readArtifact)',
          artifact,
        );
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (error) {
        throw new LockstepError(
          'INTEGRITY',
          `${f}: artifact ${describe(artifact)} is not JSON (${(error as Error).message})`,
          {
            fn: f,
          },
        );
      }
      deepFreeze(value);
      return parse === undefined ? (value as T) : parse(value);
    },
  };
  return Object.freeze(registry);

  // Search: filters applied to every version, a total order ending in (name, version), and a keyset cursor
  // (the sort key of the last version returned), so versions added between pages never shift a page: each
  // version that existed when the first page was read is returned exactly once.
  async function search(r: StorageReader, options: unknown): Promise<SearchPage> {
    const f = 'search';
    const o = readOptions(f, options, SEARCH_KEYS);
    const name = o.name === undefined ? undefined : checkModelName(f, 'options.name', o.name);
    const tags =
      o.tags === undefined
        ? {}
        : readRecord(f, 'options.tags', o.tags, (k, t) => checkText(f, `options.tags.${k}`, t, 1024));
    const statuses =
      o.status === undefined
        ? undefined
        : (Array.isArray(o.status) ? o.status : [o.status]).map((s, i) => {
            if (!STATUSES.includes(s as VersionStatus))
              throw invalidArgument(
                f,
                Array.isArray(o.status) ? `options.status[${i}]` : 'options.status',
                `must be one of ${STATUSES.join(', ')}`,
                s,
              );
            return s as VersionStatus;
          });
    const metrics =
      o.metrics === undefined
        ? {}
        : readRecord(f, 'options.metrics', o.metrics, (k, m) => {
            const b = readOptions(f, m, ['gt', 'gte', 'lt', 'lte', 'eq'], `options.metrics.${k}`);
            const out: Record<string, number> = {};
            for (const [op, x] of Object.entries(b))
              out[op] = checkNumber(f, `options.metrics.${k}.${op}`, x);
            return out;
          });
    let metric: string | undefined;
    const order = o.orderBy ?? 'name';
    if (order !== 'name' && order !== 'created') {
      const m = readOptions(f, order, ['metric'], 'options.orderBy');
      if (m.metric === undefined)
        throw invalidArgument(f, 'options.orderBy', "must be 'name', 'created' or { metric }", order);
      metric = checkKey(f, 'options.orderBy.metric', m.metric);
    }
    const descending =
      o.descending === undefined ? false : checkBoolean(f, 'options.descending', o.descending);
    const limit = o.limit === undefined ? 100 : checkInteger(f, 'options.limit', o.limit, 1, 1000);
    const query = fingerprint({
      name: name ?? null,
      tags,
      statuses: statuses ?? null,
      metrics,
      order: metric ?? order,
      descending,
    }).slice(0, 16);
    const key = (v: ModelVersion): (string | number)[] => {
      if (metric !== undefined) {
        const has = Object.hasOwn(v.metrics, metric);
        return [has ? 0 : 1, has ? v.metrics[metric]! : 0, v.name, v.version];
      }
      return order === 'created' ? [v.sequence] : [v.name, v.version];
    };
    const compare = (a: readonly (string | number)[], b: readonly (string | number)[]) => {
      for (let i = 0; i < a.length; i++) {
        const c = a[i]! < b[i]! ? -1 : a[i]! > b[i]! ? 1 : 0;
        if (c !== 0) return descending && !(metric !== undefined && i === 0) ? -c : c;
      }
      return 0;
    };
    let after: (string | number)[] | undefined;
    if (o.cursor !== undefined) after = readCursor(f, o.cursor, query);

    const names = name === undefined ? await r.listModels() : [name];
    const found: { v: ModelVersion; k: (string | number)[] }[] = [];
    for (const n of names) {
      const model = await r.getModel(n);
      if (model === undefined || model.createdAt === null) continue;
      for (const v of await versionsOf(r, model)) {
        if (statuses !== undefined && !statuses.includes(v.status)) continue;
        if (!Object.entries(tags).every(([k, t]) => Object.hasOwn(v.tags, k) && v.tags[k] === t)) continue;
        if (!Object.entries(metrics).every(([k, b]) => meets(v.metrics, k, b))) continue;
        const k = key(v);
        if (after !== undefined && compare(k, after) <= 0) continue;
        found.push({ v, k });
      }
    }
    found.sort((a, b) => compare(a.k, b.k));
    const page = found.slice(0, limit);
    const versions = deepFreeze(page.map((p) => p.v));
    if (found.length <= limit) return Object.freeze({ versions });
    const cursor = bytesToBase64(encodeUtf8(JSON.stringify({ q: query, k: page[page.length - 1]!.k })));
    return Object.freeze({ versions, cursor });
  }
}

function readCursor(f: string, v: unknown, query: string): (string | number)[] {
  const text = typeof v === 'string' && v.length <= 4096 ? v : undefined;
  const bytes = text === undefined ? undefined : base64ToBytes(text);
  let parsed: unknown;
  try {
    parsed =
      bytes === undefined ? undefined : JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { q?: unknown; k?: unknown } | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    !Array.isArray(c.k) ||
    c.k.length > 4 ||
    !c.k.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
  )
    throw invalidArgument(f, 'options.cursor', 'must be a cursor returned by search', v);
  if (c.q !== query)
    throw invalidArgument(f, 'options.cursor', 'belongs to a search with other filters or another order');
  return c.k as (string | number)[];
}

function meets(
  metrics: Readonly<Record<string, number>>,
  k: string,
  b: Readonly<Record<string, number>>,
): boolean {
  if (!Object.hasOwn(metrics, k)) return false;
  const x = metrics[k]!;
  return (
    (b.gt === undefined || x > b.gt) &&
    (b.gte === undefined || x >= b.gte) &&
    (b.lt === undefined || x < b.lt) &&
    (b.lte === undefined || x <= b.lte) &&
    (b.eq === undefined || x === b.eq)
  );
}

async function versionsOf(r: StorageReader, model: ModelRecord): Promise<ModelVersion[]> {
  return model.versions === 0 ? [] : [...(await r.getVersions(model.name, 1, model.versions))];
}

function emptyModel(name: string): ModelRecord {
  return { name, createdAt: null, description: null, versions: 0, events: 0, aliases: {}, previous: {} };
}

type EventBody = HistoryEvent extends infer E
  ? E extends HistoryEvent
    ? Omit<E, 'index' | 'at' | 'actor' | 'reason'>
    : never
  : never;

/** Appends an event to the model's history in `tx`; returns the model with its event count raised. */
function record(
  tx: StorageTransaction,
  model: ModelRecord,
  body: EventBody,
  at: string,
  actor: string | null,
  reason: string | null,
): ModelRecord {
  const index = model.events + 1;
  tx.putEvent(model.name, { ...body, index, at, actor, reason } as HistoryEvent);
  return { ...model, events: index };
}

function info(model: ModelRecord): ModelInfo {
  return deepFreeze({
    name: model.name,
    createdAt: model.createdAt!,
    description: model.description,
    latestVersion: model.versions,
    aliases: { ...model.aliases },
  });
}

function showRef(ref: ParsedRef): string {
  return ref.alias === undefined ? `${ref.name}/${ref.version}` : `${ref.name}@${ref.alias}`;
}

/** `record[key]` for an own key only: an alias may be named `constructor`, which every object inherits. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function tagOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '';
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
