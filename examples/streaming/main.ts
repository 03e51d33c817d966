// Streaming: flights of March 2001 (flights-3m) scored one event at a time by the flights model, watched by
// lockstep/monitor (count windows, drift against the training profile, alert rules) and an online detector
// (ADWIN on the absolute error), with faults injected half way: an upstream unit bug (distances in
// kilometres) and a storm (every delay 45 minutes longer). Prints each alert with the event that raised it.
//
//   npx tsx examples/streaming/main.ts [--limit 40000] [--fault both|distance-km|delays|none]
//                                      [--at N] [--order shuffled|date]
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdwin } from 'lockstep/drift';
import { createMonitor } from 'lockstep/monitor';
import { createMemoryRegistry } from 'lockstep/registry';
import { renderReport } from 'lockstep/report';
import { profile } from 'lockstep/stats';
import { denseScorer } from '../batch-scoring/batch-score.js';
import { loadFlights20k, splitFlights, trainFlightsModel } from '../shared/flights-model.js';
import { type FlightFault, flightEvents } from './flights.js';
import { type StreamAlert, scoreStream } from './stream.js';

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string', default: '40000' },
    fault: { type: 'string', default: 'both' },
    at: { type: 'string' },
    order: { type: 'string', default: 'shuffled' },
  },
});
const limit = Number(args.limit);
const at = args.at === undefined ? Math.floor(limit / 2) : Number(args.at);
const kinds: FlightFault[] =
  args.fault === 'both'
    ? ['distance-km', 'delays']
    : args.fault === 'none'
      ? []
      : [args.fault as FlightFault];
if (!Number.isInteger(limit) || limit < 1 || kinds.some((k) => k !== 'distance-km' && k !== 'delays'))
  throw new Error(
    'usage: main.ts [--limit N] [--fault both|distance-km|delays|none] [--at N] [--order shuffled|date]',
  );
const order = args.order === 'date' ? 'date' : 'shuffled';

// The model, trained on January and February of flights-20k (about 4 s), and the training profile.
const { model, transform, version } = await trainFlightsModel(createMemoryRegistry());
const score = denseScorer(model);
const baseline = profile(splitFlights(loadFlights20k()).train, {
  features: ['distance', 'origin', 'destination'],
});
console.log(`model ${version.ref} trained; streaming ${limit} flights of March 2001 (${order} order)`);
console.log(
  kinds.length === 0
    ? 'no fault injected'
    : `from event ${at}: ${kinds.map((k) => (k === 'delays' ? 'every delay +45 min (a storm)' : 'distances in km (a unit bug)')).join(', and ')}`,
);

const monitor = createMonitor({
  baseline,
  transform,
  window: { requests: 2_000, keep: 100 },
  labels: { task: 'binary' },
  alerts: [
    { metric: 'drift.distance', above: 0.1 },
    { metric: 'drift.origin', above: 0.1 },
    { metric: 'performance.brier', above: 0.3 },
    { metric: 'latency.p95', above: 5 },
  ],
});
const detector = createAdwin();
const fmt = (x: number | null) => (x === null ? 'null' : x.toFixed(3));
const onAlert = (a: StreamAlert) =>
  console.log(
    a.source === 'detector'
      ? `  event ${String(a.index).padStart(6)}  detector  ADWIN on |error|: change detected (|error| ${fmt(a.value)}, detection ${a.detections})`
      : `  event ${String(a.index).padStart(6)}  monitor   ${a.rule} ${a.state.toUpperCase()} (window ${a.window}, value ${fmt(a.value)})`,
  );

const start = performance.now();
let scored = 0;
const events = flightEvents({ limit, order, faults: Object.fromEntries(kinds.map((k) => [k, at])) });
for await (const result of scoreStream(events, {
  model: (features) => score(features, 1)[0]!,
  transform,
  monitor,
  detector,
  watch: 'error',
  onAlert,
})) {
  scored++;
  if (result.index !== scored - 1) throw new Error(`event ${scored - 1} came back as ${result.index}`);
}
// No closeWindow() here: the last window closed with the last event (40,000 is a multiple of 2,000); the open
// one holds only the last event's label, which arrived after that event's window closed.
const seconds = (performance.now() - start) / 1000;
const snap = monitor.snapshot();
console.log(
  `scored ${scored} events in ${seconds.toFixed(1)} s (${Math.round(scored / seconds)} events/s, data decoding included); ${snap.totals.windows} windows, ${snap.totals.labels} labels joined; ${detector.nDetections} detector changes`,
);
for (const rule of snap.alerts)
  console.log(`  ${rule.rule.padEnd(22)} ${rule.state.padEnd(8)} last value ${fmt(rule.value)}`);
const file = join(tmpdir(), 'lockstep-streaming-monitor.html');
writeFileSync(
  file,
  renderReport(snap, { title: 'Streaming flights: monitor', generatedAt: new Date().toISOString() }),
);
console.log(`monitor report: ${file}`);
model.dispose();
