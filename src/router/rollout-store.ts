// Where a rollout lives, so several replicas of a service follow one: the state (one artifact, written only
// over the revision it was read at, so a step is taken once however many replicas try) and the
// observations (each replica adds its own summaries under its own name and the weight epoch it routed by;
// a reader sums the replicas, for one epoch or all).
//
// Every store passes one contract suite (test/router/rollout-store-contract.ts): the memory store here, and
// the SQL store (rollout-sql.ts) on PGlite and on a PostgreSQL server.
import { checkInteger, checkObject, checkString, objectKeys } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { deepFreeze } from '../core/freeze.js';
import { readFields } from '../core/read-fields.js';
import { type RolloutState, rolloutKind } from './rollout-state.js';
import { type ArmSummary, mergeSummaries, readSummary } from './summary.js';

/** One metric on both arms. */
export interface ArmPair {
  readonly baseline: ArmSummary;
  readonly candidate: ArmSummary;
}

/** What the replicas recorded: requests per arm, and each metric's summary per arm. */
export interface RolloutObservations {
  readonly requests: { readonly baseline: number; readonly candidate: number };
  readonly metrics: Readonly<Record<string, ArmPair>>;
}

/**
 * A rollout's storage. Every method may be called by many replicas at once; `save` is a compare-and-set,
 * and `record` adds to what the replica recorded before (never replaces it).
 */
export interface RolloutStore {
  /** The rollout's state, or undefined before it is created. */
  load(name: string): Promise<RolloutState | undefined>;
  /**
   * Writes `state` if the stored revision is `expected` (0: none is stored yet), and returns true; returns
   * false, writing nothing, when another writer got there first.
   */
  save(state: RolloutState, expected: number): Promise<boolean>;
  /** Adds `delta` to what `replica` recorded for the rollout in weight epoch `window`. */
  record(name: string, replica: string, window: number, delta: RolloutObservations): Promise<void>;
  /** Every replica's observations in epoch `window`, summed; every epoch's when `window` is left out. */
  observations(name: string, window?: number): Promise<RolloutObservations>;
}

/** No observations. */
export function emptyObservations(): RolloutObservations {
  return { requests: { baseline: 0, candidate: 0 }, metrics: {} };
}

/** The sum of two observation sets (requests added, summaries merged by Chan's rule). */
export function addObservations(a: RolloutObservations, b: RolloutObservations): RolloutObservations {
  const metrics: Record<string, ArmPair> = { ...a.metrics };
  for (const [name, pair] of Object.entries(b.metrics)) {
    const held = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    metrics[name] =
      held === undefined
        ? pair
        : {
            baseline: mergeSummaries(held.baseline, pair.baseline),
            candidate: mergeSummaries(held.candidate, pair.candidate),
          };
  }
  return {
    requests: {
      baseline: a.requests.baseline + b.requests.baseline,
      candidate: a.requests.candidate + b.requests.candidate,
    },
    metrics,
  };
}

/** A weight epoch: an integer in [0, 2^31 − 1]. */
export function checkWindow(fn: string, v: unknown): number {
  return checkInteger(fn, 'window', v, 0, 0x7fffffff);
}

/** Reads observations handed to a store (from JSON, from another process), checked. */
export function readObservations(fn: string, arg: string, v: unknown): RolloutObservations {
  const o = readFields(fn, arg, checkObject(fn, arg, v), ['requests', 'metrics']);
  const r = readFields(fn, `${arg}.requests`, checkObject(fn, `${arg}.requests`, o.requests), [
    'baseline',
    'candidate',
  ]);
  const count = (x: unknown, at: string) => {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)
      throw invalidArgument(fn, at, 'must be a non-negative integer', x);
    return x;
  };
  const metrics: Record<string, ArmPair> = {};
  const names = objectKeys(fn, `${arg}.metrics`, o.metrics);
  const m = readFields(fn, `${arg}.metrics`, o.metrics as object, names);
  for (const name of names) {
    checkString(fn, `${arg}.metrics key`, name, 128, true);
    const at = `${arg}.metrics.${name}`;
    const pair = readFields(fn, at, checkObject(fn, at, m[name]), ['baseline', 'candidate']);
    metrics[name] = {
      baseline: readSummary(fn, `${arg}.metrics.${name}.baseline`, pair.baseline),
      candidate: readSummary(fn, `${arg}.metrics.${name}.candidate`, pair.candidate),
    };
  }
  return {
    requests: {
      baseline: count(r.baseline, `${arg}.requests.baseline`),
      candidate: count(r.candidate, `${arg}.requests.candidate`),
    },
    metrics,
  };
}

/**
 * A rollout store in this process's memory: for one replica, tests and browsers. States are kept as the
 * frozen artifacts saved; observations per replica.
 * @example
 * const store = createMemoryRolloutStore();
 * await store.load('flights') // => undefined
 */
export function createMemoryRolloutStore(): RolloutStore {
  const states = new Map<string, RolloutState>();
  // rollout name → `${window} ${replica}` → observations
  const observed = new Map<string, Map<string, { window: number; o: RolloutObservations }>>();
  return Object.freeze({
    async load(name: string) {
      return states.get(checkString('load', 'name', name, 128, true));
    },
    async save(state: RolloutState, expected: number) {
      const s = rolloutKind().parse(state, 'save', 'state');
      const held = states.get(s.name);
      if ((held?.revision ?? 0) !== expected) return false;
      states.set(s.name, s);
      return true;
    },
    async record(name: string, replica: string, window: number, delta: RolloutObservations) {
      const n = checkString('record', 'name', name, 128, true);
      const r = checkString('record', 'replica', replica, 128, true);
      const w = checkWindow('record', window);
      const d = readObservations('record', 'delta', delta);
      let rows = observed.get(n);
      if (rows === undefined) observed.set(n, (rows = new Map()));
      const key = `${w} ${r}`;
      rows.set(key, {
        window: w,
        o: deepFreeze(addObservations(rows.get(key)?.o ?? emptyObservations(), d)),
      });
    },
    async observations(name: string, window?: number) {
      const n = checkString('observations', 'name', name, 128, true);
      const w = window === undefined ? undefined : checkWindow('observations', window);
      let total = emptyObservations();
      for (const row of observed.get(n)?.values() ?? [])
        if (w === undefined || row.window === w) total = addObservations(total, row.o);
      return deepFreeze(total);
    },
  });
}
