// Hostile inputs to every public entry of the monitor: createMonitor with one option corrupted at a time,
// every method of a monitor, mergeWindows and the Prometheus helpers. Each call gives a result or a
// LockstepError, never a TypeError, a RangeError or a hang, and nothing reaches Object.prototype. Options
// are strict: an unknown key is an INVALID_ARGUMENT naming the closest known one.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor, type MonitorOptions } from '../../src/monitor/monitor.js';
import { escapeHelp, escapeLabelValue, formatValue } from '../../src/monitor/prometheus.js';
import { mergeWindows } from '../../src/monitor/window.js';
import { inferSchema } from '../../src/schema/infer.js';
import { profile } from '../../src/stats/profile.js';
import { expectLockstepOrResult, expectNoPrototypePollution, hostile } from '../helpers/hostile.js';

const RUNS = { numRuns: 120 };
afterAll(() => expectNoPrototypePollution());

const rows = [
  { x: 1, c: 'a' },
  { x: 2, c: 'b' },
];
const baseline = profile(rows);
const schema = inferSchema(rows);

function valid(): Record<string, unknown> {
  return {
    baseline,
    features: ['x', 'c'],
    schema,
    transform: { features: [{ name: 'x' }] },
    predictionBaseline: profile([{ prediction: 0.5 }]),
    window: { requests: 3, keep: 2 },
    alerts: [{ metric: 'errorRate', above: 0.1, for: 2, clearBelow: 0.05 }],
    onAlert: () => {},
    onWindow: () => {},
    labels: { task: 'binary', maxPending: 10 },
    log: { rate: 0.5, salt: 's', sink: () => {} },
    model: { version: '1', createdAt: '2026-01-01T00:00:00Z' },
    thresholds: { x: 0.2 },
    sketches: { quantileK: 400 },
    now: () => 0,
  };
}

function monitor(): Monitor {
  return createMonitor(valid() as unknown as MonitorOptions);
}

describe('strict options', () => {
  it('the valid options build a monitor', () => {
    expect(typeof monitor().observe).toBe('function');
  });

  it.each([
    ['baselin', 'baseline', { baselin: baseline }],
    ['windows', 'window', { baseline, windows: {} }],
    ['alert', 'alerts', { baseline, alert: [] }],
    ['request', 'requests', { baseline, window: { request: 5 } }],
    ['maxPendng', 'maxPending', { baseline, labels: { maxPendng: 5 } }],
    ['slat', 'salt', { baseline, log: { rate: 1, sink: () => {}, slat: 'x' } }],
    ['createdat', 'createdAt', { baseline, model: { createdat: 0 } }],
  ])('unknown key %s suggests %s', (key, meant, options) => {
    expect(() => createMonitor(options as unknown as MonitorOptions)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        fn: 'createMonitor',
        message: expect.stringContaining(`unknown key "${key}" (did you mean "${meant}"?)`),
      }),
    );
  });

  it('observations are strict too', () => {
    const m = monitor();
    expect(() => m.observe({ inputs: { x: 1 } } as never)).toThrow(
      /unknown key "inputs" \(did you mean "input"\?\)/,
    );
    expect(() => m.observe({ latency: 3 } as never)).toThrow(/did you mean "latencyMs"/);
  });

  it('refuses a baseline that is missing, not a profile, or not parsed', () => {
    expect(() => createMonitor({} as never)).toThrow(expect.objectContaining({ arg: 'options.baseline' }));
    expect(() => createMonitor({ baseline: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', arg: 'options.baseline' }),
    );
    expect(() => createMonitor({ baseline: JSON.parse(JSON.stringify(baseline)) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARTIFACT', arg: 'options.baseline' }),
    );
    expect(() => createMonitor({ baseline, features: ['y'] })).toThrow(/did you mean "x"/);
    expect(() => createMonitor({ baseline, window: { requests: 2, ms: 3 } })).toThrow(/not both/);
  });
});

describe('hostile values', () => {
  const keys = Object.keys(valid());

  it('createMonitor with any one option hostile', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), hostile(), (key, value) => {
        expectLockstepOrResult(() =>
          createMonitor({ ...valid(), [key]: value } as unknown as MonitorOptions),
        );
      }),
      RUNS,
    );
  });

  it('createMonitor with hostile options objects, and a hostile field inside a nested option', () => {
    fc.assert(
      fc.property(hostile(), (value) => {
        expectLockstepOrResult(() => createMonitor(value as MonitorOptions));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.constantFrom('window', 'labels', 'log', 'model', 'sketches', 'alerts'),
        fc.string({ maxLength: 12 }),
        hostile(),
        (option, field, value) => {
          const base = valid();
          const inner =
            option === 'alerts' ? { metric: 'errorRate', above: 0.1 } : { ...(base[option] as object) };
          (inner as Record<string, unknown>)[field] = value;
          expectLockstepOrResult(() =>
            createMonitor({
              ...base,
              [option]: option === 'alerts' ? [inner] : inner,
            } as unknown as MonitorOptions),
          );
        },
      ),
      RUNS,
    );
  });

  it('observe with a hostile observation, or a hostile value in any field or input feature', () => {
    const m = monitor();
    const fields = ['input', 'features', 'prediction', 'latencyMs', 'error', 'modelVersion', 'key'];
    fc.assert(
      fc.property(hostile(), (value) => {
        expectLockstepOrResult(() => m.observe(value as never));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostile(), (field, value) => {
        expectLockstepOrResult(() =>
          m.observe({ input: { x: 1, c: 'a' }, prediction: 0.5, key: 'k', [field]: value } as never),
        );
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.constantFrom('x', 'c', '__proto__', 'constructor'), hostile(), (feature, value) => {
        expectLockstepOrResult(() =>
          m.observe({ input: { [feature]: value }, prediction: value, key: 1 } as never),
        );
      }),
      RUNS,
    );
    // Whatever was observed, the monitor still reports.
    expectLockstepOrResult(() => m.snapshot());
    expect(typeof m.metricsText()).toBe('string');
  });

  it('label, summarize, mergeWindows and the Prometheus helpers with hostile arguments', () => {
    const m = monitor();
    for (let i = 0; i < 7; i++) m.observe({ input: { x: i, c: 'a' }, prediction: 0.5, key: i });
    const w = m.windows()[0]!;
    fc.assert(
      fc.property(hostile(), hostile(), (a, b) => {
        expectLockstepOrResult(() => m.label(a as never, b as never));
        expectLockstepOrResult(() => m.label(1, a as never));
        expectLockstepOrResult(() => m.summarize(a as never));
        expectLockstepOrResult(() => mergeWindows(a as never));
        expectLockstepOrResult(() => mergeWindows(w, a as never));
        expectLockstepOrResult(() => escapeLabelValue(a as never));
        expectLockstepOrResult(() => escapeHelp(a as never));
        expectLockstepOrResult(() => formatValue(a as never));
      }),
      RUNS,
    );
    // A window with one field corrupted.
    const json = JSON.parse(JSON.stringify(w));
    fc.assert(
      fc.property(
        fc.constantFrom('index', 'start', 'end', 'kind', 'counts', 'profiles'),
        fc.constantFrom('requests', 'errors', 'schema', 'imputed', 'labels', 'latencySumMs'),
        hostile(),
        (top, inner, value) => {
          const copy = structuredClone(json);
          if (top === 'counts') copy.counts[inner] = value;
          else copy[top] = value;
          expectLockstepOrResult(() => mergeWindows(copy));
          expectLockstepOrResult(() => m.summarize(copy));
        },
      ),
      RUNS,
    );
  });

  it('a clock that returns garbage is an INVALID_ARGUMENT', () => {
    const m = createMonitor({ baseline, now: () => Number.NaN });
    expect(() => m.observe({ input: { x: 1 } })).toThrow(expect.objectContaining({ arg: 'options.now' }));
  });
});
