// A rollout's definition and state, as data. The state is an artifact (`lockstep.rollout`, format 1,
// fingerprinted, deeply frozen) so a store can keep it as JSON, every replica can read it, and a report can
// render it: which step, what weight, which phase, why, and every transition with its time.
//
// Steps are data too, Argo Rollouts' way: `{ setWeight: 0.05 }`, `{ pause: { requests: 2000 } }`,
// `{ analyze: { maxRequests: 20000 } }`, built by setWeight(), pause() and analyze(), so a definition can be
// written in JSON and compared between replicas (a replica joining with another definition is refused).
import * as z from 'zod/mini';
import {
  type ArtifactKind,
  artifactIssue,
  defineArtifact,
  invalidArtifact,
  type ParseArtifactOptions,
  readParseOptions,
} from '../core/artifact.js';
import { checkInteger, checkNumber, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError } from '../core/errors.js';
import type { ComparisonMethod, ComparisonVerdict, MetricDirection } from './sequential.js';

export const ROLLOUT_KIND = 'lockstep.rollout';

/** Sets the candidate's share of traffic, in [0, 1], and moves on at once. */
export interface SetWeightStep {
  readonly setWeight: number;
}
/**
 * Waits until `requests` more requests have been recorded (both arms, every replica) and `durationMs` has
 * passed, whichever are given; with neither, waits for `resume()` (the phase is `paused`).
 */
export interface PauseStep {
  readonly pause: { readonly requests?: number; readonly durationMs?: number };
}
/**
 * Waits until every analysed metric is shown not worse than the baseline beyond its margin (then moves on),
 * or worse (the rollout fails), or `maxRequests` / `maxDurationMs` pass without either (the phase is
 * `inconclusive`: a person decides, with `skip()` or `abort()`).
 */
export interface AnalyzeStep {
  readonly analyze: { readonly maxRequests?: number; readonly maxDurationMs?: number };
}
export type RolloutStep = SetWeightStep | PauseStep | AnalyzeStep;

/** One metric the analysis compares: which way is better, and how much worse is tolerated. */
export interface RolloutMetric {
  readonly direction: MetricDirection;
  /** Worsening tolerated, in the metric's units (≥ 0). Default 0. */
  readonly margin?: number;
}

/** The analysis of a rollout: metrics the host records, compared with anytime-valid confidence sequences. */
export interface RolloutAnalysis {
  /** Metric name → how to judge it. The host records values under these names. */
  readonly metrics: Readonly<Record<string, RolloutMetric>>;
  /** The chance, over the whole rollout, of a wrong verdict on any metric (Bonferroni: alpha / metrics each). Default 0.05. */
  readonly alpha?: number;
  /** `'sequential'` (default, valid at every look) or `'fixed'` (one planned look only). */
  readonly method?: ComparisonMethod;
  /** Values each arm needs before any verdict. Default 100. */
  readonly minSamples?: number;
  /** The confidence sequence's tuning: the total sample size where it is tightest. Default 5000. */
  readonly tuning?: number;
  /** Check for 'worse' at every sync, in every step (Argo's background analysis). Default true. */
  readonly background?: boolean;
}

export type RolloutPhase = 'progressing' | 'paused' | 'inconclusive' | 'succeeded' | 'failed';

/** One metric's last comparison, as stored (non-finite bounds as null). */
export interface StoredComparison {
  readonly verdict: ComparisonVerdict;
  readonly estimate: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly baseline: number;
  readonly candidate: number;
}

export type RolloutEventType =
  | 'started'
  | 'weight'
  | 'stepDone'
  | 'paused'
  | 'resumed'
  | 'skipped'
  | 'inconclusive'
  | 'succeeded'
  | 'failed'
  | 'hookFailed';

/** One transition of a rollout, in order. */
export interface RolloutEvent {
  readonly type: RolloutEventType;
  /** ISO 8601, UTC. */
  readonly at: string;
  /** The step index after the transition. */
  readonly step: number;
  readonly weight: number;
  readonly reason: string | null;
  readonly actor: string | null;
}

/** The state every replica shares, revision by revision. */
export interface RolloutState {
  readonly kind: typeof ROLLOUT_KIND;
  readonly formatVersion: 1;
  readonly name: string;
  /** 1 when created, +1 on every change; a store writes a state only over the revision before it. */
  readonly revision: number;
  readonly steps: readonly RolloutStep[];
  readonly analysis: {
    readonly metrics: Readonly<
      Record<string, { readonly direction: MetricDirection; readonly margin: number }>
    >;
    readonly alpha: number;
    readonly method: ComparisonMethod;
    readonly minSamples: number;
    readonly tuning: number;
    readonly background: boolean;
  };
  readonly phase: RolloutPhase;
  /** Index of the current step; `steps.length` once every step is done. */
  readonly step: number;
  /** The candidate's share of traffic now. */
  readonly weight: number;
  /**
   * The weight's epoch: 0 at the start, +1 whenever the weight changes. Replicas tag what they record with
   * the epoch of the weight they routed by, and the analysis compares only the current epoch's
   * observations, so a change of the candidate's share while the metric drifts over time cannot make one
   * arm look better (Simpson's paradox).
   */
  readonly window: number;
  readonly startedAt: string;
  readonly stepStartedAt: string;
  /** Requests recorded (both arms, every replica) when the current step started. */
  readonly stepStartRequests: number;
  /** Why the rollout is where it is (failed, inconclusive, paused), or null. */
  readonly reason: string | null;
  /** The metrics' comparisons at the last transition. */
  readonly comparisons: Readonly<Record<string, StoredComparison>>;
  /** Every transition, oldest first (the last 1,000). */
  readonly events: readonly RolloutEvent[];
  readonly fingerprint: string;
}

export const MAX_EVENTS = 1000;
export const MAX_STEPS = 1000;
const MAX_NAME = 128;

let kind: ArtifactKind<RolloutState> | undefined;
export function rolloutKind(): ArtifactKind<RolloutState> {
  kind ??= defineArtifact<RolloutState>({
    kind: ROLLOUT_KIND,
    formatVersion: 1,
    shape: () => {
      const count = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
      const share = z.number().check(z.minimum(0), z.maximum(1));
      const iso = z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));
      const text = z.nullable(z.string().check(z.maxLength(4096)));
      const num = z.nullable(z.number());
      const step = z.union([
        z.strictObject({ setWeight: share }),
        z.strictObject({
          pause: z.strictObject({ requests: z.optional(count), durationMs: z.optional(count) }),
        }),
        z.strictObject({
          analyze: z.strictObject({ maxRequests: z.optional(count), maxDurationMs: z.optional(count) }),
        }),
      ]);
      return z.strictObject({
        kind: z.literal(ROLLOUT_KIND),
        formatVersion: z.literal(1),
        name: z.string().check(z.minLength(1), z.maxLength(MAX_NAME)),
        revision: count,
        steps: z.array(step).check(z.maxLength(MAX_STEPS)),
        analysis: z.strictObject({
          metrics: z.record(
            z.string().check(z.minLength(1), z.maxLength(MAX_NAME)),
            z.strictObject({
              direction: z.enum(['lower', 'higher']),
              margin: z.number().check(z.minimum(0)),
            }),
          ),
          alpha: z.number().check(z.gt(0), z.lt(1)),
          method: z.enum(['sequential', 'fixed']),
          minSamples: count,
          tuning: z.number().check(z.gt(0)),
          background: z.boolean(),
        }),
        phase: z.enum(['progressing', 'paused', 'inconclusive', 'succeeded', 'failed']),
        step: count,
        weight: share,
        window: count,
        startedAt: iso,
        stepStartedAt: iso,
        stepStartRequests: count,
        reason: text,
        comparisons: z.record(
          z.string(),
          z.strictObject({
            verdict: z.enum(['worse', 'better', 'inconclusive']),
            estimate: num,
            low: num,
            high: num,
            baseline: count,
            candidate: count,
          }),
        ),
        events: z
          .array(
            z.strictObject({
              type: z.enum([
                'started',
                'weight',
                'stepDone',
                'paused',
                'resumed',
                'skipped',
                'inconclusive',
                'succeeded',
                'failed',
                'hookFailed',
              ]),
              at: iso,
              step: count,
              weight: share,
              reason: text,
              actor: text,
            }),
          )
          .check(z.maxLength(MAX_EVENTS)),
        fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      }) as unknown as z.ZodMiniType<RolloutState>;
    },
    check: (state, report) => {
      if (state.step > state.steps.length)
        report('$.step', `must be at most ${state.steps.length}, the number of steps`);
      if (state.phase === 'succeeded' && state.step !== state.steps.length)
        report('$.step', 'must be past the last step when the rollout succeeded');
    },
  });
  return kind;
}

/** Seals a state lockstep built (any stale fingerprint dropped first): fingerprinted and deeply frozen. */
export function sealState(
  body: Omit<RolloutState, 'fingerprint'> & { readonly fingerprint?: string },
): RolloutState {
  const { fingerprint: _stale, ...rest } = body;
  return rolloutKind().seal(rest);
}

/**
 * Reads a rollout state (JSON text or a parsed value) and checks it: shape, steps, phase, fingerprint.
 * Returns it deeply frozen.
 * `options.limits` bounds the artifact before anything reads it (maxBytes, maxDepth, maxArray, maxString,
 * maxNodes; DEFAULT_ARTIFACT_LIMITS for any left out); a hostile one is refused with the limit it broke.
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem; `INVALID_ARGUMENT` for
 *   an unknown option or a limit that is not a positive integer.
 */
export function parseRollout(json: unknown, options?: ParseArtifactOptions): RolloutState {
  const limits = readParseOptions('parseRollout', options);
  try {
    return rolloutKind().parse(json, 'parseRollout', 'json', limits);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArtifact('parseRollout', ROLLOUT_KIND, [
      artifactIssue('$', 'could not be read (a getter or proxy threw)'),
    ]);
  }
}

/**
 * A step that sets the candidate's share of traffic to `weight` (in [0, 1]) and moves on at once.
 * @example setWeight(0.05) // => { setWeight: 0.05 }
 * @throws LockstepError `INVALID_ARGUMENT` for a weight outside [0, 1].
 */
export function setWeight(weight: number): SetWeightStep {
  return Object.freeze({ setWeight: checkNumber('setWeight', 'weight', weight, { min: 0, max: 1 }) });
}

/**
 * A step that waits for `requests` more requests (every arm and replica) and `durationMs` of time, those given;
 * with neither it waits for `resume()`.
 * @example pause({ requests: 2000 }) // => { pause: { requests: 2000 } }
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown key or a count that is not a non-negative integer.
 */
export function pause(options: { readonly requests?: number; readonly durationMs?: number } = {}): PauseStep {
  return Object.freeze({ pause: Object.freeze(readLimits('pause', options, ['requests', 'durationMs'])) });
}

/**
 * A step that waits until the analysis shows every metric not worse beyond its margin (next step), or worse
 * (the rollout fails), or `maxRequests` / `maxDurationMs` pass first (the rollout is `inconclusive`).
 * @example analyze({ maxRequests: 50000 }) // => { analyze: { maxRequests: 50000 } }
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown key or a count that is not a non-negative integer.
 */
export function analyze(
  options: { readonly maxRequests?: number; readonly maxDurationMs?: number } = {},
): AnalyzeStep {
  return Object.freeze({
    analyze: Object.freeze(readLimits('analyze', options, ['maxRequests', 'maxDurationMs'])),
  });
}

function readLimits(fn: string, options: unknown, keys: readonly string[]): Record<string, number> {
  const o = readOptions(fn, options, keys);
  const out: Record<string, number> = {};
  for (const k of keys)
    if (o[k] !== undefined) out[k] = checkInteger(fn, `options.${k}`, o[k], 0, Number.MAX_SAFE_INTEGER);
  return out;
}

/** Reads a list of steps (each checked as its builder would), for createRollout. */
export function readSteps(fn: string, arg: string, v: unknown): RolloutStep[] {
  if (!Array.isArray(v)) throw invalidArgument(fn, arg, 'must be an array of steps', v);
  let list: unknown[];
  try {
    if (v.length > MAX_STEPS) throw invalidArgument(fn, arg, `must hold at most ${MAX_STEPS} steps`);
    list = Array.from(v as unknown[]);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(fn, arg, 'must be readable (reading it threw)');
  }
  return list.map((s, i) => {
    const at = `${arg}[${i}]`;
    const o = readOptions(fn, s, ['setWeight', 'pause', 'analyze'], at);
    const keys = (['setWeight', 'pause', 'analyze'] as const).filter((k) => o[k] !== undefined);
    if (keys.length !== 1)
      throw invalidArgument(
        fn,
        at,
        'must be one of { setWeight }, { pause }, { analyze } (use the step builders)',
        s,
      );
    if (o.setWeight !== undefined)
      return { setWeight: checkNumber(fn, `${at}.setWeight`, o.setWeight, { min: 0, max: 1 }) };
    if (o.pause !== undefined)
      return { pause: readLimitsAt(fn, `${at}.pause`, o.pause, ['requests', 'durationMs']) };
    return { analyze: readLimitsAt(fn, `${at}.analyze`, o.analyze, ['maxRequests', 'maxDurationMs']) };
  });
}

function readLimitsAt(fn: string, arg: string, v: unknown, keys: readonly string[]): Record<string, number> {
  const o = readOptions(fn, v, keys, arg);
  const out: Record<string, number> = {};
  for (const k of keys)
    if (o[k] !== undefined) out[k] = checkInteger(fn, `${arg}.${k}`, o[k], 0, Number.MAX_SAFE_INTEGER);
  return out;
}
