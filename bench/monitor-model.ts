// What bench/monitor.bench.ts and its service (bench/monitor-server.ts) serve and watch, built the same way
// in every process: flights-20k (vega-datasets), the demo's transform (examples/shared/flights-model.ts's
// spec: log-distance standardised, cyclical hour and day of week, origin and destination vocabularies one-hot,
// the origin × destination route hashed into 256 one-hot buckets; fitted on January and February, 383
// columns), and the demo's network shape (dense 16 relu → 1 sigmoid) scored by the plain-JS loop of
// examples/batch-scoring (only the nonzero inputs visited). The weights come from a fixed seed rather than
// training (what a call costs depends on the shape, not on the values), so no tfjs is loaded.
//
// The monitor watches the raw inputs (delay, distance, origin, destination: the 4 columns of docs/monitor.md's
// cost table) against January's profile, with the prediction, the latency and the model version; in windows
// of 10,000 requests (the cost table's, closing often), or the default time windows of a minute.
import { readFileSync } from 'node:fs';
import { vegaDataPath } from '../examples/data.js';
import type { MonitorOptions, Observation } from '../src/monitor/index.js';
import { createRng } from '../src/split/index.js';
import type { ProfileArtifact } from '../src/stats/index.js';
import { profile } from '../src/stats/index.js';
import {
  apply,
  cross,
  datetime,
  fit,
  log1p,
  oneHot,
  standardize,
  type TransformArtifact,
  vocabulary,
} from '../src/transform/index.js';

/** A request's body: a flight as a client sends it (its date an ISO string). */
export interface FlightRequest {
  readonly date: string;
  readonly delay: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

export interface ServedModel {
  readonly transform: TransformArtifact;
  /** The network on one transformed row: the probability of a delay over 15 minutes. */
  readonly score: (features: Float32Array) => number;
  /** transform.apply on a request: the network's input. */
  readonly features: (request: FlightRequest) => Float32Array;
  /** transform.apply, then score. */
  readonly predict: (request: FlightRequest) => number;
  readonly baseline: ProfileArtifact;
  /** Every flight of flights-20k as a request, in file order. */
  readonly requests: readonly FlightRequest[];
}

const HIDDEN = 16;

/** Reads flights-20k, fits the transform and builds the scorer. About a second. */
export function servedModel(): ServedModel {
  const raw = JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as (FlightRequest & {
    date: string;
  })[];
  const requests = raw.map((f) => ({
    date: `${f.date.replace(/\//g, '-').replace(' ', 'T')}:00Z`,
    delay: f.delay,
    distance: f.distance,
    origin: f.origin,
    destination: f.destination,
  }));
  const asRow = (r: FlightRequest) => ({ ...r, date: new Date(r.date) });
  const train = requests.filter((r) => r.date < '2001-03-01').map(asRow);
  const transform = fit(
    {
      distance: [log1p(), standardize()],
      hour: { input: 'date', steps: [datetime({ parts: ['hour', 'dayOfWeek'], cyclical: true })] },
      origin: [vocabulary({ topK: 60 }), oneHot()],
      destination: [vocabulary({ topK: 60 }), oneHot()],
      route: [cross(['origin', 'destination'], { buckets: 256 }), oneHot()],
    },
    train,
  );
  const inputs = transform.columns.length;
  const rng = createRng('monitor-bench-model');
  const w1 = Float32Array.from({ length: inputs * HIDDEN }, () => (rng.next() - 0.5) / 4);
  const b1 = Float32Array.from({ length: HIDDEN }, () => (rng.next() - 0.5) / 4);
  const w2 = Float32Array.from({ length: HIDDEN }, () => rng.next() - 0.5);
  const b2 = rng.next() - 0.5;
  const h = new Float64Array(HIDDEN);
  const score = (x: Float32Array): number => {
    for (let j = 0; j < HIDDEN; j++) h[j] = b1[j]!;
    for (let i = 0; i < inputs; i++) {
      const v = x[i]!;
      if (v === 0) continue;
      const w = i * HIDDEN;
      for (let j = 0; j < HIDDEN; j++) h[j]! += v * w1[w + j]!;
    }
    let z = b2;
    for (let j = 0; j < HIDDEN; j++) if (h[j]! > 0) z += h[j]! * w2[j]!;
    return 1 / (1 + Math.exp(-z));
  };
  const features = (r: FlightRequest) => apply(transform, asRow(r));
  const predict = (r: FlightRequest) => score(features(r));
  const january = requests
    .filter((r) => r.date < '2001-02-01')
    .map(({ delay, distance, origin, destination }) => ({ delay, distance, origin, destination }));
  return { transform, score, features, predict, baseline: profile(january), requests };
}

/** The monitor's options: raw inputs against January, windows of 10,000 requests (or the default minute). */
export function monitorOptions(model: ServedModel, windows: '10k' | 'minute' = '10k'): MonitorOptions {
  return {
    baseline: model.baseline,
    window: windows === '10k' ? { requests: 10_000, keep: 4 } : { ms: 60_000, keep: 4 },
  };
}

/** What the service tells the monitor about one request. */
export function observationOf(request: FlightRequest, prediction: number, latencyMs: number): Observation {
  return { input: request, prediction, latencyMs, modelVersion: 'flights-delay/1' };
}
