import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abTest } from '../../src/router/ab-test.js';
import type { RouterEvent } from '../../src/router/events.js';
import { assignSplit } from '../../src/split/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const variants = { control: () => 'C', red: () => 'R', blue: () => 'B' };

describe('abTest', () => {
  it('assigns by the cumulative-weight rule, as assignSplit does (property)', () => {
    const weights = { control: 0.5, red: 0.3, blue: 0.2 };
    const t = abTest({ variants, weights, salt: 'btn' });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (key) => {
        expect(t.assign(key)).toBe(assignSplit(key, weights, { salt: 'btn' }));
      }),
      { numRuns: 500 },
    );
  });

  it('emits one exposure per request, with its variant and key', async () => {
    const events: RouterEvent[] = [];
    const t = abTest({ variants, weights: { control: 0, red: 1, blue: 0 }, observe: (e) => events.push(e) });
    expect(await t.route(null, { key: 'u1' })).toBe('R');
    expect(await t.route(null, { key: 'u2' })).toBe('R');
    expect(events).toEqual([
      { type: 'exposure', router: 'abTest', key: 'u1', variant: 'red', source: 'hash' },
      { type: 'exposure', router: 'abTest', key: 'u2', variant: 'red', source: 'hash' },
    ]);
    expect(t.stats().exposures).toEqual({ control: 0, red: 2, blue: 0 });
  });

  it('with a store, a key keeps its first variant when the weights are reshuffled', async () => {
    const map = new Map<string, string>();
    const store = {
      get: async (k: string) => map.get(k),
      set: async (k: string, v: string) => void map.set(k, v),
    };
    const t = abTest({ variants, weights: { control: 0.6, red: 0.2, blue: 0.2 }, salt: 's', store });
    const keys = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const first = new Map<string, string>();
    for (const k of keys) first.set(k, await t.variantFor(k));
    // Reshuffle non-monotonically: the hash alone would move many keys.
    t.setWeights({ control: 0.1, red: 0.1, blue: 0.8 });
    const moved = keys.filter((k) => t.assign(k) !== first.get(k));
    expect(moved.length).toBeGreaterThan(50);
    const answers = { control: 'C', red: 'R', blue: 'B' } as const;
    for (const k of keys) {
      expect(await t.route(null, { key: k })).toBe(answers[first.get(k) as keyof typeof answers]);
    }
    expect(t.stats().fromStore).toBe(300);
    // A new key follows the new weights, and is remembered.
    const fresh = 'user-new';
    expect(await t.variantFor(fresh)).toBe(t.assign(fresh));
    expect(map.get(fresh)).toBe(t.assign(fresh));
  });

  it('without a store, a reshuffle moves keys (the reason for the store)', () => {
    const t = abTest({ variants, weights: { control: 0.6, red: 0.2, blue: 0.2 } });
    const before = Array.from({ length: 200 }, (_, i) => t.assign(i));
    t.setWeights({ control: 0.1, red: 0.1, blue: 0.8 });
    const after = Array.from({ length: 200 }, (_, i) => t.assign(i));
    expect(after.filter((v, i) => v !== before[i]).length).toBeGreaterThan(50);
  });

  it('a synchronous store works too, numbers and strings are one key, bytes are hex', async () => {
    const map = new Map<string, string>();
    const t = abTest({
      variants,
      store: { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) },
    });
    await t.route(null, { key: 42 });
    await t.route(null, { key: Uint8Array.of(1, 255) });
    expect([...map.keys()]).toEqual(['42', '0x01ff']);
    expect(await t.variantFor('42')).toBe(map.get('42'));
  });

  it('a failing store is counted and the hash decides: the request is still served', async () => {
    const events: RouterEvent[] = [];
    const t = abTest({
      variants,
      store: {
        get: () => Promise.reject(new Error('store down')),
        set: () => {
          throw new Error('store down');
        },
      },
      observe: (e) => events.push(e),
    });
    const answer = await t.route(null, { key: 'k' });
    expect(answer).toBe(({ control: 'C', red: 'R', blue: 'B' } as const)[t.assign('k')]);
    expect(t.stats().storeErrors).toBe(2);
    expect(events.filter((e) => e.type === 'error').map((e) => (e as { reason: string }).reason)).toEqual([
      'store',
      'store',
    ]);
  });

  it('a remembered variant that no longer exists is reassigned', async () => {
    const map = new Map([['k', 'gone']]);
    const t = abTest({ variants, store: { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) } });
    expect(await t.variantFor('k')).toBe(t.assign('k'));
    expect(map.get('k')).toBe(t.assign('k'));
  });

  it('defaults to equal weights', () => {
    const t = abTest({ variants: { a: () => 1, b: () => 2 } });
    let a = 0;
    for (let i = 0; i < 4000; i++) if (t.assign(i) === 'a') a++;
    expect(a / 4000).toBeGreaterThan(0.47);
    expect(a / 4000).toBeLessThan(0.53);
  });

  it('checks its arguments', async () => {
    catchLockstep(() => abTest({ variants, weights: { control: 0.5, red: 0.5 } } as never), {
      arg: 'options.weights',
    });
    catchLockstep(() => abTest({ variants, weights: { control: 0.5, red: 0.3, blue: 0.3 } }), {
      arg: 'options.weights',
    });
    catchLockstep(() => abTest({ variants: { a: () => 1, b: 'x' } } as never), { arg: 'options.variants.b' });
    catchLockstep(() => abTest({ variants: {} }), { arg: 'options.variants' });
    catchLockstep(() => abTest({ variants, stor: {} } as never), { message: /did you mean "store"/ });
    catchLockstep(() => abTest({ variants, store: { get: () => undefined } } as never), {
      arg: 'options.store.set',
    });
    const t = abTest({ variants });
    catchLockstep(() => t.setWeights({ control: 2, red: -1, blue: 0 }), { fn: 'abTest.setWeights' });
    await rejectsLockstep(() => t.route(null, {}), { fn: 'abTest.route', arg: 'context.key' });
    await rejectsLockstep(() => t.variantFor(null as never), { fn: 'abTest.variantFor', arg: 'key' });
  });
});
