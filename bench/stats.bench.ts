// lockstep/stats: data profiles against DuckDB's SUMMARIZE and simple-statistics, in the same run.
// Targets (the module's issue): profile flights-3m at >= 20 M numeric values/s single-threaded; within 2x of
// DuckDB's SUMMARIZE time on the same data; memory bounded by sketch sizes, not by row count (peak RSS while
// streaming record batches).
//
// Until lockstep/stats lands, its rows are skipped with a note and the memory run uses a no-op profiler;
// every call into the module is in bench/lockstep-stats.ts.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import * as ss from 'simple-statistics';
import {
  columnAsFloat64,
  FLIGHTS_3M_NUMERIC_COLUMNS,
  flights3mPath,
  loadFlights3m,
} from '../examples/flights-3m.js';
import { type AsyncCandidate, measureAsync, report } from './harness.js';
import { lacks, loadLockstepStats, lockstepProfile, lockstepQuantiles } from './lockstep-stats.js';

const MB = 2 ** 20;
const stats = await loadLockstepStats();

// ---------------------------------------------------------------------------------------------------------
// Data: flights-3m decoded once into an Arrow table (not timed), and loaded once into DuckDB (not timed).
// ---------------------------------------------------------------------------------------------------------
const loadStart = performance.now();
const table = await loadFlights3m();
const rows = table.numRows;
console.log(
  `\nflights-3m: ${rows} rows, ${table.batches.length} Arrow batches, ` +
    `${(arrowBytes(table) / MB).toFixed(0)} MB of Arrow buffers, decoded by parquet-wasm in ` +
    `${(performance.now() - loadStart).toFixed(0)} ms (not timed); ` +
    table.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', '),
);

const cores = (await import('node:os')).availableParallelism();
const duckAll = await openDuckDB({});
const duckOne = await openDuckDB({ threads: '1' });

// ---------------------------------------------------------------------------------------------------------
// 1. The whole profile: DuckDB SUMMARIZE flights vs lockstep profile(table), 3 M rows.
// ---------------------------------------------------------------------------------------------------------
const summary = await duckAll.runAndReadAll('SUMMARIZE flights');
console.log(
  '\nDuckDB SUMMARIZE flights (what the peer computes: approx_unique is HyperLogLog, q25/q50/q75 approximate):\n',
);
printRows(summary.getRowObjectsJson());

const profileCandidates: AsyncCandidate[] = [
  { name: `DuckDB SUMMARIZE (${cores} threads)`, run: () => duckAll.runAndReadAll('SUMMARIZE flights') },
  { name: 'DuckDB SUMMARIZE (1 thread)', run: () => duckOne.runAndReadAll('SUMMARIZE flights') },
  {
    // A reference, not a peer: one pass of count/min/max/mean/variance (Welford) over the two Int64 columns
    // as JavaScript reads them (BigInt64Array, so Number() per value), and nothing else.
    name: 'plain JS: one-pass moments of delay + distance',
    run: () => FLIGHTS_3M_NUMERIC_COLUMNS.map((name) => moments(table, name)),
  },
];
// date is a timestamp: lockstep profiles it as numbers (epoch ms), as DuckDB's SUMMARIZE summarises it.
const NUMERIC_FEATURES = ['date', ...FLIGHTS_3M_NUMERIC_COLUMNS] as const;
const hasProfile = !lacks(stats, ['profile']);
if (hasProfile)
  profileCandidates.push(
    { name: 'lockstep profile(table)', run: () => lockstepProfile(stats!, table) },
    {
      // The numeric columns alone (date is a timestamp, profiled as numbers): the values/s figure.
      name: 'lockstep profile(table, { features: [date, delay, distance] })',
      run: () => lockstepProfile(stats!, table, { features: [...NUMERIC_FEATURES] }),
    },
  );
const profiled = await measureAsync(rows, profileCandidates, 5, 2);
report('flights-3m rows profiled per second (3 M rows, 5 columns)', profiled, profileCandidates[0]!.name);

const ours = profiled.find((r) => r.name === 'lockstep profile(table)');
const numericOnly = profiled.find((r) => r.name.startsWith('lockstep profile(table, { features'));
if (ours && numericOnly) {
  // Numeric throughput: the numeric-only profile, rows x numeric columns over its time.
  const rate = ((rows * NUMERIC_FEATURES.length) / numericOnly.medianMs) * 1000;
  const duckTimeRatio = ours.medianMs / profiled[0]!.medianMs;
  const duckOneRatio = ours.medianMs / profiled[1]!.medianMs;
  console.log(
    `\nlockstep profile: ${(rate / 1e6).toFixed(1)} M numeric values/s ` +
      `(${rows} rows x ${NUMERIC_FEATURES.length} numeric columns in ${numericOnly.medianMs.toFixed(0)} ms); ` +
      `all 5 columns in ${ours.medianMs.toFixed(0)} ms, ` +
      `time ${duckTimeRatio.toFixed(2)}x DuckDB SUMMARIZE on ${cores} threads, ` +
      `${duckOneRatio.toFixed(2)}x on 1 thread ` +
      `(targets: >= 20 M values/s, <= 2x DuckDB's time): ` +
      `${rate >= 20e6 && duckTimeRatio <= 2 ? 'met' : 'NOT met'}`,
  );
} else {
  console.log('\nlockstep profile: skipped (lockstep/stats not there yet).');
}

// ---------------------------------------------------------------------------------------------------------
// 2. One numeric column of 1 M values: mean, variance and 5 quantiles.
// ---------------------------------------------------------------------------------------------------------
const N = 1_000_000;
const PS = [0.01, 0.25, 0.5, 0.75, 0.99];
// The first 1 M delays (integer minutes) as float64: real data, with many ties.
const values = columnAsFloat64(table, 'delay', N);
// simple-statistics is typed for number[]; it is handed one, as a user would.
const valuesArray = Array.from(values);
const psList = PS.join(', ');
await loadDuckColumn(duckAll, values);
await loadDuckColumn(duckOne, values);
const duckExact = `SELECT avg(x) AS mean, var_pop(x) AS variance, quantile_cont(x, [${psList}]) AS q FROM one_m`;
const duckApprox = `SELECT avg(x) AS mean, var_pop(x) AS variance, approx_quantile(x, [${psList}]) AS q FROM one_m`;

const oneM: AsyncCandidate[] = [
  {
    // simple-statistics' quantile copies its input (x.slice()) before selecting, so every round works on a
    // fresh unsorted copy; the copy is part of its real cost and is timed with it.
    name: 'simple-statistics mean + variance + quantile',
    run: () => [ss.mean(valuesArray), ss.variance(valuesArray), ss.quantile(valuesArray, PS)],
  },
  { name: 'simple-statistics mean', run: () => ss.mean(valuesArray) },
  { name: 'simple-statistics variance (population)', run: () => ss.variance(valuesArray) },
  { name: 'simple-statistics quantile (5 ps)', run: () => ss.quantile(valuesArray, PS) },
  {
    name: `DuckDB avg + var_pop + quantile_cont (${cores} threads)`,
    run: () => duckAll.runAndReadAll(duckExact),
  },
  { name: 'DuckDB avg + var_pop + quantile_cont (1 thread)', run: () => duckOne.runAndReadAll(duckExact) },
  { name: 'DuckDB avg + var_pop + approx_quantile (1 thread)', run: () => duckOne.runAndReadAll(duckApprox) },
];
const column = { x: values };
const hasQuantiles = !lacks(stats, ['profile', 'quantiles']);
if (hasQuantiles)
  oneM.push({
    name: 'lockstep profile({ x }) + quantiles',
    run: () => lockstepQuantiles(stats!, lockstepProfile(stats!, column), 'x', PS),
  });
const oneMResults = await measureAsync(N, oneM, 9, 3);
report('1 M delay values: mean, variance, quantiles [' + psList + ']', oneMResults, oneM[0]!.name);

// The answers side by side, so a wrong one shows (simple-statistics' quantile picks an element or averages
// two; quantile_cont interpolates; approximate sketches are close, not equal).
console.log('\nAnswers on the 1 M values:\n');
const answers: Record<string, unknown>[] = [
  {
    who: 'simple-statistics',
    mean: ss.mean(valuesArray),
    variance: ss.variance(valuesArray),
    quantiles: list(ss.quantile(valuesArray, PS)),
  },
];
for (const [who, sql] of [
  ['DuckDB quantile_cont', duckExact],
  ['DuckDB approx_quantile', duckApprox],
] as const) {
  const row = (await duckOne.runAndReadAll(sql)).getRowObjectsJson()[0]!;
  answers.push({ who, mean: row.mean, variance: row.variance, quantiles: list(row.q as number[]) });
}
if (hasQuantiles) {
  const ours = lockstepQuantiles(stats!, lockstepProfile(stats!, column), 'x', PS);
  answers.push({ who: 'lockstep (KLL)', quantiles: list(ours), 'max rank error': maxRankError(ours) });
}
printRows(answers);
duckAll.closeSync();
duckOne.closeSync();

// ---------------------------------------------------------------------------------------------------------
// 3. Memory: peak RSS of a fresh process streaming record batches into createProfiler().update(batch).
// ---------------------------------------------------------------------------------------------------------
interface MemoryRun {
  readonly profiler: string;
  readonly rows: number;
  readonly batches: number;
  readonly batchSize: number;
  readonly baselineRss: number;
  readonly peakRss: number;
  readonly ms: number;
  readonly retained: number;
}
const child = fileURLToPath(new URL('./stats-memory.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const memoryRun = (limit: number, noop: boolean): MemoryRun => {
  const args = ['--expose-gc', '--import', 'tsx', child, String(limit), ...(noop ? ['--noop'] : [])];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as MemoryRun;
};
const small = 1_000_000;
// The no-op stand-in gives the floor (parquet-wasm, apache-arrow, the collector); then lockstep's profiler.
const pairs = [[memoryRun(small, true), memoryRun(rows, true)]];
if (!lacks(stats, ['createProfiler'])) pairs.push([memoryRun(small, false), memoryRun(rows, false)]);
console.log(
  `\n### Peak RSS streaming flights-3m record batches into createProfiler().update(batch) ` +
    `(a fresh process each run, ${pairs[0]![0]!.batchSize}-row batches, RSS sampled after every batch)\n`,
);
console.log(
  '| profiler | rows | batches | RSS before the first batch | peak RSS | peak - before | ' +
    'heap + external after the stream (after gc) | time |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const m of pairs.flat())
  console.log(
    `| ${m.profiler} | ${m.rows} | ${m.batches} | ${mb(m.baselineRss)} | ${mb(m.peakRss)} | ` +
      `${mb(m.peakRss - m.baselineRss)} | ${mb(m.retained)} | ${m.ms.toFixed(0)} ms |`,
  );
const extraRows = rows - small;
console.log(
  `\nThe ${extraRows} extra rows are ${mb((arrowBytes(table) * extraRows) / rows)} as Arrow columns; a ` +
    `bounded profiler keeps the peak's growth near zero (the collector alone moves it by ~20 MB).`,
);
for (const [a, b] of pairs)
  console.log(
    `${a!.profiler}, from ${a!.rows} to ${b!.rows} rows: peak RSS grows by ${mb(b!.peakRss - a!.peakRss)}, ` +
      `memory kept after the stream by ${mb(b!.retained - a!.retained)}`,
  );

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------
async function openDuckDB(options: Record<string, string>): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', options);
  const connection = await instance.connect();
  const path = flights3mPath().replaceAll("'", "''");
  await connection.run(`CREATE TABLE flights AS SELECT * FROM read_parquet('${path}')`);
  return connection;
}

async function loadDuckColumn(connection: DuckDBConnection, xs: Float64Array): Promise<void> {
  await connection.run('CREATE TABLE one_m (x DOUBLE)');
  const appender = await connection.createAppender('one_m');
  for (let i = 0; i < xs.length; i++) {
    appender.appendDouble(xs[i]!);
    appender.endRow();
  }
  appender.closeSync();
}

function moments(
  t: Table,
  name: string,
): { count: number; min: number; max: number; mean: number; m2: number } {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const chunk of t.getChild(name)!.data) {
    const xs = chunk.values as BigInt64Array;
    for (let i = 0; i < chunk.length; i++) {
      const x = Number(xs[i]);
      count++;
      const d = x - mean;
      mean += d / count;
      m2 += d * (x - mean);
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { count, min, max, mean, m2 };
}

/** The largest distance between p and the rank interval [#(< q), #(<= q)] / n of each answer q. */
function maxRankError(answers: readonly number[]): string {
  let worst = 0;
  answers.forEach((q, i) => {
    let below = 0;
    let atOrBelow = 0;
    for (let j = 0; j < values.length; j++) {
      if (values[j]! < q) below++;
      if (values[j]! <= q) atOrBelow++;
    }
    const p = PS[i]!;
    const error = p < below / N ? below / N - p : p > atOrBelow / N ? p - atOrBelow / N : 0;
    worst = Math.max(worst, error);
  });
  return worst.toFixed(4);
}

function arrowBytes(t: Table): number {
  let bytes = 0;
  for (const batch of t.batches)
    for (const child of batch.data.children)
      for (const buffer of [child.values, child.valueOffsets, child.nullBitmap] as (
        | ArrayBufferView
        | undefined
      )[])
        bytes += buffer?.byteLength ?? 0;
  return bytes;
}

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(0)} MB`;
}

function printRows(list: readonly Record<string, unknown>[]): void {
  const keys = [...new Set(list.flatMap((r) => Object.keys(r)))];
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`|${keys.map(() => '---').join('|')}|`);
  for (const r of list) console.log(`| ${keys.map((k) => format(r[k])).join(' | ')} |`);
}

function list(xs: readonly number[]): string {
  return xs.map(format).join(', ');
}

function format(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  return String(v);
}
