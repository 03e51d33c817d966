// Inputs for the report tests, each made by the real lockstep function that makes it: a drift comparison
// of January against March flights (vega-datasets flights-20k) with the two profiles it was made from, a
// gate from lockstep/evaluate with failing slices, a rollout state sealed and re-read as JSON through
// parseRollout, and a monitor-snapshot-shaped object holding real drift rows and findings.
import { readFileSync } from 'node:fs';
import { vegaDataPath } from '../../examples/data.js';
import { compare, type DriftReport } from '../../src/drift/compare.js';
import { type Gate, gate } from '../../src/evaluate/gate.js';
import {
  analyze,
  parseRollout,
  pause,
  type RolloutState,
  sealState,
  setWeight,
} from '../../src/router/rollout-state.js';
import type { ProfileArtifact } from '../../src/stats/artifact.js';
import { profile } from '../../src/stats/profile.js';

export interface Flight {
  readonly date: string;
  readonly delay: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

let flights: readonly Flight[] | undefined;
export function allFlights(): readonly Flight[] {
  flights ??= JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as Flight[];
  return flights;
}

export function month(m: '01' | '03'): Flight[] {
  return allFlights().filter((r) => r.date.startsWith(`2001/${m}`));
}

export interface FlightsComparison {
  readonly reference: ProfileArtifact;
  readonly current: ProfileArtifact;
  readonly report: DriftReport;
}

let cached: FlightsComparison | undefined;
/** January against March, compared from their profiles (date drifts: the months share no timestamp). */
export function flightsComparison(): FlightsComparison {
  if (cached) return cached;
  const reference = profile(month('01'));
  const current = profile(month('03'));
  cached = { reference, current, report: compare(reference, current) };
  return cached;
}

/** 20 features from the flights: the five columns, and 15 derived from them (hour, delay bands, routes…). */
export function wideComparison(): FlightsComparison {
  const widen = (rows: readonly Flight[]) =>
    rows.map((r) => {
      const hour = Number(r.date.slice(11, 13));
      return {
        ...r,
        hour,
        minute: Number(r.date.slice(14, 16)),
        day: Number(r.date.slice(8, 10)),
        late: r.delay > 15 ? 'late' : 'on time',
        band: r.delay < 0 ? 'early' : r.delay < 15 ? 'on time' : r.delay < 60 ? 'late' : 'very late',
        route: `${r.origin}-${r.destination}`,
        logDistance: Math.log(r.distance),
        speedProxy: r.distance / (60 + Math.max(0, r.delay)),
        delayPerKm: r.delay / r.distance,
        absDelay: Math.abs(r.delay),
        longHaul: r.distance > 1500 ? 'long' : 'short',
        period: hour < 6 ? 'night' : hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening',
        originState: r.origin.slice(0, 1),
        destinationLetter: r.destination.slice(0, 1),
        delaySquaredRoot: Math.sign(r.delay) * Math.sqrt(Math.abs(r.delay)),
      };
    });
  const reference = profile(widen(month('01')));
  const current = profile(widen(month('03')));
  return { reference, current, report: compare(reference, current) };
}

/** A gate of a candidate against a baseline by origin slice: two slices worse, a floor missed. */
export function flightsGate(): Gate {
  const m = (value: number, low: number, high: number) => ({ value, low, high });
  return gate({
    candidate: {
      metrics: { rocAuc: m(0.71, 0.7, 0.72), logLoss: m(0.52, 0.51, 0.53) },
      slices: [
        {
          slice: 'origin=SEA',
          count: 900,
          metrics: { rocAuc: m(0.6, 0.58, 0.62), logLoss: m(0.6, 0.58, 0.62) },
        },
        {
          slice: 'origin=PDX',
          count: 800,
          metrics: { rocAuc: m(0.74, 0.72, 0.76), logLoss: m(0.5, 0.48, 0.52) },
        },
        {
          slice: 'origin=ORD',
          count: 700,
          metrics: { rocAuc: m(0.7, 0.68, 0.72), logLoss: m(0.7, 0.68, 0.72) },
        },
      ],
    },
    baseline: {
      metrics: { rocAuc: m(0.7, 0.69, 0.71), logLoss: m(0.53, 0.52, 0.54) },
      slices: [
        {
          slice: 'origin=SEA',
          count: 900,
          metrics: { rocAuc: m(0.7, 0.68, 0.72), logLoss: m(0.55, 0.54, 0.56) },
        },
        {
          slice: 'origin=PDX',
          count: 800,
          metrics: { rocAuc: m(0.73, 0.71, 0.75), logLoss: m(0.51, 0.5, 0.52) },
        },
        {
          slice: 'origin=ORD',
          count: 700,
          metrics: { rocAuc: m(0.71, 0.69, 0.73), logLoss: m(0.56, 0.55, 0.57) },
        },
      ],
    },
    rules: { floors: { rocAuc: 0.75 } },
    refs: { candidate: 'flights/4', baseline: 'flights/3' },
  });
}

const t = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** A canary that failed at its analysis step: latency worse, error rate inconclusive. */
export function flightsRollout(): RolloutState {
  const sealed = sealState({
    kind: 'lockstep.rollout',
    formatVersion: 1,
    name: 'flights-canary',
    revision: 7,
    steps: [
      setWeight(0.05),
      pause({ requests: 2000 }),
      setWeight(0.25),
      analyze({ maxRequests: 20000, maxDurationMs: 3_600_000 }),
      setWeight(1),
    ],
    analysis: {
      metrics: { latencyMs: { direction: 'lower', margin: 5 }, error: { direction: 'lower', margin: 0.01 } },
      alpha: 0.05,
      method: 'sequential',
      minSamples: 100,
      tuning: 5000,
      background: true,
    },
    phase: 'failed',
    step: 3,
    weight: 0,
    window: 3,
    startedAt: t(0),
    stepStartedAt: t(20),
    stepStartRequests: 4000,
    reason: 'latencyMs: the candidate is worse than the baseline beyond the margin 5',
    comparisons: {
      latencyMs: { verdict: 'worse', estimate: 12.5, low: 7.1, high: 17.9, baseline: 3000, candidate: 1000 },
      error: {
        verdict: 'inconclusive',
        estimate: 0.002,
        low: -0.008,
        high: 0.012,
        baseline: 3000,
        candidate: 1000,
      },
    },
    events: [
      { type: 'started', at: t(0), step: 0, weight: 0, reason: null, actor: 'deploy-bot' },
      { type: 'weight', at: t(0), step: 1, weight: 0.05, reason: null, actor: null },
      { type: 'stepDone', at: t(10), step: 2, weight: 0.05, reason: null, actor: null },
      { type: 'weight', at: t(10), step: 3, weight: 0.25, reason: null, actor: null },
      {
        type: 'failed',
        at: t(31),
        step: 3,
        weight: 0,
        reason: 'latencyMs: the candidate is worse than the baseline beyond the margin 5',
        actor: null,
      },
    ],
  });
  // As a store or another process would hand it over: JSON, checked on the way in.
  return parseRollout(JSON.stringify(sealed));
}

/**
 * A monitor snapshot as lockstep/monitor's `snapshot()` describes it (`kind: 'lockstep.monitor.snapshot'`:
 * totals, model, windows, the current window with its drift rows and findings, alert states, findings),
 * filled with real drift rows and findings from the flights comparison.
 */
export function flightsSnapshot(): object {
  const { report } = flightsComparison();
  const findings = [
    ...report.anomalies,
    {
      code: 'ALERT_FIRING',
      severity: 'error' as const,
      message: 'drift.date above 0.1 for 3 windows',
      rule: 'date-drift',
      metric: 'drift.date',
      value: 0.144,
      threshold: 0.1,
    },
    {
      code: 'UNEXPECTED_CATEGORY',
      severity: 'warning' as const,
      message: '"origin": 14 values outside the domain',
      feature: 'origin',
      count: 14,
    },
  ];
  const window = {
    index: 12,
    start: Date.UTC(2001, 2, 1),
    end: Date.UTC(2001, 2, 2),
    partial: true,
    requests: 7099,
    metrics: { errorRate: 0.002, 'latency.p95': 41, 'drift.date': 0.144 },
    drift: report.features,
    findings,
  };
  return {
    kind: 'lockstep.monitor.snapshot',
    formatVersion: 1,
    at: Date.UTC(2001, 2, 2, 12),
    model: { version: 'flights/4', createdAt: Date.UTC(2001, 1, 1), ageSeconds: 2_548_800 },
    totals: { requests: 70990, errors: 142, labels: 0 },
    windows: [
      { ...window, index: 11, partial: false, start: Date.UTC(2001, 1, 28), end: Date.UTC(2001, 2, 1) },
    ],
    current: window,
    alerts: [
      {
        rule: 'date-drift',
        metric: 'drift.date',
        state: 'firing',
        severity: 'error',
        value: 0.144,
        since: Date.UTC(2001, 1, 27),
      },
    ],
    findings,
  };
}
