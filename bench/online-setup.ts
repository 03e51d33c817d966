// bench/online.bench.ts's data, model and the two loops it times: the guarded loop (lockstep/tfjs's
// createOnlineTrainer) and the bare peer (the same per-row transform work, then model.trainOnBatch).
//
// The stream: vega-datasets flights-20k in date order (ties by file order), keyed by the row's index in
// the file, x = { date, distance, origin, destination }, y = a delay over 15 minutes. The demo's transform
// (examples/shared/flights-model.ts's spec, fitted on January and February: 383 columns) and a schema
// inferred from the same two months' rows. The demo's network: dense 16 relu → 1 sigmoid, seeded
// initializers, Adam(0.005), binary cross-entropy.
import * as tf from '@tensorflow/tfjs';
import { createMemoryRegistry } from 'lockstep/registry';
import { inferSchema, type SchemaArtifact } from 'lockstep/schema';
import { createOnlineTrainer, type OnlineCounts, type OnlineExample } from 'lockstep/tfjs';
import { apply, fit, parseTransform, type TransformArtifact } from 'lockstep/transform';
import {
  FLIGHTS_SEED,
  type Flight,
  flightsSpec,
  LATE_MINUTES,
  loadFlights20k,
} from '../examples/shared/flights-model.js';

export type FlightRow = {
  readonly date: Date;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
};

export interface OnlineBenchData {
  /** Every flight, in date order, as trainer examples (labelled). */
  readonly stream: readonly OnlineExample[];
  readonly rows: readonly FlightRow[];
  readonly labels: Float32Array;
  readonly transform: TransformArtifact;
  readonly schema: SchemaArtifact;
  readonly width: number;
}

const rowOf = (f: Flight): FlightRow => ({
  date: f.date,
  distance: f.distance,
  origin: f.origin,
  destination: f.destination,
});

export function loadOnlineData(): OnlineBenchData {
  const flights = loadFlights20k()
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.date.getTime() - b.f.date.getTime() || a.i - b.i);
  const march = new Date('2001-03-01T00:00:00Z').getTime();
  const janFeb = flights.filter(({ f }) => f.date.getTime() < march).map(({ f }) => rowOf(f));
  // Through JSON and back, as a service reads it.
  const transform = parseTransform(JSON.stringify(fit(flightsSpec(), janFeb)));
  const schema = inferSchema(janFeb);
  const rows = flights.map(({ f }) => rowOf(f));
  const labels = Float32Array.from(flights, ({ f }) => (f.delay > LATE_MINUTES ? 1 : 0));
  const stream = flights.map(({ i }, j) => ({ key: `f${i}`, x: rows[j]!, y: labels[j] === 1 }));
  return { stream, rows, labels, transform, schema, width: transform.columns.length };
}

/** The demo's network, seeded, compiled with a fresh Adam(0.005). */
export function makeModel(width: number, seed = FLIGHTS_SEED): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [width],
        units: 16,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy' });
  return model;
}

/**
 * The bare peer: for each batch of `batchSize` stream rows (the last one partial), each row through the
 * transform's `apply` into one flat buffer (the trainer does the same, row by row), `tf.tensor2d` for the
 * inputs and labels, and one `model.trainOnBatch`. No validation, holdout, prediction, scoring,
 * drift, fingerprints or checkpoints. Returns the examples trained.
 */
export async function bareLoop(
  model: tf.LayersModel,
  data: OnlineBenchData,
  batchSize: number,
): Promise<number> {
  const { rows, labels, transform, width } = data;
  let trained = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const n = Math.min(batchSize, rows.length - start);
    const flat = new Float32Array(n * width);
    for (let i = 0; i < n; i++) flat.set(apply(transform, rows[start + i]!), i * width);
    const xs = tf.tensor2d(flat, [n, width]);
    const ys = tf.tensor2d(labels.subarray(start, start + n), [n, 1]);
    try {
      await model.trainOnBatch(xs, ys);
    } finally {
      tf.dispose([xs, ys]);
    }
    trained += n;
  }
  return trained;
}

/**
 * The guarded loop: createOnlineTrainer with its defaults (validation, quarantine and the source guards,
 * a 10 % holdout, progressive validation, ADWIN, rollback) and checkpoints every `every` trained examples
 * into a fresh memory registry; `consume` the whole stream, then `flush` the partial batch.
 */
export async function guardedLoop(
  model: tf.LayersModel,
  data: OnlineBenchData,
  batchSize: number,
  every: number,
): Promise<OnlineCounts> {
  const trainer = createOnlineTrainer({
    model,
    transform: data.transform,
    schema: data.schema,
    registry: createMemoryRegistry(),
    name: 'flights-online',
    seed: FLIGHTS_SEED,
    batchSize,
    checkpoint: { every },
  });
  try {
    await trainer.consume(data.stream);
    await trainer.flush();
    return trainer.counts;
  } finally {
    trainer.dispose();
  }
}
