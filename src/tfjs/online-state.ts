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
  /** The transform's output for the example (float32 values, exact in JSON). */
  readonly features: readonly number[];
  /** Whether the example is in the holdout (never trained on). */
  readonly holdout: boolean;
  /** The prediction made on arrival; null when it is still to be made (with the same weights). */
  readonly p: number | null;
  /** The label (0 or 1); absent while it is pending. */
  readonly y?: 0 | 1;
  /** In the training queue: its prediction was scored already (so it is not scored twice). */
  readonly scored?: true;
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
  /** The progressive log loss over the recent window that triggered it. */
  readonly metric: number;
  /** The champion's progressive log loss, recorded when it was promoted. */
  readonly champion: number;
  readonly tolerance: number;
  readonly reason: string;
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
  /** Labelled examples not trained on yet (the partial mini-batch), in order. */
  readonly queue: readonly SavedEntry[];
  /** The recent holdout rows (labelled), oldest first. */
  readonly holdout: readonly SavedEntry[];
  /** Keys seen most recently, oldest first (a key seen again is a DUPLICATE_KEY). */
  readonly recentKeys: readonly string[];
  /** Per-example log losses of the recent window, oldest first (for rollback). */
  readonly lossWindow: readonly number[];
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
  readonly champion: {
    /** The promoted version (`flights/3`), or null while the trainer's initial weights are the champion. */
    readonly ref: string | null;
    /** Its progressive log loss over the recent window when it was promoted (null before any promotion). */
    readonly metric: number | null;
  };
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
    features: list(finite),
    holdout: z.boolean(),
    p: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
    y: z.optional(z.union([z.literal(0), z.literal(1)])),
    scored: z.optional(z.literal(true)),
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
    holdout: list(entry),
    recentKeys: list(text),
    lossWindow: list(z.number().check(z.minimum(0), z.maximum(100))),
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
    champion: z.strictObject({ ref: z.nullable(text), metric: z.nullable(finite) }),
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
        metric: finite,
        champion: finite,
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
