// evaluate(): a model's metrics on a labelled batch, overall and by slice, each with a confidence
// interval, as plain frozen data. The rules, written once:
//  - Metrics are metrics.ts's, on the same kernels (kernels.ts), with scikit-learn's definitions.
//  - A slice is the rows sharing one value of a column of `data`, or one combination of values of a
//    cross of columns; a missing value (null, undefined, a missing cell) is a value of its own, shown as
//    `(missing)` and kept as null, so no row is dropped from the slices of a column.
//  - Intervals (intervals.ts): with `interval: 'auto'` (the default), Wilson's interval where the metric
//    is a proportion of rows (accuracy, binary precision and recall), else the seeded percentile
//    bootstrap; `'bootstrap'` bootstraps every metric; `'none'` computes no interval (low and high NaN).
//    Each slice is resampled within itself from its own stream, createRng(`${seed}:${hash of its name}`),
//    so a slice's interval does not depend on which other slices were asked for.
//  - What is worth knowing but is no misuse is a finding (core's shape): METRIC_UNDEFINED (a NaN metric:
//    one class, zero total weight, fewer than two rows for R²), SLICE_TOO_SMALL (fewer than minRows
//    rows), BOOTSTRAP_UNDEFINED (resamples on which the metric was undefined, left out),
//    SCORES_NOT_PROBABILITIES (binary scores outside [0, 1]: the probability metrics are left out) and
//    PROBABILITIES_NOT_NORMALIZED (rows that do not sum to 1, used as given, as scikit-learn warns).
import {
  checkArray,
  checkChoice,
  checkInteger,
  checkNumber,
  checkString,
  didYouMean,
  readOptions,
} from '../core/check.js';
import { invalidArgument, LockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { frameOf, valueAt } from '../core/frame.js';
import type { FrameInput } from '../core/frame-types.js';
import { deepFreeze } from '../core/freeze.js';
import { murmur3String } from '../core/murmur3.js';
import { createRng } from '../core/rng.js';
import { normalQuantile, quantileSorted, wilsonInterval } from './intervals.js';
import {
  accuracyKernel,
  averagePrecisionKernel,
  binaryLogLossKernel,
  binaryPrfKernel,
  binaryResampler,
  brierKernel,
  eceKernel,
  maeKernel,
  mapeKernel,
  mseKernel,
  multiclassLogLossKernel,
  multiclassPrfKernel,
  orderDescending,
  r2Kernel,
  regressionResampler,
  rocAucKernel,
} from './kernels.js';
import { indexLabels, MAX_BINS } from './metrics.js';
import {
  readBinaryLabels,
  readClassLabels,
  readColumnClasses,
  readNumbers,
  readRows,
  readWeights,
  sameLength,
  type Values,
} from './read.js';

/** The kind of model: binary scores, multiclass probability rows or labels, or regression values. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** The metrics of each task, in the order results list them. */
export const TASK_METRICS = {
  binary: ['rocAuc', 'averagePrecision', 'logLoss', 'brier', 'ece', 'accuracy', 'precision', 'recall', 'f1'],
  multiclass: [
    'accuracy',
    'logLoss',
    'precisionMacro',
    'recallMacro',
    'f1Macro',
    'precisionWeighted',
    'recallWeighted',
    'f1Weighted',
    'precisionMicro',
    'recallMicro',
    'f1Micro',
  ],
  regression: ['rmse', 'mae', 'r2', 'mape'],
} as const satisfies Record<Task, readonly string[]>;

/** Every metric name evaluate() knows. */
export type MetricName = (typeof TASK_METRICS)[Task][number];

/** Metrics where lower is better (losses and errors); for the others higher is better. */
export const LOWER_IS_BETTER: readonly MetricName[] = ['logLoss', 'brier', 'ece', 'rmse', 'mae', 'mape'];

/** A slice spec: one column, or a cross of columns. */
export type SliceSpec = string | readonly string[];

export interface EvaluateOptions {
  /** Binary: a score per row (probabilities of class 1 in [0, 1] for the probability metrics). Multiclass:
   * probability rows, or predicted labels. Regression: predicted values. */
  readonly predictions: Values<number> | readonly Values<number>[] | Values<string | number | boolean>;
  /** Binary: 0/1 or booleans. Multiclass: class labels. Regression: actual values. */
  readonly labels: Values<number | string | boolean>;
  readonly task: Task;
  /** A weight per row (finite, at least 0). Default 1 each. */
  readonly weights?: Values<number>;
  /** The rows' other columns (rows, columns, an Arrow table or a Frame), for slices. */
  readonly data?: FrameInput;
  /** Columns of `data` to slice by, and crosses of them (an array of 2 to 4 columns). At most 64. */
  readonly slices?: readonly SliceSpec[];
  /** A subset of the task's metrics. Default all (for binary: the probability ones when scores are in [0, 1]). */
  readonly metrics?: readonly MetricName[];
  /** Binary: a row is predicted positive when its score is at least this. Default 0.5. */
  readonly threshold?: number;
  /** Multiclass with probability rows: the class of each column. Default 0, 1, …, k − 1. */
  readonly classes?: Values<string | number | boolean>;
  /** Expected calibration error's equal-width bins, in [1, 10000]. Default 10. */
  readonly bins?: number;
  /** `'auto'` (default): Wilson where a metric is a proportion, else bootstrap; `'bootstrap'`; `'none'`. */
  readonly interval?: 'auto' | 'bootstrap' | 'none';
  /** Confidence level, in [0.5, 0.9999]. Default 0.95. */
  readonly level?: number;
  /** Bootstrap resamples, in [10, 10000]. Default 200. */
  readonly resamples?: number;
  /** Seed of the bootstrap (a string of at most 256 characters or a finite number). Default 0. */
  readonly seed?: string | number;
  /** Slices with fewer rows get a SLICE_TOO_SMALL finding, in [0, 2^31]. Default 30. */
  readonly minRows?: number;
  /** Most slices over all specs, in [1, 100000]; more is INVALID_DATA. Default 1000. */
  readonly maxSlices?: number;
}

/** A metric's value and its confidence interval. */
export interface MetricValue {
  /** NaN when the metric is undefined on these rows (see METRIC_UNDEFINED). */
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly interval: 'wilson' | 'bootstrap' | 'none';
}

/** Metrics by name. */
export type MetricValues = Readonly<Partial<Record<MetricName, MetricValue>>>;

/** The metrics of one slice. */
export interface SliceEvaluation {
  /** `origin=SEA`, `origin=SEA, carrier=(missing)`: the columns and values, as one name. */
  readonly slice: string;
  readonly columns: readonly string[];
  /** The slice's value of each column; null for missing. */
  readonly values: readonly (string | number | boolean | null)[];
  readonly count: number;
  readonly weight: number;
  readonly metrics: MetricValues;
}

export type EvaluateFindingCode =
  | 'METRIC_UNDEFINED'
  | 'SLICE_TOO_SMALL'
  | 'BOOTSTRAP_UNDEFINED'
  | 'SCORES_NOT_PROBABILITIES'
  | 'PROBABILITIES_NOT_NORMALIZED';

/** A finding of evaluate(): core's shape, with the metric, slice and counts it concerns. */
export interface EvaluateFinding extends Finding<EvaluateFindingCode> {
  readonly metric?: MetricName;
  /** The slice's name; absent for the whole batch. */
  readonly slice?: string;
  readonly count?: number;
  readonly expected?: number;
}

export interface Evaluation {
  readonly task: Task;
  readonly count: number;
  readonly weight: number;
  readonly metrics: MetricValues;
  readonly slices: readonly SliceEvaluation[];
  readonly findings: readonly EvaluateFinding[];
  readonly interval: {
    readonly method: 'auto' | 'bootstrap' | 'none';
    readonly level: number;
    readonly resamples: number;
    readonly seed: string | number;
  };
}

const KEYS = [
  'predictions',
  'labels',
  'task',
  'weights',
  'data',
  'slices',
  'metrics',
  'threshold',
  'classes',
  'bins',
  'interval',
  'level',
  'resamples',
  'seed',
  'minRows',
  'maxSlices',
] as const;

const FN = 'evaluate';

/** The checked rows of a batch: labels and predictions as the task's kernels take them. */
interface Batch {
  readonly n: number;
  readonly w: Float64Array;
  /** binary: 0/1; multiclass: class index */
  readonly yb?: Uint8Array;
  readonly yc?: Int32Array;
  readonly yr?: Float64Array;
  /** binary scores, regression predictions */
  readonly s?: Float64Array;
  /** binary: predicted 0/1; multiclass: predicted class index */
  readonly pb?: Uint8Array;
  readonly pc?: Int32Array;
  /** multiclass probability rows (row-major, k wide) */
  readonly rows?: Float64Array;
  readonly k: number;
  /** binary: rows by score, highest first */
  order?: Int32Array;
}

/** The rows `idx` of a batch, as a batch of their own. */
function take(b: Batch, idx: Int32Array): Batch {
  const pick = <A extends Float64Array | Int32Array | Uint8Array>(
    a: A | undefined,
    width = 1,
  ): A | undefined => {
    if (a === undefined) return undefined;
    const out = new (a.constructor as new (n: number) => A)(idx.length * width);
    for (let j = 0; j < idx.length; j++)
      for (let c = 0; c < width; c++) out[j * width + c] = a[idx[j]! * width + c]!;
    return out;
  };
  return {
    n: idx.length,
    w: pick(b.w)!,
    yb: pick(b.yb),
    yc: pick(b.yc),
    yr: pick(b.yr),
    s: pick(b.s),
    pb: pick(b.pb),
    pc: pick(b.pc),
    rows: pick(b.rows, b.k),
    k: b.k,
  };
}

/** Every requested metric of a batch under weights w (and, for a resample, which rows were drawn). */
function compute(
  b: Batch,
  names: readonly MetricName[],
  w: Float64Array,
  present: Uint8Array | undefined,
  rowsPresent: number,
  bins: number,
): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  const want = (m: MetricName) => names.includes(m);
  if (b.yb !== undefined) {
    if (want('rocAuc') || want('averagePrecision')) {
      if (b.order === undefined) b.order = orderDescending(b.s!);
      if (want('rocAuc')) out.rocAuc = rocAucKernel(b.yb, b.s!, w, b.order);
      if (want('averagePrecision')) out.averagePrecision = averagePrecisionKernel(b.yb, b.s!, w, b.order);
    }
    if (want('logLoss')) out.logLoss = binaryLogLossKernel(b.yb, b.s!, w);
    if (want('brier')) out.brier = brierKernel(b.yb, b.s!, w);
    if (want('ece')) out.ece = eceKernel(b.yb, b.s!, w, bins);
    if (want('accuracy')) out.accuracy = accuracyKernel(b.yb, b.pb!, w);
    if (want('precision') || want('recall') || want('f1')) {
      const prf = binaryPrfKernel(b.yb, b.pb!, w);
      if (want('precision')) out.precision = prf.precision;
      if (want('recall')) out.recall = prf.recall;
      if (want('f1')) out.f1 = prf.f1;
    }
  } else if (b.yc !== undefined) {
    if (want('accuracy')) out.accuracy = accuracyKernel(b.yc, b.pc!, w);
    if (want('logLoss')) out.logLoss = multiclassLogLossKernel(b.yc, b.rows!, b.k, w);
    const prf = multiclassPrfKernel(b.yc, b.pc!, b.k, w, present);
    for (const [avg, suffix] of [
      ['macro', 'Macro'],
      ['weighted', 'Weighted'],
      ['micro', 'Micro'],
    ] as const) {
      for (const part of ['precision', 'recall', 'f1'] as const) {
        const name = `${part}${suffix}` as MetricName;
        if (want(name)) out[name] = prf[avg][part];
      }
    }
  } else {
    const y = b.yr!;
    const p = b.s!;
    if (want('rmse')) out.rmse = Math.sqrt(mseKernel(y, p, w));
    if (want('mae')) out.mae = maeKernel(y, p, w);
    if (want('r2')) out.r2 = r2Kernel(y, p, w, rowsPresent);
    if (want('mape')) out.mape = mapeKernel(y, p, w);
  }
  return out;
}

/** The effective size (Σw)² / Σw² of the rows where `on` holds (all rows without it). */
function effectiveSize(w: Float64Array, on?: (i: number) => boolean): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    if (on !== undefined && !on(i)) continue;
    s += w[i]!;
    s2 += w[i]! * w[i]!;
  }
  return s2 === 0 ? 0 : (s * s) / s2;
}

interface Settings {
  readonly names: readonly MetricName[];
  readonly bins: number;
  readonly method: 'auto' | 'bootstrap' | 'none';
  readonly level: number;
  readonly resamples: number;
  readonly seed: string | number;
}

/** Metrics with intervals for one batch (the whole, or a slice), and the findings they raise. */
function measure(
  b: Batch,
  sliceName: string | undefined,
  s: Settings,
  findings: EvaluateFinding[],
): MetricValues {
  const values = compute(b, s.names, b.w, undefined, b.n, s.bins);
  const z = normalQuantile((1 + s.level) / 2);
  const result: Partial<Record<MetricName, MetricValue>> = {};
  const bootstrapNames: MetricName[] = [];
  for (const name of s.names) {
    const value = values[name]!;
    if (Number.isNaN(value)) {
      findings.push({
        code: 'METRIC_UNDEFINED',
        severity: 'warning',
        message: `${name} is undefined${sliceName === undefined ? '' : ` in slice ${sliceName}`} (${undefinedReason(name, b)})`,
        metric: name,
        ...(sliceName === undefined ? {} : { slice: sliceName }),
      });
    }
    if (s.method === 'none') {
      result[name] = { value, low: Number.NaN, high: Number.NaN, interval: 'none' };
      continue;
    }
    const wilsonOver = s.method === 'auto' ? proportionRows(name, b) : undefined;
    if (wilsonOver !== undefined) {
      const [low, high] = wilsonInterval(value, effectiveSize(b.w, wilsonOver), z);
      result[name] = { value, low, high, interval: 'wilson' };
    } else bootstrapNames.push(name);
  }
  if (bootstrapNames.length > 0) {
    const draws = bootstrap(b, bootstrapNames, s, sliceName);
    for (const [m, name] of bootstrapNames.entries()) {
      const all = draws[m]!;
      const kept = all.filter((v) => !Number.isNaN(v)).sort();
      const dropped = all.length - kept.length;
      if (dropped > 0 && !Number.isNaN(values[name]!)) {
        findings.push({
          code: 'BOOTSTRAP_UNDEFINED',
          severity: 'info',
          message: `${name}: ${dropped} of ${all.length} bootstrap resamples${sliceName === undefined ? '' : ` of slice ${sliceName}`} left it undefined and were left out`,
          metric: name,
          ...(sliceName === undefined ? {} : { slice: sliceName }),
          count: dropped,
        });
      }
      result[name] = {
        value: values[name]!,
        low: quantileSorted(kept, (1 - s.level) / 2),
        high: quantileSorted(kept, (1 + s.level) / 2),
        interval: 'bootstrap',
      };
    }
  }
  const ordered: Partial<Record<MetricName, MetricValue>> = {};
  for (const name of s.names) ordered[name] = result[name]!;
  return ordered;
}

/** For a proportion metric, the rows it is a proportion over (Wilson applies); undefined otherwise. */
function proportionRows(name: MetricName, b: Batch): ((i: number) => boolean) | undefined {
  if (name === 'accuracy') return () => true;
  if (b.yb !== undefined && name === 'precision') return (i) => b.pb![i] === 1;
  if (b.yb !== undefined && name === 'recall') return (i) => b.yb![i] === 1;
  return undefined;
}

function undefinedReason(name: MetricName, b: Batch): string {
  let total = 0;
  for (let i = 0; i < b.n; i++) total += b.w[i]!;
  if (b.n === 0) return 'no rows';
  if (total === 0) return 'the weights sum to 0';
  if (name === 'r2') return 'fewer than two rows';
  if (name === 'rocAuc') return 'only one class has weight';
  return 'no rows with weight';
}

/**
 * A function giving every metric in `names` on a resample, from each row's draw count: the resample
 * kernels for binary and regression batches (per-row terms and the score order computed once, then O(n)
 * per resample), and compute() on the weights w × counts for multiclass.
 */
function resampler(
  b: Batch,
  names: readonly MetricName[],
  bins: number,
): (counts: Int32Array) => Partial<Record<MetricName, number>> {
  const want = (m: MetricName) => names.includes(m);
  if (b.yb !== undefined) {
    const curve = want('rocAuc') || want('averagePrecision');
    if (curve && b.order === undefined) b.order = orderDescending(b.s!);
    return binaryResampler(b.yb, b.s!, b.pb!, b.w, bins, b.order ?? new Int32Array(0), {
      curve,
      logLoss: want('logLoss'),
      brier: want('brier'),
      ece: want('ece'),
      accuracy: want('accuracy'),
      prf: want('precision') || want('recall') || want('f1'),
    });
  }
  if (b.yr !== undefined) return regressionResampler(b.yr, b.s!, b.w, want('r2'));
  const w = new Float64Array(b.n);
  const present = new Uint8Array(b.n);
  return (counts) => {
    for (let i = 0; i < b.n; i++) {
      w[i] = b.w[i]! * counts[i]!;
      present[i] = counts[i]! > 0 ? 1 : 0;
    }
    // A resample has n rows (some repeated), so R²'s "fewer than two rows" is the batch's own count.
    return compute(b, names, w, present, b.n, bins);
  };
}

/**
 * Each metric over `resamples` bootstrap resamples of the batch's rows: resample r's value of names[m] is
 * at [m][r]. A resample draws n rows with replacement, row ⌊u · n⌋ for each of n draws u of the slice's
 * stream, kept as a count per row.
 */
function bootstrap(
  b: Batch,
  names: readonly MetricName[],
  s: Settings,
  sliceName: string | undefined,
): Float64Array[] {
  if (b.n === 0) return names.map(() => Float64Array.of(Number.NaN));
  const out = names.map(() => new Float64Array(s.resamples));
  const rng = createRng(`${s.seed}:${murmur3String(sliceName ?? '', 0)}`);
  const n = b.n;
  const counts = new Int32Array(n);
  const metricsOf = resampler(b, names, s.bins);
  for (let r = 0; r < s.resamples; r++) {
    counts.fill(0);
    for (let j = 0; j < n; j++) {
      const i = Math.min(Math.floor(rng.next() * n), n - 1);
      counts[i] = counts[i]! + 1;
    }
    const values = metricsOf(counts);
    for (let m = 0; m < names.length; m++) out[m]![r] = values[names[m]!]!;
  }
  return out;
}

/** A slice cell's value as results show it: a string, number or boolean, or null for missing. */
function cellValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  return String(v);
}

function shown(v: string | number | boolean | null): string {
  return v === null ? '(missing)' : String(v);
}

/**
 * A model's metrics on a labelled batch, overall and by slice, each with a confidence interval, following
 * scikit-learn's definitions (see the single-metric functions: rocAucScore, logLossScore, …). Slices are
 * the values of columns of `data` and their crosses, a missing value being a slice of its own; intervals
 * are Wilson's for proportions and a seeded percentile bootstrap otherwise (`interval`). Undefined metrics
 * are NaN with a METRIC_UNDEFINED finding; small slices get SLICE_TOO_SMALL. The result is deeply frozen.
 * O(n log n + (slices' rows) · resamples): a binary or regression resample is one pass over the rows
 * (two for ROC AUC and average precision), all metrics at once. Reference: TFMA's slice metrics; Efron and
 * Tibshirani (1993) for the bootstrap; Wilson (1927).
 * @example evaluate({ task: 'regression', labels: [3, -0.5, 2, 7], predictions: [2.5, 0, 2, 8], interval: 'none' }).metrics.mae.value // => 0.5
 * @throws LockstepError `INVALID_ARGUMENT` for a missing or malformed option (labels, predictions and
 *   weights of different lengths, non-finite values, an unknown metric for the task, an unknown slice
 *   column, bounds of bins, level, resamples, minRows and maxSlices, an unknown key); `INVALID_DATA` for
 *   a label outside `classes`, probability metrics asked for with scores outside [0, 1], or slices that
 *   would number more than maxSlices.
 */
export function evaluate(options: EvaluateOptions): Evaluation {
  const o = readOptions(FN, options, KEYS);
  if (o.task === undefined) throw invalidArgument(FN, 'options.task', 'is required');
  const task = checkChoice(FN, 'options.task', o.task, ['binary', 'multiclass', 'regression'] as const);
  if (o.labels === undefined) throw invalidArgument(FN, 'options.labels', 'is required');
  if (o.predictions === undefined) throw invalidArgument(FN, 'options.predictions', 'is required');
  const threshold = o.threshold === undefined ? 0.5 : checkNumber(FN, 'options.threshold', o.threshold);
  const bins = o.bins === undefined ? 10 : checkInteger(FN, 'options.bins', o.bins, 1, MAX_BINS);
  const method =
    o.interval === undefined
      ? 'auto'
      : checkChoice(FN, 'options.interval', o.interval, ['auto', 'bootstrap', 'none'] as const);
  const level =
    o.level === undefined ? 0.95 : checkNumber(FN, 'options.level', o.level, { min: 0.5, max: 0.9999 });
  const resamples =
    o.resamples === undefined ? 200 : checkInteger(FN, 'options.resamples', o.resamples, 10, 10_000);
  const seed =
    o.seed === undefined
      ? 0
      : typeof o.seed === 'number'
        ? checkNumber(FN, 'options.seed', o.seed)
        : checkString(FN, 'options.seed', o.seed, 256);
  const minRows = o.minRows === undefined ? 30 : checkInteger(FN, 'options.minRows', o.minRows, 0, 2 ** 31);
  const maxSlices =
    o.maxSlices === undefined ? 1000 : checkInteger(FN, 'options.maxSlices', o.maxSlices, 1, 100_000);
  if (task !== 'binary' && o.threshold !== undefined)
    throw invalidArgument(FN, 'options.threshold', 'applies only to task "binary"');
  if (task !== 'multiclass' && o.classes !== undefined)
    throw invalidArgument(FN, 'options.classes', 'applies only to task "multiclass"');

  const findings: EvaluateFinding[] = [];
  const known = TASK_METRICS[task] as readonly MetricName[];
  let requested: MetricName[] | undefined;
  if (o.metrics !== undefined) {
    const list = checkArray(FN, 'options.metrics', o.metrics, known.length);
    requested = [];
    for (let i = 0; i < list.length; i++) {
      const m = list[i];
      if (typeof m !== 'string' || !known.includes(m as MetricName))
        throw invalidArgument(
          FN,
          `options.metrics[${i}]`,
          `must be a metric of task "${task}"${typeof m === 'string' ? didYouMean(m, known) : ''} (${known.join(', ')})`,
          m,
        );
      if (requested.includes(m as MetricName))
        throw invalidArgument(FN, `options.metrics[${i}]`, 'must not repeat an earlier metric', m);
      requested.push(m as MetricName);
    }
  }

  let batch: Batch;
  let names: MetricName[] = [...(requested ?? known)];
  if (task === 'binary') {
    const yb = readBinaryLabels(FN, 'options.labels', o.labels);
    const s = readNumbers(FN, 'options.predictions', o.predictions);
    sameLength(FN, 'options.predictions', s.length, yb.length);
    const w = readWeights(FN, 'options.weights', o.weights, yb.length);
    const pb = new Uint8Array(s.length);
    let outside = 0;
    for (let i = 0; i < s.length; i++) {
      pb[i] = s[i]! >= threshold ? 1 : 0;
      if (s[i]! < 0 || s[i]! > 1) outside++;
    }
    if (outside > 0) {
      const asked = names.filter((m) => m === 'logLoss' || m === 'brier' || m === 'ece');
      if (requested !== undefined && asked.length > 0)
        throw new LockstepError(
          'INVALID_DATA',
          `${FN}: ${asked.join(', ')} need probabilities in [0, 1], but ${outside} of options.predictions are outside`,
          { fn: FN, arg: 'options.predictions' },
        );
      names = names.filter((m) => !(asked as MetricName[]).includes(m));
      findings.push({
        code: 'SCORES_NOT_PROBABILITIES',
        severity: 'info',
        message: `${outside} scores are outside [0, 1]: logLoss, brier and ece are left out`,
        count: outside,
      });
    }
    batch = { n: yb.length, w, yb, s, pb, k: 2 };
  } else if (task === 'multiclass') {
    const labels = readClassLabels(FN, 'options.labels', o.labels);
    let first: unknown;
    try {
      first = Array.isArray(o.predictions) && o.predictions.length > 0 ? o.predictions[0] : undefined;
    } catch {
      throw invalidArgument(FN, 'options.predictions', 'must be readable (reading it threw)');
    }
    const w = readWeights(FN, 'options.weights', o.weights, labels.length);
    if (Array.isArray(first) || ArrayBuffer.isView(first)) {
      const { values, k } = readRows(FN, 'options.predictions', o.predictions);
      sameLength(FN, 'options.predictions', values.length / k, labels.length);
      const classes = readColumnClasses(FN, o.classes, k);
      const { indices } = indexLabels(FN, [['options.labels', labels]], classes);
      const pc = new Int32Array(labels.length);
      let off = 0;
      for (let i = 0; i < labels.length; i++) {
        let best = 0;
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const v = values[i * k + c]!;
          sum += v;
          if (v > values[i * k + best]!) best = c;
        }
        pc[i] = best;
        if (!(Math.abs(sum - 1) <= 1e-8 + 1.4901161193847656e-8)) off++;
      }
      if (off > 0)
        findings.push({
          code: 'PROBABILITIES_NOT_NORMALIZED',
          severity: 'warning',
          message: `${off} probability rows do not sum to 1; they are used as given (scikit-learn warns the same)`,
          count: off,
        });
      batch = { n: labels.length, w, yc: indices[0]!, pc, rows: values, k };
    } else {
      if (o.classes !== undefined)
        throw invalidArgument(FN, 'options.classes', 'applies only to probability rows');
      const predicted = readClassLabels(FN, 'options.predictions', o.predictions);
      sameLength(FN, 'options.predictions', predicted.length, labels.length);
      const { indices, classes } = indexLabels(FN, [
        ['options.labels', labels],
        ['options.predictions', predicted],
      ]);
      if (names.includes('logLoss')) {
        if (requested !== undefined)
          throw invalidArgument(
            FN,
            'options.metrics',
            'holds logLoss, which needs probability rows as predictions',
          );
        names = names.filter((m) => m !== 'logLoss');
      }
      batch = { n: labels.length, w, yc: indices[0]!, pc: indices[1]!, k: classes.length };
    }
  } else {
    const yr = readNumbers(FN, 'options.labels', o.labels);
    const s = readNumbers(FN, 'options.predictions', o.predictions);
    sameLength(FN, 'options.predictions', s.length, yr.length);
    const w = readWeights(FN, 'options.weights', o.weights, yr.length);
    batch = { n: yr.length, w, yr, s, k: 0 };
  }

  const settings: Settings = { names, bins, method, level, resamples, seed };
  let weight = 0;
  for (let i = 0; i < batch.n; i++) weight += batch.w[i]!;
  const metrics = measure(batch, undefined, settings, findings);
  const slices = sliceAll(o.slices, o.data, batch, settings, minRows, maxSlices, findings);
  return deepFreeze({
    task,
    count: batch.n,
    weight,
    metrics,
    slices,
    findings,
    interval: { method, level, resamples, seed },
  });
}

/** The slices of every spec, each measured. */
function sliceAll(
  specsIn: unknown,
  data: unknown,
  batch: Batch,
  settings: Settings,
  minRows: number,
  maxSlices: number,
  findings: EvaluateFinding[],
): SliceEvaluation[] {
  if (specsIn === undefined) {
    if (data !== undefined) throw invalidArgument(FN, 'options.data', 'is used only with options.slices');
    return [];
  }
  const list = checkArray(FN, 'options.slices', specsIn, 64);
  const specs: string[][] = [];
  for (let i = 0; i < list.length; i++) {
    const spec = list[i];
    if (typeof spec === 'string') specs.push([checkString(FN, `options.slices[${i}]`, spec, 1024, true)]);
    else {
      const cross = checkArray(FN, `options.slices[${i}]`, spec, 4);
      if (cross.length < 1)
        throw invalidArgument(FN, `options.slices[${i}]`, 'must name at least one column');
      const cols = cross.map((c, j) => checkString(FN, `options.slices[${i}][${j}]`, c, 1024, true));
      if (new Set(cols).size !== cols.length)
        throw invalidArgument(FN, `options.slices[${i}]`, 'must not repeat a column');
      specs.push(cols);
    }
  }
  if (specs.length === 0) return [];
  if (data === undefined) throw invalidArgument(FN, 'options.data', 'is required with options.slices');
  const wanted = new Set(specs.flat());
  const frame = frameOf(data as FrameInput, FN, wanted, 'options.data');
  if (frame.length !== batch.n)
    throw invalidArgument(
      FN,
      'options.data',
      `must have one row per label (${batch.n}), got ${frame.length}`,
    );
  for (const [i, cols] of specs.entries()) {
    for (const c of cols)
      if (!frame.columns.has(c))
        throw invalidArgument(
          FN,
          `options.slices[${i}]`,
          `names column ${JSON.stringify(c)}, which options.data does not have${didYouMean(c, frame.names)}`,
        );
  }
  const out: SliceEvaluation[] = [];
  let total = 0;
  for (const cols of specs) {
    const columns = cols.map((c) => frame.columns.get(c)!);
    const groups = new Map<string, { values: (string | number | boolean | null)[]; rows: number[] }>();
    for (let i = 0; i < batch.n; i++) {
      const values = columns.map((col) => cellValue(valueAt(col, i)));
      const key = values.map((v) => (v === null ? 'null' : `${typeof v}:${String(v)}`)).join('\u0000');
      let g = groups.get(key);
      if (g === undefined) {
        if (++total > maxSlices)
          throw new LockstepError(
            'INVALID_DATA',
            `${FN}: options.slices make more than ${maxSlices} slices (options.maxSlices); slice by fewer or coarser columns, or raise maxSlices`,
            { fn: FN, arg: 'options.slices' },
          );
        g = { values, rows: [] };
        groups.set(key, g);
      }
      g.rows.push(i);
    }
    const ordered = [...groups.values()].sort(
      (a, b) =>
        b.rows.length - a.rows.length || sliceName(cols, a.values).localeCompare(sliceName(cols, b.values)),
    );
    for (const g of ordered) {
      const name = sliceName(cols, g.values);
      const sub = take(batch, Int32Array.from(g.rows));
      let weight = 0;
      for (let i = 0; i < sub.n; i++) weight += sub.w[i]!;
      if (sub.n < minRows)
        findings.push({
          code: 'SLICE_TOO_SMALL',
          severity: 'info',
          message: `slice ${name} has ${sub.n} rows, fewer than ${minRows}: read its metrics with their intervals`,
          slice: name,
          count: sub.n,
          expected: minRows,
        });
      out.push({
        slice: name,
        columns: cols,
        values: g.values,
        count: sub.n,
        weight,
        metrics: measure(sub, name, settings, findings),
      });
    }
  }
  return out;
}

function sliceName(cols: readonly string[], values: readonly (string | number | boolean | null)[]): string {
  return cols.map((c, j) => `${c}=${shown(values[j]!)}`).join(', ');
}
