// examples/node-service scraped by a real Prometheus server: Debian's `prometheus` package (2.42 here; CI
// installs it with apt-get), started as a child process on loopback with a one-second scrape of the
// service. The test sends real March flights and a few bad requests, waits until Prometheus has scraped
// the service's final counts, and reads them back through Prometheus's HTTP API, so the exposition text
// is proven by the parser that matters. `promtool check metrics` (the same package) lints the text.
//
// Run: npm run test:prometheus. Without the binaries the test fails (it never skips), saying what to
// install. LOCKSTEP_PROMETHEUS and LOCKSTEP_PROMTOOL override the paths.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsRegistry } from 'lockstep/registry/fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../../examples/node-service/service.js';
import { trainServiceModels } from '../../examples/node-service/setup.js';
import { loadFlights20k } from '../../examples/shared/flights-model.js';

const PROMETHEUS = process.env.LOCKSTEP_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.LOCKSTEP_PROMTOOL ?? '/usr/bin/promtool';
const INSTALL = "install Debian's prometheus package (apt-get install prometheus), which provides both";
const JOB = 'lockstep-node-service';
const VALID = 120;
const INVALID = 3;

let dir: string;
let service: Service;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let prometheusLog = '';

/** A port free on loopback now (the system's pick for port 0), for Prometheus's own web listener. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Calls `probe` every 250 ms until it returns a value, or fails after `ms` with `what` and the last error. */
async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    if (prometheus?.exitCode != null)
      throw new Error(
        `prometheus exited (${prometheus.exitCode}) while ${what}:\n${prometheusLog.slice(-4000)}`,
      );
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${ms} ms ${what}; last: ${String(last)}\n${prometheusLog.slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

async function query(promql: string): Promise<Sample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data?: { resultType: string; result: Sample[] } };
  if (body.status !== 'success' || body.data?.resultType !== 'vector')
    throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Runs promtool with `input` on stdin: its exit code and everything it printed. */
function promtool(args: readonly string[], input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  for (const [name, path] of Object.entries({ prometheus: PROMETHEUS, promtool: PROMTOOL }))
    if (!existsSync(path)) throw new Error(`${name} not found at ${path}: ${INSTALL}`);
  dir = mkdtempSync(join(tmpdir(), 'lockstep-prometheus-test-'));
  await trainServiceModels(createFsRegistry({ dir: join(dir, 'registry') }));
  service = await startService({ registryDir: join(dir, 'registry'), window: { requests: 50 } });

  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const target = new URL(service.url).host;
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      `  - job_name: ${JOB}`,
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'tsdb'));
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Debian's unit points these at /usr/share/prometheus; the web UI is not needed here.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout!.on('data', (d: Buffer) => (prometheusLog += d));
  prometheus.stderr!.on('data', (d: Buffer) => (prometheusLog += d));
  prometheus.once('error', (e) => (prometheusLog += `\nspawn error: ${e.message} (${INSTALL})`));
  await poll('waiting for Prometheus /-/ready', 30_000, async () =>
    (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined,
  );

  // Traffic: real March flights, and bad requests (observed by the monitor as rejected rows).
  const march = loadFlights20k()
    .filter((f) => f.date.getUTCMonth() === 2)
    .slice(0, VALID);
  const post = (body: unknown) =>
    fetch(`${service.url}/predict`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.status);
  for (const [i, { date, distance, origin, destination }] of march.entries()) {
    const status = await post({
      date: date.toISOString(),
      distance,
      origin,
      destination,
      key: `flight-${i}`,
    });
    expect(status).toBe(200);
  }
  const bad = march[0]!;
  for (const body of [
    { date: bad.date.toISOString(), distance: 'far', origin: bad.origin, destination: bad.destination },
    { date: bad.date.toISOString(), distance: bad.distance, origin: bad.origin },
    { date: 'yesterday', distance: bad.distance, origin: bad.origin, destination: bad.destination },
  ])
    expect(await post(body)).toBe(400);
}, 180_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus!.once('exit', r));
    prometheus.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus scraping examples/node-service', () => {
  it('scrapes the service: the target is up', async () => {
    const target = await poll('waiting for a successful scrape', 30_000, async () => {
      const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
      const body = (await res.json()) as {
        data: { activeTargets: { health: string; lastError: string; labels: Record<string, string> }[] };
      };
      const t = body.data.activeTargets.find((x) => x.labels.job === JOB);
      return t?.health === 'up' ? t : undefined;
    });
    expect(target.lastError).toBe('');
    expect(target.labels.instance).toBe(new URL(service.url).host);
  });

  it("reads lockstep_requests_total back from Prometheus's API, equal to what the service counted", async () => {
    const expected = VALID + INVALID;
    expect(service.monitor.snapshot().totals.requests).toBe(expected);
    const sample = await poll(
      'waiting for lockstep_requests_total to reach the count sent',
      30_000,
      async () => {
        const [s] = await query(`lockstep_requests_total{job="${JOB}"}`);
        return s !== undefined && Number(s.value[1]) === expected ? s : undefined;
      },
    );
    expect(sample.metric).toEqual({
      __name__: 'lockstep_requests_total',
      instance: new URL(service.url).host,
      job: JOB,
    });
    // A labelled counter and a summary, as Prometheus parsed them.
    const anomalies = await query('lockstep_schema_anomalies_total');
    const byCode = Object.fromEntries(
      anomalies.map((s) => [`${s.metric.code}/${s.metric.feature}`, Number(s.value[1])]),
    );
    expect(byCode).toMatchObject({
      'TYPE_MISMATCH/distance': 1,
      'TYPE_MISMATCH/date': 1,
      'MISSING_COLUMN/destination': 1,
    });
    const [count] = await query('lockstep_latency_seconds_count');
    expect(Number(count!.value[1])).toBe(expected);
    const routed = await query('sum(lockstep_router_requests_total)');
    expect(Number(routed[0]!.value[1])).toBe(VALID);
    // Windows of 50 requests: the last closed window's gauge.
    const [window] = await query('lockstep_window_requests');
    expect(Number(window!.value[1])).toBe(50);
  });

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const { code, output } = await promtool(['check', 'metrics'], text);
    const errors = output.split('\n').filter((line) => /error/i.test(line));
    expect(errors, `promtool reported errors:\n${output}`).toEqual([]);
    expect(code, `promtool check metrics exited ${code}; its lint output:\n${output || '(none)'}`).toBe(0);
    expect(output.trim(), `promtool lint warnings:\n${output}`).toBe('');
  });
});
