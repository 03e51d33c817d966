// Drift on real data: a baseline profile of January's flights (vega-datasets flights-20k), windows of
// March's flights as served, then March's flights with every delay 30 minutes later. March drifts little
// against January; the shifted stream drifts a lot, on delay alone.
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/monitor.js';
import { inferSchema } from '../../src/schema/infer.js';
import { profile } from '../../src/stats/profile.js';
import { flightsOf } from './flights.js';

const january = flightsOf('2001/01');
const march = flightsOf('2001/03');
const SIZE = 2_000;

function run(options: Partial<Parameters<typeof createMonitor>[0]> = {}) {
  const m = createMonitor({
    baseline: profile(january),
    window: { requests: SIZE },
    now: () => 0,
    ...options,
  });
  for (const input of march) m.observe({ input, prediction: 0.5 });
  for (const input of march) m.observe({ input: { ...input, delay: input.delay + 30 }, prediction: 0.5 });
  const windows = m.snapshot().windows;
  const pureMarch = windows.filter((w) => (w.index + 1) * SIZE <= march.length);
  const pureShifted = windows.filter((w) => w.index * SIZE >= march.length);
  return { m, windows, pureMarch, pureShifted };
}

describe('drift against the training profile', () => {
  it('stays low for March and is high for the shifted stream, on delay only', () => {
    const { pureMarch, pureShifted } = run();
    expect(pureMarch).toHaveLength(3);
    expect(pureShifted.length).toBeGreaterThanOrEqual(2);
    for (const w of pureMarch) {
      expect(w.metrics['drift.delay']).toBeLessThan(0.2);
      expect(w.metrics['drift.distance']).toBeLessThan(0.1);
    }
    for (const w of pureShifted) {
      expect(w.metrics['drift.delay']).toBeGreaterThan(0.9); // W1 / σ: 30 minutes in January's σ
      expect(w.metrics['drift.distance']).toBeLessThan(0.1);
      expect(w.metrics['drift.origin']).toBeLessThan(0.1);
      expect(w.findings.filter((f) => f.code === 'FEATURE_DRIFT').map((f) => f.feature)).toEqual(['delay']);
      expect(w.drift.find((d) => d.feature === 'delay')).toMatchObject({
        method: 'wasserstein',
        drifted: true,
      });
    }
  });

  it('an alert on drift.delay fires on the shifted stream and not before', () => {
    const events: { state: string; window: number }[] = [];
    const { pureShifted } = run({
      alerts: [{ metric: 'drift.delay', above: 0.5, for: 2 }],
      onAlert: (e) => events.push({ state: e.state, window: e.window }),
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.state).toBe('firing');
    expect(events[0]!.window).toBe(pureShifted[1]!.index);
  });

  it('skew by the schema’s comparators (TFDV) and unseen categories against the schema’s domain', () => {
    const schema = inferSchema(january, { maxDomainSize: 1_000 });
    const { pureMarch, pureShifted } = run({ schema });
    for (const w of [...pureMarch, ...pureShifted]) {
      expect(typeof w.metrics['skew.delay']).toBe('number');
      expect(typeof w.metrics['schema.invalidRatio']).toBe('number');
    }
    expect(pureShifted[0]!.metrics['skew.delay']!).toBeGreaterThan(pureMarch[0]!.metrics['skew.delay']!);
    // Airports March has that January had not: unseen categories, also schema anomalies.
    const w = pureMarch[0]!;
    expect(w.metrics['unseen.origin']).toBeGreaterThan(0);
    const unseen = w.findings.find(
      (f) => f.code === 'UNSEEN_CATEGORY' && f.feature === 'origin',
    ) as unknown as {
      count: number;
      values: [string, number][];
    };
    const known = new Set(january.map((f) => f.origin));
    const expected = march.slice(0, SIZE).filter((f) => !known.has(f.origin)).length;
    expect(unseen.count).toBe(expected);
    expect(w.findings.some((f) => f.code === 'UNEXPECTED_CATEGORY' && f.feature === 'origin')).toBe(true);
  });

  it('prediction drift against a prediction baseline', () => {
    const predictionBaseline = profile(january.map((f) => ({ prediction: f.delay > 15 ? 0.8 : 0.2 })));
    const m = createMonitor({
      baseline: profile(january),
      predictionBaseline,
      window: { requests: SIZE },
      now: () => 0,
    });
    for (const input of march) m.observe({ input, prediction: input.delay > 15 ? 0.8 : 0.2 });
    for (const input of march) m.observe({ input, prediction: 0.8 });
    const windows = m.snapshot().windows;
    expect(windows[0]!.metrics['prediction.drift']).toBeLessThan(0.1);
    expect(windows[windows.length - 1]!.metrics['prediction.drift']).toBeGreaterThan(0.5);
  });
});
