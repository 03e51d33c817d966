// Alert rules as data: firing after `for` consecutive windows or a duration, resolving with hysteresis, no
// flapping on a noisy metric oscillating around the threshold, and the events and Prometheus gauge.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { AlertEvent, AlertRule } from '../../src/monitor/alerts.js';
import { createMonitor } from '../../src/monitor/monitor.js';
import { profile } from '../../src/stats/profile.js';

const baseline = profile([{ x: 1 }, { x: 2 }]);

/** A monitor of 100-request windows where window i has error rate rates[i], and the events it raised. */
function errorRates(rates: readonly number[], rules: readonly AlertRule[], ms = 1_000) {
  let t = 0;
  const events: AlertEvent[] = [];
  const m = createMonitor({
    baseline,
    window: { ms },
    now: () => t,
    alerts: rules,
    onAlert: (e) => events.push(e),
  });
  rates.forEach((rate, i) => {
    for (let r = 0; r < 100; r++) {
      t = i * ms + r;
      m.observe({ input: { x: 1 }, error: r < Math.round(rate * 100) });
    }
  });
  t = rates.length * ms;
  m.tick();
  return { m, events: events.map((e) => [e.state, e.window, e.value]) };
}

describe('alert rules', () => {
  it('fire after `for` consecutive breaching windows; a window under the threshold ends the run', () => {
    const { events } = errorRates([0.1, 0, 0.1, 0.1, 0.1, 0], [{ metric: 'errorRate', above: 0.05, for: 2 }]);
    expect(events).toEqual([
      ['firing', 3, 0.1],
      ['resolved', 5, 0],
    ]);
  });

  it('for a duration: from the start of the first breaching window to the end of the latest', () => {
    const { events, m } = errorRates(
      [0.1, 0.1, 0.1, 0.1],
      [{ name: 'errors', metric: 'errorRate', above: 0.05, for: { ms: 2_500 } }],
    );
    // Window 1 ends at 2000 (2000 ms of breach), window 2 at 3000 (3000 ≥ 2500): fires at window 2.
    expect(events).toEqual([['firing', 2, 0.1]]);
    expect(m.snapshot().alerts).toEqual([
      { rule: 'errors', metric: 'errorRate', state: 'firing', severity: 'warning', value: 0.1, since: 0 },
    ]);
  });

  it('pending before firing, and `below` rules', () => {
    const { m } = errorRates([0.5], [{ metric: 'errorRate', above: 0.1, for: 3 }]);
    expect(m.snapshot().alerts[0]!.state).toBe('pending');
    const { events } = errorRates(
      [0.9, 0.2, 0.2, 0.95],
      [{ metric: 'errorRate', below: 0.5, clearAbove: 0.9 }],
    );
    expect(events).toEqual([
      ['firing', 1, 0.2],
      ['resolved', 3, 0.95],
    ]);
  });

  it('do not flap on a noisy metric oscillating around the threshold, with hysteresis', () => {
    // Error rates 0.10 ± 0.03 around the threshold 0.1, seeded.
    const rng = createRng('alerts');
    const rates = Array.from({ length: 200 }, () => Math.round((0.07 + 0.06 * rng.next()) * 100) / 100);
    const flappy = errorRates(rates, [{ metric: 'errorRate', above: 0.1 }]).events;
    expect(flappy.length).toBeGreaterThan(20); // without hysteresis it flaps
    const steady = errorRates(rates, [{ metric: 'errorRate', above: 0.1, clearBelow: 0.05, for: 2 }]).events;
    expect(steady.length).toBe(1);
    expect(steady[0]![0]).toBe('firing');
    // Then the errors stop: it resolves once.
    const recovered = errorRates(
      [...rates, 0, 0],
      [{ metric: 'errorRate', above: 0.1, clearBelow: 0.05, for: 2 }],
    ).events;
    expect(recovered.map((e) => e[0])).toEqual(['firing', 'resolved']);
  });

  it('a window without a value for the metric is no evidence', () => {
    let t = 0;
    const events: AlertEvent[] = [];
    const m = createMonitor({
      baseline,
      window: { requests: 2 },
      now: () => t,
      labels: {},
      alerts: [{ metric: 'performance.accuracy', below: 0.9, for: 2 }],
      onAlert: (e) => events.push(e),
    });
    const serve = (key: string, label?: number) => {
      t++;
      m.observe({ prediction: 0.9, key });
      if (label !== undefined) m.label(key, label);
    };
    // Labels count in the window they arrive in; the second request of a window closes it.
    serve('a', 0);
    serve('b'); // window 0: accuracy 0
    serve('c');
    serve('d'); // window 1: no labels: nothing changes
    serve('e', 0);
    serve('f'); // window 2: accuracy 0, the second breaching window with a value
    expect(events.map((e) => [e.state, e.window])).toEqual([['firing', 2]]);
  });

  it('events are frozen plain data, and every rule has a lockstep_alerts_firing sample', () => {
    const { m } = errorRates(
      [0.5],
      [
        { metric: 'errorRate', above: 0.1, severity: 'error', name: 'errors "high"\n' },
        { metric: 'latency.p95', above: 200 },
      ],
    );
    const text = m.metricsText();
    expect(text).toContain('lockstep_alerts_firing{rule="errors \\"high\\"\\n"} 1');
    expect(text).toContain('lockstep_alerts_firing{rule="latency.p95>200"} 0');
    let event: AlertEvent | undefined;
    errorRates([0.5], [{ metric: 'errorRate', above: 0.1 }]);
    const m2 = createMonitor({
      baseline,
      window: { requests: 1 },
      now: () => 0,
      alerts: [{ metric: 'errorRate', above: 0.1 }],
      onAlert: (e) => {
        event = e;
      },
    });
    m2.observe({ error: true });
    expect(Object.isFrozen(event)).toBe(true);
    expect(event).toEqual({
      rule: 'errorRate>0.1',
      metric: 'errorRate',
      state: 'firing',
      severity: 'warning',
      value: 1,
      threshold: 0.1,
      window: 0,
      at: 0,
    });
  });

  it('rules are checked: metric names (closest suggested), one direction, hysteresis on the safe side', () => {
    const make = (rule: unknown) => () =>
      createMonitor({ baseline, alerts: [rule] as unknown as AlertRule[], now: () => 0 });
    expect(make({ metric: 'drift.y', above: 1 })).toThrow(/not monitored \(did you mean "x"\?\)/);
    expect(make({ metric: 'errorRat', above: 1 })).toThrow(/did you mean "errorRate"/);
    expect(make({ metric: 'errorRate', above: 1, below: 0 })).toThrow(/exactly one of 'above' and 'below'/);
    expect(make({ metric: 'errorRate', above: 0.1, clearBelow: 0.2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', arg: 'options.alerts[0].clearBelow' }),
    );
    expect(make({ metric: 'errorRate', above: 0.1, for: 0 })).toThrow(/options.alerts\[0\].for/);
    expect(make({ metric: 'errorRate', above: 0.1, fro: 2 })).toThrow(/did you mean "for"/);
    expect(() =>
      createMonitor({
        baseline,
        alerts: [
          { metric: 'errorRate', above: 0.1 },
          { metric: 'errorRate', above: 0.1 },
        ],
      }),
    ).toThrow(/must differ from every other rule name/);
  });
});
