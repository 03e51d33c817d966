// The rollout controller: moves a candidate's traffic step by step and promotes it or rolls it back on
// evidence, with every replica of a service following one state through a RolloutStore.
//
// The rules, written once:
//  - The state machine is one pure function, `advance(state, observations, now)`: given what every replica
//    recorded, it takes as many steps as the evidence allows and returns the next state (or the same one).
//    Phases as Argo Rollouts' analysis runs: progressing, paused, inconclusive, succeeded, failed.
//      setWeight(w)          the candidate's share becomes w; next step at once
//      pause({ requests, durationMs })  next step when that many more requests were recorded and that much
//                            time passed (those given); with neither, `paused` until resume()
//      analyze({ maxRequests, maxDurationMs })  next step when every metric is shown not worse than the
//                            baseline beyond its margin; `failed` when one is shown worse; `inconclusive`
//                            when the limit passes first (a person decides: skip() or abort())
//    After the last step: `succeeded`, weight 1. With background analysis (the default) any metric shown
//    worse fails the rollout at any step, paused or not. Failing sets the weight to 0 at once.
//  - "Shown" means by compareArms (sequential.ts): an anytime-valid confidence sequence for
//    Δ = candidate − baseline, so checking at every sync, after every request if the host likes, does not
//    inflate false alarms. alpha is for the whole rollout: with k metrics each is judged at alpha / k
//    (Bonferroni), so the chance of any wrong verdict stays at most alpha. Not worse beyond the margin is the
//    interval's bad-side bound inside the margin (a non-inferiority test, as guardrail metrics are judged):
//    with margin 0 only a candidate shown better passes an analyze step, so give each metric the margin
//    you can live with.
//  - Only the current weight's epoch is judged. Every weight change starts a new epoch (`state.window`);
//    replicas tag what they record with the epoch of the weight they routed by, and the analysis compares
//    that epoch's observations alone, so a metric that drifts over time while the candidate's share changes
//    cannot make one arm look better or worse (Simpson's paradox). A new epoch means a new burn-in.
//  - Replicas share the state through the store: a replica reads the state and the summed observations,
//    advances, and writes the result only over the revision it read (compare-and-set). The loser re-reads.
//    So a step is taken once, and a hook (onSucceeded, onFailed) runs once, in the replica whose write won.
//  - Observations stay local until sync(), which adds them to this replica's record in the store; if that
//    write fails they are kept for the next sync, never lost.

import {
  checkBoolean,
  checkChoice,
  checkFunction,
  checkInteger,
  checkNumber,
  checkString,
  objectKeys,
  readOptions,
} from '../core/check.js';
import { readEpochClock } from '../core/clock.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { canonicalJson } from '../core/fingerprint.js';
import { readFields } from '../core/read-fields.js';
import type { Promisable } from '../core/types.js';
import {
  MAX_EVENTS,
  ROLLOUT_KIND,
  type RolloutAnalysis,
  type RolloutEvent,
  type RolloutEventType,
  type RolloutPhase,
  type RolloutState,
  type RolloutStep,
  readSteps,
  type StoredComparison,
  sealState,
} from './rollout-state.js';
import {
  type ArmPair,
  addObservations,
  emptyObservations,
  type RolloutObservations,
  type RolloutStore,
} from './rollout-store.js';
import { type ArmComparison, compareArms, DEFAULT_MIN_SAMPLES, DEFAULT_TUNING } from './sequential.js';
import { createAccumulator, emptySummary, type SummaryAccumulator } from './summary.js';

export type Arm = 'baseline' | 'candidate';

/** What a replica has not synced yet, for one weight epoch. */
interface Pending {
  readonly requests: { baseline: number; candidate: number };
  readonly metrics: Map<string, { baseline: SummaryAccumulator; candidate: SummaryAccumulator }>;
}

/**
 * What the state machine judges by: every epoch's observations (for counting requests) and the current
 * epoch's (for the analysis), summed over replicas.
 */
export interface Evidence {
  readonly total: RolloutObservations;
  /** The epoch `current` holds. */
  readonly window: number;
  readonly current: RolloutObservations;
}

export interface RolloutOptions {
  /** The rollout's name in the store (one rollout per name at a time). */
  readonly name: string;
  readonly steps: readonly RolloutStep[];
  readonly analysis?: RolloutAnalysis;
  readonly store: RolloutStore;
  /** This replica's name: its observations are kept under it. Default 'default'. */
  readonly replica?: string;
  /** The clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** A router whose candidate weight follows the rollout (a canary): `setWeight` is called on every sync. */
  readonly router?: { setWeight(weight: number): unknown };
  /** Runs once, in the replica that wrote the `succeeded` state (move a registry alias here). */
  readonly onSucceeded?: (state: RolloutState) => Promisable<unknown>;
  /** Runs once, in the replica that wrote the `failed` state. */
  readonly onFailed?: (state: RolloutState) => Promisable<unknown>;
}

/** Who does a manual change and why. */
export interface RolloutChange {
  readonly reason?: string;
  readonly actor?: string;
}

export interface Rollout {
  readonly name: string;
  /** Creates the rollout in the store, or joins it when it exists with the same steps and analysis. */
  start(): Promise<RolloutState>;
  /**
   * Records one request's values on `arm` (metric name → finite number: error 0 or 1, latency in ms, a
   * conversion), in memory until the next sync. `request: false` adds values without counting a request
   * (a conversion that arrives later). O(metrics).
   */
  record(arm: Arm, values: Readonly<Record<string, number>>, options?: { readonly request?: boolean }): void;
  /** Adds this replica's observations to the store, reads every replica's, advances, and returns the state. */
  sync(): Promise<RolloutState>;
  /** The state as of the last start, sync or change (undefined before). */
  readonly state: RolloutState | undefined;
  /** The candidate's share of traffic as of the last sync (0 before start). */
  readonly weight: number;
  /**
   * Every replica's observations in weight epoch `window` (every epoch's when left out), summed; this
   * replica's unsynced ones not included.
   */
  observations(window?: number): Promise<RolloutObservations>;
  /** Fails the rollout now (weight 0). */
  abort(change?: RolloutChange): Promise<RolloutState>;
  /** Holds the rollout where it is (weight kept) until resume(). */
  pause(change?: RolloutChange): Promise<RolloutState>;
  /** Continues a paused rollout. */
  resume(change?: RolloutChange): Promise<RolloutState>;
  /** Finishes the current step without its condition (a paused or inconclusive step included). */
  skip(change?: RolloutChange): Promise<RolloutState>;
}

const FN = 'createRollout';
const OPTION_KEYS = [
  'name',
  'steps',
  'analysis',
  'store',
  'replica',
  'now',
  'router',
  'onSucceeded',
  'onFailed',
] as const;
const ANALYSIS_KEYS = ['metrics', 'alpha', 'method', 'minSamples', 'tuning', 'background'] as const;
const MAX_METRICS = 64;
const MAX_RETRIES = 50;

type Definition = Pick<RolloutState, 'name' | 'steps' | 'analysis'>;
type Body = Omit<RolloutState, 'fingerprint'>;

/**
 * A rollout controller over `options.store`. Call `start()` once per replica, `record()` per request, and
 * `sync()` as often as wanted (after every request, or on a timer); the state machine and the statistics
 * are described at the top of src/router/rollout.ts and in docs/router.md.
 * @example
 * const rollout = createRollout({ name: 'flights', store: createMemoryRolloutStore(), steps: [setWeight(0.1), pause({ requests: 2 })], now: () => 0 });
 * (await rollout.start()).weight // => 0.1
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option key (naming the closest), a step that is not
 *   one, an analysis without metrics while a step analyses, a bad alpha, method, minSamples or tuning, a
 *   store without load, save, record and observations, or hooks that are not functions.
 */
export function createRollout(options: RolloutOptions): Rollout {
  const o = readOptions(FN, options, OPTION_KEYS);
  const name = checkString(FN, 'options.name', o.name, 128, true);
  const steps = readSteps(FN, 'options.steps', o.steps);
  const analysis = readAnalysis(o.analysis, steps);
  const store = readStore(o.store);
  const replica =
    o.replica === undefined ? 'default' : checkString(FN, 'options.replica', o.replica, 128, true);
  const time = readEpochClock(FN, o.now);
  const router = o.router === undefined ? undefined : readRouter(o.router);
  const onSucceeded =
    o.onSucceeded === undefined
      ? undefined
      : checkFunction<(s: RolloutState) => unknown>(FN, 'options.onSucceeded', o.onSucceeded);
  const onFailed =
    o.onFailed === undefined
      ? undefined
      : checkFunction<(s: RolloutState) => unknown>(FN, 'options.onFailed', o.onFailed);
  const definition: Definition = { name, steps, analysis };
  const definitionText = canonicalJson({ steps, analysis }, FN);
  const metricNames = Object.keys(analysis.metrics);

  let current: RolloutState | undefined;
  // Unsynced observations, by the weight epoch they were routed in: per arm, request counts and one
  // accumulator per metric.
  let pending = new Map<number, Pending>();
  // One operation at a time in this replica, so two syncs never flush the same observations twice.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  function pendingIn(window: number): Pending {
    let p = pending.get(window);
    if (p === undefined)
      pending.set(window, (p = { requests: { baseline: 0, candidate: 0 }, metrics: new Map() }));
    return p;
  }

  function drain(): [number, RolloutObservations][] {
    const all = pending;
    pending = new Map();
    return [...all].map(([window, p]) => {
      const metrics: Record<string, ArmPair> = {};
      for (const [m, pair] of p.metrics)
        metrics[m] = { baseline: pair.baseline.summary(), candidate: pair.candidate.summary() };
      return [window, { requests: { ...p.requests }, metrics }];
    });
  }

  function restore(window: number, delta: RolloutObservations): void {
    // A failed write: put the drained observations back, merged with what arrived meanwhile.
    const p = pendingIn(window);
    const later: RolloutObservations = {
      requests: p.requests,
      metrics: Object.fromEntries(
        [...p.metrics].map(([m, pair]) => [
          m,
          { baseline: pair.baseline.summary(), candidate: pair.candidate.summary() },
        ]),
      ),
    };
    const both = addObservations(delta, later);
    p.requests.baseline = both.requests.baseline;
    p.requests.candidate = both.requests.candidate;
    for (const [m, pair] of Object.entries(both.metrics))
      p.metrics.set(m, {
        baseline: createAccumulator(pair.baseline),
        candidate: createAccumulator(pair.candidate),
      });
  }

  function adopt(state: RolloutState): RolloutState {
    current = state;
    if (router !== undefined) router.setWeight(state.weight);
    return state;
  }

  /** Reads, changes with `change`, writes over the revision read; retried when another replica wrote first. */
  async function update(
    change: (state: RolloutState, evidence: Evidence, now: number) => Body | undefined,
  ): Promise<RolloutState> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const held = await store.load(name);
      if (held === undefined)
        throw new LockstepError(
          'NOT_FOUND',
          `rollout: ${describe(name)} is not in the store; call start() first`,
          {
            fn: 'rollout',
          },
        );
      const evidence: Evidence = {
        total: await store.observations(name),
        window: held.window,
        current: await store.observations(name, held.window),
      };
      const body = change(held, evidence, time());
      if (body === undefined) return adopt(held);
      const next = sealState({ ...body, revision: held.revision + 1 });
      if (await store.save(next, held.revision)) {
        adopt(next);
        await runHooks(held, next);
        return current!;
      }
    }
    throw new LockstepError(
      'CONFLICT',
      `rollout: ${describe(name)} changed under this replica ${MAX_RETRIES} times in a row; try again`,
      { fn: 'rollout' },
    );
  }

  async function runHooks(before: RolloutState, after: RolloutState): Promise<void> {
    const hook =
      after.phase === 'succeeded' && before.phase !== 'succeeded'
        ? onSucceeded
        : after.phase === 'failed' && before.phase !== 'failed'
          ? onFailed
          : undefined;
    if (hook === undefined) return;
    try {
      await hook(after);
    } catch (error) {
      const message = isLockstepError(error) || error instanceof Error ? error.message : describe(error);
      // Recorded in the state, so every replica and the report see it; the phase stands.
      await update((s, _o, now) =>
        withEvent(s, 'hookFailed', now, `${after.phase} hook threw: ${message}`.slice(0, 4096), null),
      );
    }
  }

  const rollout: Rollout = {
    name,
    get state() {
      return current;
    },
    get weight() {
      return current?.weight ?? 0;
    },

    start: () =>
      serial(async () => {
        for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
          const held = await store.load(name);
          if (held !== undefined) {
            if (canonicalJson({ steps: held.steps, analysis: held.analysis }, FN) !== definitionText)
              throw new LockstepError(
                'CONFLICT',
                `${FN}: rollout ${describe(name)} exists in the store with other steps or analysis; a replica must join with the same definition (or use another name)`,
                { fn: FN, arg: 'options' },
              );
            return adopt(held);
          }
          const now = time();
          const at = iso(now);
          const created: Body = {
            kind: ROLLOUT_KIND,
            formatVersion: 1,
            ...definition,
            revision: 1,
            phase: 'progressing',
            step: 0,
            weight: 0,
            window: 0,
            startedAt: at,
            stepStartedAt: at,
            stepStartRequests: 0,
            reason: null,
            comparisons: {},
            events: [{ type: 'started', at, step: 0, weight: 0, reason: null, actor: null }],
          };
          const initial = sealState(created);
          const sealed = sealState({
            ...(advance(
              initial,
              { total: emptyObservations(), window: 0, current: emptyObservations() },
              now,
            ) ?? created),
            revision: 1,
          });
          if (await store.save(sealed, 0)) {
            adopt(sealed);
            await runHooks(initial, sealed);
            return current!;
          }
        }
        throw new LockstepError('CONFLICT', `${FN}: could not create or join ${describe(name)}`, { fn: FN });
      }),

    record(arm, values, recordOptions) {
      const f = 'rollout.record';
      if (arm !== 'baseline' && arm !== 'candidate')
        throw invalidArgument(f, 'arm', "must be 'baseline' or 'candidate'", arm);
      const r = recordOptions === undefined ? undefined : readOptions(f, recordOptions, ['request']);
      const countRequest = r?.request === undefined ? true : checkBoolean(f, 'options.request', r.request);
      const names = objectKeys(f, 'values', values, 'must be an object of metric values');
      const read = readFields(f, 'values', values as object, names);
      // Check every value before adding any, so a bad one leaves nothing half recorded.
      const seen: [string, number][] = [];
      for (const m of names) {
        if (!metricNames.includes(m))
          throw invalidArgument(
            f,
            'values',
            `holds ${describe(m)}, which the analysis does not name (it names ${metricNames.join(', ') || 'no metric'})`,
          );
        const x = read[m];
        if (typeof x !== 'number' || !Number.isFinite(x))
          throw invalidArgument(f, `values.${m}`, 'must be a finite number', x);
        seen.push([m, x]);
      }
      const p = pendingIn(current?.window ?? 0);
      for (const [m, x] of seen) {
        let pair = p.metrics.get(m);
        if (pair === undefined)
          p.metrics.set(m, (pair = { baseline: createAccumulator(), candidate: createAccumulator() }));
        pair[arm].add(x);
      }
      if (countRequest) p.requests[arm]++;
    },

    sync: () =>
      serial(async () => {
        const drained = drain();
        for (let i = 0; i < drained.length; i++) {
          const [window, delta] = drained[i]!;
          try {
            await store.record(name, replica, window, delta);
          } catch (error) {
            for (const [w, d] of drained.slice(i)) restore(w, d);
            throw error;
          }
        }
        return update((s, ev, now) => advance(s, ev, now));
      }),

    observations: (window) => store.observations(name, window),

    abort: (change) =>
      serial(() => {
        const { reason, actor } = readChange('rollout.abort', change);
        return update((s, ev, now) =>
          terminal(s) ? undefined : fail(s, ev, now, `aborted${reason === null ? '' : `: ${reason}`}`, actor),
        );
      }),

    pause: (change) =>
      serial(() => {
        const { reason, actor } = readChange('rollout.pause', change);
        return update((s, _o, now) =>
          s.phase !== 'progressing'
            ? undefined
            : { ...withEvent(s, 'paused', now, reason, actor), phase: 'paused', reason },
        );
      }),

    resume: (change) =>
      serial(() => {
        const { reason, actor } = readChange('rollout.resume', change);
        return update((s, ev, now) => {
          if (s.phase !== 'paused') return undefined;
          const step = s.steps[s.step];
          // An open-ended pause step ends with the resume.
          const resumed = {
            ...withEvent(s, 'resumed', now, reason, actor),
            phase: 'progressing' as const,
            reason: null,
          };
          const moved =
            step !== undefined && 'pause' in step && open(step)
              ? nextStep(resumed, ev.total, now, 'stepDone', 'resumed')
              : resumed;
          return advance(moved as RolloutState, ev, now) ?? moved;
        });
      }),

    skip: (change) =>
      serial(() => {
        const { reason, actor } = readChange('rollout.skip', change);
        return update((s, ev, now) => {
          if (terminal(s)) return undefined;
          const skipped = nextStep(
            { ...s, phase: 'progressing', reason: null },
            ev.total,
            now,
            'skipped',
            reason,
            actor,
          );
          return advance(skipped as RolloutState, ev, now) ?? skipped;
        });
      }),
  };
  return Object.freeze(rollout);
}

// ---------------------------------------------------------------------------------------------------------
// The state machine.

const terminal = (s: Pick<RolloutState, 'phase'>) => s.phase === 'succeeded' || s.phase === 'failed';
const open = (step: RolloutStep) =>
  'pause' in step && step.pause.requests === undefined && step.pause.durationMs === undefined;
const total = (o: RolloutObservations) => o.requests.baseline + o.requests.candidate;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The next state, given every replica's observations at `now`, or undefined when nothing changes. Pure: the
 * same inputs give the same state. Takes every step the evidence allows at once.
 */
export function advance(state: RolloutState, evidence: Evidence, now: number): Body | undefined {
  if (terminal(state)) return undefined;
  const observations = evidence.total;
  let comparisons = compare(state, evidence.window === state.window ? evidence.current : emptyObservations());
  let s: Body = state;
  if (state.analysis.background) {
    const worse = worseReason(comparisons);
    if (worse !== undefined) return fail(state, evidence, now, worse, null, comparisons);
  }
  if (s.phase !== 'progressing') return undefined;
  for (let guard = 0; guard <= s.steps.length; guard++) {
    if (s.step >= s.steps.length) {
      return {
        ...withEvent({ ...s, weight: 1 }, 'succeeded', now, 'every step done', null),
        phase: 'succeeded',
        weight: 1,
        reason: null,
        comparisons: stored(comparisons),
      };
    }
    const step = s.steps[s.step]!;
    const since = total(observations) - s.stepStartRequests;
    const elapsed = now - Date.parse(s.stepStartedAt);
    if ('setWeight' in step) {
      if (step.setWeight !== s.weight) {
        // A new epoch: the analysis starts afresh on what is routed at the new weight.
        s = { ...s, weight: step.setWeight, window: s.window + 1 };
        comparisons = compare(s, emptyObservations());
      }
      s = nextStep(s, observations, now, 'weight');
      continue;
    }
    if ('pause' in step) {
      if (open(step)) {
        const reason = `step ${s.step + 1} waits for resume()`;
        return s.phase === 'progressing'
          ? { ...withEvent(s, 'paused', now, reason, null), phase: 'paused', reason }
          : undefined;
      }
      const { requests, durationMs } = step.pause;
      if (
        (requests === undefined || since >= requests) &&
        (durationMs === undefined || elapsed >= durationMs)
      ) {
        s = nextStep(s, observations, now);
        continue;
      }
      break;
    }
    // analyze
    const worse = worseReason(comparisons);
    if (worse !== undefined) return fail(s, evidence, now, worse, null, comparisons);
    if (Object.values(comparisons).every((c) => notWorse(c))) {
      s = nextStep({ ...s, comparisons: stored(comparisons) }, observations, now);
      continue;
    }
    const { maxRequests, maxDurationMs } = step.analyze;
    if (
      (maxRequests !== undefined && since >= maxRequests) ||
      (maxDurationMs !== undefined && elapsed >= maxDurationMs)
    ) {
      const open = Object.entries(comparisons)
        .filter(([, c]) => !notWorse(c))
        .map(([m, c]) => `${m} ${interval(c)}`)
        .join('; ');
      const reason = `step ${s.step + 1}: no verdict after ${since} requests and ${elapsed} ms (${open})`;
      return {
        ...withEvent(s, 'inconclusive', now, reason, null),
        phase: 'inconclusive',
        reason,
        comparisons: stored(comparisons),
      };
    }
    break;
  }
  return s === state ? undefined : s;
}

function compare(
  state: Pick<RolloutState, 'analysis'>,
  o: RolloutObservations,
): Record<string, ArmComparison> {
  const a = state.analysis;
  const names = Object.keys(a.metrics);
  const out: Record<string, ArmComparison> = {};
  for (const m of names) {
    const pair = Object.hasOwn(o.metrics, m)
      ? o.metrics[m]!
      : { baseline: emptySummary(), candidate: emptySummary() };
    out[m] = compareArms(pair.baseline, pair.candidate, {
      direction: a.metrics[m]!.direction,
      margin: a.metrics[m]!.margin,
      alpha: a.alpha / names.length,
      method: a.method,
      minSamples: a.minSamples,
      tuning: a.tuning,
    });
  }
  return out;
}

/** Not worse than the baseline beyond the margin, shown: the bad-side bound is inside the margin. */
function notWorse(c: ArmComparison): boolean {
  if (!c.burnedIn) return false;
  return c.direction === 'lower' ? c.high < c.margin : c.low > -c.margin;
}

function worseReason(comparisons: Record<string, ArmComparison>): string | undefined {
  const worse = Object.entries(comparisons).filter(([, c]) => c.verdict === 'worse');
  if (worse.length === 0) return undefined;
  return worse
    .map(
      ([m, c]) =>
        `${m} is worse: candidate − baseline = ${round(c.estimate)}, interval ${interval(c)}, beyond the margin ${c.margin} (${c.n.baseline} baseline and ${c.n.candidate} candidate values)`,
    )
    .join('; ');
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);
const interval = (c: ArmComparison) => `[${round(c.low)}, ${round(c.high)}]`;

function stored(comparisons: Record<string, ArmComparison>): Record<string, StoredComparison> {
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  const out: Record<string, StoredComparison> = {};
  for (const [m, c] of Object.entries(comparisons))
    out[m] = {
      verdict: c.verdict,
      estimate: fin(c.estimate),
      low: fin(c.low),
      high: fin(c.high),
      baseline: c.n.baseline,
      candidate: c.n.candidate,
    };
  return out;
}

function fail(
  state: Body,
  evidence: Evidence,
  now: number,
  reason: string,
  actor: string | null,
  comparisons = compare(state, evidence.window === state.window ? evidence.current : emptyObservations()),
): Body {
  const text = reason.slice(0, 4096);
  return {
    ...withEvent({ ...state, weight: 0 }, 'failed', now, text, actor),
    phase: 'failed',
    weight: 0,
    reason: text,
    comparisons: stored(comparisons),
  };
}

function nextStep(
  s: Body,
  observations: RolloutObservations,
  now: number,
  type: RolloutEventType = 'stepDone',
  reason: string | null = null,
  actor: string | null = null,
): Body {
  const moved = { ...s, step: s.step + 1, stepStartedAt: iso(now), stepStartRequests: total(observations) };
  return withEvent(moved, type, now, reason, actor);
}

function withEvent(
  s: Body,
  type: RolloutEventType,
  now: number,
  reason: string | null,
  actor: string | null,
): Body {
  const event: RolloutEvent = { type, at: iso(now), step: s.step, weight: s.weight, reason, actor };
  return { ...s, events: [...s.events, event].slice(-MAX_EVENTS) };
}

// ---------------------------------------------------------------------------------------------------------
// Arguments.

function readAnalysis(v: unknown, steps: readonly RolloutStep[]): RolloutState['analysis'] {
  const a = readOptions(FN, v, ANALYSIS_KEYS, 'options.analysis');
  const metrics: Record<string, { direction: 'lower' | 'higher'; margin: number }> = {};
  if (a.metrics !== undefined) {
    const names = objectKeys(FN, 'options.analysis.metrics', a.metrics);
    const m = readFields(FN, 'options.analysis.metrics', a.metrics as object, names);
    if (names.length > MAX_METRICS)
      throw invalidArgument(FN, 'options.analysis.metrics', `must name at most ${MAX_METRICS} metrics`);
    for (const name of names) {
      checkString(FN, 'options.analysis.metrics key', name, 128, true);
      const spec = readOptions(FN, m[name], ['direction', 'margin'], `options.analysis.metrics.${name}`);
      metrics[name] = {
        direction: checkChoice(FN, `options.analysis.metrics.${name}.direction`, spec.direction, [
          'lower',
          'higher',
        ] as const),
        margin:
          spec.margin === undefined
            ? 0
            : checkNumber(FN, `options.analysis.metrics.${name}.margin`, spec.margin, { min: 0 }),
      };
    }
  }
  if (Object.keys(metrics).length === 0 && steps.some((s) => 'analyze' in s))
    throw invalidArgument(
      FN,
      'options.analysis.metrics',
      'must name at least one metric when a step analyses',
    );
  return {
    metrics,
    alpha:
      a.alpha === undefined
        ? 0.05
        : checkNumber(FN, 'options.analysis.alpha', a.alpha, { min: 1e-12, max: 0.5 }),
    method:
      a.method === undefined
        ? 'sequential'
        : checkChoice(FN, 'options.analysis.method', a.method, ['sequential', 'fixed'] as const),
    minSamples:
      a.minSamples === undefined
        ? DEFAULT_MIN_SAMPLES
        : checkInteger(FN, 'options.analysis.minSamples', a.minSamples, 2, Number.MAX_SAFE_INTEGER),
    tuning:
      a.tuning === undefined
        ? DEFAULT_TUNING
        : checkNumber(FN, 'options.analysis.tuning', a.tuning, { min: 1, max: 1e12 }),
    background:
      a.background === undefined ? true : checkBoolean(FN, 'options.analysis.background', a.background),
  };
}

function readStore(v: unknown): RolloutStore {
  for (const method of ['load', 'save', 'record', 'observations']) {
    let ok = false;
    try {
      ok =
        typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function';
    } catch {
      ok = false;
    }
    if (!ok)
      throw invalidArgument(
        FN,
        'options.store',
        `must be a rollout store with ${method}() (createMemoryRolloutStore, createSqlRolloutStore)`,
      );
  }
  return v as RolloutStore;
}

function readRouter(v: unknown): { setWeight(weight: number): unknown } {
  let ok = false;
  try {
    ok =
      typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).setWeight === 'function';
  } catch {
    ok = false;
  }
  if (!ok) throw invalidArgument(FN, 'options.router', 'must have setWeight(weight) (a canary router)', v);
  return v as { setWeight(weight: number): unknown };
}

function readChange(f: string, v: unknown): { reason: string | null; actor: string | null } {
  const c = readOptions(f, v, ['reason', 'actor']);
  return {
    reason: c.reason === undefined ? null : checkString(f, 'change.reason', c.reason, 4096),
    actor: c.actor === undefined ? null : checkString(f, 'change.actor', c.actor, 256),
  };
}

export type { RolloutPhase };
