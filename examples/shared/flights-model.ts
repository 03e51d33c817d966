// The flights delay model of the demo (examples/demo, step 11), as one function that trains it and
// registers it as a champion, so the other examples and their tests get a served model in a few seconds
// without copying the demo's code.
//
// What it does, as the demo does: read flights-20k (vega-datasets), split by time (January and February to
// train), fit the transform (distance, hour and day of week, origin, destination, the origin × destination
// route), train a 16-unit relu → sigmoid dense network on the WASM backend with the seed on every
// initializer and seeded batches (lockstep/tfjs's reproducible-training recipe), register it with its
// transform and lineage as a new version of `flights-delay`, and move `champion` to it. The label is a
// delay over 15 minutes. Same seed, same data, same backend: the same weights, bit for bit.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ModelRegistry, ModelVersion } from 'lockstep/registry';
import { type Frame, fingerprintData, splitByTime } from 'lockstep/split';
import {
  type BackendName,
  createBatches,
  type RegistrySaveResult,
  registryIOHandler,
  toTensor,
  useBackend,
} from 'lockstep/tfjs';
import {
  cross,
  datetime,
  fit,
  log1p,
  oneHot,
  parseTransform,
  standardize,
  type TransformArtifact,
  vocabulary,
} from 'lockstep/transform';
import { vegaDataPath } from '../data.js';

export const FLIGHTS_MODEL = 'flights-delay';
export const FLIGHTS_SEED = 2001;
/** A flight is late when its delay is over this many minutes. */
export const LATE_MINUTES = 15;

/** A flight as the transform reads it: `date` a UTC Date (or epoch milliseconds, as Arrow gives it). */
export interface Flight {
  readonly date: Date;
  readonly delay: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

/** flights-20k as rows; its dates ('2001/01/01 00:47', UTC) become Dates, so they are read as timestamps. */
export function loadFlights20k(): Flight[] {
  type Raw = Omit<Flight, 'date'> & { date: string };
  const raw = JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as Raw[];
  return raw.map((f) => ({ ...f, date: new Date(`${f.date.replace(/\//g, '-').replace(' ', 'T')}Z`) }));
}

/** The demo's split: January and February train, the first half of March evaluates, the rest tests. */
export function splitFlights(rows: readonly Flight[]): { train: Frame; eval: Frame; test: Frame } {
  const {
    train,
    eval: evaluation,
    test,
  } = splitByTime(rows, {
    column: 'date',
    boundaries: ['2001-03-01', '2001-03-16'],
  });
  return { train: train!, eval: evaluation!, test: test! };
}

/** The demo's feature spec; delay is the label, so it is not an input. */
export function flightsSpec() {
  return {
    distance: [log1p(), standardize()],
    hour: { input: 'date', steps: [datetime({ parts: ['hour', 'dayOfWeek'], cyclical: true })] },
    origin: [vocabulary({ topK: 60 }), oneHot()],
    destination: [vocabulary({ topK: 60 }), oneHot()],
    route: [cross(['origin', 'destination'], { buckets: 256 }), oneHot()],
  };
}

export interface TrainOptions {
  /** Seeds the initializers (seed, seed + 1) and the batch order. Default 2001, as in the demo. */
  readonly seed?: number;
  /** Default 4, as in the demo. */
  readonly epochs?: number;
  /** Default 'wasm' (lockstep/tfjs falls back to 'cpu' when the WASM backend cannot start). */
  readonly backend?: BackendName;
  /** Recorded in the registry's history. */
  readonly actor?: string;
}

export interface TrainedFlightsModel {
  /** The registered version (`flights-delay/N`), now `flights-delay@champion`. */
  readonly version: ModelVersion;
  readonly transform: TransformArtifact;
  /** The trained model; the caller disposes it. */
  readonly model: tf.LayersModel;
  readonly backend: BackendName;
}

/**
 * Trains the demo's flights model and registers it in `registry` (fs, memory or SQL) as a new version of
 * `flights-delay`, with its `transform` artifact and lineage (data, transform fingerprint, seed,
 * hyperparameters), then points `champion` at it. About 2 s on the WASM backend. Sets tfjs's global
 * backend.
 */
export async function trainFlightsModel(
  registry: ModelRegistry,
  options: TrainOptions = {},
): Promise<TrainedFlightsModel> {
  const { seed = FLIGHTS_SEED, epochs = 4, actor = 'examples/shared' } = options;
  const { train } = splitFlights(loadFlights20k());
  // Through JSON and back, as a service would read it: parsed, checked and frozen.
  const transform = parseTransform(JSON.stringify(fit(flightsSpec(), train)));
  const backend = await useBackend(options.backend ?? 'wasm');
  const model = flightsNetwork(transform.columns.length, seed);
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy' });
  const delay = train.columns.get('delay');
  if (delay?.kind !== 'numeric') throw new Error('trainFlightsModel: delay must be numeric');
  const xs = toTensor(transform, train);
  const ys = tf.tensor2d(
    Float32Array.from(delay.values, (d) => (d > LATE_MINUTES ? 1 : 0)),
    [train.length, 1],
  );
  try {
    await model.fitDataset(createBatches({ xs, ys }, { batchSize: 128, seed }), { epochs, verbose: 0 });
  } finally {
    tf.dispose([xs, ys]);
  }
  const saved = (await model.save(
    registryIOHandler(registry, FLIGHTS_MODEL, {
      artifacts: { transform },
      lineage: {
        dataFingerprint: fingerprintData(train),
        transformFingerprint: transform.fingerprint,
        seed,
        hyperparameters: { units: 16, epochs, batchSize: 128, learningRate: 0.005 },
      },
      tags: { kind: 'tfjs', backend, months: 'jan-feb' },
      actor,
    }),
  )) as RegistrySaveResult;
  await registry.setAlias(FLIGHTS_MODEL, 'champion', saved.version.version, {
    actor,
    reason: 'trained by examples/shared/flights-model.ts',
  });
  return { version: saved.version, transform, model, backend };
}

export interface ServedFlightsModel {
  /** The version the ref resolved to (`flights-delay/N`). */
  readonly ref: string;
  readonly model: tf.LayersModel;
  readonly transform: TransformArtifact;
}

/**
 * What a service does at start-up: resolves `ref` once and loads that version's model and transform (the
 * registry checks each artifact's SHA-256 on read).
 */
export async function loadFlightsModel(
  registry: ModelRegistry,
  ref = `${FLIGHTS_MODEL}@champion`,
): Promise<ServedFlightsModel> {
  const version = await registry.resolve(ref);
  const model = await tf.loadLayersModel(registryIOHandler(registry, version.ref));
  const transform = await registry.readJson(version.ref, 'transform', parseTransform);
  return { ref: version.ref, model, transform };
}

/**
 * The flights model's network, seeded: the transform's columns → `units` ReLU units → one sigmoid unit, as the
 * demo trains it. Uncompiled, so a caller picks the optimizer.
 */
export function flightsNetwork(columns: number, seed: number, units = 16): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [columns],
        units,
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
}
