// lockstep/monitor: what watching a served model costs.
//  1. monitor.observe per request, in process, against the model call it wraps: the demo's flights model
//     (bench/monitor-model.ts: the transform's apply and a dense 16-unit network in plain JS), on
//     flights-20k requests with their predictions and measured latencies, windows of 10,000 requests.
//     Calls are timed in batches of 32 (the clock read once a batch): the median batch ÷ 32 is the
//     ordinary request's cost; the total time ÷ calls is the amortised mean, chunk flushes (every 1,024
//     requests) and window closes (every 10,000) included. Several rounds; the range is reported.
//  2. A node:http service (bench/monitor-server.ts, a child process on 127.0.0.1) scoring flights, loaded
//     closed-loop by autocannon (16 connections, 5 s a run) without the monitor, with it at its default
//     windows (a minute), and with windows of 10,000 requests (a close every 2-3 s), the three in rotation
//     and repeated; the throughput of each and the ratio monitored / unmonitored, per repeat and of the
//     medians, with the server's CPU a request and the time inside observe measured in the server.
// Targets (issue): observe under 2 µs median; the service's throughput with monitoring at least 90 % of
// without.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { createMonitor } from '../src/monitor/index.js';
import { monitorOptions, observationOf, servedModel } from './monitor-model.js';

const BATCH = 32;
let sink = 0;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const range = (xs: readonly number[], digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Timing {
  readonly medianNs: number;
  /** Total time ÷ calls. */
  readonly meanNs: number;
  /** Mean ms a batch holding a multiple of `every` took beyond an ordinary batch (a window close). */
  readonly markedMs: number;
}

/**
 * Runs `body(i)` for i in [0, calls), timed in batches of 32: the median batch ÷ 32 and the mean, in ns;
 * with `every`, also what the batches holding call k·every (the calls that close a window) cost extra.
 */
function timeBatches(calls: number, body: (i: number) => void, every = 0): Timing {
  const batches = Math.floor(calls / BATCH);
  const per = new Float64Array(batches);
  let i = 0;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const s = performance.now();
    for (let k = 0; k < BATCH; k++) body(i++);
    per[b] = ((performance.now() - s) * 1e6) / BATCH;
  }
  const total = performance.now() - t0;
  const marked: number[] = [];
  if (every > 0)
    for (let j = every; j < batches * BATCH; j += every) marked.push(per[Math.floor(j / BATCH)]!);
  const sorted = per.slice().sort();
  const medianNs = sorted[batches >> 1]!;
  const markedMs =
    marked.length === 0 ? 0 : (marked.reduce((a, x) => a + x - medianNs, 0) * BATCH) / marked.length / 1e6;
  return { medianNs, meanNs: (total * 1e6) / (batches * BATCH), markedMs };
}

console.log(
  `\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${load()} (1, 5, 15 min)`,
);

// --- 1. observe against the model call -----------------------------------------------------------
const model = servedModel();
const requests = model.requests;
const n = requests.length;
const features = requests.map((r) => model.features(r));
const observations = requests.map((r, i) => {
  const s = performance.now();
  const p = model.score(features[i]!);
  return observationOf(r, p, performance.now() - s);
});
console.log(
  `\n${n} flights-20k requests; transform: ${model.transform.columns.length} columns; monitor: 4 input features, windows of 10,000 requests`,
);
{
  const ROUNDS = 7;
  const OBSERVES = 200_000; // 20 windows a round
  const CALLS = 100_000;
  const monitor = createMonitor(monitorOptions(model));
  const rows: { observe: Timing; score: number; predict: number }[] = [];
  // Warm-up: every path compiled, a few windows closed.
  timeBatches(50_000, (i) => monitor.observe(observations[i % n]!));
  timeBatches(20_000, (i) => {
    sink += model.predict(requests[i % n]!);
  });
  for (let r = 0; r < ROUNDS; r++) {
    // The warm-up and every round are whole windows, so call k·10,000 of a round closes a window.
    const observe = timeBatches(OBSERVES, (i) => monitor.observe(observations[i % n]!), 10_000);
    const score = timeBatches(CALLS, (i) => {
      sink += model.score(features[i % n]!);
    }).medianNs;
    const predict = timeBatches(CALLS, (i) => {
      sink += model.predict(requests[i % n]!);
    }).medianNs;
    rows.push({ observe, score, predict });
  }
  const totals = monitor.snapshot().totals;
  if (totals.requests < ROUNDS * OBSERVES) throw new Error('the monitor lost requests');
  const us = (ns: number) => ns / 1000;
  console.log('\n### observe against the model call it wraps, per request (µs)\n');
  console.log(
    '| round | observe median | observe mean (amortised) | of which window closes | a close (ms) | dense network | apply + network | observe / (apply + network) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [r, row] of rows.entries())
    console.log(
      `| ${r + 1} | ${us(row.observe.medianNs).toFixed(2)} | ${us(row.observe.meanNs).toFixed(2)} | ${(row.observe.markedMs / 10).toFixed(2)} | ${row.observe.markedMs.toFixed(1)} | ${us(row.score).toFixed(2)} | ${us(row.predict).toFixed(2)} | ${(row.observe.medianNs / row.predict).toFixed(2)} |`,
    );
  const obsMedian = median(rows.map((r) => r.observe.medianNs));
  console.log(
    `\nobserve: median ${us(obsMedian).toFixed(2)} µs (rounds ${range(rows.map((r) => us(r.observe.medianNs)))}), ` +
      `amortised mean ${us(median(rows.map((r) => r.observe.meanNs))).toFixed(2)} µs (rounds ${range(rows.map((r) => us(r.observe.meanNs)))}), ` +
      `a window close ${median(rows.map((r) => r.observe.markedMs)).toFixed(1)} ms (rounds ${range(
        rows.map((r) => r.observe.markedMs),
        1,
      )}); ` +
      `target < 2 µs median: ${obsMedian < 2000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `model call: dense network ${us(median(rows.map((r) => r.score))).toFixed(2)} µs, apply + network ${us(median(rows.map((r) => r.predict))).toFixed(2)} µs; ` +
      `observe median / model call ${(obsMedian / median(rows.map((r) => r.predict))).toFixed(2)}x ` +
      `(amortised ${(median(rows.map((r) => r.observe.meanNs)) / median(rows.map((r) => r.predict))).toFixed(2)}x); load average ${load()}`,
  );
}

// --- 2. the service under closed-loop load, with and without the monitor --------------------------
{
  const server = fork(new URL('./monitor-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const base = `http://127.0.0.1:${port}`;
    const bodies = requests.map((r) => JSON.stringify(r));
    let next = 0;
    const SECONDS = 5;
    const REPEATS = 5;
    const PATHS = ['/score', '/score-monitored', '/score-monitored-10k'] as const;
    type Path = (typeof PATHS)[number];
    interface Stats {
      served: number;
      paths: Record<string, { observed: number; observeMs: number }>;
      cpu: { user: number; system: number };
    }
    const stats = async () => (await (await fetch(`${base}/stats`)).json()) as Stats;
    const runs: Record<Path, { rate: number; cpuUs: number; observeUs: number }[]> = {
      '/score': [],
      '/score-monitored': [],
      '/score-monitored-10k': [],
    };
    const cannon = async (path: Path, seconds: number) => {
      const before = await stats();
      // Each request carries the next flight of the file (autocannon's setupRequest, which its typings in
      // bench/autocannon.d.ts leave out).
      const options = {
        url: base,
        connections: 16,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: { body?: string }) => {
              req.body = bodies[next++ % bodies.length]!;
              return req;
            },
          },
        ],
      };
      const result = await autocannon(options as unknown as Parameters<typeof autocannon>[0]);
      if (result.errors + result.non2xx + result.timeouts > 0)
        throw new Error(
          `${path}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
        );
      const after = await stats();
      const served = after.served - before.served;
      const p = after.paths[path];
      const q = before.paths[path];
      const run = {
        rate: result.requests.total / result.duration,
        cpuUs: (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / served,
        observeUs:
          p === undefined || q === undefined
            ? 0
            : ((p.observeMs - q.observeMs) * 1000) / (p.observed - q.observed),
      };
      if (p !== undefined && q !== undefined && p.observed - q.observed !== served)
        throw new Error(`${path}: the monitor observed ${p.observed - q.observed} of ${served} requests`);
      return run;
    };
    for (const path of PATHS) await cannon(path, 2); // warm-up
    console.log(
      `\n### The service under autocannon, 16 connections, ${SECONDS} s a run, the three in rotation, ${REPEATS} repeats\n`,
    );
    console.log(
      '| repeat | /score (req/s) | monitored, minute windows | monitored, 10k-request windows | server CPU a request: plain / minute / 10k (µs) | in observe: minute / 10k (µs) | load average |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---|');
    for (let r = 0; r < REPEATS; r++) {
      // Repeat r starts at the r-th configuration, so none always runs first.
      for (let k = 0; k < PATHS.length; k++) {
        const path = PATHS[(r + k) % PATHS.length]!;
        runs[path].push(await cannon(path, SECONDS));
      }
      const [a, b, c] = PATHS.map((p) => runs[p][r]!) as [
        (typeof runs)['/score'][0],
        (typeof runs)['/score'][0],
        (typeof runs)['/score'][0],
      ];
      console.log(
        `| ${r + 1} | ${a.rate.toFixed(0)} | ${b.rate.toFixed(0)} (${(b.rate / a.rate).toFixed(2)}) | ${c.rate.toFixed(0)} (${(c.rate / a.rate).toFixed(2)}) | ` +
          `${a.cpuUs.toFixed(0)} / ${b.cpuUs.toFixed(0)} / ${c.cpuUs.toFixed(0)} | ${b.observeUs.toFixed(1)} / ${c.observeUs.toFixed(1)} | ${load()} |`,
      );
    }
    const med = (path: Path, key: 'rate' | 'cpuUs' | 'observeUs') => median(runs[path].map((x) => x[key]));
    for (const path of ['/score-monitored', '/score-monitored-10k'] as const) {
      const ratio = med(path, 'rate') / med('/score', 'rate');
      const pairs = runs[path].map((x, i) => x.rate / runs['/score'][i]!.rate);
      const capacity = med('/score', 'cpuUs') / med(path, 'cpuUs');
      console.log(
        `\n${path}: throughput ${med(path, 'rate').toFixed(0)} req/s against ${med('/score', 'rate').toFixed(0)} unmonitored: ` +
          `${ratio.toFixed(3)} of the medians (repeats ${range(pairs, 2)}; target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'}); ` +
          `server CPU a request ${med(path, 'cpuUs').toFixed(1)} µs against ${med('/score', 'cpuUs').toFixed(1)} µs ` +
          `(+${(med(path, 'cpuUs') - med('/score', 'cpuUs')).toFixed(1)} µs: a CPU-bound server keeps ${capacity.toFixed(3)} of its capacity), ` +
          `of which inside observe ${med(path, 'observeUs').toFixed(1)} µs`,
      );
    }
    console.log(`load average at the end ${load()}`);
  } finally {
    server.disconnect();
  }
}
if (sink === -1) console.log(sink);
