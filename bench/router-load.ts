// An open-loop load generator for bench/router.bench.ts: requests sent at evenly spaced intended times
// (rate per second, scheduled on a 1 ms tick), whatever the server's answers, over keep-alive sockets.
// Sends never wait for answers (open loop), so a slow server cannot slow the offered load down. A
// request's latency runs from its send to the end of its response; how late the sends were against the
// schedule (the 1 ms tick, a busy client) is reported apart, so the client's lag does not count as the
// server's.
//
// Why not autocannon's `overallRate` alone: autocannon 9 turns it into a per-connection quota per second
// (lib/httpClient.js: `reqsMadeThisSecond < rate`, reset by a 1 s interval), and each connection sends
// back to back until its quota is spent, so the offered load is the full closed-loop rate for part of
// every second and nothing for the rest, not an even rate.
import { Agent, request } from 'node:http';

export interface PacedOptions {
  readonly url: string;
  readonly body: string;
  /** Requests a second. */
  readonly rate: number;
  readonly seconds: number;
  /** Most sockets open at once. */
  readonly sockets: number;
}

export interface PacedResult {
  /** Latencies of the 200 responses, in ms, in completion order. */
  readonly latencies: Float64Array;
  readonly sent: number;
  readonly errors: number;
  /** How late sends were against their intended times, in ms: the 99th percentile. */
  readonly lagP99: number;
  /** Seconds from the first intended send to the last response. */
  readonly elapsed: number;
}

export function paced(options: PacedOptions): Promise<PacedResult> {
  const { url, body, rate, seconds, sockets } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  let sent = 0;
  let done = 0;
  let ok = 0;
  let errors = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      if (++done < total) return;
      agent.destroy();
      lags.sort();
      resolve({
        latencies: latencies.subarray(0, ok),
        lagP99: lags[Math.max(0, Math.ceil(0.99 * total) - 1)]!,
        sent,
        errors,
        elapsed: (performance.now() - start) / 1000,
      });
    };
    const send = (intended: number) => {
      const sentAt = performance.now();
      lags[sent - 1] = sentAt - intended;
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies[ok++] = performance.now() - sentAt;
          else errors++;
          finish();
        });
      });
      req.on('error', () => {
        errors++;
        finish();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) send(start + (sent++ * 1000) / rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}
