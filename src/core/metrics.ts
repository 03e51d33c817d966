// Streaming model metrics (accuracy, mean absolute error, log loss): small, mergeable, serialisable
// states of `total / n`. Shared by lockstep/drift's progressive validation and lockstep/evaluate, which
// re-export these same bindings, so the root entry's `export *` of both never sees two metrics of one name.
//
// A saved state follows the artifact rule: `kind` is `lockstep.metric.` and the metric's name, with a
// `formatVersion` (1). States saved before they carried either (`{ kind: 'accuracy', n, total }`) still
// resume. A state is checked before it is used (counts that are non-negative integers, a finite total in
// the metric's range), so an edited or corrupted one is an `INVALID_ARTIFACT`, never a NaN later.

import { artifactIssue, invalidArtifact } from './artifact.js';
import { readOptions } from './check.js';
import { describe, invalidArgument, isLockstepError } from './errors.js';

/** A metric's mergeable state: `value = total / n`. */
export interface MetricState {
  /** `lockstep.metric.` and the metric's name: `lockstep.metric.accuracy`. */
  readonly kind: string;
  readonly formatVersion: 1;
  readonly n: number;
  readonly total: number;
}

/** What a metric resumes from or merges: a state from `metric.state()`, or one saved before `formatVersion`. */
export type MetricStateInput =
  | MetricState
  | { readonly kind: string; readonly formatVersion?: undefined; readonly n: number; readonly total: number };

/** The options of `accuracy`, `mae` and `logLoss`; no other key is accepted. */
export interface MetricOptions {
  /** Resume from a saved `metric.state()` (checked: `INVALID_ARTIFACT` when edited or corrupted). */
  readonly state?: MetricStateInput;
}

/** A streaming metric: small, mergeable, serialisable. */
export interface Metric<Y, P> {
  /** 'accuracy', 'mae', 'logLoss', … : metrics merge only with their own kind. */
  readonly kind: string;
  /** Pairs seen. */
  readonly n: number;
  update(yTrue: Y, yPred: P): void;
  /** The metric over the pairs seen (NaN before any). */
  value(): number;
  /**
   * Adds another metric of the same kind (computed on other data) into this one, or a state it saved
   * (`metric.state()`, from another process).
   */
  merge(other: Metric<Y, P> | MetricStateInput): void;
  /** The state as frozen plain JSON: `{ kind: 'lockstep.metric.<name>', formatVersion: 1, n, total }`. */
  state(): MetricState;
}

/** The kind of a saved state of metric `name`. */
function stateKind(name: string): string {
  return `lockstep.metric.${name}`;
}

const STATE_KEYS: readonly string[] = ['kind', 'formatVersion', 'n', 'total'];

/** The checks of a metric's total beyond being finite: accuracy counts hits, the others sum losses ≥ 0. */
type TotalRule = 'count' | 'nonNegative';

/**
 * Reads a saved metric state of metric `name`: known keys only, the kind (or, without `formatVersion`,
 * the bare name older states carried), n a non-negative safe integer, total finite and within the rule.
 * @throws LockstepError `INVALID_ARTIFACT` naming `fn`, `arg` and the JSON path of the first problem.
 */
function readState(fn: string, arg: string, name: string, rule: TotalRule, value: unknown): MetricState {
  const what = `${name} metric state`;
  const fail = (path: string, message: string) =>
    invalidArtifact(fn, what, [artifactIssue(path, message)], arg);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
    throw fail('$', `must be a state from ${name}().state(), got ${describe(value)}`);
  const s: Record<string, unknown> = {};
  try {
    for (const key of Object.keys(value)) {
      if (!STATE_KEYS.includes(key)) throw fail(`$.${key.slice(0, 60)}`, 'is not a field of a metric state');
      s[key] = (value as Record<string, unknown>)[key];
    }
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw fail('$', 'could not be read (a getter or proxy threw)');
  }
  const legacy = s.formatVersion === undefined;
  if (!legacy && s.formatVersion !== 1) {
    const newer = typeof s.formatVersion === 'number' && s.formatVersion > 1;
    throw fail(
      '$.formatVersion',
      newer
        ? `is ${describe(s.formatVersion)}, newer than this version of lockstep reads (1); upgrade lockstep`
        : `must be 1, got ${describe(s.formatVersion)}`,
    );
  }
  if (s.kind !== stateKind(name) && !(legacy && s.kind === name))
    throw fail('$.kind', `must be "${stateKind(name)}", got ${describe(s.kind)}`);
  const n = s.n;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw fail('$.n', `must be a non-negative integer, got ${describe(n)}`);
  const total = s.total;
  if (typeof total !== 'number' || !Number.isFinite(total))
    throw fail('$.total', `must be a finite number, got ${describe(total)}`);
  if (rule === 'count' && !(Number.isInteger(total) && total >= 0 && total <= n))
    throw fail('$.total', `must be an integer count in [0, n] (${n}), got ${describe(total)}`);
  if (rule === 'nonNegative' && !(total >= 0))
    throw fail('$.total', `must be at least 0, got ${describe(total)}`);
  if (n === 0 && total !== 0) throw fail('$.total', `must be 0 when n is 0, got ${describe(total)}`);
  return { kind: stateKind(name), formatVersion: 1, n, total };
}

/** "a mae metric", "an accuracy metric". */
function aMetric(name: string): string {
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name} metric`;
}

/** The state behind `merge`'s argument: a metric's own state, or a saved one. */
function otherState(fn: string, name: string, rule: TotalRule, other: unknown): MetricState {
  let state: unknown = other;
  let isMetric = false;
  try {
    isMetric =
      typeof other === 'object' &&
      other !== null &&
      typeof (other as { state?: unknown }).state === 'function';
    if (isMetric) {
      const otherKind = (other as { kind?: unknown }).kind;
      if (otherKind !== name) throw invalidArgument(fn, 'other', `must be ${aMetric(name)}`, otherKind);
      state = (other as { state(): unknown }).state();
    }
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(fn, 'other', 'must be readable (a getter or Proxy threw)');
  }
  if (!isMetric && (typeof other !== 'object' || other === null || Array.isArray(other)))
    throw invalidArgument(fn, 'other', `must be ${aMetric(name)} or its saved state`, other);
  return readState(fn, 'other', name, rule, state);
}

function totalMetric<Y, P>(
  name: string,
  rule: TotalRule,
  options: unknown,
  score: (yTrue: Y, yPred: P, total: number) => number,
): Metric<Y, P> {
  const o = readOptions(name, options, ['state']);
  const start = o.state === undefined ? undefined : readState(name, 'options.state', name, rule, o.state);
  let n = start?.n ?? 0;
  let total = start?.total ?? 0;
  return {
    kind: name,
    get n() {
      return n;
    },
    update(yTrue, yPred) {
      total += score(yTrue, yPred, total);
      n += 1;
    },
    value() {
      return n === 0 ? Number.NaN : total / n;
    },
    merge(other) {
      const s = otherState(`${name}.merge`, name, rule, other);
      if (!Number.isFinite(total + s.total) || !Number.isSafeInteger(n + s.n))
        throw invalidArgument(`${name}.merge`, 'other', 'would overflow the total or the count', other);
      n += s.n;
      total += s.total;
    },
    state() {
      return Object.freeze({ kind: stateKind(name), formatVersion: 1 as const, n, total });
    },
  };
}

/**
 * Accuracy: the share of predictions equal (===) to the label. Mergeable: merging adds the counts.
 * O(1) per pair. `accuracy({ state })` resumes from a saved `state()`.
 * @example const m = accuracy(); m.update('a', 'a'); m.update('a', 'b'); m.value() // => 0.5 (one right of two)
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option key or, from `merge`, something that is
 *   not an accuracy metric or its state; `INVALID_ARTIFACT` for a saved state that is edited or corrupted.
 */
export function accuracy<Y = unknown>(options?: MetricOptions): Metric<Y, Y> {
  return totalMetric<Y, Y>('accuracy', 'count', options, (yTrue, yPred) => (yTrue === yPred ? 1 : 0));
}

/**
 * Mean absolute error: the mean of |y − ŷ|. Mergeable. O(1) per pair. `mae({ state })` resumes from a
 * saved `state()`.
 * @example const m = mae(); m.update(3, 1); m.update(0, 1); m.value() // => 1.5 (errors 2 and 1)
 * @throws LockstepError `INVALID_ARGUMENT` from `update` for a label or prediction that is not a finite
 *   number, or an error that would overflow the total (which a saved state could not hold); as `accuracy`
 *   for options, `merge` and states.
 */
export function mae(options?: MetricOptions): Metric<number, number> {
  return totalMetric<number, number>('mae', 'nonNegative', options, (yTrue, yPred, total) => {
    if (typeof yTrue !== 'number' || !Number.isFinite(yTrue))
      throw invalidArgument('mae.update', 'yTrue', 'must be a finite number', yTrue);
    if (typeof yPred !== 'number' || !Number.isFinite(yPred))
      throw invalidArgument('mae.update', 'yPred', 'must be a finite number', yPred);
    const error = Math.abs(yTrue - yPred);
    if (!Number.isFinite(total + error))
      throw invalidArgument('mae.update', 'yPred', 'must not overflow the sum of absolute errors', yPred);
    return error;
  });
}

/**
 * Binary log loss: the mean of −(y ln p + (1 − y) ln(1 − p)), with p, the predicted probability of the
 * positive class, clipped to [1e−15, 1 − 1e−15] as River's metrics.LogLoss does. Mergeable. O(1) per pair.
 * `logLoss({ state })` resumes from a saved `state()`.
 * @example const m = logLoss(); m.update(true, 0.9); m.update(false, 0.2); m.value() // => 0.164252033486018 (the mean of −ln 0.9 and −ln 0.8)
 * @throws LockstepError `INVALID_ARGUMENT` from `update` for a label other than true, false, 0 or 1, or
 *   a probability outside [0, 1]; as `accuracy` for options, `merge` and states.
 */
export function logLoss(options?: MetricOptions): Metric<boolean | number, number> {
  return totalMetric<boolean | number, number>('logLoss', 'nonNegative', options, (yTrue, p) => {
    if (yTrue !== true && yTrue !== false && yTrue !== 0 && yTrue !== 1) {
      throw invalidArgument('logLoss.update', 'yTrue', 'must be true, false, 0 or 1', yTrue);
    }
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw invalidArgument('logLoss.update', 'yPred', 'must be a probability in [0, 1]', p);
    }
    const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
    return yTrue === true || yTrue === 1 ? -Math.log(q) : -Math.log(1 - q);
  });
}
