// One service replica for fleet-postgres.test.ts (bundled with esbuild, run as a child process):
//   <url> <flights-20k.json path> <service name> <replica index> <replicas>
// It serves its share of the fleet stream (fleet-store-flights.ts: the requests whose key hashes to it),
// observing each with a monitor on the shared injected clock (time windows of a minute, aligned to the
// epoch), and publishes every closed window from onWindow to the PostgreSQL window store. At the end it
// moves the clock past the last window, ticks, waits for its publishes and prints one JSON line: what it
// observed and published.
import pg from 'pg';
import { createSqlWindowStore } from '../../src/monitor/fleet-sql.js';
import { createMonitor } from '../../src/monitor/monitor.js';
import {
  atOf,
  FLEET_WINDOW_MS,
  fleetOptions,
  fleetTraffic,
  labelOf,
  observationOf,
  replicaOf,
} from './fleet-store-flights.js';

const [url, dataPath, name, indexArg, replicasArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const index = Number(indexArg);
const replicas = Number(replicasArg);
const replica = `replica-${index}`;
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on('error', () => {});
const store = createSqlWindowStore({ pool });
const traffic = fleetTraffic(dataPath);
const publishes: Promise<void>[] = [];
const published: number[] = [];
let t = 0;
const monitor = createMonitor({
  ...fleetOptions(traffic, () => t),
  onWindow: (window) => {
    published.push(window.start);
    publishes.push(store.publish(name, replica, window));
  },
});
let observed = 0;
try {
  traffic.stream.forEach((input, i) => {
    if (replicaOf(i, replicas) !== index) return;
    t = atOf(i);
    const o = observationOf(input, i);
    monitor.observe(o);
    observed++;
    const y = labelOf(input, i);
    if (y !== undefined) monitor.label(o.key as string, y);
  });
  t = atOf(traffic.stream.length) + FLEET_WINDOW_MS;
  monitor.tick();
  await Promise.all(publishes);
  process.stdout.write(`${JSON.stringify({ replica, observed, published })}\n`);
} finally {
  await pool.end();
}
