// The HTTP service bench/router.bench.ts loads, run as a child process (fork) so that autocannon's own
// CPU work stays on the parent's event loop and the server has one of its own. Listens on 127.0.0.1 on a
// port the OS picks, tells the parent over IPC, and serves:
//   POST /primary  body {"x":[64 numbers]} → the primary model's 8 scores, called directly
//   POST /shadow   the same through shadow({ primary, candidates: { next } }) at sampleRate 1
//   GET  /stats    the shadow router's counters and the process's CPU time (process.cpuUsage()), as JSON
// Exits when the parent disconnects.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shadow } from '../src/router/index.js';
import { candidateModel, INPUTS, primaryModel } from './router-model.js';

const router = shadow<Float64Array, number[]>({
  primary: primaryModel,
  candidates: { next: candidateModel },
  sampleRate: 1,
  timeoutMs: 1000,
  // Room for every mirrored call at the offered rates (a candidate starts on a later macrotask, about
  // 1 ms on): the point is to measure the shadow's cost with every request mirrored, and `dropped` in
  // /stats shows it was.
  maxConcurrent: 1024,
  compare: 'exact',
});

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
      const s = router.stats();
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          served,
          requests: s.requests,
          mirrored: s.mirrored,
          next: s.candidates.next,
          cpu: process.cpuUsage(),
        }),
      );
      return;
    }
    const body = await readBody(req);
    const parsed = JSON.parse(body) as { x: number[] };
    if (!Array.isArray(parsed.x) || parsed.x.length !== INPUTS) throw new Error('bad input');
    const x = Float64Array.from(parsed.x);
    const key = `req-${served++}`;
    let out: number[];
    if (req.url === '/primary') out = await primaryModel(x);
    else if (req.url === '/shadow') out = await router.route(x, { key });
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
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
