// createOnlineTrainer on real data: vega-datasets flights-20k in date order (January fits the transform
// and the schema; February and March stream in), a small seeded dense model on the CPU backend, an
// injected clock. Determinism, quarantine and pauses, checkpoint cadence, the gate, rollback, late labels
// and resuming after a restart, each with exact expectations.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Flight, flightsNetwork, loadFlights20k } from '../../examples/shared/flights-model.js';
import { createMemoryRegistry, type ModelRegistry } from '../../src/registry/index.js';
import type { SchemaArtifact } from '../../src/schema/artifact.js';
import { inferSchema } from '../../src/schema/index.js';
import { sampleByKey } from '../../src/split/index.js';
import { registryIOHandler, useBackend } from '../../src/tfjs/index.js';
import {
  createOnlineTrainer,
  type OnlineEvent,
  type OnlineExample,
  type OnlineTrainerOptions,
} from '../../src/tfjs/online.js';
import {
  datetime,
  fit as fitTransform,
  impute,
  log1p,
  oneHot,
  standardize,
  vocabulary,
} from '../../src/transform/index.js';
import type { TransformArtifact } from '../../src/transform/types.js';

const SEED = 2001;
let transform: TransformArtifact;
let schema: SchemaArtifact;
/** February and March, in date order, as stream examples keyed by their index in flights-20k. */
let stream: OnlineExample[];

type Row = { date: Date; distance: number | null; origin: string };

const rowOf = (f: Flight): Row => ({ date: f.date, distance: f.distance, origin: f.origin });

beforeAll(async () => {
  await useBackend('cpu');
  tf.enableProdMode();
  const flights = loadFlights20k()
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.date.getTime() - b.f.date.getTime() || a.i - b.i);
  const jan = flights.filter(({ f }) => f.date < new Date('2001-02-01T00:00:00Z'));
  const rest = flights.filter(({ f }) => f.date >= new Date('2001-02-01T00:00:00Z'));
  const janRows: Row[] = jan.map(({ f }) => rowOf(f));
  // One row without a distance makes the schema's distance nullable (the transform imputes it), so a
  // source that stops sending distances passes validation and must be caught by the feature watch.
  janRows[0] = { ...janRows[0]!, distance: null };
  schema = inferSchema(janRows);
  transform = fitTransform(
    {
      distance: [impute({ strategy: 'mean' }), log1p(), standardize()],
      hour: { input: 'date', steps: [datetime({ parts: ['hour', 'dayOfWeek'], cyclical: true })] },
      origin: [vocabulary({ topK: 20 }), oneHot()],
    },
    janRows,
  );
  stream = rest.map(({ f, i }) => ({ key: `f${i}`, x: rowOf(f), y: f.delay > 15 }));
});

function makeModel(seed = SEED): tf.LayersModel {
  return flightsNetwork(transform.columns.length, seed, 8);
}

/** The raw bits of every weight, so -0 vs 0 and NaN payloads count. */
function weightBits(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => {
    const data = w.dataSync() as Float32Array;
    return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
  });
}

interface Setup {
  readonly registry: ModelRegistry;
  readonly model: tf.LayersModel;
  readonly events: OnlineEvent[];
  clock: number;
}

function setup(
  overrides: Partial<OnlineTrainerOptions> = {},
  registry: ModelRegistry = createMemoryRegistry({ now: () => 0 }),
) {
  const s: Setup = {
    registry,
    model: (overrides.model as tf.LayersModel) ?? makeModel(),
    events: [],
    clock: 0,
  };
  const trainer = createOnlineTrainer({
    model: s.model,
    transform,
    schema,
    registry,
    name: 'flights-online',
    seed: SEED,
    optimizer: tf.train.sgd(0.1),
    now: () => s.clock,
    checkpoint: { every: 100_000 },
    onEvent: (e) => s.events.push(e),
    ...overrides,
  });
  return { ...s, s, trainer };
}

const flip = (e: OnlineExample): OnlineExample => ({ ...e, y: !(e.y as boolean) });
/** A broken label pipeline: the labels of the training examples flipped, the holdout's left alone. */
const flipTraining =
  (rate: number) =>
  (e: OnlineExample): OnlineExample =>
    sampleByKey(e.key, rate, { salt: 'lockstep.online.holdout' }) ? e : flip(e);

describe('createOnlineTrainer: determinism', () => {
  it('trains the same stream twice with the same seed to bit-identical weights; another seed differs', async () => {
    const run = async (seed: number) => {
      const { trainer, model } = setup({ seed, model: makeModel(seed) });
      await trainer.consume(stream.slice(0, 1200));
      await trainer.flush();
      const bits = weightBits(model);
      const counts = trainer.counts;
      trainer.dispose();
      return { bits, counts };
    };
    const a = await run(SEED);
    const b = await run(SEED);
    expect(a.counts.trained).toBeGreaterThan(1000);
    expect(a.counts).toEqual(b.counts);
    expect(a.bits).toEqual(b.bits);
    const c = await run(SEED + 1);
    expect(c.bits).not.toEqual(a.bits);
  });

  it("predicts in the training step's forward pass exactly what a separate prediction pass predicts", async () => {
    // The same network with a Dropout(0) layer (the identity) that is not on the list of layers whose
    // training pass equals inference, so that trainer predicts in a pass of its own before each step.
    const withDropout = (): tf.LayersModel => {
      const plain = makeModel();
      const model = tf.sequential({
        layers: [tf.layers.dropout({ rate: 0, inputShape: [transform.columns.length] }), ...plain.layers],
      });
      return model;
    };
    const run = async (model: tf.LayersModel) => {
      // Late labels for every fifth example, so predictions ride along for pending rows too.
      const items: (OnlineExample | { key: string | number; y: unknown })[] = [];
      stream.slice(0, 900).forEach((e, i) => {
        items.push(i % 5 === 0 ? { key: e.key, x: e.x } : e);
        if (i >= 30 && (i - 30) % 5 === 0) items.push({ key: stream[i - 30]!.key, y: stream[i - 30]!.y });
      });
      const { trainer } = setup({ model, holdout: { rate: 0.2, minRows: 40 }, checkpoint: { every: 300 } });
      await trainer.consume(items);
      await trainer.flush();
      const state = trainer.state();
      trainer.dispose();
      return { state, bits: weightBits(model) };
    };
    const shared = await run(makeModel());
    const separate = await run(withDropout());
    expect(shared.state.counts).toEqual(separate.state.counts);
    expect(shared.state.counts.checkpoints).toBe(2);
    expect(shared.state.holdout.map((e) => e.p)).toEqual(separate.state.holdout.map((e) => e.p));
    expect(shared.state.progressive).toEqual(separate.state.progressive);
    expect(shared.bits).toEqual(separate.bits);
  });

  it('holds out exactly the keys sampleByKey(key, rate, { salt }) samples, and never trains on them', async () => {
    const { trainer } = setup({ holdout: { rate: 0.2, salt: 'h-salt' } });
    let held = 0;
    for (const e of stream.slice(0, 300)) {
      const r = await trainer.push(e);
      expect(r.status === 'holdout').toBe(sampleByKey(e.key, 0.2, { salt: 'h-salt' }));
      if (r.status === 'holdout') held++;
    }
    await trainer.flush();
    expect(held).toBeGreaterThan(30);
    expect(trainer.counts.holdout).toBe(held);
    expect(trainer.counts.trained).toBe(300 - held);
  });
});

describe('createOnlineTrainer: quarantine', () => {
  it('quarantines bad items with their reasons, counts every one, and trains on none of them', async () => {
    const quarantined: string[] = [];
    const { trainer } = setup({ onQuarantine: (q) => quarantined.push(q.reason) });
    const good = stream.slice(0, 64);
    const bad: unknown[] = [
      'not an example',
      { x: good[0]!.x, y: 1 }, // no key
      { key: 'b1', x: { ...good[1]!.x, distance: 'far' }, y: 0 }, // wrong type
      { key: 'b2', x: { date: good[2]!.x.date, distance: 100 }, y: 0 }, // no origin
      { key: 'b3', x: good[3]!.x, y: 'yes' }, // bad label
      { key: good[4]!.key, x: good[4]!.x, y: 1 }, // duplicate key (pushed below first)
    ];
    for (const e of good) await trainer.push(e);
    for (const e of bad) {
      const r = await trainer.push(e as OnlineExample);
      expect(r.status).toBe('quarantined');
    }
    const late = await trainer.label('nobody', 1);
    expect(late).toMatchObject({ status: 'quarantined', reason: 'UNKNOWN_KEY' });
    await trainer.flush();
    const counts = trainer.counts;
    expect(counts.seen).toBe(70);
    expect(counts.valid + counts.quarantined).toBe(counts.seen);
    expect(counts).toMatchObject({ valid: 64, quarantined: 6, labels: 1, badLabels: 1 });
    expect(counts.trained + counts.holdout).toBe(64);
    expect(trainer.quarantineByReason).toEqual({
      BAD_EXAMPLE: 1,
      INVALID_KEY: 1,
      TYPE_MISMATCH: 1,
      MISSING_COLUMN: 1,
      INVALID_LABEL: 1,
      DUPLICATE_KEY: 1,
      UNKNOWN_KEY: 1,
    });
    expect(quarantined).toEqual([
      'BAD_EXAMPLE',
      'INVALID_KEY',
      'TYPE_MISMATCH',
      'MISSING_COLUMN',
      'INVALID_LABEL',
      'DUPLICATE_KEY',
      'UNKNOWN_KEY',
    ]);
    // The late label takes no stream position: it is reported at the position the stream had reached.
    expect(trainer.quarantine.map((q) => q.position)).toEqual([64, 65, 66, 67, 68, 69, 70]);
    expect(trainer.quarantine[2]!.message).toContain('distance');
    expect(trainer.paused).toEqual([]);
  });

  it('pauses training while the quarantine rate is above the threshold, and resumes when it falls', async () => {
    const { trainer, s } = setup({
      quarantine: { maxRate: 0.2, window: 100 },
      holdout: { rate: 0 },
      rollback: false,
    });
    await trainer.consume(stream.slice(0, 320));
    await trainer.flush();
    const before = trainer.counts.trained;
    expect(before).toBe(320);
    // A broken upstream: every other row has a string distance.
    const broken = stream
      .slice(320, 520)
      .map((e, i) => (i % 2 === 0 ? { ...e, x: { ...e.x, distance: 'n/a' } } : e));
    await trainer.consume(broken, { offset: 320 });
    expect(trainer.paused.map((p) => p.code)).toEqual(['QUARANTINE_RATE']);
    const pause = s.events.find((e) => e.type === 'pause');
    expect(pause).toMatchObject({ type: 'pause', reasons: [{ code: 'QUARANTINE_RATE' }] });
    await trainer.flush();
    // Trained only what came before the rate crossed the line (less than one window of it).
    const during = trainer.counts.trained - before;
    expect(during).toBeLessThan(64);
    expect(trainer.counts.notTrained).toBeGreaterThan(50);
    // A clean source again: the window clears and training resumes.
    await trainer.consume(stream.slice(520, 800), { offset: 520 });
    expect(trainer.paused).toEqual([]);
    expect(s.events.some((e) => e.type === 'unpause')).toBe(true);
    await trainer.flush();
    expect(trainer.counts.trained).toBeGreaterThan(before + during + 150);
    const c = trainer.counts;
    expect(c.trained + c.holdout + c.notTrained + c.quarantined).toBe(c.seen);
    expect(c.seen).toBe(800);
  });

  it('pauses when a feature source breaks: an input missing, or constant, over the window', async () => {
    const missing = setup({ features: { window: 50 }, holdout: { rate: 0 }, rollback: false });
    await missing.trainer.consume(stream.slice(0, 200));
    const gone = stream.slice(200, 300).map((e) => ({ ...e, x: { ...e.x, distance: null } }));
    await missing.trainer.consume(gone, { offset: 200 });
    expect(missing.trainer.paused).toMatchObject([{ code: 'FEATURE_MISSING', feature: 'distance' }]);
    expect(missing.trainer.counts.quarantined).toBe(0); // each row was valid on its own
    await missing.trainer.flush();
    expect(missing.trainer.counts.trained).toBeLessThan(200 + 50);

    const constant = setup({ features: { window: 50 }, holdout: { rate: 0 }, rollback: false });
    await constant.trainer.consume(stream.slice(0, 200));
    const stuck = stream.slice(200, 300).map((e) => ({ ...e, x: { ...e.x, origin: 'ORD' } }));
    await constant.trainer.consume(stuck, { offset: 200 });
    expect(constant.trainer.paused).toMatchObject([{ code: 'FEATURE_CONSTANT', feature: 'origin' }]);
    await constant.trainer.consume(stream.slice(300, 400), { offset: 300 });
    expect(constant.trainer.paused).toEqual([]);
  });
});

describe('createOnlineTrainer: checkpoints, gate, rollback', () => {
  it('checkpoints every N trained examples with lineage, and every T of injected time', async () => {
    const { trainer, registry } = setup({
      batchSize: 32,
      checkpoint: { every: 256 },
      holdout: { rate: 0.2, minRows: 40 },
    });
    await trainer.consume(stream.slice(0, 1000));
    const cps = trainer.checkpoints;
    expect(cps.length).toBe(Math.floor(trainer.counts.trained / 256));
    const versions = await registry.listVersions('flights-online');
    expect(versions.map((v) => v.ref)).toEqual(cps.map((c) => c.ref));
    expect(versions[0]!.lineage.parent).toBeUndefined();
    expect(versions[1]!.lineage.parent).toBe(versions[0]!.ref);
    expect(versions[1]!.lineage).toMatchObject({ seed: SEED, transformFingerprint: transform.fingerprint });
    expect(versions[1]!.lineage.dataFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(versions[1]!.lineage.dataFingerprint).not.toBe(versions[0]!.lineage.dataFingerprint);
    expect(versions[1]!.metrics.trained).toBe(512);
    expect(versions[1]!.artifacts['online-state']).toBeDefined();
    expect(cps.every((c) => c.trigger === 'count')).toBe(true);

    // By time: one minute a flight, a checkpoint every 100 minutes (at the next trained batch).
    const timed = setup({ batchSize: 16, checkpoint: { every: 100_000, intervalMs: 100 * 60_000 } });
    for (const e of stream.slice(0, 500)) {
      timed.s.clock += 60_000;
      await timed.trainer.push(e);
    }
    const times = timed.trainer.checkpoints;
    expect(times.length).toBe(5);
    expect(times.every((c) => c.trigger === 'time')).toBe(true);
    for (let i = 1; i < times.length; i++)
      expect(times[i]!.at! - times[i - 1]!.at!).toBeGreaterThanOrEqual(100 * 60_000);
  });

  it('promotes a better checkpoint and refuses a worse one', async () => {
    const { trainer, registry } = setup({
      checkpoint: { every: 600 },
      holdout: { rate: 0.25, minRows: 100 },
      rollback: false,
    });
    await trainer.consume(stream.slice(0, 900));
    const first = trainer.checkpoints[0]!;
    expect(first.gate?.passed).toBe(true);
    expect(first.promoted).toBe(true);
    expect((await registry.resolve('flights-online@champion')).ref).toBe(first.ref);
    // Every label flipped: the next checkpoint is worse on the holdout, so the champion stays.
    await trainer.consume(stream.slice(900, 2100).map(flipTraining(0.25)), { offset: 900 });
    const worse = trainer.checkpoints[1]!;
    // Trained on flipped labels, it predicts delays everywhere: its log loss on the clean holdout is far worse.
    expect(worse.candidate!.logLoss).toBeGreaterThan(worse.baseline!.logLoss + 0.1);
    expect(worse.gate!.checks.find((c) => c.metric === 'logLoss' && c.slice === undefined)).toMatchObject({
      code: 'NOT_WORSE',
      passed: false,
    });
    expect(worse.gate?.passed).toBe(false);
    expect(worse.promoted).toBe(false);
    expect((await registry.resolve('flights-online@champion')).ref).toBe(first.ref);
    expect(trainer.champion).toBe(first.ref);
  });

  it('rolls back to the champion when flipped training labels make the live model worse on the holdout', async () => {
    const weightsAtRollback: number[][][] = [];
    let model: tf.LayersModel | undefined;
    const { trainer, registry, s } = setup({
      checkpoint: { every: 400 },
      holdout: { rate: 0.2, minRows: 60 },
      rollback: { tolerance: 0.02 },
      onEvent: (e) => {
        s.events.push(e);
        if (e.type === 'rollback') weightsAtRollback.push(weightBits(model!));
      },
    });
    model = s.model;
    await trainer.consume(stream.slice(0, 1500));
    const champion = trainer.champion;
    expect(champion).not.toBeNull();
    // The training labels of 1,500 examples flip; the holdout's (audited elsewhere) stay true.
    const flipped = stream.slice(1500, 3000).map(flipTraining(0.2));
    await trainer.consume(flipped, { offset: 1500 });
    expect(trainer.counts.rollbacks).toBeGreaterThanOrEqual(1);
    const rollback = trainer.lastRollback!;
    // Confidently worse than the champion on the same holdout examples, by more than the tolerance.
    expect(rollback.low).toBeGreaterThan(0.02);
    expect(rollback.metric - rollback.champion).toBeGreaterThan(rollback.low);
    expect(rollback.high).toBeGreaterThan(rollback.metric - rollback.champion);
    expect(rollback.reason).toContain('confidence sequence');
    // The restored weights are the promoted version's, bit for bit.
    const served = await tf.loadLayersModel(registryIOHandler(registry, rollback.restored!));
    expect(weightsAtRollback[0]).toEqual(weightBits(served));
    expect(trainer.state().lastRollback).toEqual(rollback);
    // No checkpoint trained mostly on flipped labels became the champion.
    const promoted = trainer.checkpoints.filter((c) => c.promoted);
    // And no promoted model's holdout log loss fell below the first champion's by more than the tolerance.
    const firstChampion = promoted[0]!.candidate!.logLoss;
    for (const c of promoted) {
      expect(c.candidate!.logLoss).toBeLessThanOrEqual(firstChampion + 0.1);
      expect(c.gate!.passed).toBe(true);
      expect(c.position).toBeLessThan(1500 + 200);
    }
  });
});

describe('createOnlineTrainer: late labels and resume', () => {
  it('holds examples until their label arrives, scores the prediction made on arrival, then trains', async () => {
    const { trainer } = setup({ holdout: { rate: 0 }, pending: { max: 50 }, rollback: false });
    const items = stream.slice(0, 200);
    for (const e of items) {
      const r = await trainer.push({ key: e.key, x: e.x });
      expect(r.status).toBe('pending');
    }
    // 150 were evicted (the table holds 50), each reported.
    expect(trainer.quarantineByReason).toEqual({ PENDING_EVICTED: 150 });
    expect(trainer.counts).toMatchObject({ seen: 200, valid: 200, quarantined: 0, evicted: 150 });
    expect(trainer.counts.trained).toBe(0);
    for (const e of items.slice(150)) expect((await trainer.label(e.key, e.y)).status).toBe('labelled');
    expect(await trainer.label(items[150]!.key, 1)).toMatchObject({ reason: 'UNKNOWN_KEY' });
    expect((await trainer.label(items[0]!.key, 1)).reason).toBe('UNKNOWN_KEY');
    await trainer.flush();
    expect(trainer.counts).toMatchObject({
      labels: 52,
      lateLabels: 50,
      badLabels: 2,
      scored: 50,
      trained: 50,
    });

    // With labels delayed, the same examples train as with labels given at once (same count, same keys),
    // and the predictions scored are those made on arrival: a delayed and an immediate run agree on the
    // progressive metric when nothing trains in between (batch larger than the stream).
    const now = setup({ holdout: { rate: 0 }, batchSize: 1000, rollback: false });
    const later = setup({ holdout: { rate: 0 }, batchSize: 1000, rollback: false });
    for (const e of items) await now.trainer.push(e);
    for (const e of items) await later.trainer.push({ key: e.key, x: e.x });
    for (const e of [...items].reverse()) await later.trainer.label(e.key, e.y);
    await now.trainer.flush();
    await later.trainer.flush();
    expect(later.trainer.state().progressive.total).toBeCloseTo(now.trainer.state().progressive.total, 10);
    expect(later.trainer.counts.trained).toBe(200);
  });

  it('resumes after a restart from the checkpoint state: no example trained twice, same weights', async () => {
    const options = { checkpoint: { every: 256 }, holdout: { rate: 0.2, minRows: 40 } };
    const part = stream.slice(0, 1400).map((e, i) => (i % 7 === 3 ? { key: e.key, x: e.x } : e));
    const labels = stream.slice(0, 1400).filter((_, i) => i % 7 === 3);
    // The stream: examples, with the held-back labels arriving 40 items later as { key, y } items.
    const items: (OnlineExample | { key: string | number; y: unknown })[] = [];
    part.forEach((e, i) => {
      items.push(e);
      const j = i - 40;
      if (j >= 0 && j % 7 === 3) items.push({ key: labels[(j - 3) / 7]!.key, y: labels[(j - 3) / 7]!.y });
    });

    // Uninterrupted.
    const a = setup(options);
    await a.trainer.consume(items);
    await a.trainer.flush();

    // Interrupted after 900 items; the process dies, and a new one resumes from the last checkpoint.
    const registry = createMemoryRegistry({ now: () => 0 });
    const b = setup(options, registry);
    await b.trainer.consume(items.slice(0, 900));
    const last = b.trainer.checkpoints.at(-1)!;
    expect(last.position).toBeLessThan(900);
    b.trainer.dispose();
    const model = await tf.loadLayersModel(registryIOHandler(registry, last.ref));
    const resume = await registry.readJson(last.ref, 'online-state');
    const c = setup({ ...options, model, resume: resume as never }, registry);
    expect(c.trainer.position).toBe(last.position);
    await c.trainer.consume(items); // the source replays from the start
    await c.trainer.flush();
    expect(c.trainer.counts.replayed).toBe(last.position);
    const ac = a.trainer.counts;
    const cc = c.trainer.counts;
    expect(cc.trained).toBe(ac.trained);
    expect(cc.seen).toBe(ac.seen);
    expect(cc.checkpoints).toBe(ac.checkpoints);
    expect(weightBits(c.model)).toEqual(weightBits(a.model));
    // Every trained key once: the trained count equals the labelled, non-holdout, valid examples.
    expect(ac.trained + ac.holdout + a.trainer.state().pending.length).toBe(ac.valid);
  });
});
