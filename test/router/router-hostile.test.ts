// Hostile inputs to every factory and method of the routing half of lockstep/router: each call gives a
// result or a LockstepError (thrown, or rejected for the async ones), never a TypeError, a RangeError or a
// hang, and nothing reaches Object.prototype. Shadow candidates given hostile inputs and outputs never
// reach the caller.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { abTest } from '../../src/router/ab-test.js';
import { blueGreen } from '../../src/router/blue-green.js';
import { canary } from '../../src/router/canary.js';
import { createCircuitBreaker, withFallback } from '../../src/router/fallback.js';
import { shadow } from '../../src/router/shadow.js';
import {
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 150 };
const one = () => 1;

afterAll(() => expectNoPrototypePollution());

/** Valid options of each factory, to corrupt one key at a time. */
const VALID: Record<string, () => Record<string, unknown>> = {
  canary: () => ({ baseline: one, candidate: one, weight: 0.5, salt: 's', observe: () => {}, now: () => 0 }),
  shadow: () => ({
    primary: one,
    candidates: { c: one },
    sampleRate: 1,
    salt: 's',
    timeoutMs: 10,
    maxConcurrent: 2,
    compare: 'exact',
    observe: () => {},
    now: () => 0,
  }),
  blueGreen: () => ({ blue: one, green: one, active: 'blue', observe: () => {}, now: () => 0 }),
  abTest: () => ({
    variants: { a: one, b: one },
    weights: { a: 0.5, b: 0.5 },
    salt: 's',
    store: { get: () => undefined, set: () => {} },
    observe: () => {},
    now: () => 0,
  }),
  createCircuitBreaker: () => ({
    failureThreshold: 2,
    windowSize: 4,
    failureRate: 0.5,
    minimumCalls: 2,
    cooldownMs: 10,
    halfOpenRequests: 1,
    now: () => 0,
    observe: () => {},
  }),
};

const FACTORIES: Record<string, (options: unknown) => unknown> = {
  canary: (o) => canary(o as never),
  shadow: (o) => shadow(o as never),
  blueGreen: (o) => blueGreen(o as never),
  abTest: (o) => abTest(o as never),
  createCircuitBreaker: (o) => createCircuitBreaker(o as never),
};

describe('factories', () => {
  for (const [name, make] of Object.entries(FACTORIES)) {
    it(`${name}: hostile options, and each option replaced by a hostile value`, () => {
      fc.assert(
        fc.property(hostile(), (v) => expectLockstepOrResult(() => make(v))),
        RUNS,
      );
      for (const key of [...Object.keys(VALID[name]!()), 'meter']) {
        fc.assert(
          fc.property(hostile(), (v) => expectLockstepOrResult(() => make({ ...VALID[name]!(), [key]: v }))),
          { numRuns: 60 },
        );
      }
    });
  }

  it('withFallback: hostile model, fallback and options', () => {
    fc.assert(
      fc.property(hostile(), hostile(), hostile(), (m, f, o) => {
        expectLockstepOrResult(() => withFallback(m as never, f as never, o as never));
        expectLockstepOrResult(() => withFallback(one, one, o as never));
        for (const key of ['timeoutMs', 'isValid', 'breaker', 'observe', 'meter', 'now'])
          expectLockstepOrResult(() => withFallback(one, one, { [key]: m } as never));
      }),
      RUNS,
    );
  });

  it('hostile meters: every shape of broken meter is refused or tolerated', () => {
    const boom = () => {
      throw new Error('meter');
    };
    const meters = [
      { createCounter: boom, createHistogram: boom },
      { createCounter: () => null, createHistogram: () => ({ record: one }) },
      { createCounter: () => ({ add: 5 }), createHistogram: () => ({ record: one }) },
      { createCounter: () => ({ add: one }), createHistogram: () => 5 },
      ...hostileValues(),
    ];
    for (const meter of meters) {
      expectLockstepOrResult(() => canary({ baseline: one, candidate: one, weight: 0, meter } as never));
      expectLockstepOrResult(() => withFallback(one, one, { meter } as never));
    }
  });
});

describe('methods', () => {
  it('assign, setWeight, setWeights, switchTo, pause: hostile arguments', () => {
    const c = canary({ baseline: one, candidate: one, weight: 0.5 });
    const s = shadow({ primary: one, candidates: { c: one }, sampleRate: 0.5 });
    const bg = blueGreen({ blue: one, green: one });
    const t = abTest({ variants: { a: one, b: one } });
    const m = withFallback(one, one);
    const b = createCircuitBreaker();
    fc.assert(
      fc.property(hostile(), (v) => {
        expectLockstepOrResult(() => c.assign(v as never));
        expectLockstepOrResult(() => c.setWeight(v as never));
        expectLockstepOrResult(() => s.assign(v as never));
        expectLockstepOrResult(() => bg.assign(v as never));
        expectLockstepOrResult(() => bg.switchTo(v as never));
        expectLockstepOrResult(() => t.assign(v as never));
        expectLockstepOrResult(() => t.setWeights(v as never));
        expectLockstepOrResult(() => m.pause(v as never));
        m.resume();
        expectLockstepOrResult(() => [b.tryAcquire(), b.state, b.stats()]);
      }),
      RUNS,
    );
    // State survives: each refused call left the router as it was.
    expect(c.weight).toBeGreaterThanOrEqual(0);
    expect(['blue', 'green']).toContain(bg.active);
    expect(c.stats().weight).toBe(c.weight);
  });

  it('route and variantFor: hostile inputs and contexts, as rejections that are LockstepErrors', async () => {
    const c = canary({ baseline: one, candidate: one, weight: 0.5 });
    const s = shadow({
      primary: one,
      candidates: { echo: (x) => x, boom: () => Promise.reject(1) },
      timeoutMs: 5,
    });
    const bg = blueGreen({ blue: one, green: one });
    const t = abTest({ variants: { a: one, b: one }, store: { get: (k) => k, set: () => {} } });
    const m = withFallback(() => Number.NaN, one, { breaker: createCircuitBreaker() });
    await fc.assert(
      fc.asyncProperty(hostile(), hostile(), async (input, context) => {
        for (const r of [c, s, bg, t]) {
          await expectLockstepOrResultAsync(() => r.route(input, context as never));
          await expectLockstepOrResultAsync(() => r.route(input, { key: context } as never));
        }
        await expectLockstepOrResultAsync(() => t.variantFor(context as never));
        await expectLockstepOrResultAsync(() => m(input, context as never));
      }),
      RUNS,
    );
    // Shadow candidates fed hostile inputs never broke a route; their failures are only counted.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stats = s.stats();
    expect(stats.candidates.boom!.errors).toBe(stats.candidates.boom!.calls);
  });

  it('models that return hostile values: the caller gets them, or the fallback for invalid ones', async () => {
    for (const v of hostileValues()) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v)) continue; // thenable probes
      const c = canary({ baseline: () => v, candidate: () => v, weight: 0.5 });
      expect(Object.is(await c.route(1, { key: 'k' }), v)).toBe(true);
      const m = withFallback(
        () => v,
        () => 'fallback',
      );
      const answer = await m(1);
      const bad = (x: unknown) => typeof x === 'number' && !Number.isFinite(x);
      const invalid = bad(v) || (Array.isArray(v) && v.some(bad));
      expect(Object.is(answer, invalid ? 'fallback' : v)).toBe(true);
    }
  });
});
