// Rolling windows by count and by time on an injected clock, what each window counts, the snapshot, and
// memory that stays bounded however many requests are observed.
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/monitor.js';
import { profile } from '../../src/stats/profile.js';
import { quantiles } from '../../src/stats/read.js';

const baseline = profile(Array.from({ length: 200 }, (_, i) => ({ x: i % 20, c: ['a', 'b', 'c'][i % 3]! })));

describe('count windows', () => {
  it('close after `requests` requests, numbered from 0, with exact counters', () => {
    let t = 1_000;
    const m = createMonitor({ baseline, window: { requests: 4 }, now: () => t });
    for (let i = 0; i < 10; i++) {
      t += 10;
      m.observe({
        input: { x: i, c: 'a' },
        prediction: i === 3 ? Number.NaN : i === 5 ? null : 0.5,
        latencyMs: i,
        error: i === 7 ? new Error('boom') : undefined,
      });
    }
    const windows = m.windows();
    expect(windows.map((w) => [w.index, w.counts.requests, w.start, w.end])).toEqual([
      [0, 4, 1_010, 1_040],
      [1, 4, 1_050, 1_080],
    ]);
    expect(windows[0]!.counts.nullPredictions).toBe(1);
    expect(windows[1]!.counts.nullPredictions).toBe(1);
    expect(windows[1]!.counts.errors).toBe(1);
    expect(windows[0]!.counts.latencySumMs).toBe(0 + 1 + 2 + 3);
    const s = m.snapshot();
    expect(s.windows[0]!.metrics).toMatchObject({
      requests: 4,
      errorRate: 0,
      'prediction.nullRatio': 0.25,
      'latency.p50': 1,
      'latency.p99': 3,
      'latency.mean': 1.5,
      throughput: 4 / 0.03,
    });
    expect(s.windows[1]!.metrics.errorRate).toBe(0.25);
    // The open window: 2 requests so far, summarised as partial.
    expect(s.current).toMatchObject({ index: 2, partial: true, requests: 2 });
    expect(s.totals.requests).toBe(10);
    expect(s.totals.errors).toBe(1);
  });

  it('closeWindow closes the open window early; an empty one is not a window', () => {
    let t = 0;
    const m = createMonitor({ baseline, window: { requests: 100 }, now: () => t });
    expect(m.closeWindow()).toBeUndefined();
    m.observe({ input: { x: 1 } });
    t = 50;
    const w = m.closeWindow()!;
    expect([w.index, w.counts.requests, w.start, w.end]).toEqual([0, 1, 0, 50]);
    expect(m.closeWindow()).toBeUndefined();
    expect(m.windows()).toHaveLength(1);
  });

  it('profiles the inputs as lockstep/stats profiles the same rows: counts exactly', () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => ({
      x: i % 7 === 0 ? null : i % 11 === 0 ? 'seven' : (i * 37) % 101,
      c: i % 5 === 0 ? undefined : ['a', 'b', 'c', 'd'][i % 4],
    }));
    const m = createMonitor({ baseline, window: { requests: 3_000 }, now: () => 0 });
    for (const input of rows) m.observe({ input });
    const mine = m.windows()[0]!.profiles.inputs;
    const theirs = profile(rows, { features: ['x', 'c'] });
    expect(mine.rows).toBe(theirs.rows);
    for (const name of ['x', 'c']) {
      const a = mine.features.find((f) => f.name === name)!;
      const b = theirs.features.find((f) => f.name === name)!;
      expect([a.type, a.present, a.missing, a.types]).toEqual([b.type, b.present, b.missing, b.types]);
      expect(a.categorical?.frequencies).toEqual(b.categorical?.frequencies);
      expect(a.numeric?.count).toEqual(b.numeric?.count);
      expect(a.numeric?.min).toEqual(b.numeric?.min);
      expect(a.numeric?.max).toEqual(b.numeric?.max);
      if (a.numeric) expect(a.numeric.mean).toBeCloseTo(b.numeric!.mean!, 10);
    }
  });

  it('reads Dates as timestamps and booleans as categories, as toFrame does', () => {
    const m = createMonitor({
      baseline: profile([{ at: new Date(0), ok: true }]),
      window: { requests: 2 },
      now: () => 0,
    });
    m.observe({ input: { at: new Date(1_000), ok: true } });
    m.observe({ input: { at: new Date(3_000), ok: false } });
    const p = m.windows()[0]!.profiles.inputs;
    expect(p.features.map((f) => f.type)).toEqual(['timestamp', 'boolean']);
    expect(quantiles(p, 'at', [0, 1])).toEqual([1_000, 3_000]);
  });
});

describe('time windows on an injected clock', () => {
  it('are aligned to multiples of ms, skip empty periods, and close on observe, tick and snapshot', () => {
    let t = 10_500;
    const closedAt: number[] = [];
    const m = createMonitor({
      baseline,
      window: { ms: 1_000 },
      now: () => t,
      onWindow: (w) => closedAt.push(w.index),
    });
    m.observe({ input: { x: 1 } }); // window 10: [10000, 11000)
    t = 10_999;
    m.observe({ input: { x: 2 } });
    t = 11_000;
    m.observe({ input: { x: 3 } }); // closes 10, opens 11
    expect(closedAt).toEqual([10]);
    expect(m.windows()[0]).toMatchObject({ index: 10, start: 10_000, end: 11_000 });
    expect(m.windows()[0]!.counts.requests).toBe(2);
    t = 14_200; // nothing in 12 and 13
    m.tick();
    expect(closedAt).toEqual([10, 11]);
    m.observe({ input: { x: 4 } });
    t = 15_000;
    expect(m.snapshot().windows.map((w) => [w.index, w.requests])).toEqual([
      [10, 2],
      [11, 1],
      [14, 1],
    ]);
    expect(m.snapshot().current).toBeNull();
  });

  it('keeps the last `keep` windows', () => {
    let t = 0;
    const m = createMonitor({ baseline, window: { ms: 10, keep: 3 }, now: () => t });
    for (let i = 0; i < 10; i++) {
      t = i * 10;
      m.observe({ input: { x: i } });
    }
    t = 1_000;
    m.tick();
    expect(m.windows().map((w) => w.index)).toEqual([7, 8, 9]);
    expect(m.windowProfiles().map((w) => w.index)).toEqual([7, 8, 9]);
    expect(m.snapshot().totals.windows).toBe(10);
  });
});

describe('snapshot', () => {
  it('is plain, deeply frozen data that survives JSON', () => {
    let t = 0;
    const m = createMonitor({
      baseline,
      window: { requests: 3 },
      now: () => t,
      model: { version: '7', createdAt: '1970-01-01T00:00:00Z' },
      alerts: [{ metric: 'errorRate', above: 0.5 }],
    });
    for (let i = 0; i < 4; i++) {
      t += 1_000;
      m.observe({ input: { x: i, c: 'zz' }, prediction: 1, error: true });
    }
    const s = m.snapshot();
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.windows[0]!.metrics)).toBe(true);
    expect(Object.isFrozen(s.windows[0]!.findings[0])).toBe(true);
    expect(Object.isFrozen(s.alerts[0])).toBe(true);
    expect(() => {
      (s.windows as unknown as unknown[]).push(1);
    }).toThrow(TypeError);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.model).toEqual({ version: '7', createdAt: 0, ageSeconds: 4 });
    expect(s.windows[0]!.metrics['model.ageSeconds']).toBe(3);
    expect(s.alerts[0]).toMatchObject({ rule: 'errorRate>0.5', state: 'firing', value: 1 });
    // Findings in core's shape, from every source: unseen categories, errors, the alert.
    const codes = s.windows[0]!.findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['UNSEEN_CATEGORY', 'REQUEST_ERRORS', 'ALERT_FIRING']));
    for (const f of s.windows[0]!.findings) {
      expect(typeof f.message).toBe('string');
      expect(['error', 'warning', 'info']).toContain(f.severity);
    }
  });
});

describe('bounded memory', () => {
  it('observing 1e6 requests keeps sketches, chunks, windows and pending keys within their sizes', () => {
    const m = createMonitor({
      baseline,
      window: { requests: 250_000, keep: 2 },
      now: () => 0,
      labels: { maxPending: 1_000 },
    });
    const categories = Array.from({ length: 5_000 }, (_, i) => `c${i}`);
    for (let i = 0; i < 1_000_000; i++) {
      m.observe({
        input: { x: (i * 7919) % 1_000_003, c: categories[i % 5_000] },
        prediction: (i % 100) / 100,
        latencyMs: i % 50,
        key: i,
      });
    }
    const windows = m.windows();
    expect(windows).toHaveLength(2);
    const k = baseline.sketches.quantileK;
    for (const w of windows) {
      expect(w.counts.requests).toBe(250_000);
      for (const p of [w.profiles.inputs, w.profiles.outputs])
        for (const f of p.features) {
          // A KLL sketch of size k retains O(k) items (base64 of float64: 4/3 · 8 bytes an item).
          if (f.numeric) expect(f.numeric.quantiles.items.length).toBeLessThan(4 * k * 11);
          if (f.categorical) {
            expect(f.categorical.frequencies.length).toBeLessThanOrEqual(baseline.sketches.frequentCapacity);
            expect(f.categorical.hll.length).toBeLessThanOrEqual(
              Math.ceil(2 ** baseline.sketches.distinctP / 3) * 4,
            );
          }
        }
      expect(w.counts.labels.evicted).toBe(250_000);
    }
    const s = m.snapshot();
    expect(s.totals.pendingLabels).toBe(1_000);
    expect(s.totals.evictedKeys).toBe(999_000);
    expect(JSON.stringify(s).length).toBeLessThan(1_000_000);
  }, 60_000);
});
