// The lockstep end-to-end demo, on real data (vega-datasets: US domestic flights, 2001).
// Run: npm install && npm run demo. Each module adds its step here.
//
// Outputs: the HTML reports and the monitor's sampled request log go to reports/ (or $LOCKSTEP_DEMO_OUT),
// and the fs registry of step 12 to a temporary directory removed at the end (or $LOCKSTEP_DEMO_OUT/registry,
// kept). Every flight carries a traveller's contact address, personal data marked `pii`; one of them is a
// canary (DEMO_PII_CANARY), and test/examples/demo-canary.test.ts checks no output holds it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { tableFromIPC } from 'apache-arrow';
import { compare, exampleSkew } from 'lockstep/drift';
import { evaluate, gate, promote, rocAucScore } from 'lockstep/evaluate';
import { type AlertEvent, createMonitor } from 'lockstep/monitor';
import { createFsRegistry } from 'lockstep/registry/fs';
import { renderReport } from 'lockstep/report';
import {
  analyze,
  canary,
  createMemoryRolloutStore,
  createRollout,
  pause,
  setWeight,
  shadow,
} from 'lockstep/router';
import {
  compileValidator,
  inferSchema,
  markPii,
  partitionValid,
  suggestPii,
  validate,
} from 'lockstep/schema';
import {
  createRng,
  type Frame,
  fingerprintData,
  sampleByKey,
  splitByTime,
  splitFrame,
  toFrame,
} from 'lockstep/split';
import { type ProfileArtifact, profile, quantiles, topValues } from 'lockstep/stats';
import {
  createBatches,
  type RegistrySaveResult,
  registryIOHandler,
  toTensor,
  useBackend,
} from 'lockstep/tfjs';
import {
  apply,
  applyBatch,
  checkOutput,
  cross,
  datetime,
  fit,
  log1p,
  oneHot,
  parseTransform,
  standardize,
  vocabulary,
} from 'lockstep/transform';
import { vegaDataPath as dataDir } from '../data.js';
import { columnAsFloat64, readFlights3mRowGroup } from '../flights-3m.js';

const out = process.env.LOCKSTEP_DEMO_OUT;
// LOCKSTEP_DEMO_PII=off leaves contact unmarked: the canary test's control run, in which it must show up.
const piiOff = process.env.LOCKSTEP_DEMO_PII === 'off';
const PII = piiOff ? [] : ['contact'];
/** A traveller's contact address, as request logs carry one: personal data no output may hold. */
const DEMO_PII_CANARY = 'canary.traveller.7f3a@example.org';
const contactOf = (i: number, canaryAt: number) =>
  i === canaryAt ? DEMO_PII_CANARY : `traveller${(i * 7919) % 5000}@example.com`;

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`.padStart(6);
const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

// 1. Load: 20,000 flights as JSON rows, and 200,000 as an Arrow table.
type Flight = { date: string; delay: number; distance: number; origin: string; destination: string };
const flights = JSON.parse(readFileSync(dataDir('flights-20k.json'), 'utf8')) as Flight[];
// Dates come as '2001/01/01 00:47' (UTC): make them Dates, so they are profiled as timestamps.
const utc = (text: string) => new Date(`${text.replace(/\//g, '-').replace(' ', 'T')}Z`);
// Each flight gets a traveller's contact address (synthetic; one of them the canary, in January).
const rows = flights.map((f, i) => ({
  ...f,
  date: utc(f.date),
  route: `${f.origin}-${f.destination}`,
  contact: contactOf(i, 4242),
}));
const frame = toFrame(rows);
console.log(`\n1. Data: flights-20k, ${frame.length} rows; columns ${frame.names.join(', ')}`);
console.log(
  `   contact is personal data (a synthetic address a flight); one of them is a canary that no output of this demo may hold`,
);

// 2. Split by a stable key. Every flight of a route lands in the same split, on every machine, so the
//    model is evaluated on routes it has never seen, and the split replays exactly next month.
const splits = { train: 0.8, eval: 0.1, test: 0.1 };
let start = performance.now();
const byRoute = splitFrame(rows, { key: 'route', splits, salt: 'flights-2001-v1' });
console.log(`\n2. splitFrame by route (salt 'flights-2001-v1', ${ms(start)}):`);
const routesIn = (f: Frame) => {
  const c = f.columns.get('route');
  return new Set(c?.kind === 'string' ? c.values : []);
};
const routeSets = Object.fromEntries(Object.entries(byRoute).map(([name, f]) => [name, routesIn(f)]));
for (const [name, f] of Object.entries(byRoute)) {
  const weight = splits[name as keyof typeof splits];
  console.log(
    `   ${name.padEnd(5)} ${String(f.length).padStart(6)} rows ${pct(f.length, frame.length)} (weight ${weight})  ${String(routeSets[name]!.size).padStart(4)} routes`,
  );
}
const shared = [...routeSets.train!].filter((r) => routeSets.eval!.has(r) || routeSets.test!.has(r)).length;
console.log(`   routes in more than one split: ${shared}`);

// 3. Split by time: January and February to train, the first half of March to evaluate, the rest to test.
const byTime = splitByTime(rows, { column: 'date', boundaries: ['2001-03-01', '2001-03-16'] });
console.log('\n3. splitByTime on date (UTC, boundaries 2001-03-01 and 2001-03-16):');
for (const [name, f] of Object.entries(byTime))
  console.log(`   ${name.padEnd(5)} ${String(f.length).padStart(6)} rows ${pct(f.length, frame.length)}`);

// 4. Fingerprint the training data: the lineage record of exactly what a model saw. Row order does not
//    matter; one changed value does.
start = performance.now();
const trainPrint = fingerprintData(byRoute.train);
const trainTime = ms(start);
const trainRows = rows.filter((r) => routeSets.train!.has(r.route));
const shuffled = createRng('demo').shuffle(trainRows);
const edited = trainRows.map((r, i) => (i === 0 ? { ...r, delay: r.delay + 1 } : r));
console.log(`\n4. fingerprintData(train): ${trainPrint.slice(0, 16)}… (${trainTime})`);
console.log(`   same rows shuffled:     ${fingerprintData(shuffled).slice(0, 16)}…`);
console.log(`   one delay changed:      ${fingerprintData(edited).slice(0, 16)}…`);

// 5. Arrow: 200,000 flights read from an Arrow IPC file, fingerprinted without building row objects.
const table = tableFromIPC(readFileSync(dataDir('flights-200k.arrow')));
start = performance.now();
const arrowPrint = fingerprintData(table);
console.log(
  `\n5. flights-200k.arrow: ${table.numRows} rows, fingerprint ${arrowPrint.slice(0, 16)}… (${ms(start)})`,
);

// 6. Serving: log a consistent 5% of routes. Every replica, every day, picks the same routes.
const logged = rows.filter((r) => sampleByKey(r.route, 0.05, { salt: 'serving-log' }));
const loggedRoutes = new Set(logged.map((r) => r.route)).size;
console.log(
  `\n6. sampleByKey(route, 5%): ${logged.length} flights ${pct(logged.length, rows.length)} on ${loggedRoutes} routes`,
);

// 7. Seeded randomness for training: the same batch order on every run.
const order = createRng('train-run-1').shuffle(Array.from({ length: byRoute.train.length }, (_, i) => i));
console.log(
  `\n7. createRng('train-run-1').shuffle(train rows): first rows ${order.slice(0, 6).join(', ')}, …`,
);
// 8. Profiles: the training months (January and February) and a later month (March), side by side.
//    Mergeable sketches: quantiles, distinct counts and top values in bounded memory.
const FEATURES = ['date', 'delay', 'distance', 'origin', 'destination'];
start = performance.now();
// contact is profiled as personal data: counts and a distinct estimate, no value kept.
const trainProfile = profile(byTime.train, { features: [...FEATURES, 'contact'], pii: PII });
const march = profile(
  rows.filter((r) => r.date >= utc('2001/03/01 00:00')),
  { features: FEATURES },
);
console.log(
  `\n8. profile (${ms(start)}): training months (${trainProfile.rows} rows) vs March (${march.rows} rows)`,
);
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
function cells(p: ProfileArtifact, name: string): string[] {
  const f = p.features.find((x) => x.name === name)!;
  if (f.type === 'timestamp') {
    const [lo, hi] = quantiles(p, name, [0, 1]);
    return [f.type, String(f.missing), `${day(lo!)} .. ${day(hi!)}`, '', ''];
  }
  if (f.numeric) {
    const [p50, p99] = quantiles(p, name, [0.5, 0.99]);
    const { mean, stdDev } = f.numeric;
    return [
      f.type,
      String(f.missing),
      `mean ${mean!.toFixed(1)}  sd ${stdDev!.toFixed(1)}`,
      `p50 ${p50}  p99 ${p99}`,
      '',
    ];
  }
  const top = topValues(p, name, 3).map((t) => `${t.value} ${pct(t.count, f.present).trim()}`);
  return [f.type, String(f.missing), `${f.categorical!.distinct} distinct`, '', top.join(', ')];
}
const header = ['feature', 'data', 'type', 'missing', 'summary', 'quantiles', 'top values'];
const lines = FEATURES.flatMap((name) => [
  [name, 'train', ...cells(trainProfile, name)],
  ['', 'March', ...cells(march, name)],
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((r) => r[i]!.length)));
for (const line of [header, ...lines])
  console.log(`   ${line.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
const contactProfile = trainProfile.features.find((f) => f.name === 'contact')!;
console.log(
  `   contact (pii): ${contactProfile.present} present, about ${contactProfile.categorical?.distinct ?? '?'} distinct; no values, quantiles or top values kept`,
);
console.log();

// 9. Schema: inferred from January (airports as categories with a domain, integer ranges for delay and
//    distance), then February and March validated against it: new airports, out-of-range delays.
const january = rows.filter((r) => r.date < utc('2001/02/01 00:00')).map(({ route: _, ...r }) => r);
const later = rows.filter((r) => r.date >= utc('2001/02/01 00:00')).map(({ route: _, ...r }) => r);
const inferred = inferSchema(january, {
  maxDomainSize: 300,
  inferRanges: true,
  types: { origin: 'categorical', destination: 'categorical' },
  environments: ['training', 'serving'],
});
// Personal data is suggested, never marked silently: a person marks it (and the schema drops its domain).
const suggestions = suggestPii(january);
const schema = markPii(
  inferred,
  suggestions.map((s) => s.feature!).filter((f) => PII.includes(f)),
);
console.log(
  `9. inferSchema(January, ${january.length} rows): ${schema.features.map((f) => `${f.name} ${f.type}`).join(', ')}`,
);
console.log(`   delay: ${schema.features.find((f) => f.name === 'delay')!.reason}`);
for (const s of suggestions)
  console.log(`   suggestPii: ${s.feature} ${s.reason} (${s.reasonCode}); marked pii with markPii`);
const report = validate(later, schema, { environment: 'serving' });
console.log(
  `   validate(February and March, ${later.length} rows): ok ${report.ok}, ${report.anomalies.length} anomalies`,
);
for (const a of report.anomalies) {
  const detail = a.values
    ? `new: ${a.values
        .slice(0, 6)
        .map((v) => `${v.value} (${v.count})`)
        .join(', ')}${a.values.length > 6 ? ', …' : ''}`
    : a.range
      ? `received ${a.range.min} .. ${a.range.max}, expected ${a.expected}`
      : a.received;
  console.log(
    `   ${a.severity.padEnd(7)} ${a.code.padEnd(19)} ${String(a.feature ?? '').padEnd(11)} ${String(a.count).padStart(4)} rows  ${detail}`,
  );
}
const check = compileValidator(schema, { environment: 'serving' });
const request = {
  date: new Date(),
  delay: 12,
  distance: 733,
  origin: 'SFO',
  destination: 'XXX',
  contact: 'someone@example.com',
};
console.log(`   one request: ${JSON.stringify(check(request).anomalies.map((a) => [a.code, a.feature]))}`);
const { valid, quarantined } = partitionValid(later, schema, { environment: 'serving' });
console.log(
  `   partitionValid(February and March): ${valid.length} rows valid, ${quarantined.length} quarantined with reasons, none lost\n`,
);

// 10. Drift and skew. First the first two weeks of January against March, feature by feature, with the
//     method chosen by type and size. Then a skew check of the serving path: the features a serving step
//     computes from each request, joined with the features training logged for the same flight.
const firstWeeks = january.filter((r) => r.date < utc('2001/01/15 00:00'));
const marchFlights = later.filter((r) => r.date >= utc('2001/03/01 00:00'));
const drift = compare(firstWeeks, marchFlights, { features: ['delay', 'distance', 'origin', 'destination'] });
console.log(
  `10. compare(first two weeks of January, March): ${drift.dataset.drifted} of ${drift.dataset.compared} features drifted`,
);
for (const f of drift.features) {
  const stat = `${f.method} ${f.statistic.toFixed(4)}${f.pValue !== undefined ? ` (p ${f.pValue.toExponential(2)})` : ''}`;
  console.log(
    `   ${f.feature.padEnd(11)} ${stat.padEnd(28)} ${f.drifted ? 'DRIFT' : 'ok   '}  ${f.reason.split(':')[0]}`,
  );
}
// Training logged each example's features; the serving step computes them again from the raw request.
const trainingFeatures = (r: (typeof january)[number], id: number) => ({
  id,
  hour: r.date.getUTCHours(),
  distanceKm: r.distance * 1.609344,
  route: `${r.origin}-${r.destination}`,
});
const trainingLog = january.map(trainingFeatures);
const requests = january.map((r, id) => ({
  id,
  when: r.date.toISOString(),
  miles: r.distance,
  from: r.origin,
  to: r.destination,
}));
const serve = (q: (typeof requests)[number], roundKm: boolean) => ({
  id: q.id,
  hour: new Date(q.when).getUTCHours(),
  distanceKm: roundKm ? Math.round(q.miles * 1.609344) : q.miles * 1.609344,
  route: `${q.from}-${q.to}`,
});
for (const [name, roundKm] of [
  ['serving path', false],
  ['serving path that rounds km', true],
] as const) {
  const skew = exampleSkew(
    trainingLog,
    requests.map((q) => serve(q, roundKm)),
    { key: 'id' },
  );
  const worst = skew.features[0]!;
  console.log(
    `   exampleSkew(${name}): ${skew.joined} joined, ${skew.identical ? 'identical features' : `${worst.feature} differs in ${(worst.mismatchRate * 100).toFixed(1)}% (max ${worst.maxAbsoluteDifference?.toFixed(3)})`}`,
  );
}
console.log();

// 11. Transform and train. Fit the feature transform once on the training months: distance, hour of day
//     and day of week, origin, destination and the origin × destination route. The label is delay over
//     15 minutes, so delay itself is not an input. Train a small tfjs model with a fixed seed, then score
//     March twice, row by row as a service would (`apply`) and as a batch (`applyBatch`): the same bits.
const spec = {
  distance: [log1p(), standardize()],
  hour: { input: 'date', steps: [datetime({ parts: ['hour', 'dayOfWeek'], cyclical: true })] },
  origin: [vocabulary({ topK: 60 }), oneHot()],
  destination: [vocabulary({ topK: 60 }), oneHot()],
  route: [cross(['origin', 'destination'], { buckets: 256 }), oneHot()],
};
start = performance.now();
const fitted = parseTransform(JSON.stringify(fit(spec, byTime.train)));
console.log(
  `11. fit on the training months (${byTime.train.length} rows, ${ms(start)}): ${fitted.columns.length} columns, artifact ${(JSON.stringify(fitted).length / 1024).toFixed(0)} kB, fingerprint ${fitted.fingerprint.slice(0, 16)}…`,
);
const scaled = checkOutput(fitted, byTime.train).find((c) => c.name === 'distance')!;
console.log(
  `   checkOutput: distance in [${scaled.min.toFixed(2)}, ${scaled.max.toFixed(2)}], ${scaled.nanCount} NaN`,
);
const labels = (f: Frame) => {
  const c = f.columns.get('delay')!;
  if (c.kind !== 'numeric') throw new Error('delay must be numeric');
  return Float32Array.from(c.values, (d) => (d > 15 ? 1 : 0));
};
const backend = await useBackend('wasm');
const SEED = 2001;
const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [fitted.columns.length],
      units: 16,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }),
    }),
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1 }),
    }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy' });
const xs = toTensor(fitted, byTime.train);
const ys = tf.tensor2d(labels(byTime.train), [byTime.train.length, 1]);
start = performance.now();
const history = await model.fitDataset(createBatches({ xs, ys }, { batchSize: 128, seed: SEED }), {
  epochs: 4,
  verbose: 0,
});
const losses = history.history.loss!.map((l) => Number(l).toFixed(4));
const weightPrint = fingerprintData({
  w: Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync()))),
});
console.log(
  `   trained on ${backend} (seed ${SEED}, ${ms(start)}): loss by epoch ${losses.join(', ')}; weights ${weightPrint.slice(0, 16)}…`,
);

// Score March: the batch path, then a service's path, one request object at a time.
const marchRows = rows.filter((r) => r.date >= utc('2001/03/01 00:00'));
start = performance.now();
const batch = applyBatch(fitted, marchRows);
const batchTime = ms(start);
const one = new Float32Array(fitted.columns.length);
const rowWise = new Float32Array(batch.values.length);
start = performance.now();
for (let i = 0; i < marchRows.length; i++) {
  apply(fitted, marchRows[i]!, { into: one });
  rowWise.set(one, i * one.length);
}
const rowTime = performance.now() - start;
const same = Buffer.compare(Buffer.from(batch.values.buffer), Buffer.from(rowWise.buffer)) === 0;
if (!same) throw new Error('apply and applyBatch disagree');
const scores = (values: Float32Array) =>
  tf.tidy(() =>
    (model.predict(tf.tensor2d(values, [marchRows.length, fitted.columns.length])) as tf.Tensor).dataSync(),
  );
const batchScores = scores(batch.values);
const rowScores = scores(rowWise);
if (!batchScores.every((v, i) => Object.is(v, rowScores[i]))) throw new Error('scores disagree');
const late = Float32Array.from(marchRows, (r) => (r.delay > 15 ? 1 : 0));
const positives = late.reduce((a, b) => a + b, 0);
const auc = rocAucScore(late, batchScores);
console.log(
  `   March (${marchRows.length} flights, ${pct(positives, marchRows.length).trim()} late): applyBatch ${batchTime}, apply ${((1000 * rowTime) / marchRows.length).toFixed(2)} µs a row`,
);
console.log(
  `   apply row by row and applyBatch: bit-identical features and scores (${same && 'asserted'}); AUC ${auc.toFixed(3)}`,
);
tf.dispose([xs, ys]);
console.log();

// 12. Registry, gate, promotion. An fs registry (plain JSON and content-addressed blobs a person can read)
//     holds the champion so far, a heuristic (each origin's late rate in the training months), as version 1.
//     The tfjs model is registered as version 2 with its transform, schema, training profile and lineage.
//     Both are evaluated on March by origin airport, with bootstrap intervals; the gate compares them slice
//     by slice; promote moves `champion` only on a passed gate, and only if it still points at version 1.
//     Then a service's start-up: load `flights-delay@champion` and its transform, and score March again.
const dir =
  out === undefined ? mkdtempSync(join(tmpdir(), 'lockstep-demo-registry-')) : join(out, 'registry');
const registry = createFsRegistry({ dir });
const NAME = 'flights-delay';
const trainLate = labels(byTime.train);
const trainOrigin = byTime.train.columns.get('origin')!;
const originRates = new Map<string, { late: number; n: number }>();
if (trainOrigin.kind === 'string')
  trainOrigin.values.forEach((o, i) => {
    if (o === undefined) return;
    const r = originRates.get(o) ?? { late: 0, n: 0 };
    r.late += trainLate[i]!;
    r.n += 1;
    originRates.set(o, r);
  });
const overallRate = trainLate.reduce((a, b) => a + b, 0) / trainLate.length;
// Smoothed towards the overall rate (20 pseudo-flights), so a small airport is not scored 0 or 1.
const heuristic = Object.fromEntries(
  [...originRates].map(([o, r]) => [o, (r.late + 20 * overallRate) / (r.n + 20)]),
);
const v1 = await registry.createVersion({
  name: NAME,
  artifacts: { 'late-rate-by-origin': { overall: overallRate, byOrigin: heuristic } },
  tags: { kind: 'heuristic' },
  description: "each origin's late rate in January and February",
  actor: 'demo',
});
await registry.setAlias(NAME, 'champion', v1.version, { actor: 'demo', reason: 'first baseline' });
const trainSchema = inferSchema(byTime.train, { maxDomainSize: 300 });
const saved = (await model.save(
  registryIOHandler(registry, NAME, {
    artifacts: { transform: fitted, schema: trainSchema, profile: trainProfile },
    lineage: {
      dataFingerprint: fingerprintData(byTime.train),
      seed: SEED,
      schemaFingerprint: trainSchema.fingerprint,
      transformFingerprint: fitted.fingerprint,
      profileFingerprint: trainProfile.fingerprint,
      hyperparameters: { units: 16, epochs: 4, batchSize: 128, learningRate: 0.005 },
      parent: `${NAME}@champion`,
    },
    tags: { kind: 'tfjs', backend },
    actor: 'demo',
  }),
)) as RegistrySaveResult;
const v2 = saved.version;
console.log(`12. createFsRegistry at ${dir}:`);
console.log(
  `   ${v1.ref}  heuristic (late rate of ${originRates.size} origins), artifacts: ${Object.keys(v1.artifacts).join(', ')}; @champion`,
);
console.log(`   ${v2.ref}  tfjs model, artifacts: ${Object.keys(v2.artifacts).join(', ')}`);
console.log(
  `             lineage: data ${v2.lineage.dataFingerprint!.slice(0, 12)}…, seed ${v2.lineage.seed}, transform ${v2.lineage.transformFingerprint!.slice(0, 12)}…, parent ${v2.lineage.parent}`,
);
const marchOrigins = marchRows.map((r) => ({ origin: r.origin }));
const heuristicScores = marchRows.map((r) => heuristic[r.origin] ?? overallRate);
const judge = (predictions: ArrayLike<number>) =>
  evaluate({
    task: 'binary',
    labels: late,
    predictions: Array.from(predictions),
    data: marchOrigins,
    slices: ['origin'],
    metrics: ['rocAuc', 'brier', 'logLoss'],
    seed: 'march',
  });
start = performance.now();
const candidate = judge(batchScores);
const baseline = judge(heuristicScores);
const span = (m: { value: number; low: number; high: number }) =>
  `${m.value.toFixed(3)} [${m.low.toFixed(3)}, ${m.high.toFixed(3)}]`;
console.log(
  `   evaluate(March by origin, ${candidate.slices.length} slices, 200 bootstrap resamples each; ${ms(start)} for both):`,
);
for (const metric of ['rocAuc', 'brier'] as const)
  console.log(
    `     ${metric.padEnd(6)} model ${span(candidate.metrics[metric]!)}   heuristic ${span(baseline.metrics[metric]!)}`,
  );
const verdict = gate({
  candidate,
  baseline,
  refs: { candidate: v2.ref, baseline: v1.ref },
  rules: { metrics: ['rocAuc', 'brier'], tolerance: 0.01, minRows: 100, floors: { rocAuc: 0.55 } },
  model: {
    inputWidth: model.inputs[0]!.shape[1]!,
    transformOutputWidth: fitted.columns.length,
    schemaFingerprint: v2.lineage.schemaFingerprint!,
    expectedSchemaFingerprint: trainSchema.fingerprint,
  },
});
const compared = new Set(verdict.checks.filter((c) => c.slice !== undefined).map((c) => c.slice)).size;
const failedChecks = verdict.checks.filter((c) => !c.passed);
console.log(
  `   gate(rocAuc and brier not worse beyond 0.01, overall and in ${compared} origins with ≥ 100 flights; rocAuc ≥ 0.55; input width; schema): ${verdict.passed ? 'passed' : 'FAILED'}, ${verdict.checks.length - failedChecks.length} of ${verdict.checks.length} checks`,
);
for (const c of failedChecks.slice(0, 5)) console.log(`     failed: ${c.message}`);
const closest = verdict.checks
  .filter((c) => c.code === 'NOT_WORSE' && c.slice !== undefined && c.metric === 'rocAuc')
  .map((c) => ({ c, margin: (c.received as number) - (c.expected as number) }))
  .sort((a, b) => a.margin - b.margin)
  .slice(0, 2);
for (const { c } of closest) console.log(`     closest: ${c.message}`);
const promotion = await promote(registry, v2.ref, 'champion', {
  gate: verdict,
  expected: v1.version,
  actor: 'demo',
});
console.log(
  `   promote(${v2.ref} to champion, expected ${v1.ref}): ${promotion.promoted ? 'promoted' : 'not promoted'}; gate stored as '${promotion.artifact}'`,
);

// A service starting up: the champion's model and transform, read by alias, each verified by SHA-256.
const served = await registry.resolve(`${NAME}@champion`);
const servedModel = await tf.loadLayersModel(registryIOHandler(registry, served.ref));
const servedTransform = await registry.readJson(served.ref, 'transform', parseTransform);
const servedScores = tf.tidy(() =>
  (
    servedModel.predict(
      tf.tensor2d(applyBatch(servedTransform, marchRows).values, [
        marchRows.length,
        servedTransform.columns.length,
      ]),
    ) as tf.Tensor
  ).dataSync(),
);
if (!servedScores.every((v, i) => Object.is(v, batchScores[i])))
  throw new Error('the champion scores differently');
console.log(
  `   loadLayersModel(${NAME}@champion → ${served.ref}) and its transform: March scores bit-identical to training's (asserted)`,
);
const events = await registry.history(NAME);
console.log(`   history(${NAME}): ${events.length} events`);
for (const e of events) {
  const what =
    e.type === 'alias.set'
      ? `${e.alias}: ${e.from ?? '-'} → ${e.to}`
      : e.type === 'version.registered'
        ? `version ${e.version}`
        : e.type === 'artifacts.added'
          ? `${e.artifacts.join(', ')} to version ${e.version}`
          : '';
  console.log(
    `     ${e.index}. ${e.type.padEnd(18)} ${what.padEnd(46)} ${e.actor ?? ''}${e.reason ? `: ${e.reason}` : ''}`,
  );
}
console.log(
  `   on disk: ${readdirSync(dir).join(', ')} (JSON records and SHA-256-named blobs); removed after the demo`,
);
console.log();

// 13. Serving with a router. The champion, read back from the registry, answers April's flights (flights-3m,
//     10 to 26 April 2001) as requests: one row, one transform `apply`, one forward pass. A candidate
//     retrained on January to March (another seed) first runs in shadow: every answer compared with the
//     champion's, off the caller's path. Then a canary rollout moves traffic to it step by step and
//     promotes it or rolls it back on the Brier score of each answer (the flight's outcome is known here at
//     once; in production it arrives later, and `record` takes it then). Last, a deliberately broken
//     candidate (a sign flipped in post-processing: it answers 1 − p) is rolled back on its own. A monitor
//     observes every request served, for step 14.
const aprilTable = await readFlights3mRowGroup(6);
const aprilCols = {
  date: aprilTable.getChild('date')!,
  delay: columnAsFloat64(aprilTable, 'delay'),
  distance: columnAsFloat64(aprilTable, 'distance'),
  origin: aprilTable.getChild('origin')!,
  destination: aprilTable.getChild('destination')!,
};
const april = Array.from({ length: aprilTable.numRows }, (_, i) => ({
  date: new Date(Number(aprilCols.date.get(i))),
  delay: aprilCols.delay[i]!,
  distance: aprilCols.distance[i]!,
  origin: String(aprilCols.origin.get(i)),
  destination: String(aprilCols.destination.get(i)),
  contact: contactOf(i, 492), // the canary: a request the 1 % sampled log takes (step 13)
}));
type Request = (typeof april)[number];

/** A dense relu → sigmoid network as a plain function of the transform's output (no tensors per request). */
function denseScorer(m: tf.LayersModel): (x: Float32Array) => number {
  const [w1, b1, w2, b2] = m.getWeights().map((w) => w.dataSync() as Float32Array) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const hidden = b1.length;
  const inputs = w1.length / hidden;
  return (x) => {
    let out = b2[0]!;
    for (let j = 0; j < hidden; j++) {
      let h = b1[j]!;
      for (let i = 0; i < inputs; i++) if (x[i] !== 0) h += x[i]! * w1[i * hidden + j]!;
      if (h > 0) out += h * w2[j]!;
    }
    return 1 / (1 + Math.exp(-out));
  };
}
const buffer = new Float32Array(servedTransform.columns.length);
const modelOf = (m: tf.LayersModel, post: (p: number) => number = (p) => p) => {
  const score = denseScorer(m);
  return (row: Request) => post(score(apply(servedTransform, row, { into: buffer })));
};
const champion = modelOf(servedModel);
// The plain function agrees with tfjs on March (float32 weights, float64 sums).
const drift32 = marchRows.reduce(
  (worst, r, i) => Math.max(worst, Math.abs(champion(r) - servedScores[i]!)),
  0,
);
if (drift32 > 1e-5) throw new Error(`the plain scorer differs from tfjs by ${drift32}`);

// The retrained candidate: January to March, seed 2002, the same transform.
const allMonths = toFrame(rows);
const retrained = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [fitted.columns.length],
      units: 16,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1000 }),
    }),
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1001 }),
    }),
  ],
});
retrained.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy' });
const xs3 = toTensor(fitted, allMonths);
const ys3 = tf.tensor2d(labels(allMonths), [allMonths.length, 1]);
await retrained.fitDataset(createBatches({ xs: xs3, ys: ys3 }, { batchSize: 128, seed: SEED + 1000 }), {
  epochs: 4,
  verbose: 0,
});
tf.dispose([xs3, ys3]);
const v3 = (
  (await retrained.save(
    registryIOHandler(registry, NAME, {
      artifacts: { transform: fitted },
      lineage: { dataFingerprint: fingerprintData(allMonths), seed: SEED + 1000, parent: `${NAME}@champion` },
      tags: { kind: 'tfjs', months: 'jan-mar' },
      actor: 'demo',
    }),
  )) as RegistrySaveResult
).version;
const retrainedScore = modelOf(retrained);
console.log(
  `13. Serving ${april.length} April flights (flights-3m row group 6) with ${served.ref} (plain-function scorer, within ${drift32.toExponential(1)} of tfjs); candidate ${v3.ref} retrained on January to March`,
);

// The monitor watches every request served from here on (shadow and canaries alike): the training profile
// is its baseline, windows of 5,000 requests, each flight's outcome joined by key as a delayed label would
// be. Alert rules: drift of the delay (the minutes late recorded with each flight) and p95 latency.
const MONITORED = ['delay', 'distance', 'origin', 'destination'];
const fired: AlertEvent[] = [];
// 1 % of requests, by key, logged for people to read, contact redacted (a pii feature of the monitor).
const sampled: string[] = [];
const monitor = createMonitor({
  baseline: trainProfile,
  features: MONITORED,
  transform: servedTransform,
  window: { requests: 5_000, keep: 100 },
  labels: { task: 'binary' },
  model: { version: served.ref, createdAt: served.createdAt },
  alerts: [
    { metric: 'drift.delay', above: 0.1, for: 2 },
    { metric: 'latency.p95', above: 1, clearBelow: 0.5 },
  ],
  onAlert: (event) => fired.push(event),
  pii: PII,
  log: { rate: 0.01, salt: 'demo-log', sink: (r) => sampled.push(JSON.stringify(r)) },
});
let monitorMs = 0;
const observe = (row: Request, key: string, prediction: number, since: number) => {
  const now = performance.now();
  monitor.observe({ key, input: row, prediction, latencyMs: now - since });
  monitor.label(key, late4(row));
  monitorMs += performance.now() - now;
};
const late4 = (row: Request) => (row.delay > 15 ? 1 : 0);

// Shadow: 20,000 requests; the caller always gets the champion's answer.
const mirror = shadow({
  primary: (row: Request) => champion(row),
  candidates: { [v3.ref]: (row: Request) => retrainedScore(row) },
  compare: { tolerance: 0.05 },
  maxConcurrent: 1000,
  timeoutMs: 1000,
});
start = performance.now();
for (let i = 0; i < 20_000; i++) {
  const since = performance.now();
  observe(april[i]!, `flight-${i}`, await mirror.route(april[i]!, { key: `flight-${i}` }), since);
  if (i % 64 === 63) await new Promise((r) => setImmediate(r));
}
while (mirror.stats().candidates[v3.ref]!.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
const mirrored = mirror.stats().candidates[v3.ref]!;
console.log(
  `   shadow(${served.ref}, candidate ${v3.ref}), 20,000 requests in ${ms(start)}: ${(100 * mirrored.matchRate).toFixed(1)}% within 0.05 of the champion (mean |difference| ${mirrored.differences.mean.toFixed(4)}, max ${mirrored.differences.max.toFixed(3)}); candidate p99 ${(1000 * mirrored.latency.p99).toFixed(0)} µs, ${mirrored.errors} errors, ${mirrored.timeouts} timeouts, ${mirrored.dropped} dropped`,
);

// What the shadow saw, scored against the outcomes: each model's Brier score on the same 20,000 flights.
const brierOf = (model: (row: Request) => number) =>
  april.slice(0, 20_000).reduce((sum, row) => sum + (model(row) - (row.delay > 15 ? 1 : 0)) ** 2, 0) / 20_000;
console.log(
  `   on those flights: Brier ${brierOf(champion).toFixed(4)} for the champion, ${brierOf(retrainedScore).toFixed(4)} for the candidate (late rate ${((100 * april.slice(0, 20_000).filter((r) => r.delay > 15).length) / 20_000).toFixed(1)}%)`,
);

// Canary rollouts, one after the other: the retrained candidate, then a broken one.
async function rollOut(label: string, ref: string, model: (row: Request) => number, from: number) {
  const router = canary({ baseline: champion, candidate: model, weight: 0, salt: `rollout-${ref}` });
  const current = (await registry.resolve(`${NAME}@champion`)).version;
  const rollout = createRollout({
    name: `${NAME}-${ref}`,
    steps: [setWeight(0.1), pause({ requests: 5_000 }), setWeight(0.5), analyze({ maxRequests: 200_000 })],
    // At least 2,000 answers on each arm before any verdict: a few hours of one day are not a month.
    analysis: { metrics: { brier: { direction: 'lower', margin: 0.005 } }, minSamples: 2_000 },
    store: createMemoryRolloutStore(),
    router,
    onSucceeded: () =>
      registry.setAlias(NAME, 'champion', Number(ref.split('/')[1]), {
        expected: current,
        actor: 'rollout',
        reason: `rollout ${NAME}-${ref} succeeded`,
      }),
    onFailed: (s) => registry.setStatus(ref, 'rejected', { actor: 'rollout', reason: s.reason ?? 'failed' }),
  });
  let state = await rollout.start();
  const at = state.events
    .filter((e) => e.type !== 'started')
    .map((e) => `${e.type}${e.type === 'weight' ? ` ${e.weight}` : ''} at 0`);
  let served = 0;
  for (let i = from; i < april.length && (state.phase === 'progressing' || state.phase === 'paused'); i++) {
    const row = april[i]!;
    const key = `flight-${i}`;
    const arm = router.assign(key);
    const since = performance.now();
    const p = await router.route(row, { key });
    observe(row, key, p, since);
    rollout.record(arm, { brier: (p - late4(row)) ** 2 });
    served++;
    if (served % 250 === 0) {
      const before = state.events.length;
      state = await rollout.sync();
      for (const e of state.events.slice(before))
        at.push(`${e.type}${e.type === 'weight' ? ` ${e.weight}` : ''} at ${served}`);
    }
  }
  const c = state.comparisons.brier;
  console.log(
    `   rollout of ${label} ${ref}: ${state.phase.toUpperCase()} after ${served} requests; weight ${state.weight}`,
  );
  console.log(`     steps: ${at.join(', ')}`);
  console.log(
    `     brier candidate − champion ${c?.estimate?.toFixed(4)}, interval [${c?.low?.toFixed(4)}, ${c?.high?.toFixed(4)}] (margin 0.005; ${c?.baseline} and ${c?.candidate} answers)`,
  );
  if (state.reason !== null)
    console.log(`     reason: ${state.reason.slice(0, 160)}${state.reason.length > 160 ? '…' : ''}`);
  return served;
}
const used = await rollOut('the retrained candidate', v3.ref, retrainedScore, 20_000);
const v4 = await registry.createVersion({
  name: NAME,
  artifacts: { note: { bug: 'post-processing answers 1 − p' } },
  lineage: { parent: v3.ref },
  actor: 'demo',
});
await rollOut('a broken candidate', v4.ref, (row) => 1 - retrainedScore(row), 20_000 + used);
console.log(
  `   ${NAME}@champion is now ${(await registry.resolve(`${NAME}@champion`)).ref}; ${v4.ref} is ${(await registry.getVersion(NAME, v4.version)).status}`,
);
servedModel.dispose();
retrained.dispose();
if (out === undefined) rmSync(dir, { recursive: true, force: true });
console.log();

// 14. Monitor and reports. What the monitor saw over the April requests served above: the alerts that
//     fired (with the window that fired them and its value), then two self-contained HTML reports written
//     to reports/ (ignored by git): the monitor's snapshot, and a drift comparison of the training months
//     with every April request served, with both distributions drawn from the profiles.
start = performance.now();
monitor.closeWindow();
const snap = monitor.snapshot();
const last = snap.windows[snap.windows.length - 1]!;
console.log(
  `14. createMonitor(training profile, windows of 5,000 requests): ${snap.totals.requests} requests in ${snap.totals.windows} windows, ${snap.totals.labels} outcomes joined (observe and label: ${((1000 * monitorMs) / snap.totals.requests).toFixed(1)} µs a request, window closes included); last window: p95 ${last.metrics['latency.p95']?.toFixed(3)} ms, brier ${last.metrics['performance.brier']?.toFixed(3)}`,
);
const driftLine = (w: (typeof snap.windows)[number]) =>
  MONITORED.map((f) => `${f} ${w.metrics[`drift.${f}`]?.toFixed(3)}`).join(', ');
console.log(`   drift per feature (W/σ or JS bits): first window ${driftLine(snap.windows[0]!)}`);
console.log(`                                       last window  ${driftLine(last)}`);
for (const e of fired)
  console.log(
    `   alert ${e.state.toUpperCase()}: ${e.rule} at the close of window ${e.window} (requests ${5_000 * e.window} to ${5_000 * (e.window + 1) - 1}), value ${e.value.toFixed(3)} (${e.state === 'firing' ? 'above' : 'clears below'} ${e.threshold})`,
  );
for (const a of snap.alerts)
  console.log(`   rule ${a.rule.padEnd(16)} now ${a.state.padEnd(8)} latest ${a.value?.toFixed(3) ?? '-'}`);
const reports = out ?? join(fileURLToPath(new URL('../../', import.meta.url)), 'reports');
mkdirSync(reports, { recursive: true });
const generatedAt = new Date().toISOString();
const monitorReport = join(reports, 'demo-monitor.html');
writeFileSync(
  monitorReport,
  renderReport(snap, { title: 'flights-delay: April serving monitor', generatedAt }),
);
const servedRows = april.slice(0, snap.totals.requests);
const aprilProfile = profile(servedRows, { features: MONITORED });
const aprilDrift = compare(trainProfile, aprilProfile, { features: MONITORED });
const driftReport = join(reports, 'demo-drift.html');
writeFileSync(
  driftReport,
  renderReport(aprilDrift, {
    reference: trainProfile,
    current: aprilProfile,
    title: 'flights: training months (January, February) vs April requests',
    generatedAt,
  }),
);
console.log(
  `   compare(training months, ${servedRows.length} April requests): ${aprilDrift.dataset.drifted} of ${aprilDrift.dataset.compared} features drifted (${aprilDrift.features
    .filter((f) => f.drifted)
    .map((f) => `${f.feature} ${f.statistic.toFixed(3)}`)
    .join(', ')})`,
);
console.log(
  `   renderReport(snapshot) and renderReport(comparison, { reference, current }) in ${ms(start)} (profile and compare included):`,
);
const logFile = join(reports, 'demo-sampled-requests.jsonl');
writeFileSync(logFile, `${sampled.join('\n')}\n`);
console.log(`   report of the monitor: ${relative(process.cwd(), monitorReport)}`);
console.log(`   report of the drift:   ${relative(process.cwd(), driftReport)}`);
console.log(
  `   sampled request log:   ${relative(process.cwd(), logFile)} (${sampled.length} requests, 1 % by key, contact redacted)`,
);
console.log();
