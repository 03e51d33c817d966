import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RouterEvent } from '../../src/router/events.js';
import type { MeterLike } from '../../src/router/meter.js';
import { shadow } from '../../src/router/shadow.js';
import { sampleByKey } from '../../src/split/index.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const never = () => new Promise<never>(() => {});

afterEach(() => {
  vi.useRealTimers();
});

describe('shadow: the caller gets the primary, alone and at once', () => {
  it('a candidate that throws, hangs or returns NaN never changes the answer, and a hung one never delays it', async () => {
    vi.useFakeTimers();
    const s = shadow({
      primary: (x: number) => x * 2,
      candidates: {
        throws: () => {
          throw new Error('candidate bug');
        },
        rejects: async () => Promise.reject(new Error('async bug')),
        hangs: never,
        nan: () => Number.NaN,
      },
      timeoutMs: 5000,
    });
    let settled = false;
    const answer = s.route(21, { key: 'k' }).then((v) => {
      settled = true;
      return v;
    });
    // No timer has been advanced: the answer is there before any candidate has even started.
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(await answer).toBe(42);
    await vi.advanceTimersByTimeAsync(0);
    let stats = s.stats();
    expect(stats.candidates.throws!.errors).toBe(1);
    expect(stats.candidates.rejects!.errors).toBe(1);
    expect(stats.candidates.nan).toMatchObject({ compared: 1, matches: 0 });
    expect(stats.candidates.hangs).toMatchObject({ inFlight: 1, timeouts: 0 });
    await vi.advanceTimersByTimeAsync(5000);
    stats = s.stats();
    expect(stats.candidates.hangs).toMatchObject({ inFlight: 0, timeouts: 1, compared: 0 });
    expect(stats).toMatchObject({ requests: 1, mirrored: 1, primaryErrors: 0 });
  });

  it('resolves before the hung candidate’s timeout, with real timers', async () => {
    const s = shadow({ primary: () => 'p', candidates: { hangs: never }, timeoutMs: 60_000 });
    const start = performance.now();
    expect(await s.route(null, { key: 1 })).toBe('p');
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('the primary’s error reaches the caller; candidates’ answers are then not compared', async () => {
    vi.useFakeTimers();
    const s = shadow({
      primary: () => {
        throw new Error('primary down');
      },
      candidates: { c: () => 1 },
    });
    await expect(s.route(0, { key: 'k' })).rejects.toThrow('primary down');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.stats().primaryErrors).toBe(1);
    expect(s.stats().candidates.c).toMatchObject({ calls: 1, compared: 0, uncompared: 1 });
  });

  it('candidates get the same input and context', async () => {
    vi.useFakeTimers();
    const seen: unknown[] = [];
    const ctx = { key: 'k', tenant: 'a' };
    const input = { x: 1 };
    const s = shadow({
      primary: () => 1,
      candidates: {
        c: (i, c) => {
          seen.push(i, c);
          return 1;
        },
      },
    });
    await s.route(input, ctx);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen[0]).toBe(input);
    expect(seen[1]).toBe(ctx);
  });
});

describe('shadow: concurrency cap and timeouts', () => {
  it('hung candidates: exactly maxConcurrent in flight, the rest dropped and counted', async () => {
    vi.useFakeTimers();
    const events: RouterEvent[] = [];
    let started = 0;
    const s = shadow({
      primary: () => 0,
      candidates: {
        hangs: () => {
          started++;
          return never();
        },
      },
      maxConcurrent: 3,
      timeoutMs: 10_000,
      observe: (e) => events.push(e),
    });
    for (let i = 0; i < 1000; i++) expect(await s.route(i, { key: i })).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(3);
    expect(s.stats().candidates.hangs).toMatchObject({ calls: 3, inFlight: 3, dropped: 997 });
    expect(events.filter((e) => e.type === 'shadowDropped')).toHaveLength(997);
    // The timeout frees the slots; new requests are mirrored again.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.stats().candidates.hangs).toMatchObject({ inFlight: 0, timeouts: 3 });
    await s.route(0, { key: 'again' });
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(4);
  });

  it('the cap is per candidate: a hung one does not starve a healthy one', async () => {
    vi.useFakeTimers();
    const s = shadow({ primary: () => 1, candidates: { hangs: never, ok: () => 1 }, maxConcurrent: 2 });
    for (let i = 0; i < 10; i++) {
      await s.route(i, { key: i });
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(s.stats().candidates.hangs).toMatchObject({ inFlight: 2, dropped: 8 });
    expect(s.stats().candidates.ok).toMatchObject({ compared: 10, matches: 10, dropped: 0 });
  });

  it('a late answer after the timeout is ignored', async () => {
    vi.useFakeTimers();
    const s = shadow({
      primary: () => 1,
      candidates: { slow: () => new Promise((r) => setTimeout(() => r(1), 200)) },
      timeoutMs: 100,
    });
    await s.route(0, { key: 'k' });
    await vi.advanceTimersByTimeAsync(500);
    expect(s.stats().candidates.slow).toMatchObject({ timeouts: 1, compared: 0, inFlight: 0 });
  });
});

describe('shadow: sampling is sticky', () => {
  it('mirrors a key exactly when sampleByKey(key, sampleRate, { salt }) does, on every replica', async () => {
    vi.useFakeTimers();
    const make = () =>
      shadow({ primary: () => 1, candidates: { c: () => 1 }, sampleRate: 0.3, salt: 'mirror' });
    const a = make();
    const b = make();
    let mirrored = 0;
    for (let i = 0; i < 2000; i++) {
      const key = `req-${i}`;
      const expected = sampleByKey(key, 0.3, { salt: 'mirror' }) ? 'mirrored' : 'primary';
      expect(a.assign(key)).toBe(expected);
      expect(b.assign(key)).toBe(expected);
      if (expected === 'mirrored') mirrored++;
      await a.route(0, { key });
    }
    expect(a.stats().mirrored).toBe(mirrored);
    expect(mirrored / 2000).toBeGreaterThan(0.27);
    expect(mirrored / 2000).toBeLessThan(0.33);
  });

  it('sampleRate 0 mirrors nothing', async () => {
    vi.useFakeTimers();
    const c = vi.fn(() => 1);
    const s = shadow({ primary: () => 1, candidates: { c }, sampleRate: 0 });
    for (let i = 0; i < 50; i++) await s.route(0, { key: i });
    await vi.advanceTimersByTimeAsync(0);
    expect(c).not.toHaveBeenCalled();
  });
});

describe('shadow: comparisons are kept', () => {
  const run = async (compare: unknown, pairs: [unknown, unknown][]) => {
    vi.useFakeTimers();
    let i = 0;
    const events: RouterEvent[] = [];
    const s = shadow({
      primary: () => pairs[i]![0],
      candidates: { c: () => pairs[i]![1] },
      compare: compare as never,
      observe: (e) => events.push(e),
    });
    for (i = 0; i < pairs.length; i++) {
      await s.route(null, { key: i });
      await vi.advanceTimersByTimeAsync(0);
    }
    return { stats: s.stats().candidates.c!, events };
  };

  it("'exact': deep equality of JSON-like values", async () => {
    const { stats, events } = await run('exact', [
      [
        { a: [1, 2], b: 'x' },
        { b: 'x', a: [1, 2] },
      ],
      [{ a: [1, 2] }, { a: [1, 3] }],
      [Number.NaN, Number.NaN],
      [[1], { 0: 1 }],
    ]);
    expect(stats).toMatchObject({ compared: 4, matches: 2, matchRate: 0.5 });
    expect(stats.differences).toMatchObject({ count: 4, mean: 0.5, min: 0, max: 1 });
    const comparisons = events.filter((e) => e.type === 'shadowComparison');
    expect(comparisons.map((e) => e.match)).toEqual([true, false, true, false]);
  });

  it('{ tolerance }: absolute, or absolute and relative, over numbers and numeric arrays', async () => {
    const abs = await run({ tolerance: 0.01 }, [
      [1, 1.005],
      [[1, 2], new Float64Array([1.001, 2.02])],
      [1, Number.NaN],
      [[1, 2], [1]],
    ]);
    expect(abs.stats).toMatchObject({ compared: 4, matches: 1 });
    expect(abs.stats.differences.count).toBe(2);
    expect(abs.stats.differences.max).toBeCloseTo(0.02, 12);
    const rel = await run({ tolerance: { relative: 0.1 } }, [
      [100, 109],
      [100, 111],
    ]);
    expect(rel.stats).toMatchObject({ compared: 2, matches: 1 });
    expect(rel.stats.differences).toMatchObject({ min: 9, max: 11 });
  });

  it('{ topK }: agreement of the top-k indices of score arrays', async () => {
    const { stats } = await run({ topK: 2 }, [
      [
        [0.1, 0.5, 0.4],
        [0.2, 0.9, 0.3],
      ],
      [
        [0.1, 0.5, 0.4],
        [0.6, 0.9, 0.3],
      ],
    ]);
    expect(stats).toMatchObject({ compared: 2, matches: 1 });
    expect(stats.differences).toMatchObject({ min: 0, max: 0.5 });
  });

  it('a function: boolean is the match, a number the difference; a throwing one is counted', async () => {
    const { stats } = await run(
      (p: number, c: number) => (p === 0 ? c - p : c > 1),
      [
        [0, 0],
        [0, 3],
        [1, 2],
        [1, 0],
      ],
    );
    expect(stats).toMatchObject({ compared: 4, matches: 2, compareErrors: 0 });
    expect(stats.differences).toMatchObject({ count: 2, min: 0, max: 3 });
    const bad = await run(() => {
      throw new Error('bad compare');
    }, [[1, 1]]);
    expect(bad.stats).toMatchObject({ compared: 0, compareErrors: 1 });
    const odd = await run(() => 'yes', [[1, 1]]);
    expect(odd.stats).toMatchObject({ compared: 0, compareErrors: 1 });
  });

  it('summarises candidate latency on the injected clock, in fixed memory', async () => {
    vi.useFakeTimers();
    let t = 0;
    const s = shadow({
      primary: () => 1,
      candidates: {
        c: async (i: number) => {
          t += i;
          return 1;
        },
      },
      now: () => t,
    });
    for (let i = 1; i <= 1000; i++) {
      await s.route(i, { key: i });
      await vi.advanceTimersByTimeAsync(0);
    }
    const latency = s.stats().candidates.c!.latency;
    expect(latency).toEqual({ count: 1000, mean: 500.5, min: 1, max: 1000, p50: 744, p90: 949, p99: 995 });
    // The quantiles are of the last 512 values (489 … 1000), nearest rank.
  });

  it('an empty summary is NaN, and stats are frozen', () => {
    const s = shadow({ primary: () => 1, candidates: { c: () => 1 } });
    const c = s.stats().candidates.c!;
    expect(c.latency.count).toBe(0);
    expect(c.latency.mean).toBeNaN();
    expect(c.matchRate).toBeNaN();
    expect(Object.isFrozen(s.stats().candidates)).toBe(true);
  });
});

describe('shadow: telemetry and arguments', () => {
  it('records comparisons, drops and latency on a fake OpenTelemetry meter', async () => {
    vi.useFakeTimers();
    const counters: Record<string, unknown[]> = {};
    const meter: MeterLike = {
      createCounter: (name) => {
        const list: unknown[] = [];
        counters[name] = list;
        return { add: (v, a) => list.push([v, a]) };
      },
      createHistogram: () => ({ record: () => {} }),
    };
    const s = shadow({ primary: () => 1, candidates: { c: () => 2, h: never }, meter, maxConcurrent: 1 });
    await s.route(0, { key: 'a' });
    await s.route(0, { key: 'b' });
    await vi.advanceTimersByTimeAsync(0);
    expect(counters.lockstep_router_requests).toHaveLength(2);
    expect(counters.lockstep_router_shadow_comparisons).toEqual([
      [1, { router: 'shadow', candidate: 'c', match: false }],
    ]);
    expect(counters.lockstep_router_shadow_dropped).toEqual([
      [1, { router: 'shadow', candidate: 'c' }],
      [1, { router: 'shadow', candidate: 'h' }],
    ]);
  });

  it('a meter or observer that throws never breaks routing', async () => {
    vi.useFakeTimers();
    const boom = () => {
      throw new Error('telemetry down');
    };
    const s = shadow({
      primary: () => 1,
      candidates: { c: () => 1 },
      meter: { createCounter: () => ({ add: boom }), createHistogram: () => ({ record: boom }) },
      observe: boom,
    });
    expect(await s.route(0, { key: 'a' })).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.stats().observerErrors).toBeGreaterThanOrEqual(3);
    expect(s.stats().candidates.c!.compared).toBe(1);
  });

  it('checks its arguments', async () => {
    const ok = { primary: () => 1, candidates: { c: () => 1 } };
    catchLockstep(() => shadow({ ...ok, sampelRate: 0.5 } as never), {
      arg: 'options.sampelRate',
      message: /sampleRate/,
    });
    catchLockstep(() => shadow({ ...ok, candidates: {} }), { arg: 'options.candidates' });
    catchLockstep(() => shadow({ ...ok, candidates: { c: 1 } } as never), { arg: 'options.candidates.c' });
    catchLockstep(() => shadow({ ...ok, sampleRate: 2 }), { arg: 'options.sampleRate' });
    catchLockstep(() => shadow({ ...ok, maxConcurrent: 0 }), { arg: 'options.maxConcurrent' });
    catchLockstep(() => shadow({ ...ok, timeoutMs: 0 }), { arg: 'options.timeoutMs' });
    catchLockstep(() => shadow({ ...ok, compare: 'fuzzy' } as never), { arg: 'options.compare' });
    catchLockstep(() => shadow({ ...ok, compare: { topK: 0 } }), { arg: 'options.compare.topK' });
    catchLockstep(() => shadow({ ...ok, compare: { tolerance: { abs: 1 } } } as never), {
      arg: 'options.compare.tolerance.abs',
    });
    await rejectsLockstep(() => shadow(ok).route(1, { id: 3 }), { fn: 'shadow.route', arg: 'context.key' });
  });
});
