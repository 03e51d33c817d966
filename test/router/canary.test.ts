import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canary } from '../../src/router/canary.js';
import type { RouterEvent } from '../../src/router/events.js';
import type { MeterLike } from '../../src/router/meter.js';
import { assignSplit } from '../../src/split/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const keyArb = fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.uint8Array({ maxLength: 16 }));
const models = { baseline: (x: number) => x + 1, candidate: (x: number) => x * 10 };

/** A fake OpenTelemetry meter that keeps every measurement. */
function fakeMeter() {
  const counters: Record<string, { value: number; attributes: unknown }[]> = {};
  const histograms: Record<string, { value: number; attributes: unknown }[]> = {};
  const meter: MeterLike = {
    createCounter(name) {
      counters[name] = [];
      return { add: (value, attributes) => counters[name]!.push({ value, attributes }) };
    },
    createHistogram(name) {
      histograms[name] = [];
      return { record: (value, attributes) => histograms[name]!.push({ value, attributes }) };
    },
  };
  return { meter, counters, histograms };
}

describe('canary', () => {
  it('assigns exactly as assignSplit does for the same key, salt and weights (property)', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string({ maxLength: 8 }),
        (key, w, salt) => {
          const r = canary({ ...models, weight: w, salt });
          expect(r.assign(key)).toBe(assignSplit(key, { candidate: w, baseline: 1 - w }, { salt }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never moves a key back to the baseline when the weight is raised (property)', () => {
    fc.assert(
      fc.property(
        fc.array(keyArb, { minLength: 1, maxLength: 50 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }),
        (keys, ws) => {
          const ramp = [...ws].sort((a, b) => a - b);
          const r = canary({ ...models, weight: ramp[0]!, salt: 'ramp' });
          const onCandidate = new Set<number>();
          for (const w of ramp) {
            r.setWeight(w);
            keys.forEach((k, i) => {
              const arm = r.assign(k);
              if (onCandidate.has(i)) expect(arm).toBe('candidate');
              if (arm === 'candidate') onCandidate.add(i);
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is sticky: two replicas built alike give every key the same arm, and the share follows the weight', () => {
    const a = canary({ ...models, weight: 0.2, salt: 'exp-1' });
    const b = canary({ ...models, weight: 0.2, salt: 'exp-1' });
    const other = canary({ ...models, weight: 0.2, salt: 'exp-2' });
    let candidates = 0;
    let differ = 0;
    for (let i = 0; i < 5000; i++) {
      const key = `user-${i}`;
      expect(a.assign(key)).toBe(b.assign(key));
      if (a.assign(key) === 'candidate') candidates++;
      if (a.assign(key) !== other.assign(key)) differ++;
    }
    expect(candidates / 5000).toBeGreaterThan(0.18);
    expect(candidates / 5000).toBeLessThan(0.22);
    expect(differ).toBeGreaterThan(300); // another salt is an independent assignment
    expect(a.assign(42)).toBe(a.assign('42'));
    expect(a.assign(42n)).toBe(a.assign('42'));
  });

  it('routes to the assigned model and counts per arm; weight 0 and 1 are all-baseline and all-candidate', async () => {
    const r = canary({ ...models, weight: 0 });
    expect(await r.route(4, { key: 'k' })).toBe(5);
    r.setWeight(1);
    expect(await r.route(4, { key: 'k' })).toBe(40);
    expect(r.weight).toBe(1);
    expect(r.stats()).toEqual({
      weight: 1,
      requests: { baseline: 1, candidate: 1 },
      errors: { baseline: 0, candidate: 0 },
      observerErrors: 0,
    });
    expect(Object.isFrozen(r.stats())).toBe(true);
  });

  it('passes the context to the model and a model error to the caller, counted', async () => {
    const seen: unknown[] = [];
    const r = canary({
      baseline: (_x: number, ctx) => {
        seen.push(ctx);
        throw new Error('boom');
      },
      candidate: async () => 1,
      weight: 0,
    });
    const ctx = { key: 'k', tenant: 't' };
    await expect(r.route(1, ctx)).rejects.toThrow('boom');
    expect(seen[0]).toBe(ctx);
    expect(r.stats().errors.baseline).toBe(1);
  });

  it('a route without a key is an INVALID_ARGUMENT naming canary.route and context.key', async () => {
    const r = canary({ ...models, weight: 0.5 });
    await rejectsLockstep(() => r.route(1, {}), {
      code: 'INVALID_ARGUMENT',
      fn: 'canary.route',
      arg: 'context.key',
    });
    await rejectsLockstep(() => r.route(1), { fn: 'canary.route', arg: 'context' });
    await rejectsLockstep(() => r.route(1, { key: Number.NaN }), { fn: 'canary.route', arg: 'context.key' });
    catchLockstep(() => r.assign({} as never), { fn: 'canary.assign', arg: 'key' });
  });

  it('checks its options: unknown keys name the closest, weights in [0, 1], models are functions', () => {
    catchLockstep(() => canary({ ...models, weigth: 0.1 } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.weigth',
      message: /did you mean "weight"/,
    });
    catchLockstep(() => canary({ ...models, weight: 1.5 }), { arg: 'options.weight' });
    catchLockstep(() => canary({ ...models, weight: -0.1 }), { arg: 'options.weight' });
    catchLockstep(() => canary({ ...models, candidate: 'm' as never, weight: 0.1 }), {
      arg: 'options.candidate',
    });
    catchLockstep(() => canary({ ...models, weight: 0.1, salt: 3 as never }), { arg: 'options.salt' });
    const r = canary({ ...models, weight: 0.1 });
    catchLockstep(() => r.setWeight(Number.NaN), { fn: 'canary.setWeight', arg: 'weight' });
    expect(r.weight).toBe(0.1);
  });

  it('emits frozen assignment and error events; a throwing observer is swallowed and counted', async () => {
    const events: RouterEvent[] = [];
    const r = canary({
      baseline: () => {
        throw new Error('x');
      },
      candidate: () => 2,
      weight: 1,
      observe: (e) => events.push(e),
    });
    await r.route(0, { key: 'a' });
    r.setWeight(0);
    await expect(r.route(0, { key: 'a' })).rejects.toThrow('x');
    expect(events.map((e) => e.type)).toEqual(['assignment', 'assignment', 'error']);
    expect(events[0]).toEqual({ type: 'assignment', router: 'canary', key: 'a', variant: 'candidate' });
    expect(Object.isFrozen(events[0])).toBe(true);
    const bad = canary({
      ...models,
      weight: 0.5,
      observe: () => {
        throw new Error('observer');
      },
    });
    expect(await bad.route(1, { key: 'z' })).toBeTypeOf('number');
    expect(bad.stats().observerErrors).toBe(1);
  });

  it('records requests and latency on a structural OpenTelemetry meter, with the injected clock', async () => {
    const { meter, counters, histograms } = fakeMeter();
    let t = 0;
    const r = canary({
      baseline: async () => {
        t += 7;
        return 'b';
      },
      candidate: () => 'c',
      weight: 0,
      meter,
      now: () => t,
    });
    await r.route(null, { key: 'k' });
    expect(counters.lockstep_router_requests).toEqual([
      { value: 1, attributes: { router: 'canary', variant: 'baseline' } },
    ]);
    expect(histograms.lockstep_router_latency).toEqual([
      { value: 7, attributes: { router: 'canary', variant: 'baseline' } },
    ]);
  });

  it('assign takes well under a microsecond for string keys (the decision target)', () => {
    const r = canary({ ...models, weight: 0.3, salt: 'perf' });
    const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
    let n = 0;
    for (let i = 0; i < 100_000; i++) if (r.assign(keys[i % 1000]!) === 'candidate') n++; // warm up
    const start = performance.now();
    for (let i = 0; i < 1_000_000; i++) if (r.assign(keys[i % 1000]!) === 'candidate') n++;
    const perCall = ((performance.now() - start) * 1000) / 1_000_000;
    expect(n).toBeGreaterThan(0);
    expect(perCall).toBeLessThan(1); // µs; typically ~0.05 µs
  });
});
