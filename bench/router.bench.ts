// lockstep/router: what routing costs a request.
//  1. canary.assign(key), the pure decision, against the same rule written by hand (hash32 of the key
//     under the salt's seed, against the weight); canary.route(input, { key }) with a trivial synchronous
//     model against `await model(input)` called directly.
//  2. shadow with one candidate against tzientist (a port of GitHub's Scientist) in the same run: the
//     same control (primary) and candidate on the same inputs, exact equality, every result published;
//     a round ends when every comparison has been made.
//  3. A node:http service (a child process on 127.0.0.1) at a fixed offered rate of about half its
//     primary-only capacity: the primary called directly, and through shadow with one candidate (as
//     costly as the primary) at sampleRate 1 on the same thread, at sampleRate 1 on a worker thread, and
//     at sampleRate 0.1 on the same thread, run in rotation and repeated; the p99 latency of each.
// Targets (issue): a routing decision under 1 µs; shadow adds at most 5 % to the primary's p99 latency.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { experiment, experimentAsync } from 'tzientist';
import { canary, shadow } from '../src/router/index.js';
import { hash32 } from '../src/split/index.js';
import { measure, measureAsync, report } from './harness.js';
import { paced } from './router-load.js';
import { candidateModel, makeInputs, primaryModel } from './router-model.js';

const ns = (ms: number, n: number) => (ms * 1e6) / n;

// --- 1. the decision, and a route against a direct call ----------------------------------------------
{
  const KEYS = 200_000;
  const keys = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
  const weight = 0.1;
  const baselineModel = (x: number) => x + 1;
  const canaryModel = (x: number) => x + 2;
  const router = canary<number, number>({
    baseline: baselineModel,
    candidate: canaryModel,
    weight,
    salt: 'bench',
  });
  const seed = hash32('bench', 0);
  const limit = weight * 2 ** 32;
  let agree = 0;
  for (const k of keys) if ((router.assign(k) === 'candidate') === hash32(k, seed) < limit) agree++;
  if (agree !== KEYS)
    throw new Error(`canary.assign disagrees with the hand-written rule on ${KEYS - agree} keys`);

  const decisions = measure(KEYS, [
    {
      name: 'lockstep canary.assign(key)',
      run: () => {
        let n = 0;
        for (let i = 0; i < KEYS; i++) if (router.assign(keys[i]!) === 'candidate') n++;
        return n;
      },
    },
    {
      name: 'hand-written hash32(key, seed) < weight',
      run: () => {
        let n = 0;
        for (let i = 0; i < KEYS; i++) if (hash32(keys[i]!, seed) < limit) n++;
        return n;
      },
    },
  ]);
  report(
    `Routing decision, ${KEYS / 1000}k keys \`user-\${i}\` a round`,
    decisions,
    'hand-written hash32(key, seed) < weight',
  );

  // route awaits the model through a promise of its own; the direct call awaits the model's value. Both
  // loops await one request at a time, so each request's cost is its own; contexts are made beforehand.
  const CALLS = 50_000;
  const contexts = keys.slice(0, CALLS).map((key) => ({ key }));
  const direct = (x: number) => (x & 1 ? canaryModel(x) : baselineModel(x));
  const routes = await measureAsync(CALLS, [
    {
      name: 'await model(input), directly',
      run: async () => {
        let s = 0;
        for (let i = 0; i < CALLS; i++) s += await direct(i);
        return s;
      },
    },
    {
      name: 'await canary.route(input, { key })',
      run: async () => {
        let s = 0;
        for (let i = 0; i < CALLS; i++) s += await router.route(i, contexts[i]!);
        return s;
      },
    },
  ]);
  report(
    `One request at a time, trivial sync model, ${CALLS / 1000}k a round`,
    routes,
    'await model(input), directly',
  );

  const assignNs = ns(decisions[0]!.medianMs, KEYS);
  const directNs = ns(routes[0]!.medianMs, CALLS);
  const routeNs = ns(routes[1]!.medianMs, CALLS);
  console.log(
    `\ncanary.assign: ${assignNs.toFixed(0)} ns a decision (target < 1 µs: ${assignNs < 1000 ? 'met' : 'NOT met'}); ` +
      `${(assignNs / ns(decisions[1]!.medianMs, KEYS)).toFixed(2)}x the hand-written rule's time`,
  );
  console.log(
    `canary.route: ${routeNs.toFixed(0)} ns a request against ${directNs.toFixed(0)} ns for the direct call: ` +
      `+${(routeNs - directNs).toFixed(0)} ns a request, ${(routeNs / directNs).toFixed(2)}x the time`,
  );
}

// --- 2. shadow against tzientist ---------------------------------------------------------------------
// Each round makes CALLS requests one after another (awaiting each) and ends when all CALLS comparisons
// have been published. tzientist runs the candidate inside the call (the caller waits for both);
// lockstep answers with the primary and runs the candidate on a later macrotask, so its round also
// waits for the detached candidates to finish. Publishing: tzientist's `publish` compares with `===` and
// counts; lockstep compares ('exact') itself and its `observe` callback counts the comparison events.
async function shadowAgainstTzientist<I, O>(
  title: string,
  calls: number,
  inputs: readonly I[],
  control: (x: I) => O,
  candidate: (x: I) => O,
  rounds: number,
): Promise<{ lockstepMs: number; tzientistMs: number }> {
  const contexts = Array.from({ length: calls }, (_, i) => ({ key: `req-${i}` }));
  const same = (a: unknown, b: unknown) =>
    a === b ||
    (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]));

  let published = 0;
  let matched = 0;
  let waitingFor = Number.POSITIVE_INFINITY;
  let wake: (() => void) | undefined;
  const observed = shadow<I, O>({
    primary: control,
    candidates: { next: candidate },
    sampleRate: 1,
    maxConcurrent: calls,
    compare: 'exact',
    observe: (event) => {
      if (event.type !== 'shadowComparison') return;
      published++;
      if (event.match) matched++;
      if (published >= waitingFor) wake?.();
    },
  });
  // The shadow's timers are unref'd (a detached candidate never keeps a process alive), so a wait for
  // them holds a timer of its own, as a server's listening socket would.
  const drained = (target: number) =>
    published >= target
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const alive = setInterval(() => {}, 1000);
          waitingFor = target;
          wake = () => {
            clearInterval(alive);
            waitingFor = Number.POSITIVE_INFINITY;
            resolve();
          };
        });
  const counted = shadow<I, O>({
    primary: control,
    candidates: { next: candidate },
    sampleRate: 1,
    maxConcurrent: calls,
    compare: 'exact',
  });
  const countedDrained = async (target: number) => {
    while (counted.stats().candidates.next!.compared < target) await new Promise((r) => setImmediate(r));
  };

  let tzPublished = 0;
  let tzMatched = 0;
  const publish = (r: { controlResult?: O; candidateResult?: O }) => {
    tzPublished++;
    if (same(r.controlResult, r.candidateResult)) tzMatched++;
  };
  const tzAsync = experimentAsync<[I], O>({
    name: 'next',
    control: async (x) => control(x),
    candidate: async (x) => candidate(x),
    options: { publish },
  });
  const tzSync = experiment<[I], O>({ name: 'next', control, candidate, options: { publish } });

  const results = await measureAsync(
    calls,
    [
      {
        name: 'tzientist experimentAsync',
        run: async () => {
          let last: O | undefined;
          for (let i = 0; i < calls; i++) last = await tzAsync(inputs[i % inputs.length]!);
          return last;
        },
      },
      {
        name: 'lockstep shadow.route + observe',
        run: async () => {
          const target = published + calls;
          let last: O | undefined;
          for (let i = 0; i < calls; i++)
            last = await observed.route(inputs[i % inputs.length]!, contexts[i]!);
          await drained(target);
          return last;
        },
      },
      {
        name: 'lockstep shadow.route, stats only',
        run: async () => {
          const target = counted.stats().candidates.next!.compared + calls;
          let last: O | undefined;
          for (let i = 0; i < calls; i++)
            last = await counted.route(inputs[i % inputs.length]!, contexts[i]!);
          await countedDrained(target);
          return last;
        },
      },
      {
        name: 'tzientist experiment (sync)',
        run: () => {
          let last: O | undefined;
          for (let i = 0; i < calls; i++) last = tzSync(inputs[i % inputs.length]!);
          return last;
        },
      },
      {
        name: 'primary alone, awaited (no shadow)',
        run: async () => {
          let last: O | undefined;
          for (let i = 0; i < calls; i++) last = await control(inputs[i % inputs.length]!);
          return last;
        },
      },
    ],
    rounds,
    2,
  );
  report(title, results, 'tzientist experimentAsync');
  const s = counted.stats().candidates.next!;
  if (matched !== published || tzMatched !== tzPublished || s.matches !== s.compared || s.dropped !== 0)
    throw new Error('shadow and tzientist disagree on the comparisons, or lockstep dropped calls');
  const byName = (name: string) => results.find((r) => r.name === name)!.medianMs;
  const lockstepMs = byName('lockstep shadow.route + observe');
  const tzientistMs = byName('tzientist experimentAsync');
  console.log(
    `\nlockstep shadow (+ observe) / tzientist experimentAsync: ${(lockstepMs / tzientistMs).toFixed(2)}x the time ` +
      `(${ns(lockstepMs, calls).toFixed(0)} ns against ${ns(tzientistMs, calls).toFixed(0)} ns a call; ` +
      `stats only ${(byName('lockstep shadow.route, stats only') / tzientistMs).toFixed(2)}x); ` +
      `${published + tzPublished} comparisons published, all matching`,
  );
  return { lockstepMs, tzientistMs };
}

{
  const numbers = Array.from({ length: 1024 }, (_, i) => i);
  await shadowAgainstTzientist(
    'Shadow, one candidate, trivial models (x * 2 + 1 against x + x + 1), 20k calls a round',
    20_000,
    numbers,
    (x: number) => x * 2 + 1,
    (x: number) => x + x + 1,
    7,
  );
  await shadowAgainstTzientist(
    "Shadow, one candidate, this bench's dense models (64 → 128 → 8), 2k calls a round",
    2_000,
    makeInputs(1024),
    primaryModel,
    candidateModel,
    5,
  );
}

// --- 3. an HTTP service under load ----------------------------------------------------------------------
// The server is a child process (fork), so the load generator's CPU work is not on its event loop: the
// machine's two cores are one for the server and one for the client. Capacity is autocannon's closed
// loop (16 connections, 5 s) on the primary alone; the timed runs offer half of it. Four configurations:
// (a) the primary called directly; (b) shadow with one candidate as costly as the primary at sampleRate
// 1, the candidate on the primary's event loop; (c) the same with the candidate on a worker thread of the
// server (bench/router-candidate-worker.ts), which on 2 cores competes with the load generator for the
// second core; (d) as (b) at sampleRate 0.1. Each repeat runs the four back to back, repeat r starting at
// the r-th configuration (a rotation, so each runs first, second, ... in turn), and the figure is the
// median of the repeats. Two generators offer the rate: an even open-loop schedule (bench/router-load.ts,
// the figure the target is judged on) and autocannon's `overallRate`, which autocannon enforces as a
// per-second quota per connection, so its runs are bursts at full speed.
interface CandidateStats {
  calls: number;
  compared: number;
  matches: number;
  dropped: number;
  timeouts: number;
  errors: number;
}

type Path = '/primary' | '/shadow' | '/shadow-worker' | '/shadow-sampled';
type ShadowPath = Exclude<Path, '/primary'>;

interface ServerStats {
  served: number;
  shadows: Record<ShadowPath, { requests: number; mirrored: number; next: CandidateStats }>;
  /** The whole process (every thread), µs. */
  cpu: { user: number; system: number };
  /** The main thread alone, µs (10 ms ticks); NaN off Linux. */
  mainCpu: number;
}

const CONFIGS: readonly { readonly path: Path; readonly label: string }[] = [
  { path: '/primary', label: '(a) primary directly' },
  { path: '/shadow', label: '(b) shadow, same thread' },
  { path: '/shadow-worker', label: '(c) shadow, worker thread' },
  { path: '/shadow-sampled', label: '(d) shadow, sampleRate 0.1' },
];
const labelOf = (path: Path) => CONFIGS.find((c) => c.path === path)!.label;

interface Run {
  readonly path: Path;
  readonly count: number;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Server CPU time a request, every thread, in µs. */
  readonly cpuUs: number;
  /** Server CPU time a request on its main thread (the event loop), in µs. */
  readonly mainUs: number;
  readonly errors: number;
  /** Cores' worth of CPU that neither this bench's server nor its client used during the run (others'). */
  readonly others: number;
  /** The even schedule's p99 send lag, in ms. */
  readonly lagP99?: number;
}

const quantile = (sorted: Float64Array, p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The machine's busy CPU time (every core, every process), in µs, from /proc/stat; NaN off Linux. */
function machineBusyUs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const t = ticks.map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    return (t.slice(0, 8).reduce((a, b) => a + b, 0) - t[3]! - t[4]!) * 10_000;
  } catch {
    return Number.NaN;
  }
}

{
  const server = fork(new URL('./router-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const base = `http://127.0.0.1:${port}`;
    const body = JSON.stringify({ x: Array.from(makeInputs(1, 'router-bench-request')[0]!) });
    const stats = async () => (await (await fetch(`${base}/stats`)).json()) as ServerStats;

    // Before a run: the server's counters and CPU, the client's CPU, the machine's busy time, the clock.
    const begin = async () => ({
      server: await stats(),
      client: process.cpuUsage(),
      busy: machineBusyUs(),
      t: performance.now(),
    });
    const summarize = async (
      path: Path,
      start: Awaited<ReturnType<typeof begin>>,
      latencies: ArrayLike<number>,
      seconds: number,
      errors: number,
    ): Promise<Run> => {
      const client = process.cpuUsage(start.client);
      const busy = machineBusyUs() - start.busy;
      const wall = (performance.now() - start.t) * 1000;
      const after = await stats();
      const before = start.server;
      const sorted = Float64Array.from(latencies).sort();
      const cpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
      const served = Math.max(1, after.served - before.served);
      return {
        others: (busy - cpu - client.user - client.system) / wall,
        path,
        count: sorted.length,
        rate: sorted.length / seconds,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? Number.NaN,
        cpuUs: cpu / served,
        mainUs: (after.mainCpu - before.mainCpu) / served,
        errors,
      };
    };

    // Latencies from autocannon's per-response event (hrtime, ms as a float): its own histogram keeps
    // whole milliseconds, too coarse for requests of a fraction of one.
    const cannon = async (path: Path, seconds: number, overallRate?: number): Promise<Run> => {
      const before = await begin();
      const latencies: number[] = [];
      const instance = autocannon({
        url: `${base}${path}`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        connections: 16,
        duration: seconds,
        ...(overallRate === undefined ? {} : { overallRate }),
      });
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status === 200) latencies.push(ms);
      });
      const result = await instance;
      return summarize(path, before, latencies, result.duration, result.errors + result.non2xx);
    };
    const even = async (path: Path, seconds: number, rate: number): Promise<Run> => {
      const before = await begin();
      const r = await paced({ url: `${base}${path}`, body, rate, seconds, sockets: 64 });
      return { ...(await summarize(path, before, r.latencies, r.elapsed, r.errors)), lagP99: r.lagP99 };
    };

    // Warm-up: every configuration under closed-loop load (the worker loads and its code is compiled).
    for (const { path } of CONFIGS) await cannon(path, path === '/primary' || path === '/shadow' ? 2 : 1);
    const capacity = await cannon('/primary', 5);
    const rate = Math.round(capacity.rate / 2 / 100) * 100;
    console.log(
      `\n### HTTP service (node:http child process on 127.0.0.1)\n\n` +
        `Primary-only capacity: ${capacity.rate.toFixed(0)} requests/s (autocannon, 16 connections, 5 s), ` +
        `${capacity.cpuUs.toFixed(0)} µs of server CPU a request. Offered rate below: ${rate}/s.`,
    );
    for (const { path } of CONFIGS) await even(path, 1, rate);

    // Short runs, many repeats: the machine's other work comes and goes, and eight rotations of 2 s spread
    // it over the four configurations better than a few long runs would. autocannon's runs only on the
    // first two repeats, to keep the whole bench near 2 minutes.
    const REPEATS = 8;
    const CANNON_REPEATS = 2;
    const loadStart = loadavg()[0]!;
    const shadowBefore = await stats();
    const busyBefore = machineBusyUs();
    const clientBefore = process.cpuUsage();
    const wallStart = performance.now();
    const generators = [
      { name: 'even schedule (bench/router-load.ts), up to 64 sockets', seconds: 2, run: even },
      {
        name: 'autocannon overallRate, 16 connections',
        seconds: 2,
        run: (path: Path, seconds: number, r: number) => cannon(path, seconds, r),
      },
    ];
    const runs = generators.map(() => [] as (Run & { repeat: number })[]);
    for (let r = 0; r < REPEATS; r++) {
      const order = CONFIGS.map((_, j) => CONFIGS[(r + j) % CONFIGS.length]!.path);
      for (let g = 0; g < (r < CANNON_REPEATS ? generators.length : 1); g++)
        for (const path of order)
          runs[g]!.push({ ...(await generators[g]!.run(path, generators[g]!.seconds, rate)), repeat: r + 1 });
    }
    const clientCpu = process.cpuUsage(clientBefore);
    const wall = (performance.now() - wallStart) * 1000;
    const busy = machineBusyUs() - busyBefore;
    const shadowAfter = await stats();
    const loadEnd = loadavg()[0]!;

    const ms = (x: number) => `${x.toFixed(3)} ms`;
    const us = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(0)} µs`);
    generators.forEach((g, i) => {
      const rs = runs[i]!;
      const repeats = rs.length / CONFIGS.length;
      console.log(`\n#### ${rate}/s offered by ${g.name}, ${g.seconds} s a run, ${repeats} repeats\n`);
      console.log(
        "| repeat | config | responses | achieved | p50 | p99 | max | server CPU a request (main thread) | others' CPU |",
      );
      console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
      for (const x of rs)
        console.log(
          `| ${x.repeat} | ${labelOf(x.path)} | ${x.count} | ${x.rate.toFixed(0)}/s | ${ms(x.p50)} | ` +
            `${ms(x.p99)} | ${ms(x.max)} | ${us(x.cpuUs)} (${us(x.mainUs)}) | ${x.others.toFixed(2)} cores |`,
        );
      const of = (path: Path, f: (x: Run) => number) => median(rs.filter((x) => x.path === path).map(f));
      const primaryP99 = of('/primary', (x) => x.p99);
      console.log(`\nMedians of ${repeats}:\n`);
      console.log(
        "| config | p50 | p99 | p99 / primary | per repeat | server CPU a request | main thread | others' CPU |",
      );
      console.log('|---|---:|---:|---:|---|---:|---:|---:|');
      for (const { path, label } of CONFIGS) {
        const p99 = of(path, (x) => x.p99);
        const perRepeat = rs
          .filter((x) => x.path === path)
          .map((x) => x.p99 / rs.find((y) => y.repeat === x.repeat && y.path === '/primary')!.p99);
        const ratio = p99 / primaryP99;
        const verdict = path === '/primary' || i > 0 ? '' : ratio <= 1.05 ? ' (met)' : ' (NOT met)';
        console.log(
          `| ${label} | ${ms(of(path, (x) => x.p50))} | ${ms(p99)} | **${ratio.toFixed(2)}x**${verdict} | ` +
            `${perRepeat.map((v) => v.toFixed(2)).join(', ')} | ${us(of(path, (x) => x.cpuUs))} | ` +
            `${us(of(path, (x) => x.mainUs))} | ${of(path, (x) => x.others).toFixed(2)} cores |`,
        );
      }
      if (i === 0) console.log('\nTarget: p99 / primary <= 1.05x.');
    });
    const httpErrors = runs.flat().reduce((s, x) => s + x.errors, 0);
    console.log('');
    for (const path of ['/shadow', '/shadow-worker', '/shadow-sampled'] as const) {
      const a = shadowAfter.shadows[path];
      const b = shadowBefore.shadows[path];
      console.log(
        `${labelOf(path)} over the timed runs: ${a.requests - b.requests} requests, ${a.mirrored - b.mirrored} mirrored, ` +
          `${a.next.compared - b.next.compared} compared (${a.next.matches - b.next.matches} matching), ` +
          `${a.next.dropped - b.next.dropped} dropped, ${a.next.timeouts - b.next.timeouts} timed out, ` +
          `${a.next.errors - b.next.errors} errors.`,
      );
    }
    const serverCpu =
      shadowAfter.cpu.user + shadowAfter.cpu.system - shadowBefore.cpu.user - shadowBefore.cpu.system;
    const ours = serverCpu + clientCpu.user + clientCpu.system;
    console.log(
      `\n${httpErrors} HTTP errors. Even schedule's p99 send lag: ${ms(median(runs[0]!.map((x) => x.lagP99 ?? Number.NaN)))} ` +
        `(median of runs). Load average (1 min): ${loadStart.toFixed(1)} at the start of the timed runs, ` +
        `${loadEnd.toFixed(1)} at the end, on ${cpus().length} cores (this bench's server and client count in it). ` +
        `CPU over the timed runs, in cores: the machine ${(busy / wall).toFixed(2)}, this bench's server ` +
        `${(serverCpu / wall).toFixed(2)} and client ${((clientCpu.user + clientCpu.system) / wall).toFixed(2)}, ` +
        `everything else ${((busy - ours) / wall).toFixed(2)}.`,
    );
  } finally {
    server.disconnect();
    await once(server, 'exit');
  }
}
