// Peak resident memory while streaming flights-3m record batches into a lockstep profiler. Run by
// bench/stats.bench.ts in a process of its own (node --import tsx bench/stats-memory.ts <rows>), so nothing
// else the benchmark holds shows in the figure; prints one JSON line.
//
// RSS is sampled after every batch. Batches are not kept: once the profiler has seen one, it is garbage.
// If lockstep/stats (or its createProfiler) is not there yet, a no-op profiler stands in, which counts rows
// and nothing else: the figure is then the floor set by parquet-wasm, apache-arrow and the garbage collector.
// Pass --noop to use the stand-in even when lockstep/stats is there (the bench prints both, floor and profiler).

import { streamFlights3mBatches } from '../examples/flights-3m.js';
import { lacks, loadLockstepStats, lockstepProfiler, type Profiler } from './lockstep-stats.js';

const args = process.argv.slice(2);
const forceNoop = args.includes('--noop');
const [rowsArg, batchArg] = args.filter((a) => !a.startsWith('--'));
const rows = Number(rowsArg ?? 3_000_000);
const batchSize = Number(batchArg ?? 65_536);

const quietLog = console.log;
console.log = () => {}; // the notes of loadLockstepStats would spoil the JSON line; the parent prints them
const stats = forceNoop ? undefined : await loadLockstepStats();
const missing = forceNoop || lacks(stats, ['createProfiler']);
console.log = quietLog;

let seen = 0;
const noop: Profiler = {
  update: (batch) => {
    seen += (batch as { numRows: number }).numRows;
  },
  result: () => ({ rows: seen }),
};
const profiler = missing ? noop : lockstepProfiler(stats!);

const baselineRss = process.memoryUsage.rss();
let peakRss = baselineRss;
let batches = 0;
let streamed = 0;
const start = performance.now();
for await (const batch of streamFlights3mBatches({ limit: rows, batchSize })) {
  profiler.update(batch);
  batches++;
  streamed += batch.numRows;
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}
const ms = performance.now() - start;
// What the profiler keeps once the batches are gone: the heap and external memory after a full collection
// (the parent runs this file with --expose-gc), before result() builds its artifact.
(globalThis as { gc?: () => void }).gc?.();
const { heapUsed, external } = process.memoryUsage();
const result = profiler.result();

console.log(
  JSON.stringify({
    profiler: missing ? 'no-op stand-in' : 'lockstep createProfiler',
    rows: streamed,
    batches,
    batchSize,
    baselineRss,
    peakRss,
    ms,
    retained: heapUsed + external,
    resultBytes: JSON.stringify(result)?.length ?? 0,
  }),
);
