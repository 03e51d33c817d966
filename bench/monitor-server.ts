// The HTTP service bench/monitor.bench.ts loads, run as a child process (fork) so the load generator's CPU
// stays on the parent's event loop. Listens on 127.0.0.1 on a port the OS picks, tells the parent over IPC,
// and serves:
//   POST /score              body: a flight (bench/monitor-model.ts's FlightRequest) → {"score": p}: the
//                            transform's apply and the dense network, nothing else
//   POST /score-monitored    the same, and a monitor with the default windows (a minute of Date.now)
//                            observes the request (input, prediction, the model call's latency, version)
//   POST /score-monitored-10k  the same with windows of 10,000 requests (a window closes on the request
//                            path every 2-3 s at these rates)
//   GET  /stats              requests served; per monitored path, requests observed and the ms spent inside
//                            monitor.observe; the process's CPU time (µs, every thread), as JSON
// Exits when the parent disconnects.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMonitor, type Monitor } from '../src/monitor/index.js';
import { type FlightRequest, monitorOptions, observationOf, servedModel } from './monitor-model.js';

const model = servedModel();
const monitors: Record<string, { monitor: Monitor; observed: number; observeMs: number }> = {
  '/score-monitored': { monitor: createMonitor(monitorOptions(model, 'minute')), observed: 0, observeMs: 0 },
  '/score-monitored-10k': { monitor: createMonitor(monitorOptions(model, '10k')), observed: 0, observeMs: 0 },
};
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
      const paths: Record<string, { observed: number; observeMs: number; totals: unknown }> = {};
      for (const [path, m] of Object.entries(monitors))
        paths[path] = { observed: m.observed, observeMs: m.observeMs, totals: m.monitor.snapshot().totals };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ served, paths, cpu: process.cpuUsage() }));
      return;
    }
    const watched = req.url === undefined ? undefined : monitors[req.url];
    if (watched === undefined && req.url !== '/score') {
      res.statusCode = 404;
      res.end();
      return;
    }
    const request = JSON.parse(await readBody(req)) as FlightRequest;
    const started = performance.now();
    const score = model.predict(request);
    if (watched !== undefined) {
      const at = performance.now();
      watched.monitor.observe(observationOf(request, score, at - started));
      watched.observeMs += performance.now() - at;
      watched.observed++;
    }
    served++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ score }));
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
