// examples/node-service over real HTTP: a temp fs registry with a champion and a candidate (trained here),
// the service on a free loopback port, 300 real March flights (flights-20k) as requests and bad requests of
// each kind. Checked: every answer's score against tfjs predict on the version the arm names, the arm
// against the canary's sticky rule computed independently (lockstep/split's assignSplit), the 400s and their
// reasons, /metrics parsed by a small exposition-format parser (counts equal what was sent), /report's
// sections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createFsRegistry } from 'lockstep/registry/fs';
import { assignSplit } from 'lockstep/split';
import { apply } from 'lockstep/transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../../examples/node-service/service.js';
import { trainServiceModels } from '../../examples/node-service/setup.js';
import { type Flight, loadFlights20k, loadFlightsModel } from '../../examples/shared/flights-model.js';

const WEIGHT = 0.25;
const SALT = 'flights-delay-canary';
const N = 300;
/** The service's clock, pinned: model age and the report's time are exact. */
const NOW = Date.parse('2030-01-01T00:00:00Z');

let dir: string;
let service: Service;
let march: Flight[];
/** The answers to the 300 March flights, by key. */
const answers = new Map<string, Answer>();
/** Requests the monitor saw: valid ones and rejected JSON objects. */
let observed = 0;
let rejectedObjects = 0;

interface Answer {
  readonly key: string;
  readonly score: number;
  readonly arm: 'baseline' | 'candidate';
  readonly model: string;
  readonly warnings: readonly { code: string; feature?: string; severity: string; message: string }[];
}
interface Rejection {
  readonly error: string;
  readonly message: string;
  readonly anomalies: readonly { code: string; feature?: string; severity: string; message: string }[];
}

const request = (f: Flight, key: string) => ({
  date: f.date.toISOString(),
  distance: f.distance,
  origin: f.origin,
  destination: f.destination,
  key,
});

async function post(body: unknown, raw = false): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${service.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-node-service-test-'));
  await trainServiceModels(createFsRegistry({ dir }));
  service = await startService({
    registryDir: dir,
    canaryWeight: WEIGHT,
    window: { requests: 100 },
    now: () => NOW,
  });
  // 300 flights spread over March (every 11th), in order.
  march = loadFlights20k()
    .filter((f) => f.date.getUTCMonth() === 2)
    .filter((_, i) => i % 11 === 0)
    .slice(0, N);
  expect(march).toHaveLength(N);
  for (const [i, f] of march.entries()) {
    const { status, json } = await post(request(f, `flight-${i}`));
    expect(status, JSON.stringify(json)).toBe(200);
    answers.set(`flight-${i}`, json as Answer);
  }
  observed += N;
}, 120_000);

afterAll(async () => {
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('POST /predict', () => {
  it('answers every March flight with a score in [0, 1], from the arm the sticky canary rule gives its key', () => {
    const arms = { baseline: 0, candidate: 0 };
    for (const [key, a] of answers) {
      expect(a.key).toBe(key);
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      const expected = assignSplit(key, { candidate: WEIGHT, baseline: 1 - WEIGHT }, { salt: SALT });
      expect(a.arm).toBe(expected);
      expect(a.model).toBe(a.arm === 'baseline' ? service.champion.ref : service.candidate.ref);
      arms[a.arm]++;
    }
    // About a quarter of 300 keys on the candidate (binomial: 75 ± 7.5).
    expect(arms.candidate).toBeGreaterThan(45);
    expect(arms.candidate).toBeLessThan(105);
    expect(service.router.stats().requests).toEqual(arms);
  });

  it("gives each flight the score of its arm's model: apply, then tfjs predict, within float32 rounding", async () => {
    const registry = createFsRegistry({ dir });
    for (const version of [service.champion, service.candidate]) {
      const { model, transform } = await loadFlightsModel(registry, version.ref);
      const rows = [...answers.values()].filter((a) => a.model === version.ref);
      const width = transform.columns.length;
      const x = new Float32Array(rows.length * width);
      rows.forEach((a, k) => {
        const f = march[Number(a.key.slice('flight-'.length))]!;
        x.set(apply(transform, { ...f, date: f.date.getTime() }), k * width);
      });
      const scores = tf.tidy(
        () => (model.predict(tf.tensor2d(x, [rows.length, width])) as tf.Tensor).dataSync() as Float32Array,
      );
      model.dispose();
      const worst = rows.reduce((m, a, k) => Math.max(m, Math.abs(a.score - scores[k]!)), 0);
      expect(worst).toBeLessThan(1e-5);
    }
    // The two models are different models: their scores differ on most flights.
    const mirrored = service.shadow.stats().candidates.candidate!;
    expect(mirrored.compared).toBeGreaterThan(0);
    expect(mirrored.differences.max).toBeGreaterThan(0);
  });

  it('keeps a key on its arm: the same flight and key again get the same arm, model and score', async () => {
    for (let i = 0; i < 20; i++) {
      const key = `flight-${i}`;
      const { status, json } = await post(request(march[i]!, key));
      expect(status).toBe(200);
      const again = json as Answer;
      const first = answers.get(key)!;
      expect([again.arm, again.model, again.score]).toEqual([first.arm, first.model, first.score]);
    }
    observed += 20;
  });

  it('answers an unknown airport with a score and an UNEXPECTED_CATEGORY warning (the transform has an OOV bucket)', async () => {
    const { status, json } = await post({ ...request(march[0]!, 'flight-oov'), origin: 'XQZ' });
    observed += 1;
    expect(status).toBe(200);
    const a = json as Answer;
    expect(a.score).toBeGreaterThanOrEqual(0);
    expect(a.warnings.map((w) => [w.code, w.feature, w.severity])).toEqual([
      ['UNEXPECTED_CATEGORY', 'origin', 'warning'],
    ]);
    expect(a.warnings[0]!.message).toContain('XQZ');
  });

  it.each([
    ['a missing field', (r: object) => omit(r, 'destination'), [['MISSING_COLUMN', 'destination']]],
    ['a wrong type', (r: object) => ({ ...r, distance: 'far' }), [['TYPE_MISMATCH', 'distance']]],
    ['an unparseable date', (r: object) => ({ ...r, date: 'yesterday' }), [['TYPE_MISMATCH', 'date']]],
    ['a distance below 1 mile', (r: object) => ({ ...r, distance: 0 }), [['OUT_OF_RANGE', 'distance']]],
    ['a key that is an object', (r: object) => ({ ...r, key: { id: 1 } }), [['INVALID_KEY', 'key']]],
    [
      'several problems at once',
      (r: object) => ({ ...omit(r, 'origin'), distance: null, date: 12.5e99 }),
      [
        ['MISSING_VALUE', 'distance'],
        ['MISSING_COLUMN', 'origin'],
      ],
    ],
  ] as const)('answers %s with a 400 listing each anomaly', async (_, change, expected) => {
    const { status, json } = await post(change(request(march[1]!, 'flight-bad')));
    observed += 1;
    rejectedObjects += 1;
    expect(status).toBe(400);
    const r = json as Rejection;
    expect(r.error).toBe('INVALID_REQUEST');
    const errors = r.anomalies.filter((a) => a.severity === 'error');
    for (const [code, feature] of expected)
      expect(errors.some((a) => a.code === code && a.feature === feature)).toBe(true);
    for (const a of errors) {
      expect(a.message.length).toBeGreaterThan(10);
      expect(r.message).toContain(a.message);
    }
  });

  it('answers a body that is not a JSON object with a 400 (not observed: there is no row)', async () => {
    const bad = await post('{"date": "2001-03-01T00:00:00Z", "distance": 7', true);
    expect(bad.status).toBe(400);
    expect((bad.json as Rejection).anomalies.map((a) => a.code)).toEqual(['INVALID_JSON']);
    const list = await post([request(march[2]!, 'x')]);
    expect(list.status).toBe(400);
    expect((list.json as Rejection).anomalies.map((a) => a.code)).toEqual(['BAD_ROW']);
    expect((list.json as Rejection).message).toContain('JSON object');
  });

  it('never echoes what a client sent in a 400, and refuses a body over 64 KiB with a 413', async () => {
    const canary = 'canary-7d1e@example.com';
    const bodies: [string, string][] = [
      [`{"email": "${canary}", "distance": `, 'INVALID_JSON'],
      [JSON.stringify(canary), 'BAD_ROW'],
      [JSON.stringify([canary]), 'BAD_ROW'],
      [JSON.stringify({ ...request(march[3]!, 'k'), key: { email: canary } }), 'INVALID_KEY'],
      [JSON.stringify({ ...request(march[3]!, 'k'), key: canary.repeat(20) }), 'INVALID_KEY'],
    ];
    for (const [body, code] of bodies) {
      const res = await fetch(`${service.url}/predict`, { method: 'POST', body });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect((JSON.parse(text) as Rejection).anomalies.map((a) => a.code)).toContain(code);
      expect(text).not.toContain('canary-7d1e');
      if (code === 'INVALID_KEY') {
        // A row came: the monitor counts the rejected request, with no prediction.
        observed += 1;
        rejectedObjects += 1;
      }
    }
    const big = JSON.stringify({ ...request(march[3]!, 'k'), pad: 'x'.repeat(70_000) });
    const declared = await fetch(`${service.url}/predict`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    // Streamed without a length: cut off once 64 KiB have arrived.
    const streamed = await fetch(`${service.url}/predict`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('moves a registry alias only for an authenticated actor, recorded in the history', async () => {
    // This service has no authenticate hook: registry changes are off.
    const off = await fetch(`${service.url}/registry/alias`, {
      method: 'POST',
      body: JSON.stringify({ alias: 'candidate', version: 1 }),
    });
    expect(off.status).toBe(403);
    const guarded = await startService({
      registryDir: dir,
      now: () => NOW,
      authenticate: (req) => (req.headers.authorization === 'Bearer ops-token' ? 'ops@example' : undefined),
    });
    try {
      const move = (version: number, auth?: string) =>
        fetch(`${guarded.url}/registry/alias`, {
          method: 'POST',
          headers: auth ? { authorization: auth } : {},
          body: JSON.stringify({ alias: 'candidate', version, reason: 'test' }),
        });
      expect((await move(1)).status).toBe(401);
      expect((await move(1, 'Bearer wrong')).status).toBe(401);
      expect((await move(99, 'Bearer ops-token')).status).toBe(404);
      const ok = await move(1, 'Bearer ops-token');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        model: 'flights-delay',
        alias: 'candidate',
        version: 1,
        actor: 'ops@example',
      });
      const registry = createFsRegistry({ dir });
      const history = await registry.history('flights-delay');
      expect(history.at(-1)).toMatchObject({ actor: 'ops@example', reason: 'test' });
      expect((await move(2, 'Bearer ops-token')).status).toBe(200);
      expect((await registry.resolve('flights-delay@candidate')).version).toBe(2);
    } finally {
      await guarded.close();
    }
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    const get = await fetch(`${service.url}/predict`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const post = await fetch(`${service.url}/metrics`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const missing = await fetch(`${service.url}/predictions`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toContain('/predict');
    const health = await fetch(`${service.url}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      champion: service.champion.ref,
      candidate: service.candidate.ref,
      canaryWeight: WEIGHT,
    });
  });
});

describe('GET /metrics', () => {
  it("serves the monitor's and the router's families as valid exposition text, with the counts sent", async () => {
    while (service.shadow.stats().candidates.candidate!.inFlight > 0)
      await new Promise((r) => setTimeout(r, 5));
    const res = await fetch(`${service.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, value } = parseExposition(await res.text());
    expect(types.get('lockstep_requests_total')).toBe('counter');
    expect(value('lockstep_requests_total')).toBe(observed);
    expect(observed).toBe(N + 20 + 1 + 6 + 2);
    expect(value('lockstep_request_errors_total')).toBe(0);
    // Rejected requests made no prediction.
    expect(value('lockstep_predictions_null_total')).toBe(rejectedObjects);
    expect(value('lockstep_latency_seconds_count')).toBe(observed);
    expect(value('lockstep_schema_anomalies_total', { code: 'OUT_OF_RANGE', feature: 'distance' })).toBe(1);
    expect(value('lockstep_schema_anomalies_total', { code: 'UNEXPECTED_CATEGORY', feature: 'origin' })).toBe(
      1,
    );
    // Windows of 100 requests: three closed, the gauges are the last one's.
    expect(value('lockstep_window_requests')).toBe(100);
    expect(types.get('lockstep_latency_seconds')).toBe('summary');
    expect(value('lockstep_model_age_seconds', { version: service.champion.ref })).toBe(
      (NOW - Date.parse(service.champion.createdAt)) / 1000,
    );
    // The router's counters: every accepted request went through the canary; the baseline arm's through
    // the shadow, each compared with the candidate.
    const baseline = value('lockstep_router_requests_total', { variant: 'baseline' });
    const candidate = value('lockstep_router_requests_total', { variant: 'candidate' });
    expect(baseline + candidate).toBe(N + 20 + 1);
    expect(value('lockstep_shadow_requests_total')).toBe(baseline);
    const compared =
      value('lockstep_shadow_comparisons_total', { candidate: 'candidate', match: 'true' }) +
      value('lockstep_shadow_comparisons_total', { candidate: 'candidate', match: 'false' });
    expect(compared).toBe(baseline);
    expect(value('lockstep_router_canary_weight')).toBe(WEIGHT);
    // 6 rejected rows, 2 bodies that are not rows, and the 5 hostile bodies of the no-echo test.
    expect(value('lockstep_service_responses_total', { route: '/predict', code: '400' })).toBe(6 + 2 + 5);
    expect(value('lockstep_service_rejections_total', { code: 'INVALID_JSON' })).toBe(2);
    expect(value('lockstep_service_responses_total', { route: '/predict', code: '413' })).toBe(2);
  });
});

describe('GET /report', () => {
  it("renders the monitor's snapshot and the routing as one self-contained HTML page", async () => {
    const res = await fetch(`${service.url}/report`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(
      `<title>flights-delay service: ${service.champion.ref}, canary ${service.candidate.ref}</title>`,
    );
    expect(html).toContain('2030-01-01T00:00:00.000Z');
    for (const section of ['Summary', 'windows', 'alerts', 'findings', 'drift: features'])
      expect(html).toMatch(new RegExp(`<h2[^>]*>${section}`));
    expect(html).toContain('UNEXPECTED_CATEGORY');
    expect(html).toContain('routing.shadowCompared');
    expect(html).not.toContain('<script');
  });
});

function omit(r: object, key: string): object {
  const { [key]: _, ...rest } = r as Record<string, unknown>;
  return rest;
}

/**
 * The Prometheus text exposition format 0.0.4, strictly enough to fail on what a scraper would refuse:
 * every line a comment (HELP, TYPE before the family's samples, once each) or a sample
 * `name{label="value",...} value` of a family declared once and contiguously, with Go float syntax, no
 * series twice, and a final line feed.
 */
function parseExposition(text: string) {
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  const seen = new Set<string>();
  let current = '';
  // A summary's or histogram's _sum, _count and _bucket samples belong to its family.
  const familyOf = (name: string) => (seen.has(name) ? name : name.replace(/_(sum|count|bucket)$/, ''));
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const at = `line ${i + 1}: ${line}`;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (name !== current && seen.has(name)) throw new Error(`${at}: family declared twice`);
      seen.add(name);
      current = name;
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'summary', 'histogram', 'untyped'].includes(rest)) throw new Error(at);
        types.set(name, rest);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/.exec(
        line,
      );
    if (!m) throw new Error(`${at}: not a sample`);
    const [, name, labels = '', valueText] = m as unknown as [string, string, string | undefined, string];
    if (familyOf(name) !== current) throw new Error(`${at}: sample outside its family ${current}`);
    if (!/^(?:[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/.test(valueText))
      throw new Error(`${at}: bad value`);
    const id = seriesId(
      name,
      Object.fromEntries(
        [...labels.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
      ),
    );
    if (samples.has(id)) throw new Error(`${at}: series twice`);
    samples.set(id, Number(valueText.replace('Inf', 'Infinity')));
  }
  const value = (name: string, labels: Record<string, string> = {}): number => {
    const v = samples.get(seriesId(name, labels));
    if (v === undefined) throw new Error(`no sample ${seriesId(name, labels)}`);
    return v;
  };
  return { types, samples, value };
}

function seriesId(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return `${name}{${keys.map((k) => `${k}="${labels[k]}"`).join(',')}}`;
}
