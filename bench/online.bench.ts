// lockstep/tfjs online training: examples per second through createOnlineTrainer's guarded loop against a
// bare tfjs loop on the same stream, in the same run.
// Target (issue): the guardrails cost at most 20 % of throughput (guarded ÷ bare ≥ 0.8).
//
// The stream is flights-20k in date order with the demo's transform and network (bench/online-setup.ts).
// The bare peer does the same feature work (each row through the transform's `apply` into one buffer,
// `tf.tensor2d`) and one `model.trainOnBatch` a batch. The guarded loop is createOnlineTrainer with its
// defaults (validation, quarantine and source guards, 10 % holdout, progressive validation, ADWIN,
// rollback): once with the checkpoint interval beyond the stream (the per-example guardrails), once with
// checkpoints every 10,000 trained examples into a memory registry (registered, gated against the
// champion on the holdout, promoted, with the trainer's state: 1 or 2 a round), and the cost of one
// checkpoint is printed in milliseconds from the difference. A checkpoint costs the same whatever the
// cadence, so its share of throughput is the caller's choice: a registry version every few seconds of
// training is already more than any deployment keeps. Every round of every
// candidate starts from the same seeded weights and a fresh Adam(0.005); a round is the whole stream
// (20,000 examples, the last batch partial), and examples per second count stream examples (the guarded
// loop trains 90 % of them, the holdout being scored but not trained on).
//
// ONLINE_BENCH_ROUNDS (default 5) sets the rounds after one warm-up round on WASM; the CPU backend runs
// batch 128 only, with 3 rounds.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { type BackendName, useBackend } from 'lockstep/tfjs';
import { measureAsync, type Result, report } from './harness.js';
import { bareLoop, guardedLoop, loadOnlineData, makeModel } from './online-setup.js';

const CHECKPOINT_EVERY = 10_000;
const NO_CHECKPOINT = Number.MAX_SAFE_INTEGER;
const ROUNDS = Number(process.env.ONLINE_BENCH_ROUNDS ?? 5);
const BARE = 'bare tfjs trainOnBatch';
const GUARDED = 'lockstep guarded, no checkpoints';
const GUARDED_CKPT = `lockstep guarded, checkpoints every ${CHECKPOINT_EVERY.toLocaleString('en')}`;

tf.enableProdMode();
const data = loadOnlineData();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `\nflights-20k in date order: ${data.rows.length} examples, ${data.width} columns; load average ${load()}`,
);

// Each round's model (and its Adam) is disposed after the measurement, not inside the timed region.
const models: tf.LayersModel[] = [];
const fresh = () => {
  const m = makeModel(data.width);
  models.push(m);
  return m;
};
const disposeModels = () => {
  for (const m of models.splice(0)) {
    m.optimizer?.dispose();
    m.dispose();
  }
};

// One check before timing: every candidate sees the whole stream, and nothing is quarantined or paused.
async function sanity(batchSize: number): Promise<void> {
  const trained = await bareLoop(fresh(), data, batchSize);
  const counts = await guardedLoop(fresh(), data, batchSize, CHECKPOINT_EVERY);
  disposeModels();
  if (trained !== data.rows.length || counts.seen !== data.rows.length || counts.quarantined !== 0)
    throw new Error(`online bench: bare trained ${trained}, guarded ${JSON.stringify(counts)}`);
  console.log(
    `batch ${batchSize}: bare trains ${trained}; guarded trains ${counts.trained}, holds out ${counts.holdout}, ${counts.batches} batches, ${counts.checkpoints} checkpoints (${counts.promotions} promoted), ${counts.rollbacks} rollbacks, ${counts.drifts} drifts`,
  );
}

const verdicts: string[] = [];

async function block(backend: BackendName, batchSize: number, rounds: number): Promise<void> {
  const used = await useBackend(backend);
  await sanity(batchSize);
  const results: Result[] = await measureAsync(
    data.rows.length,
    [
      { name: BARE, run: () => bareLoop(fresh(), data, batchSize) },
      { name: GUARDED, run: () => guardedLoop(fresh(), data, batchSize, NO_CHECKPOINT) },
      { name: GUARDED_CKPT, run: () => guardedLoop(fresh(), data, batchSize, CHECKPOINT_EVERY) },
    ],
    rounds,
    1,
  );
  disposeModels();
  report(
    `Examples per second, ${used} backend, batch ${batchSize} (${rounds} rounds of ${data.rows.length}; load average ${load()})`,
    results,
    BARE,
  );
  const rate = (n: string) => results.find((r) => r.name === n)!.opsPerSecond;
  const perRound = data.rows.length;
  const checkpointsPerRound = Math.floor((perRound * 0.9) / CHECKPOINT_EVERY);
  const msPerCheckpoint =
    ((perRound / rate(GUARDED_CKPT) - perRound / rate(GUARDED)) * 1000) / Math.max(1, checkpointsPerRound);
  console.log(
    `one checkpoint (save, holdout gate, promotion, state): about ${msPerCheckpoint.toFixed(0)} ms (${checkpointsPerRound} a round)`,
  );
  for (const name of [GUARDED, GUARDED_CKPT]) {
    const ratio = rate(name) / rate(BARE);
    verdicts.push(
      `${used}, batch ${batchSize}, ${name}: ${ratio.toFixed(2)}x ${BARE} (target >= 0.80): ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
    );
  }
}

await block('wasm', 32, ROUNDS);
await block('wasm', 128, ROUNDS);
await block('cpu', 128, Math.min(ROUNDS, 3));
console.log('');
for (const v of verdicts) console.log(v);
