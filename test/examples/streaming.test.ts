// examples/streaming on a real bounded stream: 12,000 flights of March 2001 (flights-3m, a seeded shuffle of
// the first 100,000 flights of the month, so the stream is stationary until the faults), scored one by one by
// the demo's flights model, with two faults injected at event 6,000: distances sent in kilometres (the
// inputs drift) and every delay 45 minutes longer (the outcomes change). The monitor (count windows of 1,000
// requests) must raise its drift alert on distance at the first window that closes after the shift and not
// before; ADWIN on the absolute error must report a change after the shift and not before; every event is
// scored, in order; and a slow consumer loses nothing.
import type * as tf from '@tensorflow/tfjs';
import { createAdwin } from 'lockstep/drift';
import { createMonitor } from 'lockstep/monitor';
import { createMemoryRegistry } from 'lockstep/registry';
import { type ProfileArtifact, profile } from 'lockstep/stats';
import { apply, type TransformArtifact } from 'lockstep/transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseScorer } from '../../examples/batch-scoring/batch-score.js';
import { loadFlights20k, splitFlights, trainFlightsModel } from '../../examples/shared/flights-model.js';
import { type FlightInput, flightEvents } from '../../examples/streaming/flights.js';
import { pushSource } from '../../examples/streaming/push-source.js';
import { type StreamAlert, type StreamEvent, scoreStream } from '../../examples/streaming/stream.js';

const EVENTS = 12_000;
const SHIFT = 6_000;
const WINDOW = 1_000;

let model: tf.LayersModel;
let transform: TransformArtifact;
let score: (features: Float32Array) => number;
let baseline: ProfileArtifact;
let events: StreamEvent<FlightInput>[];

beforeAll(async () => {
  const trained = await trainFlightsModel(createMemoryRegistry());
  model = trained.model;
  transform = trained.transform;
  const dense = denseScorer(model);
  score = (features) => dense(features, 1)[0]!;
  baseline = profile(splitFlights(loadFlights20k()).train, {
    features: ['distance', 'origin', 'destination'],
  });
  events = [];
  for await (const e of flightEvents({ limit: EVENTS, faults: { 'distance-km': SHIFT, delays: SHIFT } }))
    events.push(e);
}, 120_000);

afterAll(() => model?.dispose());

async function* replay<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function monitorOf() {
  return createMonitor({
    baseline,
    transform,
    window: { requests: WINDOW, keep: 100 },
    labels: { task: 'binary' },
    alerts: [
      { metric: 'drift.distance', above: 0.1 },
      { metric: 'performance.brier', above: 0.3 },
    ],
  });
}

async function run(source: AsyncIterable<StreamEvent<FlightInput>>) {
  const monitor = monitorOf();
  const detector = createAdwin();
  const alerts: StreamAlert[] = [];
  const results = [];
  for await (const r of scoreStream(source, {
    model: score,
    transform,
    monitor,
    detector,
    watch: 'error',
    onAlert: (a) => alerts.push(a),
  }))
    results.push(r);
  return { monitor, detector, alerts, results };
}

describe('examples/streaming: scoreStream on flights with a shift at event 6,000', () => {
  it('reads a deterministic stream: the same events on every read, faults from the shift on', async () => {
    expect(events).toHaveLength(EVENTS);
    expect(new Set(events.map((e) => e.key)).size).toBe(EVENTS);
    const again: string[] = [];
    for await (const e of flightEvents({ limit: 50, faults: {} })) again.push(`${e.key} ${e.input.distance}`);
    expect(again).toEqual(events.slice(0, 50).map((e) => `${e.key} ${e.input.distance}`));
    // Every flight is in March 2001; the late share jumps with the storm.
    expect(events.every((e) => e.input.date.getUTCMonth() === 2)).toBe(true);
    const lateShare = (xs: typeof events) => xs.filter((e) => e.label === 1).length / xs.length;
    expect(lateShare(events.slice(0, SHIFT))).toBeLessThan(0.35);
    expect(lateShare(events.slice(SHIFT))).toBeGreaterThan(0.7);
  });

  it('scores every event once, in order, and the alerts fire after the shift and not before', async () => {
    const { monitor, detector, alerts, results } = await run(replay(events));
    expect(results).toHaveLength(EVENTS);
    expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    expect(results.map((r) => r.key)).toEqual(events.map((e) => e.key));
    expect(results.every((r) => r.prediction !== null && r.prediction > 0 && r.prediction < 1)).toBe(true);
    expect(results.map((r) => r.prediction)).toEqual(events.map((e) => score(apply(transform, e.input))));

    // The detector: ADWIN on |error| stays quiet for 6,000 events and reports the storm soon after.
    const changes = alerts.filter((a) => a.source === 'detector');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((a) => a.index >= SHIFT)).toBe(true);
    expect(changes[0]!.index).toBeLessThan(SHIFT + 200);
    expect(results.filter((r) => r.drift).map((r) => r.index)).toEqual(changes.map((a) => a.index));
    expect(detector.nDetections).toBe(changes.length);

    // The monitor: drift.distance fires at the close of the first window after the shift (events
    // 6,000–6,999), not before, and is still firing at the end; so does the performance rule.
    const monitorAlerts = alerts.filter((a) => a.source === 'monitor');
    const drift = monitorAlerts.filter((a) => a.metric === 'drift.distance');
    expect(drift.map((a) => [a.state, a.index, a.window])).toEqual([
      ['firing', SHIFT + WINDOW - 1, SHIFT / WINDOW],
    ]);
    expect(drift[0]!.value).toBeGreaterThan(0.5);
    expect(monitorAlerts.every((a) => a.index >= SHIFT)).toBe(true);
    const brier = monitorAlerts.find((a) => a.metric === 'performance.brier');
    expect(brier?.state).toBe('firing');
    const states = Object.fromEntries(monitor.snapshot().alerts.map((s) => [s.metric, s.state]));
    expect(states).toEqual({ 'drift.distance': 'firing', 'performance.brier': 'firing' });
    // Before the shift every closed window's distance drift was under the threshold.
    const windows = monitor.snapshot().windows;
    expect(windows.length).toBe(EVENTS / WINDOW);
    for (const w of windows.slice(0, SHIFT / WINDOW)) expect(w.metrics['drift.distance']).toBeLessThan(0.1);
    expect(monitor.snapshot().totals.requests).toBe(EVENTS);
  });

  it('is deterministic: a second run raises the same alerts at the same events', async () => {
    const first = await run(replay(events));
    const second = await run(replay(events));
    const view = (alerts: StreamAlert[]) =>
      alerts.map((a) =>
        a.source === 'detector' ? `detector ${a.index}` : `${a.rule} ${a.state} ${a.index}`,
      );
    expect(view(second.alerts)).toEqual(view(first.alerts));
    expect(view(first.alerts).length).toBeGreaterThanOrEqual(3);
  });

  it('on the same stream without faults, nothing fires', async () => {
    const clean: StreamEvent<FlightInput>[] = [];
    for await (const e of flightEvents({ limit: EVENTS, faults: {} })) clean.push(e);
    const { alerts, results } = await run(replay(clean));
    expect(results).toHaveLength(EVENTS);
    expect(alerts).toEqual([]);
  });

  it('backpressure: a slow consumer makes the source wait; no event is read ahead or lost', async () => {
    const n = 400;
    let pulled = 0;
    let consumed = 0;
    let maxAhead = 0;
    async function* counted() {
      for (const e of events.slice(0, n)) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        yield e;
      }
    }
    const seen: string[] = [];
    const monitor = monitorOf();
    for await (const r of scoreStream(counted(), {
      model: score,
      transform,
      monitor,
      detector: createAdwin(),
    })) {
      // A consumer slower than the source: a timer every event, a longer one every 50.
      await new Promise((resolve) => setTimeout(resolve, r.index % 50 === 0 ? 5 : 0));
      seen.push(r.key);
      consumed++;
    }
    expect(seen).toEqual(events.slice(0, n).map((e) => e.key));
    expect(pulled).toBe(n);
    // The source is asked for an event only when the consumer has finished with the previous one.
    expect(maxAhead).toBe(1);
  });

  it('backpressure through a push source (the Kafka adapter): the producer waits for the consumer', async () => {
    const n = 300;
    const source = pushSource<StreamEvent<FlightInput>>();
    let maxBacklog = 0;
    const done: number[] = [];
    // A producer as kafkajs runs eachMessage: one message at a time, awaiting the handler.
    const producer = (async () => {
      for (let i = 0; i < n; i++) {
        await source.push(events[i]!);
        done.push(i);
        maxBacklog = Math.max(maxBacklog, source.backlog);
      }
      source.end();
    })();
    const seen: string[] = [];
    for await (const r of scoreStream(source, {
      model: score,
      transform,
      monitor: monitorOf(),
      detector: createAdwin(),
    })) {
      // The producer's push of this event has not resolved yet: it resolves when we ask for the next one.
      expect(done.length).toBe(r.index);
      await new Promise((resolve) => setTimeout(resolve, r.index % 60 === 0 ? 5 : 0));
      seen.push(r.key);
    }
    await producer;
    expect(seen).toEqual(events.slice(0, n).map((e) => e.key));
    expect(done).toHaveLength(n);
    expect(maxBacklog).toBe(0);
  });

  it('a push source rejects the pushes the consumer did not process when it stops early', async () => {
    const source = pushSource<number>();
    const first = source.push(1);
    const second = source.push(2);
    for await (const x of source) if (x === 1) break;
    await expect(first).rejects.toThrow('the consumer stopped');
    await expect(second).rejects.toThrow('the consumer stopped');
  });
});
