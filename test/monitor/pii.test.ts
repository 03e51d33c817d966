// The monitor with PII features: a canary e-mail address and phone number are planted in real flights
// rows (vega-datasets' flights-20k, with `email`, `phone` and an unlisted `note` column added here) and
// served; they must never appear in a window profile, a snapshot, the Prometheus text, a sampled log or a
// rendered report. A monitor without the schema's PII marks is the control: the same rows leak there.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Flight, loadFlights20k } from '../../examples/shared/flights-model.js';
import { compare } from '../../src/drift/compare.js';
import { createMonitor, type LoggedRequest, type Monitor } from '../../src/monitor/monitor.js';
import { renderReport } from '../../src/report/render.js';
import { inferSchema, markPii, piiFeatures, type SchemaArtifact } from '../../src/schema/index.js';
import { type ProfileArtifact, profile } from '../../src/stats/index.js';

const CANARY_EMAIL = 'canary-4f9a@example.com';
const CANARY_PHONE = '+44 20 7946 0958';
const SERVED_AT = 2500;

type Row = Flight & { email: string; phone: string };

let train: Row[];
let serving: (Row & { note?: string })[];
let schema: SchemaArtifact;
let baseline: ProfileArtifact;

function withContacts(rows: readonly Flight[]): Row[] {
  return rows.map((f, i) => ({
    ...f,
    email: i === SERVED_AT ? CANARY_EMAIL : `traveller${i}@example.com`,
    phone: i === SERVED_AT ? CANARY_PHONE : `+1 415 555 ${String(i % 10_000).padStart(4, '0')}`,
  }));
}

function leaks(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.includes('canary-4f9a') || text.includes('7946 0958');
}

/** Serves every serving row (the canary one twice more with a wrong type), logging every key. */
function serve(monitor: Monitor): void {
  serving.forEach((input, i) => {
    monitor.observe({ input, prediction: i % 2, latencyMs: 3, key: `req-${i}` });
  });
  const canary = serving[SERVED_AT - 2000]!;
  monitor.observe({ input: { ...canary, email: 42 }, prediction: 1, key: 'bad-1' });
  monitor.observe({ input: { ...canary, email: [CANARY_EMAIL] }, prediction: 1, key: 'bad-2' });
}

beforeAll(() => {
  const rows = withContacts(loadFlights20k().slice(0, 4000));
  train = rows.slice(0, 2000);
  serving = rows.slice(2000).map((r, i) => (i === SERVED_AT - 2000 ? { ...r, note: CANARY_EMAIL } : r));
  schema = markPii(inferSchema(train), ['email', 'phone']);
  baseline = profile(train, { pii: piiFeatures(schema) });
});

describe('a monitor with PII features', () => {
  it('keeps every window profile, snapshot, metric text, log and report free of PII values', () => {
    const logged: LoggedRequest[] = [];
    const monitor = createMonitor({
      baseline,
      schema,
      window: { requests: 500, keep: 10 },
      log: { rate: 1, sink: (r) => logged.push(r) },
      now: () => 1_000,
    });
    serve(monitor);
    monitor.closeWindow();
    const snapshot = monitor.snapshot();
    const profiles = monitor.windowProfiles();
    expect(profiles.length).toBeGreaterThanOrEqual(4);
    for (const value of [snapshot, monitor.windows(), profiles, monitor.metricsText(), logged])
      expect(leaks(value)).toBe(false);

    // The canary's row was logged, redacted; its unlisted column dropped; the rest as served.
    const row = logged.find((r) => r.key === `req-${SERVED_AT - 2000}`)!.input as Record<string, unknown>;
    expect(row.email).toBe('[redacted]');
    expect(row.phone).toBe('[redacted]');
    expect('note' in row).toBe(false);
    expect(row.origin).toBe(serving[SERVED_AT - 2000]!.origin);

    // Window profiles keep counts only for PII features; drift skips them with a coded finding.
    const email = profiles[0]!.inputs.features.find((f) => f.name === 'email')!;
    expect(email.pii).toBe('counts');
    expect(email.present).toBe(500);
    expect(
      snapshot.windows[0]!.findings.some((f) => f.code === 'UNSEEN_CATEGORY' && f.feature === 'email'),
    ).toBe(false);
    // The schema anomalies of the bad rows are counted, by code, without their values.
    expect(monitor.metricsText()).toContain('TYPE_MISMATCH');

    // Reports drawn from the snapshot and from a comparison with both profiles show no value.
    const window = profiles[profiles.length - 1]!.inputs;
    const report = compare(baseline, window);
    expect(report.skipped.filter((s) => s.reasonCode === 'PII').map((s) => s.feature)).toEqual([
      'email',
      'phone',
    ]);
    for (const html of [
      renderReport(snapshot),
      renderReport(report, { reference: baseline, current: window }),
      renderReport(snapshot, { reference: baseline, current: window }),
    ]) {
      expect(html.length).toBeGreaterThan(1000);
      expect(leaks(html)).toBe(false);
    }
  });

  it('the control: without PII marks the same rows leak into profiles and logs', () => {
    const logged: LoggedRequest[] = [];
    const monitor = createMonitor({
      baseline: profile(train),
      schema: inferSchema(train),
      window: { requests: 500 },
      log: { rate: 1, sink: (r) => logged.push(r) },
      now: () => 1_000,
    });
    serve(monitor);
    monitor.closeWindow();
    expect(leaks(logged)).toBe(true);
    expect(leaks(monitor.windowProfiles())).toBe(true);
  });

  it('options.pii adds PII features and token functions without a schema', () => {
    const logged: LoggedRequest[] = [];
    const token = (v: string) => (v.includes('@') ? v.slice(v.indexOf('@') + 1) : 'other');
    const monitor = createMonitor({
      baseline: profile(train, { pii: ['phone', 'email'] }),
      pii: { email: { token }, phone: true },
      window: { requests: 2000 },
      log: { rate: 1, sink: (r) => logged.push(r) },
      now: () => 1_000,
    });
    serve(monitor);
    const window = monitor.windowProfiles()[0]!.inputs;
    expect(window.features.find((f) => f.name === 'email')).toMatchObject({ pii: 'tokens' });
    expect(window.features.find((f) => f.name === 'email')!.categorical!.frequencies).toEqual([
      ['example.com', 2000],
    ]);
    // Without a schema, unlisted columns are kept in logs (there is no list), PII ones redacted.
    const row = logged.find((r) => r.key === `req-${SERVED_AT - 2000}`)!.input as Record<string, unknown>;
    expect(row.email).toBe('[redacted]');
    expect(row.note).toBe(CANARY_EMAIL);
    expect(leaks([monitor.snapshot(), monitor.windowProfiles(), monitor.metricsText()])).toBe(false);
  });

  it('refuses a bad options.pii, naming createMonitor', () => {
    expect(() => createMonitor({ baseline, pii: { email: { tokn: () => 'x' } } as never })).toThrow(
      /^createMonitor: argument 'options\.pii\.email' has an unknown key "tokn"/,
    );
  });
});
