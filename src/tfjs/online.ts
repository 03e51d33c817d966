// createOnlineTrainer: a TensorFlow.js binary classifier trained online from a stream of labelled
// examples, behind guardrails. The loop, written once here (docs/online-training.md says why each default):
//
//  1. Every stream item takes the next position (the high-water mark a restart resumes from). An item
//     already consumed (a position below the mark) is skipped as a replay.
//  2. Validate: the example must be an object with a key (string or finite number) and `x`; its key must
//     not repeat one of the recent keys; `x` must pass the schema's row validator; a label, when given,
//     must be 0, 1, true or false; the transform must encode `x`. Anything else is quarantined with its
//     reason (a bounded list, counts by reason, an event): it never reaches training, and nothing is
//     dropped without a count.
//  3. Guard the source: over a sliding window, a quarantine rate above `maxRate` pauses training, and so
//     does a feature source that broke (a feature's input missing, or an input that used to vary
//     constant, for `features.window` valid examples in a row). Paused, examples are still validated,
//     predicted and scored, never trained on; training resumes by itself when every reason clears.
//  4. Hold out: the key's unit value (sampleByKey's rule: murmur3(key, murmur3(salt, 0)) / 2^32) below
//     `holdout.rate` puts the example in the holdout: predicted and scored, kept in a bounded recent
//     buffer for the checkpoint gate, never trained on.
//  5. Predict, then learn (progressive validation): each example is predicted with the weights it arrived
//     to (predictions are batched, but always made before the next weight update, so they equal the
//     per-arrival ones); when its label arrives (with it, or later through `label`) the prediction is
//     scored (progressive log loss, the recent window, the drift detector on |y − p|), then the example
//     joins the training queue. Full queues train in mini-batches of `batchSize`, the rows of batch b in
//     `epochOrder(rows, seed, b)`, one optimizer step each.
//  6. Drift: the detector (ADWIN) reports a change in the error stream (an event); with `recency`, the
//     batches trained for a while after it weigh each example by 2^(−(newest − position) / halfLife),
//     so labels that arrive late for examples from before the change count less.
//  7. Rollback: once a checkpoint was promoted, the recent window's progressive log loss rising above the
//     champion's (recorded at its promotion) by more than `tolerance` restores the champion's weights.
//  8. Checkpoint every `every` trained examples or `intervalMs` of injected time: train the partial batch,
//     register the weights as a new version (lineage: parent, data-window fingerprint, seed, transform and
//     schema fingerprints; metrics; the trainer's state), evaluate it and the champion on the holdout,
//     gate it (rocAuc and log loss, not worse), and promote it only when the gate passes.
import * as tf from '@tensorflow/tfjs';
import { withFingerprint } from '../core/artifact.js';
import { checkInteger, checkNumber, checkString, readOptions } from '../core/check.js';
import { readEpochClock } from '../core/clock.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { fingerprint } from '../core/fingerprint.js';
import { keyText, saltSeed, unitOf } from '../core/hash-key.js';
import { sequenceHalfWidth, sequenceRho2 } from '../core/math/sequence.js';
import { logLoss, type Metric } from '../core/metrics.js';
import { sha256Hex } from '../core/sha256.js';
import { encodeUtf8 } from '../core/utf8.js';
import { type AdwinOptions, type AdwinState, createAdwin } from '../drift/detectors/adwin.js';
import type { DriftDetector } from '../drift/detectors/common.js';
import { type Evaluation, evaluate } from '../evaluate/evaluate.js';
import { type Gate, type GateRules, gate } from '../evaluate/gate.js';
import { promote } from '../evaluate/promote.js';
import type { ModelRegistry } from '../registry/types.js';
import type { SchemaArtifact } from '../schema/artifact.js';
import { compileValidator, type RowValidator } from '../schema/row-validator.js';
import { apply } from '../transform/apply.js';
import type { TransformArtifact } from '../transform/types.js';
import { epochOrder } from './batches.js';
import {
  denseFeatures,
  float32Json,
  ONLINE_STATE_KIND,
  type OnlineCounts,
  type OnlineTrainerState,
  type PauseReason,
  parseOnlineState,
  type RollbackRecord,
  type SavedCheckpoint,
  type SavedEntry,
  sparseFeatures,
} from './online-state.js';
import { type RegistrySaveResult, registryIOHandler } from './registry-io.js';

export type {
  JudgeState,
  OnlineCounts,
  OnlineTrainerState,
  PauseReason,
  RollbackRecord,
  SavedCheckpoint,
  SavedEntry,
} from './online-state.js';

const FN = 'createOnlineTrainer';

/** A labelled (or not yet labelled) example: its key, its features `x`, and its label `y` when known. */
export interface OnlineExample {
  /** The example's identity: a string or a finite number (hashed as its decimal string). */
  readonly key: string | number;
  /** The row the schema validates and the transform encodes. */
  readonly x: Readonly<Record<string, unknown>>;
  /** 0, 1, true or false; left out when the label will come later through `label(key, y)`. */
  readonly y?: unknown;
}

/** A late label as a stream item: `{ key, y }` without `x`. */
export interface OnlineLabel {
  readonly key: string | number;
  readonly y: unknown;
}

/** Why an example or label was quarantined. Schema anomaly codes (MISSING_VALUE, …) appear as they are. */
export type QuarantineReason =
  | 'BAD_EXAMPLE'
  | 'INVALID_KEY'
  | 'DUPLICATE_KEY'
  | 'INVALID_LABEL'
  | 'UNKNOWN_KEY'
  | 'TRANSFORM_FAILED'
  | 'PENDING_EVICTED'
  | (string & {});

/** One quarantined item. */
export interface QuarantineEntry {
  readonly position: number;
  /** The key as text, when it could be read. */
  readonly key: string | null;
  readonly reason: QuarantineReason;
  readonly message: string;
  /** The item as given (kept in memory only; `state()` leaves it out). */
  readonly item: unknown;
}

/** What the trainer did with one stream item. */
export interface PushResult {
  readonly position: number;
  /**
   * `queued`: labelled, on its way to training; `holdout`: held out; `pending`: waits for its label;
   * `paused`: valid, scored, not trained on (training is paused); `quarantined`; `labelled`: a late label
   * matched; `replayed`: its position was consumed before.
   */
  readonly status: 'queued' | 'holdout' | 'pending' | 'paused' | 'quarantined' | 'labelled' | 'replayed';
  readonly reason?: QuarantineReason;
}

/** A checkpoint: the version registered, and what the gate said. */
export interface CheckpointRecord extends SavedCheckpoint {
  /** Fingerprint of the data window trained on since the previous checkpoint. */
  readonly dataFingerprint: string;
  /** The gate that judged the version against the champion; null when it was not gated. */
  readonly gate: Gate | null;
  /** Why the version was not gated (`HOLDOUT_TOO_SMALL`), or why a passed gate did not promote. */
  readonly note?: string;
  readonly candidate: { readonly rocAuc: number; readonly logLoss: number } | null;
  readonly baseline: { readonly rocAuc: number; readonly logLoss: number } | null;
}

/** Events the trainer raises, in the order things happen. */
export type OnlineEvent =
  | { readonly type: 'quarantine'; readonly entry: QuarantineEntry }
  | { readonly type: 'pause'; readonly position: number; readonly reasons: readonly PauseReason[] }
  | { readonly type: 'unpause'; readonly position: number }
  | { readonly type: 'drift'; readonly position: number; readonly detections: number }
  | { readonly type: 'checkpoint'; readonly checkpoint: CheckpointRecord }
  | { readonly type: 'rollback'; readonly rollback: RollbackRecord };

/** Options of {@link createOnlineTrainer}. Only `model`, `transform`, `schema`, `registry` and `name` are required. */
export interface OnlineTrainerOptions {
  /** A tfjs layers model: input width = the transform's columns, one sigmoid output (a probability). */
  readonly model: tf.LayersModel;
  /** The fitted transform (`fit`, `parseTransform`). */
  readonly transform: TransformArtifact;
  /** The schema examples are validated against (sealed or parsed). */
  readonly schema: SchemaArtifact;
  /** Where checkpoints are registered and promoted. */
  readonly registry: ModelRegistry;
  /** The model's name in the registry. */
  readonly name: string;
  /** Seeds the mini-batch order and the gate's bootstrap. Default 0. */
  readonly seed?: string | number;
  /** The optimizer; default the model's compiled one. Plain SGD keeps no state, so a resume is exact. */
  readonly optimizer?: tf.Optimizer;
  /** Rows per mini-batch, in [1, 65536]. Default 32. */
  readonly batchSize?: number;
  /** The clock (epoch milliseconds), for time checkpoints; never read unless given. */
  readonly now?: () => number;
  /** Holdout: `rate` (default 0.1) by the key's hash with `salt` (default 'lockstep.online.holdout'); `size` rows kept (2000); gate only with `minRows` (100) of both classes. */
  readonly holdout?: {
    readonly rate?: number;
    readonly salt?: string;
    readonly size?: number;
    readonly minRows?: number;
  };
  /** Quarantine: pause above `maxRate` (0.2) over the last `window` (200) examples; keep the last `keep` (100) entries. */
  readonly quarantine?: { readonly maxRate?: number; readonly window?: number; readonly keep?: number };
  /** A feature missing, or an input constant, for `window` (200) valid examples in a row pauses training; 0 turns it off. */
  readonly features?: { readonly window?: number };
  /** Examples waiting for a label, at most `max` (10,000); the oldest is evicted (PENDING_EVICTED). */
  readonly pending?: { readonly max?: number };
  /** Keys remembered to refuse duplicates. Default 10,000. */
  readonly dedupe?: number;
  /** Checkpoint every `every` (1000) trained examples, or `intervalMs` of `now()` (off by default); promote to `alias` ('champion') when `gate` rules pass (default: rocAuc and logLoss not worse). */
  readonly checkpoint?: {
    readonly every?: number;
    readonly intervalMs?: number;
    readonly alias?: string;
    readonly gate?: GateRules;
    readonly actor?: string;
  };
  /**
   * Restore the champion when the live model is worse on the holdout by more than `tolerance` (0.02 in log
   * loss per example): the lower end of the confidence sequence (level 1 − `alpha`, 0.05) for the mean
   * paired difference, live − champion, over the holdout examples labelled since the champion took over,
   * above `tolerance`, after `minSamples` (50) of them. Needs a holdout; `false` turns it off.
   */
  readonly rollback?:
    | false
    | { readonly tolerance?: number; readonly alpha?: number; readonly minSamples?: number };
  /** The drift detector watching |y − p|: ADWIN options (default δ 0.002), or any lockstep detector. */
  readonly drift?: AdwinOptions | DriftDetector<unknown>;
  /** After a drift, weight examples by 2^(−(newest − position) / halfLife) for `duration` (10 × halfLife) positions. Off by default. */
  readonly recency?: { readonly halfLife: number; readonly duration?: number };
  /** The lineage parent of the first checkpoint (the version the model was loaded from). */
  readonly parent?: string;
  /** Resume from `trainer.state()` (give the model with the weights of that moment). */
  readonly resume?: OnlineTrainerState | string;
  /** Every event. Errors it throws pass through the call that raised it. */
  readonly onEvent?: (event: OnlineEvent) => void;
  /** Every quarantined item. */
  readonly onQuarantine?: (entry: QuarantineEntry) => void;
}

/** The online trainer. Calls are queued: each runs after the previous one finished. */
export interface OnlineTrainer {
  /** Handles one example (or a `{ key, y }` late label) at the next stream position. */
  push(item: OnlineExample | OnlineLabel): Promise<PushResult>;
  /** A late label for an example pushed without one. Does not take a stream position. */
  label(key: string | number, y: unknown): Promise<PushResult>;
  /**
   * Handles every item of a (sync or async) iterable; the first item is at stream position `offset`
   * (default 0), and items at positions already consumed are skipped, so a restarted process can replay
   * its source from the start. Resolves with the counts after the last item.
   */
  consume(
    stream: Iterable<OnlineExample | OnlineLabel> | AsyncIterable<OnlineExample | OnlineLabel>,
    options?: { readonly offset?: number },
  ): Promise<OnlineCounts>;
  /** Trains the partial batch now (predicting everything still unpredicted first). */
  flush(): Promise<void>;
  /** Registers a checkpoint now, gates it and promotes it when the gate passes. */
  checkpoint(): Promise<CheckpointRecord>;
  /** The state, plain JSON. */
  state(): OnlineTrainerState;
  readonly position: number;
  readonly paused: readonly PauseReason[];
  readonly counts: OnlineCounts;
  readonly quarantineByReason: Readonly<Record<string, number>>;
  /** The last `quarantine.keep` quarantined items, oldest first. */
  readonly quarantine: readonly QuarantineEntry[];
  readonly checkpoints: readonly CheckpointRecord[];
  readonly lastRollback: RollbackRecord | null;
  /** The champion's ref (null while the initial weights are the champion). */
  readonly champion: string | null;
  /** Frees the kept champion weights. The model is the caller's. */
  dispose(): void;
}

interface Entry {
  readonly key: string;
  readonly position: number;
  readonly features: Float32Array;
  readonly holdout: boolean;
  /** The prediction, made with the weights the example arrived to. */
  p: number | undefined;
  y?: 0 | 1;
  /** Its prediction was scored (progressive metric, drift detector). */
  scored?: true;
  /** Labelled while training was paused (or queued when the pause began): scored, never trained on. */
  idle?: true;
}

const KEYS = [
  'model',
  'transform',
  'schema',
  'registry',
  'name',
  'seed',
  'optimizer',
  'batchSize',
  'now',
  'holdout',
  'quarantine',
  'features',
  'pending',
  'dedupe',
  'checkpoint',
  'rollback',
  'drift',
  'recency',
  'parent',
  'resume',
  'onEvent',
  'onQuarantine',
] as const;

const EPS = 1e-15;
/** Labelled holdout examples collected before the champion predicts them in one batch (the rollback rule). */
const JUDGE_CHUNK = 16;
/** The holdout comparisons at which the rollback rule's confidence sequence is tightest. */
const SEQUENCE_TUNING = 200;
const MAX_ITEMS = 1_000_000;

/** −(y ln p + (1 − y) ln(1 − p)), p clipped to [1e−15, 1 − 1e−15] as the logLoss metric does. */
function lossOf(y: 0 | 1, p: number): number {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return y === 1 ? -Math.log(q) : -Math.log(1 - q);
}

function sub(fn: string, arg: string, v: unknown, known: readonly string[]): Record<string, unknown> {
  if (v === undefined) return {};
  return readOptions(fn, v, known, arg) as Record<string, unknown>;
}

function integer(arg: string, v: unknown, dflt: number, min: number, max: number): number {
  return v === undefined ? dflt : checkInteger(FN, arg, v, min, max);
}

/** A label as 0 or 1 (0, 1, true, false), or undefined. */
function readLabel(y: unknown): 0 | 1 | undefined {
  if (y === 0 || y === false) return 0;
  if (y === 1 || y === true) return 1;
  return undefined;
}

/** A value as comparable text for the constant-feature watch (bounded length), or null when missing. */
function valueText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return `n:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (typeof v === 'string') return v.length > 256 ? `s:${v.length}:${v.slice(0, 256)}` : `s:${v}`;
  if (v instanceof Date) return `t:${v.getTime()}`;
  return `o:${typeof v}`;
}

/** A tf.Optimizer (tfjs tests `instanceof` by method names, and its test throws on null and undefined). */
function isOptimizer(v: unknown): v is tf.Optimizer {
  if (typeof v !== 'object' || v === null) return false;
  try {
    return v instanceof tf.Optimizer && typeof (v as tf.Optimizer).minimize === 'function';
  } catch {
    return false;
  }
}

/**
 * tfjs layers whose output in a training step equals their output at inference (no dropout, noise or
 * batch statistics): with only these, a training step's forward pass is also the prediction pass.
 */
const INFERENCE_EQUAL = new Set([
  'InputLayer',
  'Dense',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Concatenate',
  'Add',
  'Average',
  'Multiply',
  'Maximum',
  'Minimum',
  'Dot',
  'Embedding',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'LayerNormalization',
  'Masking',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'Rescaling',
]);

/**
 * Whether every layer of the model (nested models included) is one of INFERENCE_EQUAL, so a training
 * step's forward pass gives the predictions too. Anything else (Dropout, BatchNormalization, recurrent
 * layers, custom layers) gets a prediction pass of its own.
 */
function trainingPassPredicts(model: tf.LayersModel): boolean {
  const plain = (layers: readonly tf.layers.Layer[]): boolean =>
    layers.every((layer) => {
      const nested = (layer as unknown as { layers?: unknown }).layers;
      if (Array.isArray(nested)) return plain(nested as tf.layers.Layer[]);
      return INFERENCE_EQUAL.has(layer.getClassName());
    });
  try {
    return plain(model.layers);
  } catch {
    return false;
  }
}

/** Reads a layers model's widths: one input of `[null, width]`, one output of `[null, 1]`. */
function checkModel(value: unknown, width: number): tf.LayersModel {
  const model = value as tf.LayersModel;
  const must = `must be a tfjs LayersModel with input [null, ${width}] and one output [null, 1]`;
  let isModel = false;
  try {
    isModel = model instanceof tf.LayersModel;
  } catch {
    isModel = false;
  }
  if (!isModel) throw invalidArgument(FN, 'options.model', must, model);
  let input: unknown;
  let output: unknown;
  try {
    input = model.inputs.length === 1 ? model.inputs[0]!.shape : undefined;
    output = model.outputs.length === 1 ? model.outputs[0]!.shape : undefined;
  } catch {
    throw invalidArgument(FN, 'options.model', must);
  }
  const ok =
    Array.isArray(input) &&
    input.length === 2 &&
    input[1] === width &&
    Array.isArray(output) &&
    output.length === 2 &&
    output[1] === 1;
  if (!ok)
    throw invalidArgument(
      FN,
      'options.model',
      `${must}, got input ${describe(input)} and output ${describe(output)}`,
    );
  return model;
}

/**
 * Trains a TensorFlow.js binary classifier online, from examples pushed one at a time or consumed from
 * an (async) iterable, behind guardrails: validation and quarantine, pauses for a broken source,
 * progressive validation (predict, then learn) with late labels, drift detection, gated checkpoints in a
 * registry, rollback to the champion, and a state to resume from. The loop and its defaults are described
 * at the top of src/tfjs/online.ts and in docs/online-training.md.
 *
 * Determinism: with a fixed single-threaded backend (`useBackend('cpu')` or `'wasm'`), seeded
 * initializers and the same stream, the same seed gives bit-identical weights (mini-batch b is ordered by
 * `epochOrder(rows, seed, b)`, which matters on backends that sum a batch's gradients in float32; the CPU
 * backend sums in float64, so there the order rarely changes a bit; there is no other randomness). Cost per example: one schema check, one
 * transform row (O(columns)), a share of one batched prediction and of one optimizer step; a checkpoint
 * costs a registry write and two predictions over the holdout buffer.
 * @throws LockstepError `INVALID_ARGUMENT` for a missing or bad option (an unknown key names the closest;
 *   a model whose widths do not match the transform; no optimizer), or a `resume` state of another model,
 *   seed or transform; `INVALID_ARTIFACT` for a `resume` state that is not one. Data problems never throw:
 *   they are quarantined. Registry errors pass through the call that checkpointed.
 * @example
 * const trainer = createOnlineTrainer({ model, transform, schema, registry, name: 'flights', seed: 7, now: () => clock });
 * await trainer.consume(events); // { seen, valid, quarantined, trained, checkpoints, promotions, … }
 * const saved = trainer.state(); // plain JSON; createOnlineTrainer({ …, resume: saved }) continues
 */
export function createOnlineTrainer(options: OnlineTrainerOptions): OnlineTrainer {
  const o = readOptions(FN, options, KEYS);
  for (const key of ['model', 'transform', 'schema', 'registry', 'name'] as const) {
    if (o[key] === undefined) throw invalidArgument(FN, `options.${key}`, 'is required');
  }
  const transform = o.transform as TransformArtifact;
  let validator: RowValidator;
  let width: number;
  let transformFingerprint: string;
  let watchInputs: string[];
  let inputFeatures: string[];
  try {
    // apply() checks the transform on first use; read its shape here, refusing anything that is not one.
    if (typeof transform !== 'object' || transform === null || transform.kind !== 'lockstep.transform')
      throw invalidArgument(FN, 'options.transform', 'must be a fitted lockstep.transform', transform);
    width = transform.columns.length;
    transformFingerprint = transform.fingerprint;
    inputFeatures = transform.features.filter((f) => f.role === 'input').map((f) => f.name);
    watchInputs = [...new Set(transform.features.filter((f) => f.role === 'input').flatMap((f) => f.inputs))];
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, 'options.transform', 'must be a readable fitted lockstep.transform');
  }
  if (!/^[0-9a-f]{64}$/.test(String(transformFingerprint)))
    throw invalidArgument(FN, 'options.transform', 'must be a fitted lockstep.transform', transform);
  try {
    apply(transform, {}, { explain: true }); // checks the artifact (a missing value may still be refused)
  } catch (error) {
    if (!(isLockstepError(error) && error.code === 'INVALID_DATA')) throw error;
  }
  try {
    validator = compileValidator(o.schema as SchemaArtifact);
  } catch (error) {
    if (isLockstepError(error))
      throw new LockstepError(error.code, `${FN}: argument 'options.schema': ${error.message}`, {
        fn: FN,
        arg: 'options.schema',
      });
    throw error;
  }
  const schemaFingerprint = (o.schema as SchemaArtifact).fingerprint;
  const model = checkModel(o.model, width);
  const sharedPass = trainingPassPredicts(model);
  const registry = o.registry as ModelRegistry;
  for (const method of ['createVersion', 'resolve', 'readArtifact', 'addArtifacts', 'setAlias']) {
    let ok = false;
    try {
      ok = typeof (registry as unknown as Record<string, unknown>)[method] === 'function';
    } catch {
      ok = false;
    }
    if (!ok)
      throw invalidArgument(
        FN,
        'options.registry',
        `must be a lockstep model registry (it has no ${method})`,
      );
  }
  const name = checkString(FN, 'options.name', o.name, 256, true);
  registryIOHandler(registry, name); // checks the name as the registry will
  const seed = (o.seed === undefined ? 0 : o.seed) as string | number;
  if (typeof seed === 'string') checkString(FN, 'options.seed', seed, 256);
  else checkNumber(FN, 'options.seed', seed);
  let optimizer: tf.Optimizer;
  if (o.optimizer !== undefined) {
    if (!isOptimizer(o.optimizer))
      throw invalidArgument(
        FN,
        'options.optimizer',
        'must be a tf.Optimizer (tf.train.sgd(0.05))',
        o.optimizer,
      );
    optimizer = o.optimizer;
  } else {
    let compiled: unknown;
    try {
      compiled = (model as unknown as { optimizer?: unknown }).optimizer;
    } catch {
      compiled = undefined; // an uncompiled Sequential's getter throws
    }
    if (!isOptimizer(compiled))
      throw invalidArgument(FN, 'options.optimizer', 'is required for a model that was not compiled');
    optimizer = compiled;
  }
  const batchSize = integer('options.batchSize', o.batchSize, 32, 1, 65_536);
  /** Whether a clock was injected: without one the trainer never reads time (no time checkpoints). */
  const now = o.now !== undefined;
  /** The injected clock, read through core's check: epoch milliseconds, a finite number. */
  const clock = readEpochClock(FN, o.now);
  const h = sub(FN, 'options.holdout', o.holdout, ['rate', 'salt', 'size', 'minRows']);
  const holdoutRate =
    h.rate === undefined ? 0.1 : checkNumber(FN, 'options.holdout.rate', h.rate, { min: 0, max: 1 });
  const holdoutSalt = h.salt === undefined ? 'lockstep.online.holdout' : (h.salt as string);
  const holdoutSeed = saltSeed(holdoutSalt, FN, 'options.holdout.salt');
  const holdoutSize = integer('options.holdout.size', h.size, 2000, 1, MAX_ITEMS);
  const holdoutMin = integer('options.holdout.minRows', h.minRows, 100, 1, MAX_ITEMS);
  const q = sub(FN, 'options.quarantine', o.quarantine, ['maxRate', 'window', 'keep']);
  const maxRate =
    q.maxRate === undefined
      ? 0.2
      : checkNumber(FN, 'options.quarantine.maxRate', q.maxRate, { min: 0, max: 1 });
  const qWindow = integer('options.quarantine.window', q.window, 200, 1, MAX_ITEMS);
  const qKeep = integer('options.quarantine.keep', q.keep, 100, 0, MAX_ITEMS);
  const f = sub(FN, 'options.features', o.features, ['window']);
  const featureWindow = integer('options.features.window', f.window, 200, 0, MAX_ITEMS);
  const pd = sub(FN, 'options.pending', o.pending, ['max']);
  const pendingMax = integer('options.pending.max', pd.max, 10_000, 1, MAX_ITEMS);
  const dedupe = integer('options.dedupe', o.dedupe, 10_000, 0, MAX_ITEMS);
  const c = sub(FN, 'options.checkpoint', o.checkpoint, ['every', 'intervalMs', 'alias', 'gate', 'actor']);
  const every = integer('options.checkpoint.every', c.every, 1000, 1, Number.MAX_SAFE_INTEGER);
  const intervalMs =
    c.intervalMs === undefined
      ? undefined
      : checkNumber(FN, 'options.checkpoint.intervalMs', c.intervalMs, { min: 0, minOpen: true });
  if (intervalMs !== undefined && !now)
    throw invalidArgument(
      FN,
      'options.now',
      'is required with options.checkpoint.intervalMs (the clock is injected)',
    );
  const alias =
    c.alias === undefined ? 'champion' : checkString(FN, 'options.checkpoint.alias', c.alias, 64, true);
  const actor =
    c.actor === undefined ? 'lockstep.online' : checkString(FN, 'options.checkpoint.actor', c.actor, 256);
  const gateRules: GateRules = (c.gate as GateRules | undefined) ?? { metrics: ['rocAuc', 'logLoss'] };
  // The rules are checked now, on a dummy evaluation, rather than at the first checkpoint.
  gate({ candidate: { metrics: { rocAuc: { value: 0.5 }, logLoss: { value: 0.5 } } }, rules: gateRules });
  let rollbackTolerance = 0.02;
  let rollbackAlpha = 0.05;
  let rollbackMin = 50;
  const rollbackOn = o.rollback !== false;
  if (rollbackOn) {
    const r = sub(FN, 'options.rollback', o.rollback, ['tolerance', 'alpha', 'minSamples']);
    if (r.tolerance !== undefined)
      rollbackTolerance = checkNumber(FN, 'options.rollback.tolerance', r.tolerance, { min: 0 });
    if (r.alpha !== undefined)
      rollbackAlpha = checkNumber(FN, 'options.rollback.alpha', r.alpha, {
        min: 1e-12,
        max: 0.5,
        maxOpen: true,
      });
    rollbackMin = integer('options.rollback.minSamples', r.minSamples, 50, 2, MAX_ITEMS);
    if (holdoutRate === 0)
      throw invalidArgument(
        FN,
        'options.rollback',
        'compares the live model with the champion on the holdout, so it needs options.holdout.rate above 0 (or rollback: false)',
      );
  }
  const minusTwoLogAlpha = -2 * Math.log(rollbackAlpha);
  const rho2 = sequenceRho2(rollbackAlpha, SEQUENCE_TUNING);
  let recency: { halfLife: number; duration: number } | undefined;
  if (o.recency !== undefined) {
    const r = sub(FN, 'options.recency', o.recency, ['halfLife', 'duration']);
    if (r.halfLife === undefined) throw invalidArgument(FN, 'options.recency.halfLife', 'is required');
    const halfLife = checkNumber(FN, 'options.recency.halfLife', r.halfLife, { min: 0, minOpen: true });
    const duration =
      r.duration === undefined
        ? Math.ceil(10 * halfLife)
        : checkInteger(FN, 'options.recency.duration', r.duration, 1);
    recency = { halfLife, duration };
  }
  const parentOption = o.parent === undefined ? null : checkString(FN, 'options.parent', o.parent, 256, true);
  const onEvent = o.onEvent as ((e: OnlineEvent) => void) | undefined;
  if (onEvent !== undefined && typeof onEvent !== 'function')
    throw invalidArgument(FN, 'options.onEvent', 'must be a function', onEvent);
  const onQuarantine = o.onQuarantine as ((e: QuarantineEntry) => void) | undefined;
  if (onQuarantine !== undefined && typeof onQuarantine !== 'function')
    throw invalidArgument(FN, 'options.onQuarantine', 'must be a function', onQuarantine);

  const saved = o.resume === undefined ? undefined : parseOnlineState(FN, 'options.resume', o.resume);
  const rows = new Map<SavedEntry, Float32Array>(); // the saved entries' dense features
  if (saved) {
    const mismatch = (what: string, a: unknown, b: unknown) =>
      invalidArgument(
        FN,
        'options.resume',
        `was saved by a trainer of another ${what} (${describe(a)}, not ${describe(b)})`,
      );
    if (saved.name !== name) throw mismatch('model name', saved.name, name);
    if (saved.seed !== seed) throw mismatch('seed', saved.seed, seed);
    if (saved.transformFingerprint !== transformFingerprint)
      throw mismatch('transform', saved.transformFingerprint.slice(0, 12), transformFingerprint.slice(0, 12));
    for (const list of [saved.pending, saved.queue, saved.holdout])
      for (const e of list) {
        const row = denseFeatures(e.features, width);
        if (typeof row === 'string') throw invalidArgument(FN, 'options.resume', row);
        rows.set(e, row);
      }
  }

  // The drift detector: ADWIN (resumed from the saved state when there is one), or the caller's.
  let detector: DriftDetector<unknown>;
  const driftOption = o.drift as unknown;
  const isDetector = (v: unknown): v is DriftDetector<unknown> => {
    try {
      return (
        typeof v === 'object' &&
        v !== null &&
        typeof (v as DriftDetector<unknown>).update === 'function' &&
        typeof (v as DriftDetector<unknown>).state === 'function'
      );
    } catch {
      return false;
    }
  };
  if (isDetector(driftOption)) detector = driftOption;
  else {
    const adwinOptions = readOptions(
      FN,
      driftOption,
      ['delta', 'clock', 'maxBuckets', 'minWindowLength', 'gracePeriod'],
      'options.drift',
    ) as AdwinOptions;
    const savedDetector = saved?.detector as { kind?: unknown } | null | undefined;
    detector =
      savedDetector && savedDetector.kind === 'lockstep.drift.adwin'
        ? createAdwin({ state: savedDetector as AdwinState })
        : createAdwin(adwinOptions);
  }

  // ---------------------------------------------------------------------------------------------------
  // The state.
  const counts = {
    seen: 0,
    valid: 0,
    quarantined: 0,
    trained: 0,
    holdout: 0,
    notTrained: 0,
    labels: 0,
    lateLabels: 0,
    badLabels: 0,
    evicted: 0,
    scored: 0,
    replayed: 0,
    batches: 0,
    checkpoints: 0,
    promotions: 0,
    rollbacks: 0,
    drifts: 0,
  } satisfies OnlineCounts;
  const byReason: Record<string, number> = Object.create(null);
  let position = 0;
  const qRing: (0 | 1)[] = [];
  let qBad = 0;
  const pending = new Map<string, Entry>();
  /** Labelled examples to train on, in order (predicted and scored, or not yet). */
  let queue: Entry[] = [];
  /** Labelled examples not to train on (holdout; or paused), to predict and score at the next pass. */
  let unscored: Entry[] = [];
  /** Examples without a prediction yet, some maybe predicted since (the next pass predicts the rest). */
  let unpredicted: Entry[] = [];
  let holdoutBuf: Entry[] = [];
  /** Scored holdout examples the champion has not predicted yet (the rollback rule's next comparisons). */
  let unjudged: Entry[] = [];
  /** The rollback rule's running comparison since the champion took over: the paired differences' mean and m2, the summed losses. */
  const judge = { n: 0, mean: 0, m2: 0, live: 0, champion: 0 };
  const recentKeys = new Set<string>();
  const progressive: Metric<number | boolean, number> = logLoss(
    saved ? { state: saved.progressive } : undefined,
  );
  let recencyUntil: number | null = null;
  const missingRuns: Record<string, number> = Object.create(null);
  const constantRuns: Record<string, { last: string | null; run: number; varied: boolean }> =
    Object.create(null);
  /** Per input column, the raw value behind `constantRuns[input].last` (not saved: a resume re-reads it). */
  const lastValues: Record<string, unknown> = Object.create(null);
  let paused: PauseReason[] = [];
  let championRef: string | null = null;
  let championWeights: tf.Tensor[] | undefined;
  let parent: string | null = parentOption;
  let lastCheckpoint: SavedCheckpoint | null = null;
  let checkpointAt: number | null = now ? clock() : null;
  let sinceCheckpoint = 0;
  let windowDigests: string[] = [];
  let lastRollback: RollbackRecord | null = null;
  const quarantineList: QuarantineEntry[] = [];
  const checkpoints: CheckpointRecord[] = [];
  let aliasVersion: number | null | undefined; // the alias's version as last seen (undefined: not read yet)
  let disposed = false;

  const toEntry = (e: SavedEntry): Entry => {
    const entry: Entry = {
      key: e.key,
      position: e.position,
      features: rows.get(e)!,
      holdout: e.holdout,
      p: e.p === null ? undefined : Math.fround(e.p), // a float32, written with 9 digits
      ...(e.y === undefined ? {} : { y: e.y }),
      ...(e.scored === true ? { scored: true as const } : {}),
    };
    if (entry.p === undefined) unpredicted.push(entry);
    return entry;
  };
  if (saved) {
    Object.assign(counts, saved.counts);
    Object.assign(byReason, saved.quarantineByReason);
    position = saved.position;
    for (const b of saved.quarantineWindow) {
      qRing.push(b);
      qBad += b;
    }
    while (qRing.length > qWindow) qBad -= qRing.shift()!;
    for (const e of saved.pending) pending.set(e.key, toEntry(e));
    queue = saved.queue.map(toEntry);
    unscored = saved.unscored.map(toEntry);
    holdoutBuf = saved.holdout.map(toEntry).slice(-holdoutSize);
    unjudged = saved.unjudged.map(toEntry);
    Object.assign(judge, saved.judge);
    for (const k of saved.recentKeys.slice(-dedupe)) recentKeys.add(k);
    recencyUntil = saved.recencyUntil;
    Object.assign(missingRuns, saved.missingRuns);
    for (const [k, v] of Object.entries(saved.constantRuns)) constantRuns[k] = { ...v };
    paused = [...saved.paused];
    championRef = saved.champion;
    parent = saved.parent ?? parentOption;
    lastCheckpoint = saved.lastCheckpoint;
    checkpointAt = saved.checkpointAt ?? checkpointAt;
    sinceCheckpoint = saved.sinceCheckpoint;
    windowDigests = [...saved.windowDigests];
    lastRollback = saved.lastRollback;
  }
  if (championRef === null) {
    // The initial weights are the champion. After a resume they are the weights given (the state holds
    // no weights), so the comparison against the earlier ones starts over.
    championWeights = model.getWeights().map((w) => w.clone());
    if (saved) {
      Object.assign(judge, { n: 0, mean: 0, m2: 0, live: 0, champion: 0 });
      unjudged = [];
    }
  }

  const emit = (event: OnlineEvent): void => {
    onEvent?.(event);
  };

  // ---------------------------------------------------------------------------------------------------
  // Quarantine and the source guards.

  const quarantine = (
    at: number,
    key: string | null,
    reason: string,
    message: string,
    item: unknown,
    kind: 'example' | 'label' | 'evicted',
  ): PushResult => {
    if (kind === 'example') counts.quarantined++;
    else if (kind === 'label') counts.badLabels++;
    else counts.evicted++;
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    const entry: QuarantineEntry = Object.freeze({ position: at, key, reason, message, item });
    if (qKeep > 0) {
      quarantineList.push(entry);
      if (quarantineList.length > qKeep) quarantineList.shift();
    }
    if (kind === 'example') windowOutcome(1);
    onQuarantine?.(entry);
    emit({ type: 'quarantine', entry });
    return { position: at, status: 'quarantined', reason };
  };

  const windowOutcome = (bad: 0 | 1): void => {
    qRing.push(bad);
    qBad += bad;
    if (qRing.length > qWindow) qBad -= qRing.shift()!;
  };

  const watchFeatures = (
    x: Readonly<Record<string, unknown>>,
    missing: readonly { feature: string }[],
  ): void => {
    if (featureWindow === 0) return;
    if (missing.length === 0) for (const feature of inputFeatures) missingRuns[feature] = 0;
    else {
      const absent = new Set(missing.map((m) => m.feature));
      for (const feature of inputFeatures)
        missingRuns[feature] = absent.has(feature) ? (missingRuns[feature] ?? 0) + 1 : 0;
    }
    for (const input of watchInputs) {
      const value = x[input];
      const run = (constantRuns[input] ??= { last: null, run: 0, varied: false });
      // The same primitive as the last one: no text to make (the common case for a constant column).
      if (value === lastValues[input] && value !== undefined && value !== null && typeof value !== 'object') {
        run.run++;
        continue;
      }
      lastValues[input] = value;
      const text = valueText(value);
      if (text === null) {
        run.run = 0;
        continue;
      }
      if (text === run.last) run.run++;
      else {
        if (run.last !== null) run.varied = true;
        run.last = text;
        run.run = 1;
      }
    }
  };

  /** Re-reads every pause reason; raises `pause` or `unpause` when the set changes from or to empty. */
  const checkPause = (): void => {
    const reasons: PauseReason[] = [];
    const rate = qRing.length === 0 ? 0 : qBad / qRing.length;
    if (qRing.length >= Math.min(qWindow, 20) && rate > maxRate)
      reasons.push({
        code: 'QUARANTINE_RATE',
        rate,
        message: `${qBad} of the last ${qRing.length} examples were quarantined (${(rate * 100).toFixed(1)} %, more than ${maxRate * 100} %)`,
      });
    if (featureWindow > 0) {
      for (const feature of inputFeatures)
        if ((missingRuns[feature] ?? 0) >= featureWindow)
          reasons.push({
            code: 'FEATURE_MISSING',
            feature,
            message: `feature "${feature}" had no input in the last ${missingRuns[feature]} valid examples`,
          });
      for (const input of watchInputs) {
        const run = constantRuns[input];
        if (run?.varied && run.run >= featureWindow)
          reasons.push({
            code: 'FEATURE_CONSTANT',
            feature: input,
            message: `input "${input}" held one value in the last ${run.run} valid examples (it used to vary)`,
          });
      }
    }
    const was = paused.length > 0;
    paused = reasons;
    if (!was && reasons.length > 0) {
      // The examples queued while the source was breaking (before the pause was detected) are not trained:
      // counted now when scored, else when they are.
      for (const e of queue)
        if (e.scored) counts.notTrained++;
        else {
          e.idle = true;
          unscored.push(e);
        }
      queue = [];
      emit({ type: 'pause', position, reasons });
    } else if (was && reasons.length === 0) emit({ type: 'unpause', position });
  };

  // ---------------------------------------------------------------------------------------------------
  // Predict, score, learn.

  const predictRows = (entries: readonly Entry[]): Float32Array => {
    const flat = new Float32Array(entries.length * width);
    for (let i = 0; i < entries.length; i++) flat.set(entries[i]!.features, i * width);
    return tf
      .tidy(() => {
        // predictOnBatch: one pass over every row (predict() would slice them into batches of 32).
        const out = model.predictOnBatch(tf.tensor2d(flat, [entries.length, width])) as tf.Tensor;
        return out.dataSync() as Float32Array;
      })
      .slice();
  };

  /** Sets the entries' predictions, refusing a model whose output is not a probability. */
  const setPredictions = (entries: readonly Entry[], ps: Float32Array): void => {
    entries.forEach((e, i) => {
      const p = ps[i]!;
      if (!(p >= 0 && p <= 1))
        throw new LockstepError(
          'INVALID_ARGUMENT',
          `${FN}: argument 'options.model' must output probabilities in [0, 1] (one sigmoid unit), got ${describe(p)}`,
          { fn: FN, arg: 'options.model' },
        );
      e.p = p;
    });
  };

  /** The entries of `unpredicted` still without a prediction, but for those in `except`; empties the list. */
  const takeUnpredicted = (except?: ReadonlySet<Entry>): Entry[] => {
    const todo = unpredicted.filter((e) => e.p === undefined && !except?.has(e));
    unpredicted = [];
    return todo;
  };

  /** Predicts every entry still without a prediction: the weights have not changed since they arrived. */
  const predictOutstanding = (): void => {
    const todo = takeUnpredicted();
    for (let start = 0; start < todo.length; start += 4096) {
      const chunk = todo.slice(start, start + 4096);
      setPredictions(chunk, predictRows(chunk));
    }
  };

  const loadChampion = async (): Promise<tf.Tensor[]> => {
    if (championWeights) return championWeights;
    const loaded = await tf.loadLayersModel(registryIOHandler(registry, championRef!));
    championWeights = loaded.getWeights().map((w) => w.clone());
    loaded.dispose();
    return championWeights;
  };

  /** The champion's predictions for `entries`: its weights swapped in for one batched prediction. */
  const championPredictions = async (entries: readonly Entry[]): Promise<Float32Array> => {
    const weights = await loadChampion();
    const current = model.getWeights().map((w) => w.clone());
    try {
      model.setWeights(weights);
      return predictRows(entries);
    } finally {
      model.setWeights(current);
      tf.dispose(current);
    }
  };

  const resetJudge = (): void => {
    Object.assign(judge, { n: 0, mean: 0, m2: 0, live: 0, champion: 0 });
    unjudged = [];
  };

  const rollback = async (low: number, high: number): Promise<void> => {
    model.setWeights(await loadChampion());
    counts.rollbacks++;
    const live = judge.live / judge.n;
    const champion = judge.champion / judge.n;
    const level = `${Number(((1 - rollbackAlpha) * 100).toPrecision(6))} %`;
    lastRollback = {
      position,
      restored: championRef,
      n: judge.n,
      metric: live,
      champion,
      low,
      high,
      alpha: rollbackAlpha,
      tolerance: rollbackTolerance,
      reason: `on the ${judge.n} holdout examples labelled since the champion took over, the live model's log loss was ${live.toFixed(4)} against the champion's ${champion.toFixed(4)}; the ${level} confidence sequence for the difference, [${low.toFixed(4)}, ${high.toFixed(4)}], lies above the tolerance ${rollbackTolerance}`,
    };
    parent = championRef;
    resetJudge();
    emit({ type: 'rollback', rollback: lastRollback });
  };

  /**
   * The rollback rule: the champion predicts the scored holdout examples (a batch of JUDGE_CHUNK, or all
   * with `force`); each adds d = loss(live) − loss(champion) to the running comparison, and the rule
   * looks after each one (the confidence sequence is valid at every look).
   */
  const judgeHoldout = async (force: boolean): Promise<void> => {
    if (!rollbackOn || unjudged.length === 0 || (!force && unjudged.length < JUDGE_CHUNK)) return;
    const rows = unjudged;
    unjudged = [];
    const ps = await championPredictions(rows);
    for (let i = 0; i < rows.length; i++) {
      const e = rows[i]!;
      const live = lossOf(e.y!, e.p!);
      const champion = lossOf(e.y!, ps[i]!);
      const d = live - champion;
      judge.n++;
      judge.live += live;
      judge.champion += champion;
      const delta = d - judge.mean;
      judge.mean += delta / judge.n;
      judge.m2 += delta * (d - judge.mean);
      if (judge.n < rollbackMin) continue;
      const se = Math.sqrt(judge.m2 / (judge.n - 1) / judge.n);
      const half = sequenceHalfWidth(se, judge.n, minusTwoLogAlpha, rho2);
      if (judge.mean - half > rollbackTolerance) {
        // The rest of the batch was predicted by the weights being abandoned: not compared.
        await rollback(judge.mean - half, judge.mean + half);
        return;
      }
    }
  };

  /** Scores one labelled entry's prediction (made on arrival) and routes it when it is not trained on. */
  const score = (e: Entry): void => {
    const y = e.y!;
    const p = e.p!;
    e.scored = true;
    progressive.update(y, p);
    counts.scored++;
    const signal = detector.update(Math.abs(y - p));
    if (signal.drift) {
      counts.drifts++;
      if (recency) recencyUntil = position + recency.duration;
      emit({ type: 'drift', position, detections: counts.drifts });
    }
  };

  /** One optimizer step on `batch`; `extras` ride along in its forward pass with weight 0, for their predictions. */
  const trainStep = (batch: readonly Entry[], extras: readonly Entry[]): void => {
    const n = batch.length;
    const rowCount = n + extras.length;
    const order = epochOrder(n, seed, counts.batches);
    const flat = new Float32Array(rowCount * width);
    const ys = new Float32Array(n);
    const keys: string[] = [];
    let newest = 0;
    for (const e of batch) newest = Math.max(newest, e.position);
    const weighted = recency !== undefined && recencyUntil !== null && newest <= recencyUntil;
    const ws = weighted ? new Float32Array(n) : undefined;
    const ordered: Entry[] = [];
    for (let i = 0; i < n; i++) {
      const e = batch[order[i]!]!;
      ordered.push(e);
      flat.set(e.features, i * width);
      ys[i] = e.y!;
      keys.push(e.key);
      if (ws) ws[i] = 2 ** (-(newest - e.position) / recency!.halfLife);
    }
    for (let j = 0; j < extras.length; j++) flat.set(extras[j]!.features, (n + j) * width);
    const vars = model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
    let out: tf.Tensor | undefined;
    tf.tidy(() => {
      const xT = tf.tensor2d(flat, [rowCount, width]);
      const yT = tf.tensor2d(ys, [n, 1]);
      const wT = ws ? tf.tensor2d(ws, [n, 1]) : undefined;
      optimizer.minimize(
        () => {
          const p = model.apply(xT, { training: true }) as tf.Tensor;
          if (sharedPass) out = tf.keep(p);
          // The loss is the batch's rows' only: the other rows' gradient is exact zeros.
          const trained = extras.length > 0 ? p.slice([0, 0], [n, 1]) : p;
          return tf.losses.logLoss(yT, trained, wT) as tf.Scalar;
        },
        false,
        vars,
      );
    });
    if (out) {
      const ps = out.dataSync() as Float32Array;
      out.dispose();
      const fresh: Entry[] = [];
      const freshPs: number[] = [];
      ordered.forEach((e, i) => {
        if (e.p === undefined) {
          fresh.push(e);
          freshPs.push(ps[i]!);
        }
      });
      extras.forEach((e, j) => {
        fresh.push(e);
        freshPs.push(ps[n + j]!);
      });
      setPredictions(fresh, Float32Array.from(freshPs));
    }
    windowDigests.push(batchDigest(keys, ys, ws, flat.subarray(0, n * width)));
    counts.batches++;
    counts.trained += n;
    sinceCheckpoint += n;
  };

  const trainable = (partial: boolean): boolean =>
    paused.length === 0 && (queue.length >= batchSize || (partial && queue.length > 0));

  /**
   * One pass: trains a mini-batch when one is due (every full one, and the partial one with `partial`),
   * predicting everything still unpredicted with the weights it arrived to (in the step's forward pass
   * when that pass is the inference one, else just before it), then scores every labelled prediction in
   * stream order, routes the ones not trained on, and lets the rollback rule judge the holdout.
   */
  const process = async (partial: boolean): Promise<void> => {
    do {
      const batch = trainable(partial) ? queue.splice(0, batchSize) : [];
      if (batch.length > 0 && sharedPass) trainStep(batch, takeUnpredicted(new Set(batch)));
      else {
        predictOutstanding();
        if (batch.length > 0) trainStep(batch, []);
      }
      const toScore = [...unscored];
      for (const e of queue) if (!e.scored) toScore.push(e);
      for (const e of batch) if (!e.scored) toScore.push(e);
      toScore.sort((a, b) => a.position - b.position);
      unscored = [];
      for (const e of toScore) {
        score(e);
        if (e.idle) counts.notTrained++;
        else if (e.holdout) {
          counts.holdout++;
          holdoutBuf.push(e);
          if (holdoutBuf.length > holdoutSize) holdoutBuf.shift();
          if (rollbackOn) unjudged.push(e);
        }
      }
      await judgeHoldout(partial);
    } while (trainable(partial));
  };

  /** A labelled entry: to the training queue, or (held out, or training paused) to be scored only. */
  const enqueue = (e: Entry): void => {
    if (paused.length > 0) {
      e.idle = true;
      unscored.push(e);
    } else if (e.holdout) unscored.push(e);
    else queue.push(e);
  };

  const due = (): 'count' | 'time' | undefined => {
    if (paused.length > 0 || sinceCheckpoint === 0) return undefined;
    if (sinceCheckpoint >= every) return 'count';
    if (intervalMs !== undefined && checkpointAt !== null && clock() - checkpointAt >= intervalMs)
      return 'time';
    return undefined;
  };

  const after = async (): Promise<void> => {
    // Scoring waits for the next mini-batch; while paused, or when labels come late, for batchSize rows.
    if (queue.length >= batchSize || unscored.length >= batchSize) await process(false);
    const trigger = due();
    if (trigger) await checkpointNow(trigger);
  };

  // ---------------------------------------------------------------------------------------------------
  // Items.

  const readKey = (key: unknown): string | undefined => {
    if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) return undefined;
    if (typeof key === 'string' && key.length > 1 << 16) return undefined;
    return keyText(key, FN) as string;
  };

  const handleLabel = async (
    at: number | null,
    rawKey: unknown,
    y: unknown,
    item: unknown,
  ): Promise<PushResult> => {
    const where = at ?? position;
    counts.labels++;
    const key = readKey(rawKey);
    if (key === undefined)
      return quarantine(
        where,
        null,
        'INVALID_KEY',
        `the key must be a string or a finite number, got ${describe(rawKey)}`,
        item,
        'label',
      );
    const entry = pending.get(key);
    if (entry === undefined)
      return quarantine(
        where,
        key,
        'UNKNOWN_KEY',
        `no example with key ${describe(key)} is waiting for a label`,
        item,
        'label',
      );
    const label = readLabel(y);
    if (label === undefined)
      return quarantine(
        where,
        key,
        'INVALID_LABEL',
        `the label must be 0, 1, true or false, got ${describe(y)}`,
        item,
        'label',
      );
    pending.delete(key);
    entry.y = label;
    counts.lateLabels++;
    enqueue(entry);
    await after();
    return { position: where, status: 'labelled' };
  };

  const handleItem = async (item: unknown): Promise<PushResult> => {
    const at = position++;
    let key: unknown;
    let x: unknown;
    let y: unknown;
    let hasX: boolean;
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        counts.seen++;
        const r = quarantine(
          at,
          null,
          'BAD_EXAMPLE',
          `an example must be an object { key, x, y? }, got ${describe(item)}`,
          item,
          'example',
        );
        checkPause();
        return r;
      }
      hasX = Object.hasOwn(item, 'x');
      ({ key, x, y } = item as { key?: unknown; x?: unknown; y?: unknown });
    } catch {
      counts.seen++;
      const r = quarantine(
        at,
        null,
        'BAD_EXAMPLE',
        'the example could not be read (a getter or proxy threw)',
        item,
        'example',
      );
      checkPause();
      return r;
    }
    if (!hasX) return handleLabel(at, key, y, item);
    counts.seen++;
    const k = readKey(key);
    const bad = (reason: string, message: string): PushResult => {
      const r = quarantine(at, k ?? null, reason, message, item, 'example');
      checkPause();
      return r;
    };
    if (k === undefined)
      return bad('INVALID_KEY', `the key must be a string or a finite number, got ${describe(key)}`);
    if (recentKeys.has(k) || pending.has(k))
      return bad('DUPLICATE_KEY', `key ${describe(k)} was seen before`);
    if (dedupe > 0) {
      recentKeys.add(k);
      if (recentKeys.size > dedupe) recentKeys.delete(recentKeys.values().next().value!);
    }
    const report = validator(x);
    if (!report.ok) {
      const first = report.anomalies.find((a) => a.severity === 'error') ?? report.anomalies[0]!;
      return bad(first.code, first.message);
    }
    const label = y === undefined ? undefined : readLabel(y);
    if (y !== undefined && label === undefined)
      return bad('INVALID_LABEL', `the label must be 0, 1, true or false, got ${describe(y)}`);
    let features: Float32Array;
    let missing: readonly { feature: string }[];
    try {
      const explained = apply(transform, x as object, { explain: true });
      features = explained.values;
      missing = explained.missing;
    } catch (error) {
      if (!isLockstepError(error)) throw error;
      return bad('TRANSFORM_FAILED', error.message);
    }
    counts.valid++;
    windowOutcome(0);
    watchFeatures(x as Record<string, unknown>, missing);
    checkPause();
    const holdout = holdoutRate > 0 && unitOf(k, holdoutSeed) < holdoutRate;
    const entry: Entry = { key: k, position: at, features, holdout, p: undefined };
    unpredicted.push(entry);
    let status: PushResult['status'] = holdout ? 'holdout' : paused.length > 0 ? 'paused' : 'queued';
    if (label === undefined) {
      pending.set(k, entry);
      status = 'pending';
      if (pending.size > pendingMax) {
        const [oldKey, old] = pending.entries().next().value!;
        pending.delete(oldKey);
        quarantine(
          old.position,
          oldKey,
          'PENDING_EVICTED',
          `no label arrived before ${pendingMax} newer examples waited for theirs`,
          null,
          'evicted',
        );
      }
    } else {
      entry.y = label;
      enqueue(entry);
    }
    // Bound the memory of unpredicted rows (labels may come late): predicting early changes nothing.
    if (unpredicted.length >= 4096) predictOutstanding();
    await after();
    return { position: at, status };
  };

  // ---------------------------------------------------------------------------------------------------
  // Checkpoints.

  const holdoutEvaluation = (ps: Float32Array, ys: Uint8Array, index: number): Evaluation =>
    evaluate({
      predictions: ps,
      labels: ys,
      task: 'binary',
      metrics: ['rocAuc', 'logLoss'],
      seed: `${seed}:${index}`.slice(0, 256),
    });

  const checkpointNow = async (trigger: 'count' | 'time' | 'manual'): Promise<CheckpointRecord> => {
    await process(true);
    const at = now ? clock() : null;
    const dataFingerprint = fingerprint({
      kind: 'lockstep.online.window',
      transform: transformFingerprint,
      batches: windowDigests,
    });
    const metrics: Record<string, number> = {
      progressiveLogLoss: progressive.value(),
      trained: counts.trained,
      seen: counts.seen,
      quarantined: counts.quarantined,
      scored: counts.scored,
    };
    for (const [k, v] of Object.entries(metrics)) if (!Number.isFinite(v)) delete metrics[k];
    const result = (await model.save(
      registryIOHandler(registry, name, {
        lineage: {
          ...(parent === null ? {} : { parent }),
          dataFingerprint,
          seed: typeof seed === 'number' && !Number.isInteger(seed) ? String(seed) : seed,
          transformFingerprint,
          schemaFingerprint,
          hyperparameters: { batchSize, holdoutRate, trainer: 'lockstep.online', position },
        },
        metrics,
        tags: { trainer: 'lockstep.online', trigger },
        actor,
        reason: `online checkpoint at position ${position} (${trigger})`,
      }),
    )) as RegistrySaveResult;
    const ref = result.version.ref;
    counts.checkpoints++;

    // The gate: the candidate (these weights) and the champion on the recent holdout.
    let verdict: Gate | null = null;
    let note: string | undefined;
    let candidate: CheckpointRecord['candidate'] = null;
    let baseline: CheckpointRecord['baseline'] = null;
    let promoted = false;
    const ys = Uint8Array.from(holdoutBuf, (e) => e.y!);
    const positives = ys.reduce((a, b) => a + b, 0);
    if (holdoutBuf.length < holdoutMin || positives === 0 || positives === ys.length) {
      note = `HOLDOUT_TOO_SMALL: ${holdoutBuf.length} holdout rows (${positives} positive); the gate needs ${holdoutMin} of both classes`;
    } else {
      const current = model.getWeights().map((w) => w.clone());
      const candidatePs = predictRows(holdoutBuf);
      const champion = await loadChampion();
      model.setWeights(champion);
      const baselinePs = predictRows(holdoutBuf);
      model.setWeights(current);
      tf.dispose(current);
      const ce = holdoutEvaluation(candidatePs, ys, counts.checkpoints);
      const be = holdoutEvaluation(baselinePs, ys, counts.checkpoints);
      const pick = (e: Evaluation) => ({
        rocAuc: e.metrics.rocAuc!.value,
        logLoss: e.metrics.logLoss!.value,
      });
      candidate = pick(ce);
      baseline = pick(be);
      verdict = gate({
        candidate: ce,
        baseline: be,
        rules: gateRules,
        refs: { candidate: ref, baseline: championRef ?? 'initial weights' },
      });
      if (aliasVersion === undefined) {
        try {
          aliasVersion = (await registry.resolve(`${name}@${alias}`)).version;
        } catch (error) {
          if (!(isLockstepError(error) && error.code === 'NOT_FOUND')) throw error;
          aliasVersion = null;
        }
      }
      try {
        const promotion = await promote(registry, ref, alias, {
          gate: verdict,
          expected: aliasVersion,
          actor,
        });
        promoted = promotion.promoted;
      } catch (error) {
        if (!(isLockstepError(error) && error.code === 'CONFLICT')) throw error;
        note = `CONFLICT: ${name}@${alias} moved since this trainer last saw it; not promoted`;
        aliasVersion = undefined;
      }
      if (promoted) {
        counts.promotions++;
        aliasVersion = result.version.version;
        if (championWeights) tf.dispose(championWeights);
        championWeights = model.getWeights().map((w) => w.clone());
        championRef = ref;
        // The rollback rule now compares the live model with this champion, from nothing.
        resetJudge();
      }
    }
    parent = ref;
    lastCheckpoint = { ref, position, trigger, at, promoted };
    checkpointAt = at;
    sinceCheckpoint = 0;
    windowDigests = [];
    const record: CheckpointRecord = Object.freeze({
      ...lastCheckpoint,
      dataFingerprint,
      gate: verdict,
      ...(note === undefined ? {} : { note }),
      candidate,
      baseline,
    });
    checkpoints.push(record);
    if (checkpoints.length > 1000) checkpoints.shift();
    // The state at this checkpoint, stored with the version: what a restarted process resumes from.
    await registry.addArtifacts(ref, { 'online-state': withFingerprint(state()) }, { actor });
    emit({ type: 'checkpoint', checkpoint: record });
    return record;
  };

  // ---------------------------------------------------------------------------------------------------
  // The state, plain JSON.

  const savedEntry = (e: Entry): SavedEntry => ({
    ...(e.scored ? { scored: true } : {}),
    ...(e.idle ? { idle: true } : {}),
    key: e.key,
    position: e.position,
    features: sparseFeatures(e.features),
    holdout: e.holdout,
    p: e.p === undefined ? null : float32Json(e.p),
    ...(e.y === undefined ? {} : { y: e.y }),
  });

  const state = (): OnlineTrainerState => {
    let detectorState: unknown = null;
    try {
      detectorState = JSON.parse(JSON.stringify(detector.state()));
    } catch {
      detectorState = null;
    }
    return {
      kind: ONLINE_STATE_KIND,
      formatVersion: 1,
      name,
      seed,
      transformFingerprint,
      position,
      counts: { ...counts },
      quarantineByReason: { ...byReason },
      quarantineWindow: [...qRing],
      pending: [...pending.values()].map(savedEntry),
      queue: queue.map(savedEntry),
      unscored: unscored.map(savedEntry),
      holdout: holdoutBuf.map(savedEntry),
      unjudged: unjudged.map(savedEntry),
      judge: { ...judge },
      recentKeys: [...recentKeys],
      progressive: progressive.state(),
      detector: detectorState,
      recencyUntil,
      missingRuns: { ...missingRuns },
      constantRuns: Object.fromEntries(Object.entries(constantRuns).map(([k, v]) => [k, { ...v }])),
      paused: [...paused],
      champion: championRef,
      parent,
      lastCheckpoint,
      checkpointAt,
      sinceCheckpoint,
      windowDigests: [...windowDigests],
      lastRollback,
    };
  };

  // ---------------------------------------------------------------------------------------------------
  // The calls, one after another.

  let chain: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: string, run: () => Promise<T>): Promise<T> => {
    if (disposed)
      return Promise.reject(
        new LockstepError('INVALID_ARGUMENT', `${fn}: the online trainer was disposed`, { fn, arg: 'this' }),
      );
    const result = chain.then(run);
    chain = result.catch(() => undefined);
    return result;
  };

  const iteratorOf = (stream: unknown): Iterator<unknown> | AsyncIterator<unknown> => {
    const must = 'must be an iterable or an async iterable of examples';
    if (typeof stream !== 'object' || stream === null)
      throw invalidArgument('consume', 'stream', must, stream);
    try {
      const s = stream as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
      const make = (
        typeof s[Symbol.asyncIterator] === 'function' ? s[Symbol.asyncIterator] : s[Symbol.iterator]
      ) as ((this: unknown) => unknown) | undefined;
      if (typeof make !== 'function') throw invalidArgument('consume', 'stream', must, stream);
      const it = make.call(stream) as Iterator<unknown>;
      if (typeof it !== 'object' || it === null || typeof it.next !== 'function')
        throw invalidArgument('consume', 'stream', must, stream);
      return it;
    } catch (error) {
      if (isLockstepError(error)) throw error;
      throw invalidArgument('consume', 'stream', 'must be readable (a getter or proxy threw)');
    }
  };

  return {
    push: (item) => locked('push', () => handleItem(item)),
    label: (key, y) => locked('label', () => handleLabel(null, key, y, { key, y })),
    consume: (stream, consumeOptions) =>
      locked('consume', async () => {
        const co = readOptions('consume', consumeOptions, ['offset']);
        const offset = co.offset === undefined ? 0 : checkInteger('consume', 'options.offset', co.offset, 0);
        const it = iteratorOf(stream);
        let at = offset;
        let done = false;
        try {
          for (;;) {
            const r = (await it.next()) as unknown;
            if (typeof r !== 'object' || r === null)
              throw invalidArgument('consume', 'stream', 'must yield { done, value } results', r);
            let finished: unknown;
            let value: unknown;
            try {
              ({ done: finished, value } = r as IteratorResult<unknown>);
            } catch {
              throw invalidArgument('consume', 'stream', 'must yield readable results (a getter threw)');
            }
            if (finished) {
              done = true;
              break;
            }
            if (at < position) counts.replayed++;
            else {
              position = at;
              await handleItem(value);
            }
            at++;
          }
        } finally {
          // An early exit (an error) closes the source, as for-of would.
          if (!done && typeof it.return === 'function') await it.return();
        }
        return { ...counts };
      }),
    flush: () => locked('flush', () => process(true)),
    checkpoint: () => locked('checkpoint', () => checkpointNow('manual')),
    state,
    get position() {
      return position;
    },
    get paused() {
      return [...paused];
    },
    get counts() {
      return { ...counts };
    },
    get quarantineByReason() {
      return { ...byReason };
    },
    get quarantine() {
      return [...quarantineList];
    },
    get checkpoints() {
      return [...checkpoints];
    },
    get lastRollback() {
      return lastRollback;
    },
    get champion() {
      return championRef;
    },
    dispose() {
      disposed = true;
      if (championWeights) tf.dispose(championWeights);
      championWeights = undefined;
    },
  };
}

/**
 * SHA-256 of a mini-batch as trained, in its order: the keys, labels, weights (when weighted) and features,
 * the features by their nonzero entries (flat index, float32 bits), which determine them exactly. A
 * transform's rows are mostly one-hot zeros, so this hashes a small fraction of the bytes (hashing every
 * byte, through canonical JSON, was a quarter of the guarded loop's time in bench/online.bench.ts).
 * Layout, little-endian: rows, columns and 0/1 for weights as uint32; each key as its uint32 UTF-8 length
 * then its bytes; the labels and weights as float32; the nonzero count, indices (uint32) and values.
 */
function batchDigest(
  keys: readonly string[],
  ys: Float32Array,
  ws: Float32Array | undefined,
  flat: Float32Array,
): string {
  const bits = new Uint32Array(flat.buffer, flat.byteOffset, flat.length);
  const at = new Uint32Array(flat.length); // the nonzero entries' indices, in one pass
  let nonzero = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) at[nonzero++] = i;
  const encoded = keys.map(encodeUtf8);
  const keyBytes = encoded.reduce((a, k) => a + 4 + k.length, 0);
  const words = 3 + ys.length + (ws ? ws.length : 0) + 1 + 2 * nonzero;
  const bytes = new Uint8Array(keyBytes + 4 * words);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  const u32 = (v: number) => {
    view.setUint32(offset, v, true);
    offset += 4;
  };
  const f32 = (v: number) => {
    view.setFloat32(offset, v, true);
    offset += 4;
  };
  u32(ys.length);
  u32(ys.length === 0 ? 0 : flat.length / ys.length);
  u32(ws ? 1 : 0);
  for (const k of encoded) {
    u32(k.length);
    bytes.set(k, offset);
    offset += k.length;
  }
  for (const y of ys) f32(y);
  if (ws) for (const w of ws) f32(w);
  u32(nonzero);
  for (let k = 0; k < nonzero; k++) u32(at[k]!);
  for (let k = 0; k < nonzero; k++) u32(bits[at[k]!]!);
  return sha256Hex(bytes);
}
