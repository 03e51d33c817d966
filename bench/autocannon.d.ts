// The part of autocannon 9's programmatic API bench/router.bench.ts uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests a second across all connections, as a per-second quota per connection. */
    overallRate?: number;
    connectionRate?: number;
    timeout?: number;
    pipelining?: number;
  }

  interface Histogram {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
  }

  interface Result {
    readonly requests: Histogram & { readonly total: number };
    readonly latency: Histogram;
    readonly duration: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
