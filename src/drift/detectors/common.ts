// What the six online drift detectors share: the signal they return, the interface they implement, and
// the checks on their options and saved states. One convention for all six: `createX(options)` builds a
// detector; `createX({ state })` resumes one from `detector.state()` (the state carries the parameters).
import type * as z from 'zod/mini';
import { artifactIssue, invalidArtifact, parseArtifact } from '../../core/artifact.js';
import { describe, invalidArgument, type LockstepError } from '../../core/errors.js';
import { deepFreeze } from '../../core/freeze.js';

/** What one `update` found. Detectors return one of three shared, frozen objects, never a new one. */
export interface DriftSignal {
  /** The value completed a change: the detector starts afresh on the next update (as River's do). */
  readonly drift: boolean;
  /** The value is in the warning zone (only DDM, EDDM and HDDM_A warn). Never true together with `drift`. */
  readonly warning: boolean;
}

// Plain literals (no call at module level, so importing stays free of side effects); frozen by the
// factories before the first detector hands one out.
const STABLE: DriftSignal = { drift: false, warning: false };
const WARNING: DriftSignal = { drift: false, warning: true };
const DRIFT: DriftSignal = { drift: true, warning: false };

/** The three shared signals, frozen. */
export function signals(): {
  readonly stable: DriftSignal;
  readonly warning: DriftSignal;
  readonly drift: DriftSignal;
} {
  Object.freeze(STABLE);
  Object.freeze(WARNING);
  Object.freeze(DRIFT);
  return { stable: STABLE, warning: WARNING, drift: DRIFT };
}

/** The signal object for a (drift, warning) pair. */
export function signalOf(drift: boolean, warning: boolean): DriftSignal {
  return drift ? DRIFT : warning ? WARNING : STABLE;
}

/**
 * The interface every online drift detector implements. `S` is its serialisable state.
 *
 * After an update that returns `drift: true`, the next update first resets the detector (River's
 * behaviour for all six), so each drift is reported once and the detector then learns the new concept.
 */
export interface DriftDetector<S> {
  /** Feeds one value and returns what it found. O(1) amortised unless the detector says otherwise. */
  update(x: number): DriftSignal;
  /** Forgets everything seen, keeping the parameters (and `nDetections` back to 0). */
  reset(): void;
  /** The full state as plain JSON; `createX({ state })` resumes from it, decision for decision. */
  state(): S;
  /** The last update's signal (false before the first update). */
  readonly drift: boolean;
  readonly warning: boolean;
  /** Values seen since the detector last started afresh (a drift or `reset()`). */
  readonly n: number;
  /** Drifts reported since the detector was created or last `reset()`. */
  readonly nDetections: number;
}

/** The fields every saved detector state has. */
export interface DetectorStateBase<K extends string, P> {
  readonly kind: K;
  readonly formatVersion: 1;
  /** The detector's parameters, all of them, defaults filled in. */
  readonly params: P;
  /** The last update's signal: a saved `drift: true` makes the resumed detector start afresh. */
  readonly drift: boolean;
  readonly warning: boolean;
  readonly nDetections: number;
}

// ---------------------------------------------------------------------------------------------------
// Parameter checks (at the public boundary, once). Options are read with core's `readOptions` (known keys
// only; a misspelled key names the one meant). A parameter comes from the options or from a saved state, and
// is checked by the same rule either way; only the error differs: `INVALID_ARGUMENT` naming `options.<key>`,
// or `INVALID_ARTIFACT` naming `options.state` and the path `$.params.<key>`.

/**
 * Largest |x| that ADWIN and Page-Hinkley take (and Page-Hinkley's largest `delta`). Their running sums and
 * squared deviations over up to 2^53 values stay finite below it (2^106 · (2 · 1e100)² is about 4e232), so
 * every state they save is plain JSON they resume from; a value near 1.8e308 would overflow them to
 * Infinity, which JSON cannot hold.
 */
export const MAX_ABS_VALUE = 1e100;

/**
 * Bounds on the numbers a saved state may hold: a running sum of up to 2^53 terms of at most
 * 4 · MAX_ABS_VALUE each (a value, a mean, a drift allowance), with room for rounding, and a sum of their
 * squared deviations. A state beyond them was edited or corrupted; one within them keeps every later
 * update finite, so what it saves it resumes from.
 */
export const MAX_STATE_SUM = 2 ** 56 * MAX_ABS_VALUE;
export const MAX_STATE_SQUARES = 2 ** 56 * (2 * MAX_ABS_VALUE) ** 2;

/** Where a detector's parameters come from, and how a bad one is reported. */
export interface ParamSource {
  readonly fn: string;
  fail(key: string, must: string, value: unknown): LockstepError;
}

/** Parameters given as options: a bad one is `INVALID_ARGUMENT` naming `options.<key>`. */
export function fromOptions(fn: string): ParamSource {
  return { fn, fail: (key, must, value) => invalidArgument(fn, `options.${key}`, must, value) };
}

/** Parameters read from a saved state: a bad one is `INVALID_ARTIFACT` at `$.params.<key>`. */
export function fromState(fn: string, what: string): ParamSource {
  return {
    fn,
    fail: (key, must, value) => badState(fn, what, `$.params.${key}`, `${must}, got ${describe(value)}`),
  };
}

/** A number in the open interval (lo, hi), or in (lo, hi] with `closedHigh`. */
export function checkInterval(
  src: ParamSource,
  key: string,
  v: unknown,
  lo: number,
  hi: number,
  closedHigh = false,
): number {
  const ok = typeof v === 'number' && v > lo && (closedHigh ? v <= hi : v < hi);
  if (!ok) throw src.fail(key, `must be a number in (${lo}, ${hi}${closedHigh ? ']' : ')'}`, v);
  return v as number;
}

/** An integer in [min, max] (a safe integer). */
export function checkInt(
  src: ParamSource,
  key: string,
  v: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `in [${min}, ${max}]`;
    throw src.fail(key, `must be an integer ${range}`, v);
  }
  return v;
}

/** A finite number ≥ min (or > min when `strict`), and at most `max`. */
export function checkFinite(
  src: ParamSource,
  key: string,
  v: unknown,
  min: number,
  strict = false,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min) || v > max) {
    const low = `${strict ? 'greater than' : 'of at least'} ${min}`;
    throw src.fail(
      key,
      `must be a finite number ${low}${max === Number.POSITIVE_INFINITY ? '' : ` and at most ${max}`}`,
      v,
    );
  }
  return v;
}

export function checkBoolean(src: ParamSource, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw src.fail(key, 'must be a boolean', v);
  return v;
}

/** The error for a value `update` cannot take (NaN, ±Infinity, or not 0/1 for the binary detectors). */
export function badValue(fn: string, must: string, x: unknown): LockstepError {
  return invalidArgument(fn, 'x', must, x);
}

/** A finite number with |x| ≤ MAX_ABS_VALUE, for `update` of ADWIN and Page-Hinkley. */
export function checkStreamValue(fn: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw badValue(fn, 'must be a finite number', x);
  if (Math.abs(x) > MAX_ABS_VALUE)
    throw badValue(
      fn,
      "must be at most 1e100 in absolute value (larger values would overflow the detector's sums, and its state could not be saved)",
      x,
    );
  return x;
}

// ---------------------------------------------------------------------------------------------------
// Saved states.

/**
 * Validates a saved state with `schema` (built on first use), then checks that every parameter given
 * alongside it agrees with the one it was saved with.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, 'options.state', the JSON path and the problem;
 *   `INVALID_ARGUMENT` when an explicit parameter disagrees with the saved one.
 */
export function parseState<S extends { readonly params: object }>(
  fn: string,
  what: string,
  state: unknown,
  schema: z.ZodMiniType<S>,
  given: object,
): S {
  const parsed = parseArtifact(fn, what, state, schema, 'options.state');
  const params = parsed.params as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (value !== undefined && Object.hasOwn(params, key) && !Object.is(params[key], value)) {
      throw invalidArgument(
        fn,
        `options.${key}`,
        `must match the saved state's ${key} (${describe(params[key])}) or be left out when resuming`,
        value,
      );
    }
  }
  return parsed;
}

/** A broken invariant found in a state that passed the schema (lengths that disagree, …). */
export function badState(fn: string, what: string, path: string, problem: string): LockstepError {
  return invalidArtifact(fn, what, [artifactIssue(path, problem)], 'options.state');
}

/**
 * A saved state as `state()` returns it: deeply frozen plain JSON, with -0 written as 0 (JSON writes it
 * so, and a state must read back as it was written; no decision depends on the sign of a zero).
 */
export function frozenState<S>(state: S): S {
  const stack: unknown[] = [state];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (Object.is(v, -0)) record[key] = 0;
      else if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return deepFreeze(state);
}
