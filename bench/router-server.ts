// The HTTP service bench/router.bench.ts loads, run as a child process (fork) so that the load generator's
// CPU work stays on the parent's event loop and the server has one of its own. Listens on 127.0.0.1 on a
// port the OS picks, tells the parent over IPC, and serves:
//   POST /primary         body {"x":[64 numbers]} → the primary model's 8 scores, called directly
//   POST /shadow          the same through shadow({ primary, candidates: { next } }) at sampleRate 1, the
//                         candidate on this event loop (after the answer, on a later macrotask)
//   POST /shadow-worker   the same, the candidate an async function that posts the input to a worker
//                         thread (bench/router-candidate-worker.ts) and resolves with its answer
//   POST /shadow-sampled  the same as /shadow at sampleRate 0.1 (sticky by the request's key)
//   GET  /stats           each shadow router's counters and the CPU time, as JSON: the whole process's
//                         (process.cpuUsage(), every thread) and the main thread's alone (Linux's
//                         /proc/self/task/<pid>/stat, in clock ticks of 10 ms; NaN elsewhere)
// Exits when the parent disconnects.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { shadow } from '../src/router/index.js';
import { candidateModel, INPUTS, primaryModel } from './router-model.js';

const options = {
  primary: primaryModel,
  timeoutMs: 1000,
  // Room for every mirrored call at the offered rates (a candidate starts on a later macrotask, about
  // 1 ms on): the point is to measure the shadow's cost with every request mirrored, and `dropped` in
  // /stats shows it was.
  maxConcurrent: 1024,
  compare: 'exact',
} as const;

// (c) One long-lived worker; a request id → resolver map. The input is copied into a Float64Array whose
// buffer is transferred (the caller's input stays intact), the 8 scores come back the same way. Node 20
// does not carry the parent's `--import tsx` hooks into a worker, so a one-line bootstrap registers tsx
// there before importing the TypeScript module.
const workerUrl = new URL('./router-candidate-worker.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');
const worker = new Worker(
  `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
  { eval: true },
);
const pending = new Map<number, { resolve: (out: number[]) => void; reject: (error: unknown) => void }>();
let nextId = 0;
worker.on('message', (message: { id: number; out: Float64Array }) => {
  const waiting = pending.get(message.id);
  pending.delete(message.id);
  waiting?.resolve(Array.from(message.out));
});
worker.on('error', (error) => {
  console.error('router-server: the candidate worker failed:', error);
  for (const waiting of pending.values()) waiting.reject(error);
  pending.clear();
});
const workerCandidate = (x: Float64Array): Promise<number[]> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const copy = x.slice();
    worker.postMessage({ id, x: copy }, [copy.buffer]);
  });

const routers = {
  '/shadow': shadow<Float64Array, number[]>({
    ...options,
    candidates: { next: candidateModel },
    sampleRate: 1,
  }),
  '/shadow-worker': shadow<Float64Array, number[]>({
    ...options,
    candidates: { next: workerCandidate },
    sampleRate: 1,
  }),
  '/shadow-sampled': shadow<Float64Array, number[]>({
    ...options,
    candidates: { next: candidateModel },
    sampleRate: 0.1,
  }),
};
type ShadowPath = keyof typeof routers;

/** The main thread's CPU time in µs (utime + stime of /proc/self/task/<pid>/stat, USER_HZ 100). */
function mainThreadCpu(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command's closing parenthesis, field 3 (state) is index 0, so utime (14) is index 11.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

let served = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url === '/stats') {
      const shadows: Record<string, unknown> = {};
      for (const [path, router] of Object.entries(routers)) {
        const s = router.stats();
        shadows[path] = { requests: s.requests, mirrored: s.mirrored, next: s.candidates.next };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ served, shadows, cpu: process.cpuUsage(), mainCpu: mainThreadCpu() }));
      return;
    }
    const body = await readBody(req);
    const parsed = JSON.parse(body) as { x: number[] };
    if (!Array.isArray(parsed.x) || parsed.x.length !== INPUTS) throw new Error('bad input');
    const x = Float64Array.from(parsed.x);
    const key = `req-${served++}`;
    let out: number[];
    if (req.url === '/primary') out = await primaryModel(x);
    else if (req.url !== undefined && req.url in routers)
      out = await routers[req.url as ShadowPath].route(x, { key });
    else {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(out));
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});
process.on('disconnect', () => {
  void worker.terminate();
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
