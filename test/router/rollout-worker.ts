// One service replica for rollout-postgres.test.ts (bundled with esbuild, run as a child process):
//   <url> <rollout name> <replica> <candidate error rate> <seed>
// It follows the rollout through the SQL store: routes simulated requests to the candidate at the rollout's
// current weight, records each request's error on its arm, syncs every 100 requests, and stops once the
// rollout has finished. Prints one JSON line: what it recorded, how many hooks it ran, and the final state.
import pg from 'pg';
import { createRng } from '../../src/core/rng.js';
import { createRollout } from '../../src/router/rollout.js';
import { createSqlRolloutStore } from '../../src/router/rollout-sql.js';
import { analyze, pause, setWeight } from '../../src/router/rollout-state.js';

const [url, name, replica, candidateRate, seed] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on('error', () => {});
const hooks = { succeeded: 0, failed: 0 };
const rollout = createRollout({
  name,
  replica,
  store: createSqlRolloutStore({ pool }),
  steps: [setWeight(0.2), pause({ requests: 3000 }), setWeight(0.5), analyze({ maxRequests: 200_000 })],
  analysis: { metrics: { error: { direction: 'lower', margin: 0.01 } } },
  onSucceeded: () => void hooks.succeeded++,
  onFailed: () => void hooks.failed++,
});
const recorded = { baseline: 0, candidate: 0 };
try {
  let state = await rollout.start();
  const rng = createRng(seed);
  const rates = { baseline: 0.01, candidate: Number(candidateRate) };
  for (let i = 1; i <= 200_000 && (state.phase === 'progressing' || state.phase === 'paused'); i++) {
    const arm = rng.next() < rollout.weight ? 'candidate' : 'baseline';
    rollout.record(arm, { error: rng.next() < rates[arm] ? 1 : 0 });
    recorded[arm]++;
    if (i % 100 === 0) state = await rollout.sync();
  }
  // Every replica stops at a finished state; one more read makes sure all end on the same revision.
  state = await rollout.sync();
  process.stdout.write(`${JSON.stringify({ replica, recorded, hooks, state })}\n`);
} finally {
  await pool.end();
}
