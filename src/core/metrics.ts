// Streaming model metrics (accuracy, mean absolute error, log loss): small, mergeable, serialisable
// states of `total / n`. Shared by lockstep/drift's progressive validation and lockstep/evaluate, which
// re-export these same bindings, so the root entry's `export *` of both never sees two metrics of one name.

import { invalidArgument } from './errors.js';

/** A metric's mergeable state: `value = total / n`. */
export interface MetricState {
  readonly kind: string;
  readonly n: number;
  readonly total: number;
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
  /** Adds another metric of the same kind (computed on other data) into this one. */
  merge(other: Metric<Y, P>): void;
  state(): MetricState;
}

function totalMetric<Y, P>(
  kind: string,
  score: (yTrue: Y, yPred: P) => number,
  start?: MetricState,
): Metric<Y, P> {
  let n = start?.n ?? 0;
  let total = start?.total ?? 0;
  return {
    kind,
    get n() {
      return n;
    },
    update(yTrue, yPred) {
      total += score(yTrue, yPred);
      n += 1;
    },
    value() {
      return n === 0 ? Number.NaN : total / n;
    },
    merge(other) {
      const s = other.state();
      if (s.kind !== kind)
        throw invalidArgument(`${kind}.merge`, 'other', `must be a ${kind} metric`, s.kind);
      n += s.n;
      total += s.total;
    },
    state() {
      return { kind, n, total };
    },
  };
}

/**
 * Accuracy: the share of predictions equal (===) to the label. Mergeable: merging adds the counts.
 * O(1) per pair.
 * @example const m = accuracy(); m.update('a', 'a'); m.update('a', 'b'); m.value() // => 0.5 (one right of two)
 */
export function accuracy<Y = unknown>(): Metric<Y, Y> {
  return totalMetric<Y, Y>('accuracy', (yTrue, yPred) => (yTrue === yPred ? 1 : 0));
}

/**
 * Mean absolute error: the mean of |y − ŷ|. Mergeable. O(1) per pair.
 * @example const m = mae(); m.update(3, 1); m.update(0, 1); m.value() // => 1.5 (errors 2 and 1)
 * @throws LockstepError `INVALID_ARGUMENT` from `update` for a label or prediction that is not a number.
 */
export function mae(): Metric<number, number> {
  return totalMetric<number, number>('mae', (yTrue, yPred) => {
    if (typeof yTrue !== 'number') throw invalidArgument('mae.update', 'yTrue', 'must be a number', yTrue);
    if (typeof yPred !== 'number') throw invalidArgument('mae.update', 'yPred', 'must be a number', yPred);
    return Math.abs(yTrue - yPred);
  });
}

/**
 * Binary log loss: the mean of −(y ln p + (1 − y) ln(1 − p)), with p, the predicted probability of the
 * positive class, clipped to [1e−15, 1 − 1e−15] as River's metrics.LogLoss does. Mergeable. O(1) per pair.
 * @example const m = logLoss(); m.update(true, 0.9); m.update(false, 0.2); m.value() // => 0.164252033486018 (the mean of −ln 0.9 and −ln 0.8)
 * @throws LockstepError `INVALID_ARGUMENT` from `update` for a label other than true, false, 0 or 1, or
 *   a probability outside [0, 1].
 */
export function logLoss(): Metric<boolean | number, number> {
  return totalMetric<boolean | number, number>('logLoss', (yTrue, p) => {
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
