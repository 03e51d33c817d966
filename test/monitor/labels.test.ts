// Delayed labels joined by request key: exact running sums per window (binary, regression,
// classification), unmatched labels, and a bounded table of pending keys with an eviction count.
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/monitor.js';
import { profile } from '../../src/stats/profile.js';

const baseline = profile([{ x: 1 }, { x: 2 }]);

describe('labels', () => {
  it('binary: accuracy at 0.5, Brier, log loss and mean error over the labels that arrived in the window', () => {
    let t = 0;
    const m = createMonitor({ baseline, window: { ms: 1_000 }, now: () => t, labels: {} });
    const predictions: [string, number][] = [
      ['a', 0.9],
      ['b', 0.2],
      ['c', 0.6],
      ['d', 0.4],
    ];
    for (const [key, p] of predictions) m.observe({ input: { x: 1 }, prediction: p, key });
    t = 1_500; // window 0 closes when the first label arrives: labels count in window 1
    expect(m.label('a', 1)).toBe(true);
    expect(m.label('b', false)).toBe(true);
    expect(m.label('c', 0)).toBe(true);
    expect(m.label('d', true)).toBe(true);
    expect(m.label('a', 1)).toBe(false); // already labelled
    expect(m.label('zzz', 0)).toBe(false); // never observed
    t = 2_000;
    m.tick();
    const [w0, w1] = m.snapshot().windows;
    expect(w0!.metrics['labels.count']).toBe(0);
    expect(w0!.metrics['performance.accuracy']).toBeNull();
    const pairs = [
      [0.9, 1],
      [0.2, 0],
      [0.6, 0],
      [0.4, 1],
    ];
    const mean = (f: (p: number, y: number) => number) => pairs.reduce((s, [p, y]) => s + f(p!, y!), 0) / 4;
    expect(w1!.metrics['labels.count']).toBe(4);
    expect(w1!.metrics['labels.unmatched']).toBe(2);
    expect(w1!.metrics['performance.accuracy']).toBe(0.5);
    expect(w1!.metrics['performance.brier']).toBeCloseTo(
      mean((p, y) => (p - y) ** 2),
      15,
    );
    expect(w1!.metrics['performance.logLoss']).toBeCloseTo(
      mean((p, y) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p))),
      15,
    );
    expect(w1!.metrics['performance.meanError']).toBeCloseTo(
      mean((p, y) => p - y),
      15,
    );
    expect(w1!.metrics['performance.mae']).toBeCloseTo(
      mean((p, y) => Math.abs(p - y)),
      15,
    );
  });

  it('a prediction that cannot be scored (null, out of [0, 1]) is joined but unscored', () => {
    const m = createMonitor({ baseline, window: { requests: 10 }, now: () => 0, labels: {} });
    m.observe({ prediction: null, key: 1 });
    m.observe({ prediction: 1.5, key: 2 });
    m.observe({ prediction: 1, key: 3 });
    expect([m.label(1, 1), m.label(2, 1), m.label(3, 1)]).toEqual([true, true, true]);
    const w = m.closeWindow()!;
    expect(w.counts.labels).toMatchObject({ scored: 1, unscored: 2, correct: 1 });
    // p = 1 is clipped to 1 - 1e-15 for log loss, as scikit-learn does.
    expect(w.counts.labels.logLoss).toBeCloseTo(-Math.log(1 - 1e-15), 20);
  });

  it('regression: mean error, MAE and RMSE; classification: accuracy of equal classes', () => {
    const r = createMonitor({
      baseline,
      window: { requests: 100 },
      now: () => 0,
      labels: { task: 'regression' },
    });
    r.observe({ prediction: 10, key: 'a' });
    r.observe({ prediction: 4, key: 'b' });
    r.label('a', 13);
    r.label('b', 4);
    expect(r.summarize(r.closeWindow()!).metrics).toMatchObject({
      'performance.meanError': -1.5,
      'performance.mae': 1.5,
      'performance.rmse': Math.sqrt(4.5),
      'performance.accuracy': null,
    });
    const c = createMonitor({
      baseline,
      window: { requests: 100 },
      now: () => 0,
      labels: { task: 'classification' },
    });
    c.observe({ prediction: 'cat', key: 'a' });
    c.observe({ prediction: 3, key: 'b' });
    c.observe({ prediction: 'dog', key: 'c' });
    c.label('a', 'cat');
    c.label('b', 3);
    c.label('c', 'cat');
    expect(c.summarize(c.closeWindow()!).metrics['performance.accuracy']).toBeCloseTo(2 / 3, 15);
  });

  it('keeps at most maxPending keys, evicting the oldest first and counting them', () => {
    const m = createMonitor({
      baseline,
      window: { requests: 1_000 },
      now: () => 0,
      labels: { maxPending: 3 },
    });
    for (const key of ['a', 'b', 'c', 'd', 'e']) m.observe({ prediction: 0.9, key });
    expect(m.label('a', 1)).toBe(false); // evicted
    expect(m.label('b', 1)).toBe(false); // evicted
    expect(m.label('c', 1)).toBe(true);
    const s = m.snapshot();
    expect(s.totals).toMatchObject({ pendingLabels: 2, evictedKeys: 2, labels: 1, unmatchedLabels: 2 });
    expect(s.current!.metrics['labels.evicted']).toBe(2);
  });

  it('refuses labels that do not fit the task, and labels when they are off', () => {
    const m = createMonitor({ baseline, now: () => 0, labels: {} });
    expect(() => m.label('a', 0.5)).toThrow(/must be 0, 1, false or true/);
    expect(() => m.label({} as never, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', arg: 'key' }),
    );
    const off = createMonitor({ baseline, now: () => 0 });
    expect(() => off.label('a', 1)).toThrow(/labels are off/);
  });
});
