// The online trainer's saved state: plain JSON (`kind: 'lockstep.online-trainer-state'`, formatVersion 1),
// checked with zod before a trainer resumes from it, so an edited or truncated state is an
// INVALID_ARTIFACT naming the JSON path, never a NaN or a crash later. Every list in it is bounded by the
// trainer's own bounds (pending labels, holdout buffer, remembered keys, windows), so a state is as large as
// those bounds allow and no larger.
import * as z from 'zod/mini';
import { checkFingerprint, parseArtifact } from '../core/artifact.js';
import type { MetricState } from '../core/metrics.js';

export const ONLINE_STATE_KIND = 'lockstep.online-trainer-state';

/** Largest list a saved state may hold (pending labels, holdout rows, remembered keys, windows). */
export const MAX_STATE_LIST = 1_000_000;

/** An example held in the state: its key, stream position, transformed features and prediction. */
export interface SavedEntry {
  readonly key: string;
  readonly position: number;
  /**
   * The transform's output for the example by its nonzero entries: `index` (increasing column indices)
   * and `value` (their float32 values, written with the 9 significant digits that give each back
   * exactly); every other column is 0. A transform's rows are mostly one-hot zeros, so this is a small
   * fraction of the dense row.
   */
  readonly features: { readonly index: readonly number[]; readonly value: readonly number[] };
  /** Whether the example is in the holdout (never trained on). */
  readonly holdout: boolean;
  /** The prediction made on arrival; null when it is still to be made (with the same weights). */
  readonly p: number | null;
  /** The label (0 or 1); absent while it is pending. */
  readonly y?: 0 | 1;
  /** Its prediction was scored already (so it is not scored twice). */
  readonly scored?: true;
  /** Labelled while training was paused: scored, never trained on. */
  readonly idle?: true;
}

/** Why training is paused (a broken source must not train the model). */
export interface PauseReason {
  /** QUARANTINE_RATE: too many bad examples; FEATURE_MISSING / FEATURE_CONSTANT: a feature source broke. */
  readonly code: 'QUARANTINE_RATE' | 'FEATURE_MISSING' | 'FEATURE_CONSTANT';
  /** The feature (transform feature for FEATURE_MISSING, input column for FEATURE_CONSTANT). */
  readonly feature?: string;
  /** QUARANTINE_RATE: the rate over the window. */
  readonly rate?: number;
  readonly message: string;
}

/** The last checkpoint, as the state keeps it. */
export interface SavedCheckpoint {
  readonly ref: string;
  readonly position: number;
  readonly trigger: 'count' | 'time' | 'manual';
  readonly at: number | null;
  readonly promoted: boolean;
}

/** The last rollback: when, to what, and why. */
export interface RollbackRecord {
  /** Stream position at which the rollback happened. */
  readonly position: number;
  /** The version whose weights were restored (`flights/3`), or null for the trainer's initial weights. */
  readonly restored: string | null;
  /** Holdout examples compared, labelled since the champion took over. */
  readonly n: number;
  /** The live model's mean log loss on them (each predicted when it arrived). */
  readonly metric: number;
  /** The champion's mean log loss on the same examples. */
  readonly champion: number;
  /** The confidence sequence (level 1 − alpha) for the mean difference, live − champion: `low` > tolerance. */
  readonly low: number;
  readonly high: number;
  readonly alpha: number;
  readonly tolerance: number;
  readonly reason: string;
}

/** The rollback rule's running comparison of the live model with the champion on the holdout. */
export interface JudgeState {
  /** Holdout examples compared since the champion took over. */
  readonly n: number;
  /** Mean and sum of squared deviations (Welford) of d = log loss(live) − log loss(champion). */
  readonly mean: number;
  readonly m2: number;
  /** The summed log losses of the live model and of the champion. */
  readonly live: number;
  readonly champion: number;
}

/** Counts the trainer keeps; every example pushed lands in exactly one of the outcome counts. */
export interface OnlineCounts {
  /** Examples handled (stream items other than `{ key, y }` labels), replays excluded: valid + quarantined. */
  readonly seen: number;
  /** Examples that passed validation. */
  readonly valid: number;
  /** Examples quarantined (each with its reason in `quarantineByReason`). */
  readonly quarantined: number;
  /** Examples trained on (each exactly once). */
  readonly trained: number;
  /** Holdout examples labelled (predicted, never trained on). */
  readonly holdout: number;
  /** Valid labelled examples not used (neither trained on nor kept for the holdout) while training was paused. */
  readonly notTrained: number;
  /** Late labels received (`label()` calls and `{ key, y }` stream items). */
  readonly labels: number;
  /** Late labels matched to a pending example. */
  readonly lateLabels: number;
  /** Late labels quarantined (UNKNOWN_KEY, INVALID_LABEL, INVALID_KEY). */
  readonly badLabels: number;
  /** Pending examples evicted unlabelled (PENDING_EVICTED) because the pending table was full. */
  readonly evicted: number;
  /** Predictions scored by the progressive metric. */
  readonly scored: number;
  /** Stream items skipped because their position was consumed before (a restart replaying its source). */
  readonly replayed: number;
  readonly batches: number;
  readonly checkpoints: number;
  readonly promotions: number;
  readonly rollbacks: number;
  readonly drifts: number;
}

/** The trainer's state, plain JSON: `createOnlineTrainer({ …, resume: state })` continues from it. */
export interface OnlineTrainerState {
  readonly kind: typeof ONLINE_STATE_KIND;
  readonly formatVersion: 1;
  readonly name: string;
  readonly seed: string | number;
  readonly transformFingerprint: string;
  /** The stream's high-water mark: the position of the next item (items before it were handled). */
  readonly position: number;
  readonly counts: OnlineCounts;
  readonly quarantineByReason: Readonly<Record<string, number>>;
  /** The quarantine window, oldest first: 1 for a quarantined example, 0 for a valid one. */
  readonly quarantineWindow: readonly (0 | 1)[];
  /** Examples waiting for their label, oldest first. */
  readonly pending: readonly SavedEntry[];
  /** Labelled examples to train on, not trained on yet (the partial mini-batch), in order. */
  readonly queue: readonly SavedEntry[];
  /** Labelled examples not to train on (holdout, or labelled while paused), not scored yet. */
  readonly unscored: readonly SavedEntry[];
  /** The recent holdout rows (labelled, scored), oldest first. */
  readonly holdout: readonly SavedEntry[];
  /** Holdout rows scored but not yet compared with the champion's predictions (the rollback rule). */
  readonly unjudged: readonly SavedEntry[];
  /** The rollback rule's running comparison since the champion took over. */
  readonly judge: JudgeState;
  /** Keys seen most recently, oldest first (a key seen again is a DUPLICATE_KEY). */
  readonly recentKeys: readonly string[];
  /** The progressive log loss over the whole stream (lockstep's streaming metric state). */
  readonly progressive: MetricState;
  /** The drift detector's `state()` (ADWIN's by default), or null for a detector without one. */
  readonly detector: unknown;
  /** Recency weighting applies to examples trained up to this position (after a drift), or null. */
  readonly recencyUntil: number | null;
  /** Per transform feature: how many valid examples in a row lacked its input. */
  readonly missingRuns: Readonly<Record<string, number>>;
  /** Per input column: its last value (as text), how many valid examples in a row had it, whether it varied. */
  readonly constantRuns: Readonly<
    Record<string, { readonly last: string | null; readonly run: number; readonly varied: boolean }>
  >;
  readonly paused: readonly PauseReason[];
  /** The promoted version (`flights/3`), or null while the trainer's initial weights are the champion. */
  readonly champion: string | null;
  /** The lineage parent of the next checkpoint. */
  readonly parent: string | null;
  readonly lastCheckpoint: SavedCheckpoint | null;
  /** Injected time of the last checkpoint (or of the start), null without `now`. */
  readonly checkpointAt: number | null;
  /** Examples trained since the last checkpoint. */
  readonly sinceCheckpoint: number;
  /** Digests of the mini-batches trained since the last checkpoint (the data window's fingerprint). */
  readonly windowDigests: readonly string[];
  readonly lastRollback: RollbackRecord | null;
  /**
   * SHA-256 of the canonical JSON of the rest, on the state a checkpoint stores (a registry artifact has
   * one); checked when given. `state()` leaves it out.
   */
  readonly fingerprint?: string;
}

let schema: z.ZodMiniType<OnlineTrainerState> | undefined;

function stateSchema(): z.ZodMiniType<OnlineTrainerState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  const text = z.string().check(z.maxLength(1 << 16));
  const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(MAX_STATE_LIST));
  const entry = z.strictObject({
    key: text,
    position: count,
    features: z.strictObject({ index: list(count), value: list(finite) }),
    holdout: z.boolean(),
    p: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
    y: z.optional(z.union([z.literal(0), z.literal(1)])),
    scored: z.optional(z.literal(true)),
    idle: z.optional(z.literal(true)),
  });
  const counts = z.strictObject({
    seen: count,
    valid: count,
    quarantined: count,
    trained: count,
    holdout: count,
    notTrained: count,
    labels: count,
    lateLabels: count,
    badLabels: count,
    evicted: count,
    scored: count,
    replayed: count,
    batches: count,
    checkpoints: count,
    promotions: count,
    rollbacks: count,
    drifts: count,
  });
  const pause = z.strictObject({
    code: z.enum(['QUARANTINE_RATE', 'FEATURE_MISSING', 'FEATURE_CONSTANT']),
    feature: z.optional(text),
    rate: z.optional(finite),
    message: text,
  });
  schema = z.strictObject({
    kind: z.literal(ONLINE_STATE_KIND),
    formatVersion: z.literal(1),
    name: text,
    seed: z.union([text, finite]),
    transformFingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    position: count,
    counts,
    quarantineByReason: z.record(z.string().check(z.maxLength(64)), count),
    quarantineWindow: list(z.union([z.literal(0), z.literal(1)])),
    pending: list(entry),
    queue: list(entry),
    unscored: list(entry),
    holdout: list(entry),
    unjudged: list(entry),
    judge: z.strictObject({
      n: count,
      mean: finite,
      m2: z.number().check(z.minimum(0), z.refine(Number.isFinite, 'must be a finite number')),
      live: z.number().check(z.minimum(0), z.refine(Number.isFinite, 'must be a finite number')),
      champion: z.number().check(z.minimum(0), z.refine(Number.isFinite, 'must be a finite number')),
    }),
    recentKeys: list(text),
    progressive: z.strictObject({
      kind: z.literal('lockstep.metric.logLoss'),
      formatVersion: z.literal(1),
      n: count,
      total: finite,
    }),
    detector: z.unknown(),
    recencyUntil: z.nullable(count),
    missingRuns: z.record(text, count),
    constantRuns: z.record(text, z.strictObject({ last: z.nullable(text), run: count, varied: z.boolean() })),
    paused: list(pause),
    champion: z.nullable(text),
    parent: z.nullable(text),
    lastCheckpoint: z.nullable(
      z.strictObject({
        ref: text,
        position: count,
        trigger: z.enum(['count', 'time', 'manual']),
        at: z.nullable(finite),
        promoted: z.boolean(),
      }),
    ),
    checkpointAt: z.nullable(finite),
    sinceCheckpoint: count,
    windowDigests: list(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
    lastRollback: z.nullable(
      z.strictObject({
        position: count,
        restored: z.nullable(text),
        n: count,
        metric: finite,
        champion: finite,
        low: finite,
        high: finite,
        alpha: finite,
        tolerance: finite,
        reason: text,
      }),
    ),
    fingerprint: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  }) as unknown as z.ZodMiniType<OnlineTrainerState>;
  return schema;
}

/**
 * Reads a saved online-trainer state (JSON text or a parsed value) and checks its shape.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, `arg` and the JSON path of the first problem.
 */
export function parseOnlineState(fn: string, arg: string, json: unknown): OnlineTrainerState {
  const state = parseArtifact(fn, 'online trainer state', json, stateSchema(), arg);
  if (state.fingerprint !== undefined)
    checkFingerprint(fn, 'online trainer state', state as { readonly fingerprint: string }, arg);
  return state;
}

/** A float32 as the shortest of its 9-significant-digit forms (which reads back as the same float32). */
export function float32Json(v: number): number {
  return Number(v.toPrecision(9));
}

/** A row's nonzero entries (by bit pattern, so -0 and NaN count as nonzero), as the state keeps them. */
export function sparseFeatures(row: Float32Array): SavedEntry['features'] {
  const bits = new Uint32Array(row.buffer, row.byteOffset, row.length);
  const index: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < bits.length; i++)
    if (bits[i] !== 0) {
      index.push(i);
      value.push(float32Json(row[i]!));
    }
  return { index, value };
}

/**
 * The dense row of `width` columns from saved nonzero entries, or a message saying what is wrong with them
 * (lengths that differ, an index out of range or not increasing, a value beyond float32's range).
 */
export function denseFeatures(saved: SavedEntry['features'], width: number): Float32Array | string {
  const { index, value } = saved;
  if (index.length !== value.length)
    return `holds ${index.length} feature indices and ${value.length} values`;
  const row = new Float32Array(width);
  let last = -1;
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    if (i <= last || i >= width)
      return `holds feature index ${i} (indices must increase, below the transform's ${width} columns)`;
    row[i] = value[k]!;
    if (!Number.isFinite(row[i])) return `holds feature value ${value[k]}, beyond float32's range`;
    last = i;
  }
  return row;
}
