// The traffic of the fleet tests, written once so that a worker process (fleet-worker.ts) and the test that
// checks it build the same monitor over the same stream: vega-datasets' flights-20k, January as the
// training baseline, February and March as served requests, one every 20 ms of an injected clock (3,000 a
// one-minute window), each routed to one of `replicas` replicas by the hash of its key, as a load balancer
// with sticky keys would. The data file's path is an argument, so a bundled worker needs no module lookup.
import { readFileSync } from 'node:fs';
import type { MonitorOptions, Observation } from '../../src/monitor/monitor.js';
import type { SchemaArtifact } from '../../src/schema/artifact.js';
import { inferSchema } from '../../src/schema/infer.js';
import { hash32 } from '../../src/split/index.js';
import type { ProfileArtifact } from '../../src/stats/artifact.js';
import { profile } from '../../src/stats/profile.js';

export interface FleetInput {
  readonly delay: number | null;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
  /** origin-destination: about 1,600 distinct a window, so its distinct count is HyperLogLog's. */
  readonly route: string;
}

export interface FleetTraffic {
  readonly baseline: ProfileArtifact;
  readonly schema: SchemaArtifact;
  /** The served requests, in order; request i is observed at clock `atOf(i)`. */
  readonly stream: readonly FleetInput[];
}

/** Window length of the fleet tests. */
export const FLEET_WINDOW_MS = 60_000;
/** The clock at request i: 3,000 requests a window. */
export const atOf = (i: number): number => 1_000_000_000_000 + i * 20;

export function fleetTraffic(dataPath: string): FleetTraffic {
  const raw = JSON.parse(readFileSync(dataPath, 'utf8')) as {
    date: string;
    delay: number;
    distance: number;
    origin: string;
    destination: string;
  }[];
  const rows = raw.map((f) => ({
    month: f.date.slice(0, 7),
    input: {
      delay: f.delay,
      distance: f.distance,
      origin: f.origin,
      destination: f.destination,
      route: `${f.origin}-${f.destination}`,
    } as FleetInput,
  }));
  const january = rows.filter((r) => r.month === '2001/01').map((r) => r.input);
  const stream = rows.filter((r) => r.month !== '2001/01').map((r) => r.input);
  return {
    baseline: profile(january),
    schema: inferSchema(january, { maxDomainSize: 1_000 }),
    stream,
  };
}

export function fleetOptions(traffic: FleetTraffic, now: () => number): MonitorOptions {
  return {
    baseline: traffic.baseline,
    schema: traffic.schema,
    window: { ms: FLEET_WINDOW_MS, keep: 100 },
    labels: {},
    transform: { features: [{ name: 'delay' }, { name: 'origin' }] },
    now,
  };
}

export const keyOf = (i: number): string => `flight-${i}`;

/** Which of `replicas` replicas serves request i: by the hash of its key. */
export const replicaOf = (i: number, replicas: number): number => hash32(keyOf(i), 7) % replicas;

/**
 * Request i as the service saw it: some inputs without delay, some from airports the baseline never had
 * (unseen categories, schema anomalies), some errors, a prediction and a latency.
 */
export function observationOf(input: FleetInput, i: number): Observation {
  const dropped = i % 97 === 0;
  const origin = i % 211 === 0 ? `NEW${i % 3}` : input.origin;
  return {
    input: dropped
      ? { ...input, delay: null }
      : origin === input.origin
        ? input
        : { ...input, origin, route: `${origin}-${input.destination}` },
    prediction: (input.delay ?? 0) > 15 ? 0.7 : 0.1 + (input.distance % 100) / 1000,
    latencyMs: 1 + ((i * 7919) % 1000) / 10,
    error: i % 50 === 0,
    key: keyOf(i),
    features: { missing: dropped ? [{ feature: 'delay' }] : [] },
  };
}

/** Whether request i's label comes (a quarter do, right after it), and the label. */
export function labelOf(input: FleetInput, i: number): 0 | 1 | undefined {
  return i % 4 === 0 ? ((input.delay ?? 0) > 15 ? 1 : 0) : undefined;
}
