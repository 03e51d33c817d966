// The behaviour every registry back end shares. memory.test.ts and fs.test.ts run it now; the SQL back end
// (PGlite and PostgreSQL) will run the same suite. A case opens a fresh, empty registry and can damage the
// stored bytes of an artifact, as a disk fault or an attacker would.
import { describe, expect, it } from 'vitest';
import { withFingerprint } from '../../src/core/artifact.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { modelAge } from '../../src/registry/lineage.js';
import type { ModelRegistry, RegistryOptions } from '../../src/registry/types.js';
import { inferSchema, parseSchema } from '../../src/schema/index.js';
import { rejectsLockstep } from '../helpers/errors.js';

export interface Opened {
  readonly registry: ModelRegistry;
  /** Damages the stored bytes with this digest: flip a byte, cut them short, or delete them. */
  tamper(sha256: string, how: 'flip' | 'truncate' | 'delete'): Promise<void>;
  /** How many distinct blobs are stored. */
  blobCount(): Promise<number>;
}

export interface RegistryCase {
  open(options?: RegistryOptions): Promise<Opened>;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

/** A clock that ticks one second a call, from T0. */
function ticking(): () => number {
  let t = T0;
  return () => {
    t += 1000;
    return t;
  };
}

export function contract(c: RegistryCase): void {
  describe('versions', () => {
    it('numbers versions 1, 2, 3 per model, with the input stored as given', async () => {
      const { registry } = await c.open({ now: ticking() });
      const v1 = await registry.createVersion({
        name: 'flights',
        artifacts: { weights: bytes(1, 2, 3), config: { layers: [8, 1] } },
        metrics: { auc: 0.91 },
        tags: { team: 'ml' },
        description: 'first',
        actor: 'ana',
      });
      const v2 = await registry.createVersion({ name: 'flights' });
      const w1 = await registry.createVersion({ name: 'weather' });
      expect([v1.version, v2.version, w1.version]).toEqual([1, 2, 1]);
      expect(v1).toMatchObject({
        name: 'flights',
        ref: 'flights/1',
        createdAt: '2026-03-01T12:00:01.000Z',
        actor: 'ana',
        description: 'first',
        status: 'pending',
        tags: { team: 'ml' },
        metrics: { auc: 0.91 },
        lineage: {},
      });
      expect(v1.artifacts.weights).toEqual({
        sha256: sha256Hex(bytes(1, 2, 3)),
        size: 3,
        mediaType: 'application/octet-stream',
      });
      expect(v1.artifacts.config?.mediaType).toBe('application/json');
      expect([v1.sequence, v2.sequence, w1.sequence]).toEqual([1, 2, 3]);
      expect(await registry.getVersion('flights', 1)).toEqual(v1);
      expect((await registry.listVersions('flights')).map((v) => v.version)).toEqual([1, 2]);
      expect(await registry.listModels()).toEqual(['flights', 'weather']);
      expect(await registry.getModel('flights')).toMatchObject({
        name: 'flights',
        latestVersion: 2,
        aliases: {},
      });
    });

    it('gives concurrent registrations distinct consecutive numbers', async () => {
      const { registry } = await c.open();
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, i) => registry.createVersion({ name: 'm', metrics: { i } })),
      );
      expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect((await registry.getModel('m')).latestVersion).toBe(20);
    });

    it('returns deeply frozen data', async () => {
      const { registry } = await c.open();
      const v = await registry.createVersion({ name: 'm', tags: { a: 'b' }, artifacts: { x: bytes(1) } });
      expect(Object.isFrozen(v)).toBe(true);
      expect(Object.isFrozen(v.tags)).toBe(true);
      expect(Object.isFrozen(v.artifacts.x)).toBe(true);
      expect(Object.isFrozen(await registry.resolve('m/1'))).toBe(true);
      expect(Object.isFrozen(await registry.history('m'))).toBe(true);
    });

    it('createModel makes an empty model once; a second is a CONFLICT', async () => {
      const { registry } = await c.open();
      const m = await registry.createModel('empty', { description: 'none yet', actor: 'ana' });
      expect(m).toMatchObject({ name: 'empty', latestVersion: 0, description: 'none yet' });
      await rejectsLockstep(() => registry.createModel('empty'), { code: 'CONFLICT', fn: 'createModel' });
      await rejectsLockstep(() => registry.resolve('empty@latest'), { code: 'NOT_FOUND' });
      expect((await registry.createVersion({ name: 'empty' })).version).toBe(1);
    });

    it('unknown models, versions and aliases are NOT_FOUND', async () => {
      const { registry } = await c.open();
      await registry.createVersion({ name: 'm' });
      await rejectsLockstep(() => registry.getModel('nope'), { code: 'NOT_FOUND', fn: 'getModel' });
      await rejectsLockstep(() => registry.getVersion('m', 2), { code: 'NOT_FOUND', fn: 'getVersion' });
      await rejectsLockstep(() => registry.listVersions('nope'), { code: 'NOT_FOUND' });
      await rejectsLockstep(() => registry.resolve('m@champion'), { code: 'NOT_FOUND', fn: 'resolve' });
      await rejectsLockstep(() => registry.history('nope'), { code: 'NOT_FOUND' });
    });

    it('records lineage, resolving the parent ref to a version', async () => {
      const { registry } = await c.open({ now: ticking() });
      await registry.createVersion({ name: 'm' });
      await registry.setAlias('m', 'champion', 1);
      const fp = 'a'.repeat(64);
      const v = await registry.createVersion({
        name: 'm',
        lineage: {
          dataFingerprint: fp,
          split: { salt: 's1', weights: { train: 0.8, test: 0.2 } },
          seed: 42,
          schemaFingerprint: fp,
          transformFingerprint: fp,
          profileFingerprint: fp,
          hyperparameters: { lr: 0.01, optimizer: 'adam', shuffle: false, dropout: null },
          codeVersion: 'abc123',
          parent: 'm@champion',
        },
      });
      expect(v.lineage).toEqual({
        dataFingerprint: fp,
        split: { salt: 's1', weights: { train: 0.8, test: 0.2 } },
        seed: 42,
        schemaFingerprint: fp,
        transformFingerprint: fp,
        profileFingerprint: fp,
        hyperparameters: { lr: 0.01, optimizer: 'adam', shuffle: false, dropout: null },
        codeVersion: 'abc123',
        parent: 'm/1',
      });
      await rejectsLockstep(() => registry.createVersion({ name: 'm', lineage: { parent: 'm/9' } }), {
        code: 'NOT_FOUND',
      });
      expect((await registry.getModel('m')).latestVersion).toBe(2);
      expect(modelAge(v, Date.parse(v.createdAt) + 86_400_000)).toBe(86_400_000);
    });
  });

  describe('artifacts', () => {
    it('round-trips bytes and JSON, storing identical bytes once', async () => {
      const { registry, blobCount } = await c.open();
      const weights = new Uint8Array(1000).map((_, i) => i % 251);
      const v1 = await registry.createVersion({
        name: 'm',
        artifacts: { w: weights, cfg: { b: 1, a: [1, 'x'] } },
      });
      const v2 = await registry.createVersion({
        name: 'n',
        artifacts: { copy: weights, same: { a: [1, 'x'], b: 1 } },
      });
      expect(v2.artifacts.copy?.sha256).toBe(v1.artifacts.w?.sha256);
      expect(v2.artifacts.same?.sha256).toBe(v1.artifacts.cfg?.sha256);
      expect(await blobCount()).toBe(2);
      const back = await registry.readArtifact('m/1', 'w');
      expect(back).toEqual(weights);
      back[0] = 99; // a copy: the stored bytes do not change
      expect((await registry.readArtifact('n@latest', 'copy'))[0]).toBe(0);
      const json = await registry.readJson('m@latest', 'cfg');
      expect(json).toEqual({ a: [1, 'x'], b: 1 });
      expect(Object.isFrozen(json)).toBe(true);
      expect(await registry.readJson('m/1', 'cfg', (j) => (j as { b: number }).b + 1)).toBe(2);
      await rejectsLockstep(() => registry.readJson('m/1', 'w'), {
        code: 'INVALID_ARGUMENT',
        fn: 'readJson',
      });
      await rejectsLockstep(() => registry.readArtifact('m/1', 'nope'), { code: 'NOT_FOUND' });
    });

    it('reads a lockstep schema back through parseSchema, checked and sealed', async () => {
      const { registry } = await c.open();
      const schema = inferSchema([
        { delay: 1.5, origin: 'SEA' },
        { delay: 3, origin: 'PDX' },
      ]);
      const v = await registry.createVersion({ name: 'm', artifacts: { schema } });
      expect(v.artifacts.schema).toMatchObject({ kind: 'lockstep.schema', fingerprint: schema.fingerprint });
      const back = await registry.readJson('m@latest', 'schema', parseSchema);
      expect(back).toEqual(schema);
      expect(Object.isFrozen(back)).toBe(true);
      expect(back.fingerprint).toBe(schema.fingerprint);
    });

    it("recognises lockstep artifacts by kind and refuses one whose fingerprint doesn't match", async () => {
      const { registry } = await c.open();
      const artifact = withFingerprint({ kind: 'lockstep.example', formatVersion: 2, values: [1, 2] });
      const v = await registry.createVersion({ name: 'm', artifacts: { ex: artifact } });
      expect(v.artifacts.ex).toMatchObject({
        mediaType: 'application/json',
        kind: 'lockstep.example',
        formatVersion: 2,
        fingerprint: artifact.fingerprint,
      });
      expect(await registry.readJson('m/1', 'ex')).toEqual(artifact);
      await rejectsLockstep(
        () => registry.createVersion({ name: 'm', artifacts: { ex: { ...artifact, values: [1, 3] } } }),
        { code: 'INVALID_ARTIFACT', fn: 'createVersion', arg: 'input.artifacts.ex' },
      );
      expect((await registry.getModel('m')).latestVersion).toBe(1);
    });

    it.each(['flip', 'truncate', 'delete'] as const)(
      'a %s artifact is an INTEGRITY error, never returned',
      async (how) => {
        const { registry, tamper } = await c.open();
        const v = await registry.createVersion({
          name: 'm',
          artifacts: { w: new Uint8Array(64).fill(7), j: { a: 'b'.repeat(40) } },
        });
        await tamper(v.artifacts.w!.sha256, how);
        await tamper(v.artifacts.j!.sha256, how);
        await rejectsLockstep(() => registry.readArtifact('m/1', 'w'), {
          code: 'INTEGRITY',
          fn: 'readArtifact',
        });
        await rejectsLockstep(() => registry.readJson('m/1', 'j'), { code: 'INTEGRITY', fn: 'readJson' });
        // Registering the same bytes again repairs them.
        await registry.createVersion({ name: 'm', artifacts: { w: new Uint8Array(64).fill(7) } });
        expect(await registry.readArtifact('m/1', 'w')).toEqual(new Uint8Array(64).fill(7));
      },
    );

    it('bounds artifact sizes (configurable)', async () => {
      const { registry } = await c.open({ maxArtifactBytes: 16 });
      await registry.createVersion({ name: 'm', artifacts: { ok: new Uint8Array(16) } });
      await rejectsLockstep(
        () => registry.createVersion({ name: 'm', artifacts: { big: new Uint8Array(17) } }),
        {
          code: 'INVALID_ARGUMENT',
          arg: 'input.artifacts.big',
        },
      );
      await rejectsLockstep(
        () => registry.createVersion({ name: 'm', artifacts: { big: { a: 'x'.repeat(20) } } }),
        {
          code: 'INVALID_ARGUMENT',
          arg: 'input.artifacts.big',
        },
      );
    });
    it('adds artifacts to a version without ever replacing one, recorded in the history', async () => {
      const { registry, tamper } = await c.open({ now: ticking() });
      await registry.createVersion({ name: 'm', artifacts: { w: bytes(1, 2, 3) } });
      await registry.createVersion({ name: 'm' });
      const v = await registry.addArtifacts(
        'm@latest',
        { report: { auc: 0.8 }, extra: bytes(9) },
        { actor: 'ci', reason: 'evaluated' },
      );
      expect(v.ref).toBe('m/2');
      expect(Object.keys(v.artifacts).sort()).toEqual(['extra', 'report']);
      expect(Object.isFrozen(v.artifacts)).toBe(true);
      expect(await registry.readJson('m/2', 'report')).toEqual({ auc: 0.8 });
      expect(await registry.getVersion('m', 2)).toEqual(v);
      // The same bytes again: nothing changes and nothing is recorded.
      const again = await registry.addArtifacts('m/2', { report: { auc: 0.8 } });
      expect(again).toEqual(v);
      // Other bytes under a name it holds: CONFLICT, and the version is as it was.
      await rejectsLockstep(() => registry.addArtifacts('m/2', { report: { auc: 0.9 }, more: bytes(1) }), {
        code: 'CONFLICT',
        fn: 'addArtifacts',
      });
      await rejectsLockstep(() => registry.addArtifacts('m/1', { w: bytes(3, 2, 1) }), { code: 'CONFLICT' });
      expect(await registry.getVersion('m', 2)).toEqual(v);
      expect(Object.keys((await registry.getVersion('m', 1)).artifacts)).toEqual(['w']);
      const added = (await registry.history('m')).filter((e) => e.type === 'artifacts.added');
      expect(added).toEqual([
        {
          type: 'artifacts.added',
          index: 4,
          at: '2026-03-01T12:00:03.000Z',
          actor: 'ci',
          reason: 'evaluated',
          version: 2,
          artifacts: ['extra', 'report'],
        },
      ]);
      // Added artifacts are verified like any other.
      await tamper(v.artifacts.extra!.sha256, 'flip');
      await rejectsLockstep(() => registry.readArtifact('m/2', 'extra'), { code: 'INTEGRITY' });
      await rejectsLockstep(() => registry.addArtifacts('m/9', { a: bytes(1) }), { code: 'NOT_FOUND' });
      await rejectsLockstep(() => registry.addArtifacts('m/2', { '../x': bytes(1) }), {
        code: 'INVALID_ARGUMENT',
        arg: 'artifacts key',
      });
      await rejectsLockstep(() => registry.addArtifacts('m/2', undefined as never), {
        code: 'INVALID_ARGUMENT',
        arg: 'artifacts',
      });
    });
  });

  describe('aliases, status, tags, history and rollback', () => {
    it('compare-and-set: the expected version wins, any other is a CONFLICT', async () => {
      const { registry } = await c.open();
      for (let i = 0; i < 3; i++) await registry.createVersion({ name: 'm' });
      await rejectsLockstep(() => registry.setAlias('m', 'champion', 1, { expected: 2 }), {
        code: 'CONFLICT',
      });
      expect((await registry.setAlias('m', 'champion', 1, { expected: null })).aliases).toEqual({
        champion: 1,
      });
      await rejectsLockstep(() => registry.setAlias('m', 'champion', 2, { expected: null }), {
        code: 'CONFLICT',
      });
      await registry.setAlias('m', 'champion', 2, { expected: 1 });
      expect((await registry.resolve('m@champion')).version).toBe(2);
      await rejectsLockstep(() => registry.setAlias('m', 'champion', 9), { code: 'NOT_FOUND' });
      await rejectsLockstep(() => registry.setAlias('m', 'latest', 1), { code: 'INVALID_ARGUMENT' });
    });

    it('aliases named like inherited properties are ordinary aliases', async () => {
      const { registry } = await c.open();
      await registry.createVersion({ name: 'm' });
      await registry.createVersion({ name: 'm' });
      await rejectsLockstep(() => registry.resolve('m@constructor'), { code: 'NOT_FOUND' });
      await rejectsLockstep(() => registry.rollback('m', 'constructor'), { code: 'NOT_FOUND' });
      await registry.setAlias('m', 'constructor', 1, { expected: null });
      await registry.setAlias('m', 'constructor', 2);
      expect((await registry.resolve('m@constructor')).version).toBe(2);
      expect((await registry.rollback('m', 'constructor')).aliases.constructor).toBe(1);
      await registry.setAlias('m', 'tostring', 1);
      expect((await registry.getModel('m')).aliases).toEqual({ constructor: 1, tostring: 1 });
    });

    it('of concurrent deployers expecting the same version, exactly one wins', async () => {
      const { registry } = await c.open();
      for (let i = 0; i < 8; i++) await registry.createVersion({ name: 'm' });
      await registry.setAlias('m', 'champion', 1);
      const results = await Promise.allSettled(
        Array.from({ length: 7 }, (_, i) =>
          registry.setAlias('m', 'champion', i + 2, { expected: 1, actor: `deployer-${i}` }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('CONFLICT');
      const moves = (await registry.history('m')).filter((e) => e.type === 'alias.set');
      expect(moves).toHaveLength(2);
    });

    it('records every change in order with time, actor and reason, and rolls back', async () => {
      const { registry } = await c.open({ now: ticking() });
      await registry.createVersion({ name: 'm', actor: 'ci', reason: 'nightly' });
      await registry.createVersion({ name: 'm', actor: 'ci' });
      await registry.createVersion({ name: 'm', actor: 'ci' });
      await registry.setAlias('m', 'champion', 1, { actor: 'ana', reason: 'first' });
      await registry.setAlias('m', 'champion', 2, { actor: 'ana' });
      await registry.setAlias('m', 'champion', 3, { actor: 'bo' });
      await registry.setStatus('m@champion', 'approved', { actor: 'qa', reason: 'gate passed' });
      await registry.setTags('m/3', { stage: 'prod', team: 'ml' }, { actor: 'ana' });
      const tagged = await registry.setTags('m/3', { team: null }, { actor: 'ana' });
      expect(tagged.tags).toEqual({ stage: 'prod' });
      expect(tagged.status).toBe('approved');

      const rolled = await registry.rollback('m', 'champion', { actor: 'oncall', reason: 'latency' });
      expect(rolled.aliases.champion).toBe(2);
      expect((await registry.rollback('m', 'champion')).aliases.champion).toBe(1);
      await rejectsLockstep(() => registry.rollback('m', 'champion'), { code: 'NOT_FOUND', fn: 'rollback' });
      await registry.deleteAlias('m', 'champion', { actor: 'ana' });
      await rejectsLockstep(() => registry.deleteAlias('m', 'champion'), { code: 'NOT_FOUND' });

      const history = await registry.history('m');
      expect(history.map((e) => e.index)).toEqual(history.map((_, i) => i + 1));
      expect(history.map((e) => e.at)).toEqual([...history.map((e) => e.at)].sort());
      expect(
        history.map((e) => [e.type, e.actor, e.reason, 'version' in e ? e.version : 'to' in e ? e.to : null]),
      ).toEqual([
        ['model.created', 'ci', 'nightly', null],
        ['version.registered', 'ci', 'nightly', 1],
        ['version.registered', 'ci', null, 2],
        ['version.registered', 'ci', null, 3],
        ['alias.set', 'ana', 'first', 1],
        ['alias.set', 'ana', null, 2],
        ['alias.set', 'bo', null, 3],
        ['status.changed', 'qa', 'gate passed', 3],
        ['tags.changed', 'ana', null, 3],
        ['tags.changed', 'ana', null, 3],
        ['alias.rolledBack', 'oncall', 'latency', 2],
        ['alias.rolledBack', null, null, 1],
        ['alias.deleted', 'ana', null, null],
      ]);
      expect(history[7]).toMatchObject({ from: 'pending', to: 'approved' });
      expect(history[9]).toMatchObject({ set: {}, removed: ['team'] });
      expect(history[10]).toMatchObject({ alias: 'champion', from: 3, to: 2 });
    });
  });

  describe('authorisation', () => {
    it('asks before every write; a denial is FORBIDDEN and recorded with its actor', async () => {
      const asked: string[] = [];
      const { registry } = await c.open({
        authorize: ({ action, ref, actor }) => {
          asked.push(`${action} ${ref} ${actor}`);
          return actor === 'admin' || (action === 'createVersion' && actor === 'ci');
        },
      });
      await registry.createVersion({ name: 'm', actor: 'ci' });
      await registry.createVersion({ name: 'm', actor: 'ci' });
      await rejectsLockstep(() => registry.setAlias('m', 'champion', 2, { actor: 'ci', reason: 'ship it' }), {
        code: 'FORBIDDEN',
        fn: 'setAlias',
      });
      await rejectsLockstep(() => registry.setStatus('m/1', 'approved'), { code: 'FORBIDDEN' });
      await rejectsLockstep(() => registry.createVersion({ name: 'other', actor: 'eve' }), {
        code: 'FORBIDDEN',
      });
      await registry.setAlias('m', 'champion', 2, { actor: 'admin' });
      expect((await registry.resolve('m@champion')).version).toBe(2);
      expect(asked).toEqual([
        'createVersion m ci',
        'createVersion m ci',
        'setAlias m@champion ci',
        'setStatus m/1 null',
        'createVersion other eve',
        'setAlias m@champion admin',
      ]);
      const denied = (await registry.history('m')).filter((e) => e.type === 'write.denied');
      expect(denied).toMatchObject([
        { action: 'setAlias', ref: 'm@champion', actor: 'ci', reason: 'ship it' },
        { action: 'setStatus', ref: 'm/1', actor: null },
      ]);
      // A denied first version leaves no model, but its denial is on record.
      await rejectsLockstep(() => registry.getModel('other'), { code: 'NOT_FOUND' });
      expect(await registry.listModels()).toEqual(['m']);
      expect(await registry.history('other')).toMatchObject([{ type: 'write.denied', actor: 'eve' }]);
      expect((await registry.getVersion('m', 1)).status).toBe('pending');
    });

    it('a hook that throws or returns anything but true denies', async () => {
      const { registry } = await c.open({
        authorize: ({ actor }) => {
          if (actor === 'boom') throw new Error('policy store down');
          return (actor === 'yes' ? 1 : true) as boolean;
        },
      });
      await registry.createVersion({ name: 'm' });
      const e = await rejectsLockstep(() => registry.createVersion({ name: 'm', actor: 'boom' }), {
        code: 'FORBIDDEN',
      });
      expect(e.message).toMatch(/policy store down/);
      await rejectsLockstep(() => registry.createVersion({ name: 'm', actor: 'yes' }), { code: 'FORBIDDEN' });
      expect((await registry.getModel('m')).latestVersion).toBe(1);
    });
  });

  describe('search', () => {
    async function seeded() {
      const opened = await c.open({ now: ticking() });
      const { registry } = opened;
      for (const [name, auc, team] of [
        ['b', 0.7, 'x'],
        ['a', 0.9, 'y'],
        ['b', 0.8, 'x'],
        ['c', 0.6, 'x'],
        ['a', 0.95, 'x'],
      ] as const) {
        await registry.createVersion({ name, metrics: { auc }, tags: { team } });
      }
      await registry.createVersion({ name: 'c' }); // no metric
      await registry.setStatus('a/2', 'approved');
      return registry;
    }

    it('filters by name, tags, status and metric bounds, ordered by name, creation or a metric', async () => {
      const registry = await seeded();
      const refs = async (o: Parameters<ModelRegistry['search']>[0]) =>
        (await registry.search(o)).versions.map((v) => v.ref);
      expect(await refs({})).toEqual(['a/1', 'a/2', 'b/1', 'b/2', 'c/1', 'c/2']);
      expect(await refs({ orderBy: 'created' })).toEqual(['b/1', 'a/1', 'b/2', 'c/1', 'a/2', 'c/2']);
      expect(await refs({ orderBy: 'created', descending: true })).toEqual([
        'c/2',
        'a/2',
        'c/1',
        'b/2',
        'a/1',
        'b/1',
      ]);
      expect(await refs({ orderBy: { metric: 'auc' }, descending: true })).toEqual([
        'a/2',
        'a/1',
        'b/2',
        'b/1',
        'c/1',
        'c/2',
      ]);
      expect(await refs({ orderBy: { metric: 'auc' } })).toEqual(['c/1', 'b/1', 'b/2', 'a/1', 'a/2', 'c/2']);
      expect(await refs({ name: 'b' })).toEqual(['b/1', 'b/2']);
      expect(await refs({ tags: { team: 'x' } })).toEqual(['a/2', 'b/1', 'b/2', 'c/1']);
      expect(await refs({ status: 'approved' })).toEqual(['a/2']);
      expect(await refs({ status: ['pending'], metrics: { auc: { gte: 0.8, lt: 0.95 } } })).toEqual([
        'a/1',
        'b/2',
      ]);
      expect(await refs({ metrics: { auc: { gt: 2 } } })).toEqual([]);
    });

    it('pages with a cursor that stays correct while versions are added', async () => {
      const registry = await seeded();
      for (const [order, descending] of [
        ['name', false],
        ['name', true],
        ['created', false],
        ['created', true],
        [{ metric: 'auc' }, true],
      ] as const) {
        const before = (await registry.search({ orderBy: order, descending, limit: 1000 })).versions.map(
          (v) => v.ref,
        );
        const seen: string[] = [];
        let cursor: string | undefined;
        let round = 0;
        do {
          const page = await registry.search({ orderBy: order, descending, limit: 2, cursor });
          seen.push(...page.versions.map((v) => v.ref));
          cursor = page.cursor;
          // Registrations between pages, before and after the cursor in every order.
          await registry.createVersion({
            name: round % 2 === 0 ? 'a' : 'z',
            metrics: { auc: 0.5 + round / 10 },
          });
          round++;
        } while (cursor !== undefined);
        expect(new Set(seen).size).toBe(seen.length);
        for (const ref of before) expect(seen).toContain(ref);
      }
      await rejectsLockstep(() => registry.search({ cursor: 'not-a-cursor' }), {
        code: 'INVALID_ARGUMENT',
        arg: 'options.cursor',
      });
      const { cursor } = await registry.search({ limit: 1 });
      await rejectsLockstep(() => registry.search({ cursor, name: 'a' }), {
        code: 'INVALID_ARGUMENT',
        arg: 'options.cursor',
      });
    });
  });

  describe('names and refs', () => {
    it('refuses unsafe names, aliases and keys', async () => {
      const { registry } = await c.open();
      for (const name of ['../x', '..', '.hidden', 'a/b', 'A', '', 'x'.repeat(129), 'a\u0000b', 'a b', '-rf'])
        await rejectsLockstep(() => registry.createVersion({ name }), {
          code: 'INVALID_ARGUMENT',
          arg: 'input.name',
        });
      await registry.createVersion({ name: 'ok.model_1-x' });
      for (const alias of ['Champion', '1', '../x', 'a@b', 'latest'])
        await rejectsLockstep(() => registry.setAlias('ok.model_1-x', alias, 1), {
          code: 'INVALID_ARGUMENT',
          arg: 'alias',
        });
      await rejectsLockstep(
        () => registry.createVersion({ name: 'm', artifacts: { '../etc/passwd': bytes(1) } }),
        {
          code: 'INVALID_ARGUMENT',
        },
      );
      await rejectsLockstep(() => registry.createVersion({ name: 'm', tags: { t: 'a\nb' } }), {
        code: 'INVALID_ARGUMENT',
      });
      for (const ref of ['m', 'm/0', 'm/01', 'm/1.5', 'm@', '@x', 'm/1@x', 'M/1'])
        await rejectsLockstep(() => registry.resolve(ref), { code: 'INVALID_ARGUMENT', fn: 'resolve' });
      expect(await registry.listModels()).toEqual(['ok.model_1-x']);
    });
  });
}
