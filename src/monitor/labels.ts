// Delayed labels, joined to predictions by request key. The rules, written once:
//
// - A prediction observed with a key waits in a table of pending keys until its label arrives, while fewer
//   than `maxPending` keyed requests have come after it; then it is evicted (oldest first) and counted, so
//   the table holds at most `maxPending` keys however long the process runs and however many labels never
//   come. A key observed again replaces its pending prediction (and starts waiting again).
// - A label is counted in the window it arrives in (the window that is open when `label()` is called),
//   not the window of its prediction, which may have closed: closed windows never change. So a window's
//   performance is the performance on the labels that arrived during it.
// - Performance is kept as running sums, so it costs O(1) a label and windows merge by adding:
//     binary (prediction a probability in [0, 1], label 0/1 or false/true): accuracy at 0.5 (p ≥ 0.5 is
//       the positive class), Brier score mean (p − y)², log loss mean −(y ln p + (1 − y) ln(1 − p)) with p
//       clipped to [1e-15, 1 − 1e-15] (scikit-learn's eps), mean error mean (p − y);
//     regression (finite numbers): mean error (bias) mean (p − y), MAE mean |p − y|, RMSE √mean (p − y)²;
//     classification (any category: strings, numbers, booleans compared as their string form): accuracy.
//   A label whose prediction cannot be scored for the task (a null, NaN or out-of-range prediction) is
//   counted as `unscored`; a label for a key that is not pending is counted as `unmatched`.

/** What the labels are compared as. */
export type LabelTask = 'binary' | 'regression' | 'classification';

/** Running sums of one window's joined labels: they add, so windows and replicas merge exactly. */
export interface LabelSums {
  /** Labels joined to a pending prediction and scored. */
  readonly scored: number;
  /** Labels joined to a prediction that could not be scored for the task (null, NaN, out of range). */
  readonly unscored: number;
  /** Labels for keys that were not pending (never observed with a key, already labelled, or evicted). */
  readonly unmatched: number;
  /** Pending keys evicted to keep the table within `maxPending`. */
  readonly evicted: number;
  /** Scored labels predicted right (binary: at threshold 0.5; classification: equal). */
  readonly correct: number;
  /** Σ (p − y) over scored labels (binary and regression). */
  readonly error: number;
  /** Σ |p − y|. */
  readonly absoluteError: number;
  /** Σ (p − y)²: the Brier score's numerator for binary, the squared error for regression. */
  readonly squaredError: number;
  /** Σ −(y ln p + (1 − y) ln(1 − p)), binary only. */
  readonly logLoss: number;
}

/** Mutable sums while a window is open. */
export type LabelAccumulator = { -readonly [K in keyof LabelSums]: number };

export function emptyLabelSums(): LabelAccumulator {
  return {
    scored: 0,
    unscored: 0,
    unmatched: 0,
    evicted: 0,
    correct: 0,
    error: 0,
    absoluteError: 0,
    squaredError: 0,
    logLoss: 0,
  };
}

/** Adds `b` into `a`. */
export function addLabelSums(a: LabelAccumulator, b: LabelSums): void {
  a.scored += b.scored;
  a.unscored += b.unscored;
  a.unmatched += b.unmatched;
  a.evicted += b.evicted;
  a.correct += b.correct;
  a.error += b.error;
  a.absoluteError += b.absoluteError;
  a.squaredError += b.squaredError;
  a.logLoss += b.logLoss;
}

/** scikit-learn's clipping of probabilities in log loss. */
const EPS = 1e-15;

/**
 * Scores one joined label into `sums`. `label` was checked for the task already (binary: 0 or 1;
 * regression: a finite number; classification: a string).
 */
export function scoreLabel(
  sums: LabelAccumulator,
  task: LabelTask,
  prediction: unknown,
  label: number | string,
): void {
  if (task === 'classification') {
    const p =
      typeof prediction === 'string'
        ? prediction
        : typeof prediction === 'number' || typeof prediction === 'boolean'
          ? String(prediction)
          : undefined;
    if (p === undefined) {
      sums.unscored++;
      return;
    }
    sums.scored++;
    if (p === label) sums.correct++;
    return;
  }
  if (typeof prediction !== 'number' || !Number.isFinite(prediction)) {
    sums.unscored++;
    return;
  }
  const y = label as number;
  const d = prediction - y;
  if (task === 'regression') {
    // A difference or square that overflows float64 would poison the window's sums: unscored.
    if (!Number.isFinite(d * d)) {
      sums.unscored++;
      return;
    }
    sums.scored++;
    sums.error += d;
    sums.absoluteError += Math.abs(d);
    sums.squaredError += d * d;
    return;
  }
  if (prediction < 0 || prediction > 1) {
    sums.unscored++;
    return;
  }
  sums.scored++;
  if ((prediction >= 0.5 ? 1 : 0) === y) sums.correct++;
  sums.error += d;
  sums.absoluteError += Math.abs(d);
  sums.squaredError += d * d;
  const p = Math.min(1 - EPS, Math.max(EPS, prediction));
  sums.logLoss -= y === 1 ? Math.log(p) : Math.log(1 - p);
}

/** The performance metrics of a window's sums (null where there is nothing to average or the task has none). */
export function labelMetrics(task: LabelTask, s: LabelSums): Record<string, number | null> {
  const n = s.scored;
  const mean = (x: number) => (n === 0 ? null : x / n);
  const out: Record<string, number | null> = {
    'labels.count': n + s.unscored,
    'labels.unmatched': s.unmatched,
    'labels.evicted': s.evicted,
    'performance.accuracy': task === 'regression' ? null : mean(s.correct),
  };
  if (task !== 'classification') {
    out['performance.meanError'] = mean(s.error);
    out['performance.mae'] = mean(s.absoluteError);
  }
  if (task === 'binary') {
    out['performance.brier'] = mean(s.squaredError);
    out['performance.logLoss'] = mean(s.logLoss);
  }
  if (task === 'regression') {
    const mse = mean(s.squaredError);
    out['performance.rmse'] = mse === null ? null : Math.sqrt(mse);
  }
  return out;
}

/**
 * The table of pending keys: a ring of the last `max` keyed requests, and each pending key's slot in it.
 * When the ring wraps onto a slot whose key is still pending there, that key is evicted. So a prediction
 * waits for its label while fewer than `max` keyed requests came after it, and the table never holds more
 * than `max` keys. O(1) a request. (A Map used as a queue, deleting its oldest entry, is not O(1) in V8:
 * finding the first live entry scans the deleted ones, 57 µs a request at 100,000 keys.)
 */
export interface PendingTable {
  readonly max: number;
  /** Pending key → its slot. */
  readonly slots: Map<string, number>;
  /** The ring: the key and prediction of each slot (growing to `max`, then reused). */
  readonly keys: (string | undefined)[];
  readonly predictions: unknown[];
  /** The next slot to write. */
  next: number;
}

export function createPending(max: number): PendingTable {
  return { max, slots: new Map(), keys: [], predictions: [], next: 0 };
}

/** Adds a pending prediction; returns 1 when an older key was evicted to make room, else 0. */
export function addPending(table: PendingTable, key: string, prediction: unknown): number {
  const slot = table.next;
  table.next = slot + 1 === table.max ? 0 : slot + 1;
  let evicted = 0;
  if (slot < table.keys.length) {
    const old = table.keys[slot];
    if (old !== undefined && table.slots.get(old) === slot) {
      table.slots.delete(old);
      evicted = 1;
    }
    table.keys[slot] = key;
    table.predictions[slot] = prediction;
  } else {
    table.keys.push(key);
    table.predictions.push(prediction);
  }
  // A key seen again moves to its new slot; its old slot no longer counts as pending.
  table.slots.set(key, slot);
  return evicted;
}

/** Takes a pending key's prediction out of the table; `found` says whether it was pending. */
export function takePending(table: PendingTable, key: string): { found: boolean; prediction: unknown } {
  const slot = table.slots.get(key);
  if (slot === undefined) return NOT_PENDING;
  table.slots.delete(key);
  const prediction = table.predictions[slot];
  table.keys[slot] = undefined;
  table.predictions[slot] = undefined;
  return { found: true, prediction };
}

const NOT_PENDING: { readonly found: false; readonly prediction: undefined } = {
  found: false,
  prediction: undefined,
};
