// Online training on flights-20k in date order: a static model trained on the first weeks against a dynamic
// one (createOnlineTrainer over a copy of it) that keeps learning from the stream, week by week.
//
// 1. flights-20k (January to March 2001) sorted by date; week w is [2001-01-01 + 7w days, + 7 days).
// 2. The first `trainWeeks` weeks fit the transform (examples/shared's feature spec), infer the schema and
//    train the static model (the shared model's architecture and recipe: 16 relu units, a sigmoid, Adam,
//    seeded initializers and batches). It is registered as `flights-online/1` and made the champion.
// 3. The rest streams in, in date order, in blocks of `block` examples. Before each block is consumed, the
//    static model and the trainer's live model predict it: progressive validation, each example predicted
//    with weights that never saw it. Each week's log loss (against the true labels, even when the stream's
//    labels are poisoned) is the table's row.
// 4. Poisoning, optionally: `flip` flips the training labels of a window of examples (the labels of the
//    holdout, audited by another pipeline, stay true); `broken-feature` sends one distance for every flight
//    of a window (a stuck upstream column). The trainer's guardrails must answer: a rollback or a refused
//    promotion for the first, a pause (FEATURE_CONSTANT) and an unpause for the second.
import * as tf from '@tensorflow/tfjs';
import { createMemoryRegistry, type ModelRegistry } from 'lockstep/registry';
import { inferSchema, type SchemaArtifact } from 'lockstep/schema';
import { sampleByKey } from 'lockstep/split';
import {
  type CheckpointRecord,
  createBatches,
  createOnlineTrainer,
  type OnlineEvent,
  type OnlineExample,
  type RegistrySaveResult,
  registryIOHandler,
  toTensor,
  useBackend,
} from 'lockstep/tfjs';
import { fit, parseTransform, type TransformArtifact } from 'lockstep/transform';
import {
  type Flight,
  flightsNetwork,
  flightsSpec,
  LATE_MINUTES,
  loadFlights20k,
} from '../shared/flights-model.js';

export const MODEL_NAME = 'flights-online';
const WEEK_MS = 7 * 86_400_000;
const START = Date.UTC(2001, 0, 1); // a Monday
const HOLDOUT_SALT = 'lockstep.online.holdout';

export type Poison = 'flip' | 'broken-feature';

export interface OnlineTrainingOptions {
  /** The seed of everything: initializers, batch order, the trainer. */
  readonly seed: number;
  /** Weeks of the stream (after the training weeks); default all that flights-20k has (10). */
  readonly weeks?: number;
  /** Weeks the static model is trained on. Default 3. */
  readonly trainWeeks?: number;
  /** A fault injected in the stream, from `poisonAt` for `poisonLength` examples. */
  readonly poison?: Poison | undefined;
  /** Stream index (0 = the first streamed example) where the poison starts. Default 5000 (week 6). */
  readonly poisonAt?: number;
  /** Poisoned examples. Default 1500 for `flip`, 600 for `broken-feature`. */
  readonly poisonLength?: number;
  /** Examples predicted together before they are consumed. Default 100. */
  readonly block?: number;
  /** The trainer's SGD learning rate. Default 0.05. */
  readonly learningRate?: number;
  /** Where checkpoints go; default a fresh memory registry. */
  readonly registry?: ModelRegistry;
}

/** A week's progressive log loss of both models on that week's examples, predicted before training on them. */
export interface WeekRow {
  /** Week of 2001 from 0 (the week of January 1st). */
  readonly week: number;
  /** The week's first day, `2001-01-22`. */
  readonly from: string;
  readonly static: number;
  readonly dynamic: number;
  /** Examples of the week. */
  readonly n: number;
}

/** A trainer event, with where it happened in the stream. */
export interface TimedEvent {
  readonly type: OnlineEvent['type'];
  /** The stream index (0 = the first streamed example) of the position the event reports. */
  readonly index: number;
  /** The week of that example, fractional: 7.5 is the middle of week 7. */
  readonly week: number;
  readonly event: OnlineEvent;
}

export interface TimelineMark {
  readonly x: number;
  readonly type: 'checkpoint' | 'promotion' | 'quarantine' | 'rollback' | 'drift' | 'pause';
  readonly label: string;
}

/** renderReport's timeline input (`kind: 'lockstep.timeline'`). */
export interface Timeline {
  readonly kind: 'lockstep.timeline';
  readonly title: string;
  readonly metric: string;
  readonly series: readonly { readonly name: string; readonly points: readonly { x: number; y: number }[] }[];
  readonly marks: readonly TimelineMark[];
}

export interface OnlineTrainingResult {
  readonly weekly: readonly WeekRow[];
  readonly events: readonly TimedEvent[];
  readonly timeline: Timeline;
  readonly checkpoints: readonly CheckpointRecord[];
  /** The static model's version (the first champion). */
  readonly staticRef: string;
  /** The trainer's tolerance on log loss (rollback and the story's "stated tolerance"). */
  readonly tolerance: number;
  readonly counts: Readonly<Record<string, number>>;
}

type Row = { date: Date; distance: number; origin: string; destination: string };
const rowOf = (f: Flight): Row => ({
  date: f.date,
  distance: f.distance,
  origin: f.origin,
  destination: f.destination,
});

function buildModel(columns: number, seed: number): tf.LayersModel {
  return flightsNetwork(columns, seed);
}

/** One example's log loss, p clipped to [1e−15, 1 − 1e−15] as lockstep's logLoss metric does. */
function lossOf(p: number, y: number): number {
  const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  return y === 1 ? -Math.log(q) : -Math.log(1 - q);
}

function predict(model: tf.LayersModel, transform: TransformArtifact, rows: readonly Row[]): Float32Array {
  return tf.tidy(() => {
    const x = toTensor(transform, rows as never);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

const ROUND = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Runs the comparison: trains the static model, streams the rest through the trainer, and returns the
 * weekly table, the trainer's events placed on the stream, and a `lockstep.timeline` for renderReport.
 * CPU backend (sets tfjs's global backend); deterministic for a seed.
 */
export async function runOnlineTraining(options: OnlineTrainingOptions): Promise<OnlineTrainingResult> {
  const { seed, trainWeeks = 3, block = 100, learningRate = 0.05, poison } = options;
  await useBackend('cpu');
  tf.enableProdMode();
  const flights = loadFlights20k()
    .map((f, i) => ({ f, i, week: (f.date.getTime() - START) / WEEK_MS }))
    .sort((a, b) => a.f.date.getTime() - b.f.date.getTime() || a.i - b.i);
  const train = flights.filter((r) => r.week < trainWeeks);
  const lastWeek = options.weeks === undefined ? Number.POSITIVE_INFINITY : trainWeeks + options.weeks;
  const stream = flights.filter((r) => r.week >= trainWeeks && r.week < lastWeek);

  // The static model: fitted and trained on the first weeks only.
  const trainRows = train.map((r) => rowOf(r.f));
  const transform = parseTransform(JSON.stringify(fit(flightsSpec(), trainRows)));
  const schema: SchemaArtifact = inferSchema(trainRows);
  const staticModel = buildModel(transform.columns.length, seed);
  staticModel.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy' });
  {
    const xs = toTensor(transform, trainRows);
    const ys = tf.tensor2d(
      Float32Array.from(train, (r) => (r.f.delay > LATE_MINUTES ? 1 : 0)),
      [train.length, 1],
    );
    try {
      await staticModel.fitDataset(createBatches({ xs, ys }, { batchSize: 128, seed }), {
        epochs: 4,
        verbose: 0,
      });
    } finally {
      tf.dispose([xs, ys]);
    }
  }
  const registry = options.registry ?? createMemoryRegistry({ now: () => 0 });
  const saved = (await staticModel.save(
    registryIOHandler(registry, MODEL_NAME, {
      artifacts: { transform },
      lineage: { transformFingerprint: transform.fingerprint, seed },
      tags: { kind: 'static', weeks: String(trainWeeks) },
      actor: 'examples/online-training',
    }),
  )) as RegistrySaveResult;
  const staticRef = saved.version.ref;
  await registry.setAlias(MODEL_NAME, 'champion', saved.version.version, {
    actor: 'examples/online-training',
    reason: 'the static model is the first champion',
  });

  // The dynamic model: a copy of the static one, trained online.
  const dynamic = buildModel(transform.columns.length, seed);
  dynamic.setWeights(staticModel.getWeights());
  const tolerance = 0.02;
  const events: TimedEvent[] = [];
  const at = (position: number) => {
    const index = Math.max(0, Math.min(stream.length - 1, position));
    return stream[index]?.week ?? trainWeeks;
  };
  const trainer = createOnlineTrainer({
    model: dynamic,
    transform,
    schema,
    registry,
    name: MODEL_NAME,
    seed,
    optimizer: tf.train.sgd(learningRate),
    parent: staticRef,
    batchSize: 32,
    checkpoint: { every: 1000, actor: 'examples/online-training' },
    holdout: { rate: 0.1, minRows: 100 },
    rollback: { tolerance },
    features: { window: 200 },
    onEvent: (event) => {
      const position =
        event.type === 'quarantine'
          ? event.entry.position
          : event.type === 'checkpoint'
            ? event.checkpoint.position
            : event.type === 'rollback'
              ? event.rollback.position
              : event.position;
      events.push({ type: event.type, index: position, week: ROUND(at(position)), event });
    },
  });

  // The stream, poisoned or not.
  const poisonAt = options.poisonAt ?? 5000;
  const poisonLength = options.poisonLength ?? (poison === 'flip' ? 1500 : 600);
  const stuck = stream[poisonAt]?.f.distance ?? 0;
  const items: OnlineExample[] = stream.map((r, k) => {
    const key = `f${r.i}`;
    const late = r.f.delay > LATE_MINUTES;
    const inWindow = poison !== undefined && k >= poisonAt && k < poisonAt + poisonLength;
    const x = rowOf(r.f);
    if (inWindow && poison === 'broken-feature') return { key, x: { ...x, distance: stuck }, y: late };
    if (inWindow && poison === 'flip' && !sampleByKey(key, 0.1, { salt: HOLDOUT_SALT }))
      return { key, x, y: !late };
    return { key, x, y: late };
  });

  // Progressive validation, block by block: both models predict a block before the trainer sees it.
  const sums = new Map<number, { s: number; d: number; n: number }>();
  for (let start = 0; start < items.length; start += block) {
    const chunk = items.slice(start, start + block);
    const rows = chunk.map((e) => e.x as Row);
    const ys = stream.slice(start, start + block).map((r) => (r.f.delay > LATE_MINUTES ? 1 : 0));
    const ps = predict(staticModel, transform, rows);
    const pd = predict(dynamic, transform, rows);
    for (let j = 0; j < chunk.length; j++) {
      const week = Math.floor(stream[start + j]!.week);
      const acc = sums.get(week) ?? { s: 0, d: 0, n: 0 };
      acc.s += lossOf(ps[j]!, ys[j]!);
      acc.d += lossOf(pd[j]!, ys[j]!);
      acc.n++;
      sums.set(week, acc);
    }
    await trainer.consume(chunk, { offset: start });
  }
  await trainer.flush();

  const weekly: WeekRow[] = [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([week, acc]) => ({
      week,
      from: new Date(START + week * WEEK_MS).toISOString().slice(0, 10),
      static: ROUND(acc.s / acc.n),
      dynamic: ROUND(acc.d / acc.n),
      n: acc.n,
    }));
  const checkpoints = trainer.checkpoints;
  const counts = { ...trainer.counts };
  trainer.dispose();
  tf.dispose([staticModel, dynamic].flatMap((m) => m.getWeights()));

  const marks: TimelineMark[] = [];
  for (const e of events) {
    const ev = e.event;
    if (ev.type === 'checkpoint') {
      const c = ev.checkpoint;
      const gate = c.gate === null ? (c.note ?? 'not gated') : c.gate.passed ? 'gate passed' : 'gate failed';
      marks.push({
        x: e.week,
        type: c.promoted ? 'promotion' : 'checkpoint',
        label: `${c.ref}${c.promoted ? ' promoted' : `: ${gate.split(':')[0]}`}`,
      });
    } else if (ev.type === 'rollback')
      marks.push({ x: e.week, type: 'rollback', label: `rollback to ${ev.rollback.restored ?? staticRef}` });
    else if (ev.type === 'pause')
      marks.push({
        x: e.week,
        type: 'pause',
        label: `pause: ${ev.reasons.map((r) => `${r.code}${r.feature ? ` ${r.feature}` : ''}`).join(', ')}`,
      });
    else if (ev.type === 'unpause') marks.push({ x: e.week, type: 'pause', label: 'training resumed' });
    else if (ev.type === 'drift') marks.push({ x: e.week, type: 'drift', label: `drift #${ev.detections}` });
    else if (ev.type === 'quarantine') marks.push({ x: e.week, type: 'quarantine', label: ev.entry.reason });
  }
  const timeline: Timeline = {
    kind: 'lockstep.timeline',
    title: `Online training on flights-20k${poison === undefined ? '' : ` (poisoned: ${poison})`}`,
    metric: 'log loss (progressive, lower is better)',
    series: [
      { name: 'static', points: weekly.map((w) => ({ x: w.week, y: w.static })) },
      { name: 'dynamic', points: weekly.map((w) => ({ x: w.week, y: w.dynamic })) },
    ],
    marks,
  };
  return { weekly, events, timeline, checkpoints, staticRef, tolerance, counts };
}
