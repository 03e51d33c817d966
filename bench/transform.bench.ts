// lockstep/transform: a fitted 10-feature transform applied to real flights, one request row at a time and
// in batches, against the same transform written with TensorFlow.js ops (CPU and WASM backends), derived
// with arquero 7, and written by hand as typed-array loops (the practical limit), in the same run.
// Targets (the module's issue): single-row `apply` under 1 µs median; batch at least 10x tfjs ops and
// arquero, and within 1.5x of the hand-written loop.
//
// Every peer reads lockstep's fitted values from the artifact (applying is timed, not fitting), and its
// output is checked against lockstep's before anything is timed. The peers are in bench/transform-peers.ts.
//
// Data: 200,000 flights of 2001 (every 15th row of vega-datasets flights-3m, in its own Arrow types), fitted
// on January-June, applied to July-December. flights-200k.arrow cannot feed the spec: it has only delay,
// distance and a fractional hour, no date and no airports.
//
// Starting points. Batch, from the Arrow table: lockstep reads the table (toFrame + kernel); the peers
// extract the columns with apache-arrow first (timed). Batch, from extracted columns: every candidate gets
// the same Float64Array / string[] columns (lockstep as a Frame of those very arrays, built before timing;
// also a Frame built from the Arrow table, whose strings toFrame dictionary-encodes); this is the kernel
// against the kernel. Single row: request objects with the date as epoch ms, built before timing.

import * as tf from '@tensorflow/tfjs';
import { tableToIPC } from 'apache-arrow';
import * as aq from 'arquero';
import { useBackend } from 'lockstep/tfjs';
import {
  apply,
  applyBatch,
  bucketize,
  clip,
  cross,
  datetime,
  fit,
  impute,
  log1p,
  minMax,
  standardize,
  type TransformSpec,
  vocabulary,
} from 'lockstep/transform';
import { frameOf, toFrame } from '../src/core/frame.js';
import { type Candidate, formatRate, measure, report } from './harness.js';
import {
  arqueroEscaped,
  arqueroExpressions,
  arqueroTable,
  arqueroToFloat32,
  compareOutputs,
  extractColumns,
  handBatch,
  handRow,
  loadFlightsSample,
  paramsOf,
  rowsOf,
  tfjsBatch,
  tfjsRow,
  WIDTH,
} from './transform-peers.js';

// ---------------------------------------------------------------------------------------------------------
// Data and fitting (not timed)
// ---------------------------------------------------------------------------------------------------------
const loadStart = performance.now();
const { train, serve, stride } = await loadFlightsSample();
const N = serve.numRows;
console.log(
  `\nflights: every ${stride}th row of vega-datasets flights-3m, ${train.numRows + N} rows of 2001 ` +
    `(${(performance.now() - loadStart).toFixed(0)} ms to load, not timed); fitted on the first ` +
    `${train.numRows} (January-June), applied to the other ${N} (July-December); ` +
    serve.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ') +
    `; nulls: ${serve.schema.fields.reduce((s, f) => s + serve.getChild(f.name)!.nullCount, 0)}`,
);

const spec = {
  delay: [impute({ strategy: 'median' }), clip({ quantiles: [0.01, 0.99] }), standardize()],
  delay_bucket: { input: 'delay', steps: [impute({ strategy: 'median' }), bucketize({ quantiles: 10 })] },
  distance: [log1p(), standardize()],
  distance_scaled: { input: 'distance', steps: [minMax()] },
  hour: { input: 'date', steps: [datetime({ parts: ['hour'], cyclical: true })] },
  day_of_week: { input: 'date', steps: [datetime({ parts: ['dayOfWeek'] })] },
  month: { input: 'date', steps: [datetime({ parts: ['month'] })] },
  origin: vocabulary({ topK: 100 }),
  destination: vocabulary({ topK: 100 }),
  route: cross(['origin', 'destination'], { buckets: 1024 }),
} satisfies TransformSpec;
const fitStart = performance.now();
const fitted = fit(spec, train);
const p = paramsOf(fitted);
console.log(
  `fit: ${(performance.now() - fitStart).toFixed(0)} ms (not timed); ${fitted.columns.length} output columns; ` +
    `delay clip [${p.delayLo}, ${p.delayHi}], bucket boundaries [${[...p.bounds].join(', ')}], ` +
    `vocabularies of ${p.origin.first} and ${p.destination.first} airports (+1 OOV bucket each)`,
);

// The starting points: the Arrow table (lockstep reads it directly), the same columns extracted into plain
// arrays (Float64Array numbers, date in epoch ms, string[] airports), and lockstep Frames of both.
const columns = extractColumns(serve);
const frameFromArrow = toFrame(serve); // airports dictionary-encoded, as toFrame reads Arrow strings
const frameFromArrays = toFrame({
  date: columns.date,
  delay: columns.delay,
  distance: columns.distance,
  origin: columns.origin,
  destination: columns.destination,
}); // the very arrays the hand loop reads
const rows = rowsOf(columns);
const aqTable = arqueroTable(columns);
// arquero's own way in from Arrow: fromArrow on IPC bytes (flechette decodes lazily; Int64 as numbers,
// timestamps as Dates). The bytes are made before timing, as if read from an .arrow file.
const ipc = tableToIPC(serve);
const deriveExpr = arqueroExpressions(p);
const deriveEscaped = arqueroEscaped(p);

await useBackend('wasm');
const wasmReady = tf.getBackend() === 'wasm';
await useBackend('cpu');
const backends = wasmReady ? (['cpu', 'wasm'] as const) : (['cpu'] as const);
if (!wasmReady) console.log('tfjs WASM backend did not start: tfjs runs on the CPU backend only.');
/** Switches tfjs's backend without awaiting: both are initialised, so the switch is synchronous. */
function onBackend(name: string): void {
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`tfjs backend is ${tf.getBackend()}, wanted ${name}`);
}
function tfjsValues(name: string): Float32Array {
  onBackend(name);
  const t = tfjsBatch(p, columns);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Every peer gives lockstep's numbers (checked before timing)
// ---------------------------------------------------------------------------------------------------------
const ours = applyBatch(fitted, serve).values;
const checks: [string, Float32Array][] = [
  ['lockstep applyBatch(Frame from Arrow)', applyBatch(fitted, frameFromArrow).values],
  ['lockstep applyBatch(Frame of the arrays)', applyBatch(fitted, frameFromArrays).values],
  ['lockstep apply(row) for every row', applyRows(rows)],
  ['hand-written batch loop', handBatch(p, columns)],
  ['hand-written row function, every row', handRows(rows)],
  ...backends.map((b): [string, Float32Array] => [`tfjs ops (${b})`, tfjsValues(b)]),
  ...backends.map((b): [string, Float32Array] => [
    `tfjs ops one row at a time (${b}), first 500 rows`,
    tfjsRows(b, 500),
  ]),
  ['arquero derive (expressions)', arqueroToFloat32(deriveExpr(aqTable))],
  ['arquero derive (escape)', arqueroToFloat32(deriveEscaped(aqTable))],
  ['arquero fromArrow(IPC bytes) + derive (expressions)', arqueroToFloat32(deriveExpr(aq.fromArrow(ipc)))],
];
console.log(`\n### Agreement with lockstep applyBatch(Arrow table) on ${N} rows x ${WIDTH} columns\n`);
console.log(
  '| output | float columns: max relative difference | index and date-part values that differ | agrees |',
);
console.log('|---|---:|---:|---|');
let allAgree = true;
for (const [name, values] of checks) {
  const want = values.length === ours.length ? ours : ours.subarray(0, values.length);
  const bitwise = values.length === want.length && values.every((v, i) => Object.is(v, want[i]));
  const a = compareOutputs(values, want);
  allAgree &&= a.equal;
  console.log(
    `| ${name} | ${bitwise ? '0 (bit-identical)' : a.maxFloatError.toExponential(1)} | ${a.integerMismatches} | ` +
      `${a.equal ? 'yes' : `NO: ${a.firstMismatch}`} |`,
  );
}
if (!allAgree) throw new Error('a peer disagrees with lockstep: fix it before timing');

// ---------------------------------------------------------------------------------------------------------
// 2. Batch throughput from the Arrow table: every candidate starts from the same table
// ---------------------------------------------------------------------------------------------------------
const fromArrow: Candidate[] = [
  { name: 'lockstep applyBatch(table)', run: () => applyBatch(fitted, serve).values },
  { name: 'hand-written: extract columns + loop', run: () => handBatch(p, extractColumns(serve)) },
  ...backends.map((b) => ({
    name: `tfjs ops (${b}): extract columns + ops`,
    run: () => tfjsTimed(b, extractColumns(serve)),
  })),
  {
    name: 'arquero: fromArrow(IPC bytes) + derive + to Float32Array',
    run: () => arqueroToFloat32(deriveExpr(aq.fromArrow(ipc))),
  },
  {
    name: 'arquero: extract columns + aq.table + derive + to Float32Array',
    run: () => arqueroToFloat32(deriveExpr(arqueroTable(extractColumns(serve)))),
  },
  {
    name: '(part) lockstep toFrame(table)',
    run: () => frameOf(serve, 'bench', new Set(['date', 'delay', 'distance', 'origin', 'destination'])),
  },
  { name: '(part) hand-written extract columns', run: () => extractColumns(serve) },
];
const arrowResults = measure(N, fromArrow);
report(
  `Rows transformed per second from the Arrow table (${N} rows, 11 output columns)`,
  arrowResults,
  fromArrow[0]!.name,
);

// ---------------------------------------------------------------------------------------------------------
// 3. Batch throughput from columns already extracted: the kernels alone
// ---------------------------------------------------------------------------------------------------------
const fromColumns: Candidate[] = [
  { name: 'lockstep applyBatch(Frame of the arrays)', run: () => applyBatch(fitted, frameFromArrays).values },
  { name: 'lockstep applyBatch(Frame from Arrow)', run: () => applyBatch(fitted, frameFromArrow).values },
  { name: 'hand-written loop', run: () => handBatch(p, columns) },
  ...backends.map((b) => ({ name: `tfjs ops (${b})`, run: () => tfjsTimed(b, columns) })),
  {
    name: 'arquero derive (expressions) + to Float32Array',
    run: () => arqueroToFloat32(deriveExpr(aqTable)),
  },
  { name: 'arquero derive (escape) + to Float32Array', run: () => arqueroToFloat32(deriveEscaped(aqTable)) },
  { name: '(part) arquero derive (expressions) alone', run: () => deriveExpr(aqTable) },
  { name: '(part) arquero derive (escape) alone', run: () => deriveEscaped(aqTable) },
];
const columnResults = measure(N, fromColumns);
report(`Rows transformed per second from extracted columns (${N} rows)`, columnResults, fromColumns[0]!.name);

// ---------------------------------------------------------------------------------------------------------
// 4. Single-row latency: request objects, one at a time
// ---------------------------------------------------------------------------------------------------------
const into = new Float32Array(WIDTH);
const handOut = new Float32Array(WIDTH);
const single = measure(N, [
  {
    name: 'lockstep apply(fitted, row, { into })',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x += apply(fitted, rows[i]!, { into })[10]!;
      return x;
    },
  },
  {
    name: 'lockstep apply(fitted, row) (allocates the output)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x += apply(fitted, rows[i]!)[10]!;
      return x;
    },
  },
  {
    name: 'hand-written row function',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x += handRow(p, rows[i]!, handOut)[10]!;
      return x;
    },
  },
]);
const TF_ROWS = 1000;
const tfSingle = measure(
  TF_ROWS,
  backends.map((b) => ({
    name: `tfjs ops, one row (${b})`,
    run: () => {
      onBackend(b);
      let x = 0;
      for (let i = 0; i < TF_ROWS; i++) {
        const t = tfjsRow(p, rows[i]!);
        x += t.size;
        t.dispose();
      }
      return x;
    },
  })),
  5,
  2,
);
const latency = [...single, ...tfSingle];
const oursLatency = single[0]!;
console.log(
  `\n### Single-row latency (mean per row over each round; median round; ${N} distinct rows, tfjs ${TF_ROWS})\n`,
);
console.log('| candidate | latency per row | rows/s | vs lockstep apply |');
console.log('|---|---:|---:|---:|');
for (const r of latency)
  console.log(
    `| ${r.name} | ${ns(1e9 / r.opsPerSecond)} | ${formatRate(r.opsPerSecond)} | ` +
      `${(oursLatency.opsPerSecond / r.opsPerSecond).toFixed(1)}x |`,
  );

// Per-call latency: each call timed alone (performance.now() around it, the timer's own median cost
// subtracted), over every row, after the runs above have warmed the code.
const perCall = [
  callLatencies('lockstep apply(fitted, row, { into })', (row) => apply(fitted, row, { into })),
  callLatencies('hand-written row function', (row) => handRow(p, row, handOut)),
];
console.log(`\n### Single-row latency, each call timed alone (${N} calls, timer cost subtracted)\n`);
console.log('| candidate | p50 | p90 | p99 | p99.9 |');
console.log('|---|---:|---:|---:|---:|');
for (const c of perCall)
  console.log(`| ${c.name} | ${ns(c.p50)} | ${ns(c.p90)} | ${ns(c.p99)} | ${ns(c.p999)} |`);

// ---------------------------------------------------------------------------------------------------------
// Against the targets
// ---------------------------------------------------------------------------------------------------------
const rate = (results: readonly { name: string; opsPerSecond: number }[], prefix: string) =>
  Math.max(...results.filter((r) => r.name.startsWith(prefix)).map((r) => r.opsPerSecond));
const p50 = perCall[0]!.p50;
const meanLatency = 1e9 / oursLatency.opsPerSecond;
console.log(
  `\nsingle row: lockstep apply ${ns(meanLatency)} per row (mean, median round), ${ns(p50)} p50 per call ` +
    `(target < 1 µs median): ${Math.max(meanLatency, p50) < 1000 ? 'met' : 'NOT met'}; ` +
    `hand-written ${ns(1e9 / single[2]!.opsPerSecond)}`,
);
const batches = [
  ['from the Arrow table', arrowResults[0]!.opsPerSecond, arrowResults],
  ['Frame of the arrays vs extracted columns', columnResults[0]!.opsPerSecond, columnResults],
  [
    'Frame from Arrow vs extracted columns',
    rate(columnResults, 'lockstep applyBatch(Frame from Arrow)'),
    columnResults,
  ],
] as const;
for (const [what, o, results] of batches) {
  const [tfjsRate, aqRate, handRate] = [
    rate(results, 'tfjs'),
    rate(results, 'arquero'),
    rate(results, 'hand'),
  ];
  const tenfold = o / tfjsRate >= 10 && o / aqRate >= 10;
  console.log(
    `batch, ${what}: lockstep ${formatRate(o)} = ${(o / tfjsRate).toFixed(1)}x the fastest tfjs and ` +
      `${(o / aqRate).toFixed(1)}x the fastest arquero (target >= 10x: ${tenfold ? 'met' : 'NOT met'}); ` +
      `the hand-written loop is ${(handRate / o).toFixed(2)}x lockstep (target <= 1.5x: ` +
      `${handRate / o <= 1.5 ? 'met' : 'NOT met'}), and itself ${(handRate / tfjsRate).toFixed(1)}x tfjs, ` +
      `${(handRate / aqRate).toFixed(1)}x arquero`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------
function applyRows(list: readonly Record<string, unknown>[]): Float32Array {
  const out = new Float32Array(list.length * WIDTH);
  list.forEach((row, i) => {
    apply(fitted, row, { into: out.subarray(i * WIDTH, (i + 1) * WIDTH) });
  });
  return out;
}

function handRows(list: readonly Record<string, unknown>[]): Float32Array {
  const out = new Float32Array(list.length * WIDTH);
  list.forEach((row, i) => {
    handRow(p, row, out.subarray(i * WIDTH, (i + 1) * WIDTH));
  });
  return out;
}

function tfjsRows(backend: string, count: number): Float32Array {
  onBackend(backend);
  const out = new Float32Array(count * WIDTH);
  for (let i = 0; i < count; i++) {
    const t = tfjsRow(p, rows[i]!);
    out.set(t.dataSync() as Float32Array, i * WIDTH);
    t.dispose();
  }
  return out;
}

/** The [rows, 11] tensor on `backend`: what a model takes. Disposed after the clock (its size is kept). */
function tfjsTimed(backend: string, c: Parameters<typeof tfjsBatch>[1]): number {
  onBackend(backend);
  const t = tfjsBatch(p, c);
  const size = t.size;
  t.dispose();
  return size;
}

function callLatencies(
  name: string,
  call: (row: Record<string, unknown>) => unknown,
): { name: string; p50: number; p90: number; p99: number; p999: number } {
  const times = new Float64Array(N);
  const empty = new Float64Array(N);
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < N; i++) {
      const a = performance.now();
      const b = performance.now();
      empty[i] = b - a;
      const start = performance.now();
      call(rows[i]!);
      times[i] = performance.now() - start;
    }
  }
  const q = (xs: Float64Array, f: number) => xs[Math.min(xs.length - 1, Math.floor(f * xs.length))]! * 1e6;
  times.sort();
  empty.sort();
  const timer = q(empty, 0.5);
  return {
    name,
    p50: q(times, 0.5) - timer,
    p90: q(times, 0.9) - timer,
    p99: q(times, 0.99) - timer,
    p999: q(times, 0.999) - timer,
  };
}

function ns(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} µs` : `${x.toFixed(0)} ns`;
}
