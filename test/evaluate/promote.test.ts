// promote(): the alias moves only on a passed gate; the gate is stored with the version either way; a failed
// gate, a stale champion (compare-and-set) or a gate of another version leaves the alias where it was.
// Run on the memory and fs registries (the same registry code serves every back end).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { gate, parseGate, promote } from '../../src/evaluate/index.js';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import { createMemoryRegistry, type ModelRegistry, type RegistryOptions } from '../../src/registry/index.js';
import { rejectsLockstep } from '../helpers/errors.js';
import { expectLockstepOrResultAsync, expectNoPrototypePollution, hostile } from '../helpers/hostile.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-promote-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const passing = (refs?: { candidate?: string; baseline?: string }) =>
  gate({
    candidate: { metrics: { rocAuc: { value: 0.8, low: 0.75, high: 0.85 } } },
    baseline: { metrics: { rocAuc: { value: 0.78, low: 0.74, high: 0.82 } } },
    ...(refs === undefined ? {} : { refs }),
  });
const failing = () =>
  gate({
    candidate: { metrics: { rocAuc: { value: 0.6, low: 0.58, high: 0.62 } } },
    baseline: { metrics: { rocAuc: { value: 0.78, low: 0.74, high: 0.82 } } },
    rules: { floors: { rocAuc: 0.5 } },
  });

let fsCount = 0;
const backEnds: Record<string, (o?: RegistryOptions) => ModelRegistry> = {
  memory: (o) => createMemoryRegistry(o),
  fs: (o) => createFsRegistry({ dir: join(root, `r${++fsCount}`), fsync: false, ...o }),
};

async function twoVersions(open: (o?: RegistryOptions) => ModelRegistry, o?: RegistryOptions) {
  const registry = open(o);
  await registry.createVersion({ name: 'flights' });
  await registry.setAlias('flights', 'champion', 1);
  await registry.createVersion({ name: 'flights' });
  return registry;
}

for (const [backEnd, open] of Object.entries(backEnds)) {
  describe(`promote on the ${backEnd} registry`, () => {
    it('moves the alias on a passed gate and stores the gate with the version', async () => {
      const registry = await twoVersions(open);
      const g = passing({ candidate: 'flights/2', baseline: 'flights/1' });
      const p = await promote(registry, 'flights@latest', 'champion', { gate: g, expected: 1, actor: 'ci' });
      expect(p).toMatchObject({
        promoted: true,
        ref: 'flights/2',
        alias: 'champion',
        failed: [],
        aliases: { champion: 2 },
      });
      expect(p.artifact).toBe(`gates/champion/${g.fingerprint.slice(0, 16)}`);
      expect((await registry.resolve('flights@champion')).version).toBe(2);
      const stored = await registry.readJson('flights/2', p.artifact, parseGate);
      expect(stored).toEqual(g);
      expect((await registry.getVersion('flights', 2)).artifacts[p.artifact]).toMatchObject({
        kind: 'lockstep.gate',
        fingerprint: g.fingerprint,
      });
      const events = (await registry.history('flights')).slice(-2);
      const reason = `gate ${g.fingerprint.slice(0, 8)} passed 1 checks`;
      expect(events).toMatchObject([
        { type: 'artifacts.added', version: 2, artifacts: [p.artifact], actor: 'ci', reason },
        { type: 'alias.set', alias: 'champion', from: 1, to: 2, actor: 'ci', reason },
      ]);
      // Promoting again with the same gate stores nothing new and leaves the alias on 2.
      const again = await promote(registry, 'flights/2', 'champion', { gate: g });
      expect(again.promoted).toBe(true);
      expect(Object.keys((await registry.getVersion('flights', 2)).artifacts)).toEqual([p.artifact]);
      // …and the previous champion is one rollback away.
      await registry.rollback('flights', 'champion');
      expect((await registry.resolve('flights@champion')).version).toBe(1);
    });

    it('a failed gate leaves the alias where it was, stores the gate and lists the failed checks', async () => {
      const registry = await twoVersions(open);
      const g = failing();
      const p = await promote(registry, 'flights/2', 'champion', { gate: g, reason: 'nightly' });
      expect(p.promoted).toBe(false);
      expect(p.aliases).toBeUndefined();
      expect(p.failed.map((c) => c.code)).toEqual(['NOT_WORSE']);
      expect((await registry.resolve('flights@champion')).version).toBe(1);
      expect((await registry.readJson('flights/2', p.artifact, parseGate)).passed).toBe(false);
      const last = (await registry.history('flights')).at(-1);
      expect(last).toMatchObject({ type: 'artifacts.added', version: 2, reason: 'nightly' });
    });

    it('a champion that moved since the gate is a CONFLICT: the gate is kept, the alias is not moved', async () => {
      const registry = await twoVersions(open);
      await registry.createVersion({ name: 'flights' });
      await registry.setAlias('flights', 'champion', 3); // someone else promoted 3 meanwhile
      await rejectsLockstep(
        () => promote(registry, 'flights/2', 'champion', { gate: passing(), expected: 1 }),
        { code: 'CONFLICT', fn: 'setAlias' },
      );
      expect((await registry.resolve('flights@champion')).version).toBe(3);
      expect(Object.keys((await registry.getVersion('flights', 2)).artifacts)).toHaveLength(1);
      // expected: null promotes only where the alias is not set yet.
      await rejectsLockstep(
        () => promote(registry, 'flights/2', 'champion', { gate: passing(), expected: null }),
        { code: 'CONFLICT' },
      );
      const first = await promote(registry, 'flights/2', 'staging', { gate: passing(), expected: null });
      expect(first.aliases).toEqual({ champion: 3, staging: 2 });
    });

    it('refuses a gate of another version, or one that is not a gate, storing nothing', async () => {
      const registry = await twoVersions(open);
      await rejectsLockstep(
        () => promote(registry, 'flights@latest', 'champion', { gate: passing({ candidate: 'flights/1' }) }),
        { code: 'INVALID_ARGUMENT', fn: 'promote', arg: 'options.gate', message: /judged "flights\/1"/ },
      );
      const forged = { ...JSON.parse(JSON.stringify(failing())), passed: true };
      await rejectsLockstep(() => promote(registry, 'flights/2', 'champion', { gate: forged }), {
        code: 'INVALID_ARTIFACT',
        fn: 'promote',
        arg: 'options.gate',
      });
      await rejectsLockstep(() => promote(registry, 'flights/2', 'champion', {} as never), {
        arg: 'options.gate',
      });
      await rejectsLockstep(
        () => promote(registry, 'flights/2', 'champion', { gate: passing(), expect: 1 } as never),
        { arg: 'options.expect', message: /did you mean "expected"/ },
      );
      await rejectsLockstep(() => promote(registry, 'flights/9', 'champion', { gate: passing() }), {
        code: 'NOT_FOUND',
      });
      expect(Object.keys((await registry.getVersion('flights', 2)).artifacts)).toEqual([]);
      expect((await registry.resolve('flights@champion')).version).toBe(1);
      // A gate read back from JSON text is as good as one made here.
      const p = await promote(registry, 'flights/2', 'champion', { gate: JSON.stringify(passing()) });
      expect(p.promoted).toBe(true);
    });

    it("asks the registry's authorize hook; a denial is FORBIDDEN and moves nothing", async () => {
      const registry = await twoVersions(open, {
        authorize: ({ action, actor }) => action !== 'setAlias' || actor !== 'intern',
      });
      await rejectsLockstep(
        () => promote(registry, 'flights/2', 'champion', { gate: passing(), actor: 'intern' }),
        {
          code: 'FORBIDDEN',
        },
      );
      expect((await registry.resolve('flights@champion')).version).toBe(1);
      const p = await promote(registry, 'flights/2', 'champion', {
        gate: passing(),
        actor: 'release-manager',
      });
      expect(p.promoted).toBe(true);
    });
  });
}

describe('promote under hostile input', () => {
  it('answers every hostile argument with a result or a LockstepError', async () => {
    const registry = await twoVersions(backEnds.memory!);
    const g = passing();
    const calls: ((x: unknown) => Promise<unknown>)[] = [
      (x) => promote(x as never, 'flights/2', 'champion', { gate: g }),
      (x) => promote(registry, x as never, 'champion', { gate: g }),
      (x) => promote(registry, 'flights/2', x as never, { gate: g }),
      (x) => promote(registry, 'flights/2', 'champion', x as never),
      (x) => promote(registry, 'flights/2', 'champion', { gate: x }),
      (x) => promote(registry, 'flights/2', 'champion', { gate: g, expected: x as never }),
      (x) => promote(registry, 'flights/2', 'champion', { gate: g, actor: x as never }),
    ];
    for (const call of calls)
      await fc.assert(
        fc.asyncProperty(hostile(), async (x) => {
          await expectLockstepOrResultAsync(() => call(x));
        }),
        { numRuns: 60 },
      );
    expectNoPrototypePollution();
  });
});
