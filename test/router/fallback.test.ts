import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RouterEvent } from '../../src/router/events.js';
import { createCircuitBreaker, withFallback } from '../../src/router/fallback.js';
import type { MeterLike } from '../../src/router/meter.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

afterEach(() => {
  vi.useRealTimers();
});

const heuristic = () => 'heuristic';

describe('withFallback', () => {
  it('answers from the fallback when the model throws, rejects, times out or returns an invalid output', async () => {
    vi.useFakeTimers();
    const events: RouterEvent[] = [];
    let behaviour: 'ok' | 'throw' | 'reject' | 'hang' | 'nan' | 'inf-array' = 'ok';
    const model = (x: number) => {
      if (behaviour === 'throw') throw new Error('bug');
      if (behaviour === 'reject') return Promise.reject(new Error('async bug'));
      if (behaviour === 'hang') return new Promise<never>(() => {});
      if (behaviour === 'nan') return Number.NaN;
      if (behaviour === 'inf-array') return [1, Number.POSITIVE_INFINITY] as unknown as number;
      return x * 2;
    };
    const m = withFallback<number, unknown>(model, () => -1, {
      timeoutMs: 100,
      observe: (e) => events.push(e),
    });
    expect(await m(2)).toBe(4);
    for (const b of ['throw', 'reject', 'nan', 'inf-array'] as const) {
      behaviour = b;
      expect(await m(2)).toBe(-1);
    }
    behaviour = 'hang';
    const late = m(2, { key: 'k' });
    await vi.advanceTimersByTimeAsync(99);
    let settled = false;
    void late.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await late).toBe(-1);
    expect(m.stats()).toEqual({
      calls: 6,
      served: 1,
      fallbacks: { error: 2, timeout: 1, invalid: 2, open: 0, paused: 0 },
      fallbackErrors: 0,
      paused: undefined,
      observerErrors: 0,
    });
    expect(events.map((e) => (e as { reason: string }).reason)).toEqual([
      'error',
      'error',
      'invalid',
      'invalid',
      'timeout',
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'fallback',
      router: 'fallback',
      key: 'k',
      reason: 'timeout',
    });
  });

  it('uses isValid when given (a throwing isValid means invalid)', async () => {
    const m = withFallback(() => ({ score: 2 }), heuristic as never, {
      isValid: (o: { score: number }) => o.score <= 1,
    });
    expect(await m(null)).toBe('heuristic');
    const t = withFallback(
      () => 1,
      () => 0,
      {
        isValid: () => {
          throw new Error('no');
        },
      },
    );
    expect(await t(null)).toBe(0);
    expect(t.stats().fallbacks.invalid).toBe(1);
  });

  it('pause(reason) sends every call to the fallback without calling the model; resume() restores it', async () => {
    const model = vi.fn(() => 'model');
    const m = withFallback(model, heuristic);
    m.pause('market shock');
    expect(m.paused).toBe('market shock');
    expect(await m(1)).toBe('heuristic');
    expect(model).not.toHaveBeenCalled();
    expect(m.stats()).toMatchObject({ paused: 'market shock', fallbacks: { paused: 1 } });
    m.resume();
    expect(await m(1)).toBe('model');
    expect(m.paused).toBeUndefined();
    catchLockstep(() => m.pause(5 as never), { fn: 'withFallback.pause', arg: 'reason' });
  });

  it('a fallback that throws rejects the call, counted', async () => {
    const m = withFallback(
      () => {
        throw new Error('model');
      },
      () => {
        throw new Error('fallback too');
      },
    );
    await expect(m(1)).rejects.toThrow('fallback too');
    expect(m.stats()).toMatchObject({ fallbackErrors: 1, fallbacks: { error: 1 } });
  });

  it('is itself a model: the context reaches both functions', async () => {
    const seen: unknown[] = [];
    const ctx = { key: 'k' };
    const m = withFallback(
      (_x: number, c) => {
        seen.push(c);
        throw new Error('x');
      },
      (_x: number, c) => {
        seen.push(c);
        return 0;
      },
    );
    await m(1, ctx);
    expect(seen).toEqual([ctx, ctx]);
    await rejectsLockstep(() => m(1, 'ctx' as never), { fn: 'withFallback', arg: 'context' });
  });

  it('records requests, fallbacks by reason and latency on a fake meter', async () => {
    const counters: Record<string, unknown[]> = {};
    const latency: unknown[] = [];
    const meter: MeterLike = {
      createCounter: (name) => {
        const list: unknown[] = [];
        counters[name] = list;
        return { add: (v, a) => list.push([v, a]) };
      },
      createHistogram: () => ({ record: (v, a) => latency.push([v, a]) }),
    };
    let t = 0;
    const m = withFallback(
      async () => {
        t += 3;
        return Number.NaN;
      },
      () => 0,
      { meter, now: () => t },
    );
    await m(1);
    expect(counters.lockstep_router_requests).toEqual([[1, { router: 'fallback', variant: 'model' }]]);
    expect(counters.lockstep_router_fallbacks).toEqual([[1, { router: 'fallback', reason: 'invalid' }]]);
    expect(latency).toEqual([[3, { router: 'fallback', variant: 'model' }]]);
  });

  it('checks its arguments', () => {
    catchLockstep(() => withFallback('m' as never, heuristic), { fn: 'withFallback', arg: 'model' });
    catchLockstep(() => withFallback(heuristic, null as never), { arg: 'fallback' });
    catchLockstep(() => withFallback(heuristic, heuristic, { timeout: 5 } as never), {
      message: /did you mean "timeoutMs"/,
    });
    catchLockstep(() => withFallback(heuristic, heuristic, { timeoutMs: -1 }), { arg: 'options.timeoutMs' });
    catchLockstep(() => withFallback(heuristic, heuristic, { breaker: {} as never }), {
      arg: 'options.breaker.tryAcquire',
    });
  });
});

describe('createCircuitBreaker', () => {
  it('closed → open after failureThreshold failures within the last windowSize calls', () => {
    const b = createCircuitBreaker({ failureThreshold: 3, windowSize: 5, now: () => 0 });
    b.recordFailure();
    b.recordFailure();
    for (let i = 0; i < 3; i++) b.recordSuccess(); // the window: F F S S S
    b.recordSuccess(); // the first failure leaves the window: F S S S S
    b.recordFailure(); // S S S S F: 2 failures
    expect(b.state).toBe('closed');
    b.recordFailure(); // S S S F F
    expect(b.state).toBe('closed');
    b.recordFailure(); // S S F F F
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('opens on a failure rate once minimumCalls are held', () => {
    const b = createCircuitBreaker({
      failureThreshold: 100,
      windowSize: 100,
      failureRate: 0.5,
      minimumCalls: 4,
      now: () => 0,
    });
    b.recordFailure();
    b.recordFailure(); // 2 of 2, but fewer than minimumCalls
    expect(b.state).toBe('closed');
    b.recordSuccess();
    expect(b.state).toBe('closed');
    b.recordSuccess(); // 2 of 4 = 0.5
    expect(b.state).toBe('closed'); // a success never opens it
    b.recordFailure(); // 3 of 5
    expect(b.state).toBe('open');
  });

  it('open → half-open after cooldownMs on the injected clock; trials close it or reopen it', () => {
    let t = 1000;
    const events: RouterEvent[] = [];
    const b = createCircuitBreaker({
      failureThreshold: 1,
      cooldownMs: 500,
      halfOpenRequests: 2,
      now: () => t,
      observe: (e) => events.push(e),
    });
    b.recordFailure();
    expect(b.state).toBe('open');
    t = 1499;
    expect(b.tryAcquire()).toBe(false);
    t = 1500;
    expect(b.state).toBe('halfOpen');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // two trials only
    b.recordSuccess();
    b.recordFailure(); // one trial failed: open again, from now
    expect(b.state).toBe('open');
    t = 1999;
    expect(b.state).toBe('open');
    t = 2000;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.state).toBe('halfOpen');
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(b.stats()).toEqual({
      state: 'closed',
      windowCalls: 0,
      windowFailures: 0,
      opened: 2,
      rejected: 2,
      observerErrors: 0,
    });
    expect(events.map((e) => (e.type === 'breakerState' ? `${e.from}>${e.to}@${e.at}` : e.type))).toEqual([
      'closed>open@1000',
      'open>halfOpen@1500',
      'halfOpen>open@1500',
      'open>halfOpen@2000',
      'halfOpen>closed@2000',
    ]);
  });

  it('withFallback with a breaker: failures open it, open calls go to the fallback without the model', async () => {
    let t = 0;
    let healthy = false;
    const model = vi.fn(() => (healthy ? 'model' : Number.NaN));
    const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, now: () => t });
    const m = withFallback(model, heuristic as never, { breaker });
    await m(1);
    await m(1);
    expect(breaker.state).toBe('open');
    expect(await m(1)).toBe('heuristic');
    expect(model).toHaveBeenCalledTimes(2);
    expect(m.stats().fallbacks).toEqual({ error: 0, timeout: 0, invalid: 2, open: 1, paused: 0 });
    t = 1000;
    healthy = true;
    expect(await m(1)).toBe('model'); // the half-open trial
    expect(breaker.state).toBe('closed');
    expect(await m(1)).toBe('model');
  });

  it('reset() closes it with an empty window', () => {
    const b = createCircuitBreaker({ failureThreshold: 1, now: () => 0 });
    b.recordFailure();
    b.reset();
    expect(b.state).toBe('closed');
    expect(b.stats().windowCalls).toBe(0);
  });

  it('checks its arguments', () => {
    catchLockstep(() => createCircuitBreaker({ windowSize: 0 }), { arg: 'options.windowSize' });
    catchLockstep(() => createCircuitBreaker({ windowSize: 5, failureThreshold: 6 }), {
      arg: 'options.failureThreshold',
    });
    catchLockstep(() => createCircuitBreaker({ failureRate: 0 }), { arg: 'options.failureRate' });
    catchLockstep(() => createCircuitBreaker({ cooldown: 5 } as never), {
      message: /did you mean "cooldownMs"/,
    });
    catchLockstep(() => createCircuitBreaker({ now: 5 } as never), { arg: 'options.now' });
  });
});
