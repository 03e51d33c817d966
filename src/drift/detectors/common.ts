// What the six online drift detectors share: the signal they return, the interface they implement, and
// the checks on their options and saved states. One convention for all six: `createX(options)` builds a
// detector; `createX({ state })` resumes one from `detector.state()` (the state carries the parameters).
import type * as z from 'zod/mini';
import { parseArtifact } from '../../core/artifact.js';
import { describe, invalidArgument, LockstepError } from '../../core/errors.js';

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
// Option checks (at the public boundary, once).

/** Checks that `options` is an object with no key outside `known`; returns it typed. */
export function checkOptions<T extends object>(fn: string, options: unknown, known: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', 'must be an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw invalidArgument(
        fn,
        'options',
        `has an unknown key ${JSON.stringify(key)} (known: ${known.join(', ')})`,
      );
    }
  }
  return options as T;
}

/** A number in the open interval (lo, hi), or in (lo, hi] with `closedHigh`. */
export function checkInterval(
  fn: string,
  arg: string,
  v: unknown,
  lo: number,
  hi: number,
  closedHigh = false,
): number {
  const ok = typeof v === 'number' && v > lo && (closedHigh ? v <= hi : v < hi);
  if (!ok) throw invalidArgument(fn, arg, `must be a number in (${lo}, ${hi}${closedHigh ? ']' : ')'}`, v);
  return v as number;
}

/** An integer ≥ min (and a safe integer). */
export function checkInt(fn: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw invalidArgument(fn, arg, `must be an integer of at least ${min}`, v);
  }
  return v;
}

/** A finite number ≥ min (or > min when `strict`). */
export function checkFinite(fn: string, arg: string, v: unknown, min: number, strict = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw invalidArgument(
      fn,
      arg,
      `must be a finite number ${strict ? 'greater than' : 'of at least'} ${min}`,
      v,
    );
  }
  return v;
}

export function checkBoolean(fn: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalidArgument(fn, arg, 'must be a boolean', v);
  return v;
}

/** The error for a value `update` cannot take (NaN, ±Infinity, or not 0/1 for the binary detectors). */
export function badValue(fn: string, must: string, x: unknown): LockstepError {
  return invalidArgument(fn, 'x', must, x);
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
  let parsed: S;
  try {
    parsed = parseArtifact(fn, what, state, schema);
  } catch (error) {
    if (error instanceof LockstepError) {
      throw new LockstepError(
        error.code,
        error.message.replace("argument 'json'", "argument 'options.state'"),
        error.issues,
      );
    }
    throw error;
  }
  const params = parsed.params as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (value !== undefined && key in params && !Object.is(params[key], value)) {
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
  return new LockstepError(
    'INVALID_ARTIFACT',
    `${fn}: argument 'options.state' is not a valid ${what}: ${path}: ${problem}`,
    [{ path, message: problem }],
  );
}
