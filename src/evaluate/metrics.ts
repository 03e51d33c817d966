// Single metrics with scikit-learn's definitions, edge cases included. Each checks its arguments once
// (labels, predictions and weights of one length, finite values, probabilities in [0, 1], strict
// options), then runs its kernel from kernels.ts, the same code evaluate() runs on slices and resamples.
//
// Where scikit-learn raises for a metric that is undefined on the data (roc_auc_score with one class
// present, any weighted mean whose weights sum to 0, r2_score below two rows warns and returns nan), these
// functions return NaN instead: a metric is a number, and evaluate() reports the NaN as a METRIC_UNDEFINED
// finding. Where scikit-learn returns a number with a warning (precision with no predicted positive,
// average precision with no positive), they return that number.
import { checkChoice, checkInteger } from '../core/check.js';
import { invalidArgument, LockstepError } from '../core/errors.js';
import {
  accuracyKernel,
  averagePrecisionKernel,
  binaryLogLossKernel,
  binaryPrfKernel,
  brierKernel,
  eceKernel,
  maeKernel,
  mapeKernel,
  mseKernel,
  multiclassLogLossKernel,
  multiclassPrfKernel,
  orderDescending,
  type Prf,
  r2Kernel,
  rocAucKernel,
} from './kernels.js';
import {
  MAX_CLASSES,
  readBinaryLabels,
  readClassLabels,
  readColumnClasses,
  readMetricOptions,
  readNumbers,
  readRows,
  readWeights,
  sameLength,
  type Values,
} from './read.js';

/** Options of every single metric: a weight per row (finite, at least 0; default 1 each). */
export interface WeightOptions {
  readonly weights?: Values<number>;
}

/** Averaging of precision, recall and F1, as scikit-learn's `average` (default `'binary'`). */
export type Average = 'binary' | 'macro' | 'weighted' | 'micro';

export interface AveragedOptions extends WeightOptions {
  /**
   * `'binary'`: the positive class 1 (labels must be 0/1 or booleans); `'macro'`: the plain mean over the
   * classes that occur in labels or predictions; `'weighted'`: weighted by each class's true weight;
   * `'micro'`: from the counts summed over classes. Default `'binary'`.
   */
  readonly average?: Average;
}

export interface LogLossOptions extends WeightOptions {
  /** With probability rows: the class of each column, in order. Default 0, 1, …, k − 1. */
  readonly classes?: Values<string | number | boolean>;
}

export interface CalibrationOptions extends WeightOptions {
  /** Equal-width bins of [0, 1], in [1, 10000]. Default 10. */
  readonly bins?: number;
}

/** Most calibration bins. */
export const MAX_BINS = 10_000;

/** Labels and scores (or probabilities in [0, 1] when `probabilities`) checked, with weights. */
function readBinary(
  fn: string,
  labels: unknown,
  scores: unknown,
  options: unknown,
  probabilities: boolean,
  extra: readonly string[] = [],
) {
  const o = readMetricOptions(fn, options, extra);
  const y = readBinaryLabels(fn, 'labels', labels);
  const s = probabilities
    ? readNumbers(fn, 'probabilities', scores, 0, 1)
    : readNumbers(fn, 'scores', scores);
  sameLength(fn, probabilities ? 'probabilities' : 'scores', s.length, y.length);
  const w = readWeights(fn, 'options.weights', o.weights, y.length);
  return { y, s, w, o: o as Record<string, unknown> };
}

/**
 * Maps class labels to indices: in `classes` order when given (a label outside them is INVALID_DATA),
 * else in order of first appearance over the lists.
 */
export function indexLabels(
  fn: string,
  lists: readonly (readonly [string, readonly unknown[]])[],
  classes?: readonly unknown[],
): { indices: Int32Array[]; classes: unknown[] } {
  const map = new Map<unknown, number>();
  const names: unknown[] = [];
  if (classes !== undefined) {
    for (let c = 0; c < classes.length; c++) {
      if (map.has(classes[c]))
        throw invalidArgument(fn, `options.classes[${c}]`, 'must not repeat an earlier class', classes[c]);
      map.set(classes[c], c);
      names.push(classes[c]);
    }
  }
  const indices = lists.map(([arg, list]) => {
    const out = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) {
      let c = map.get(list[i]);
      if (c === undefined) {
        if (classes !== undefined)
          throw new LockstepError(
            'INVALID_DATA',
            `${fn}: argument '${arg}[${i}]' is ${JSON.stringify(list[i])}, which is not one of options.classes`,
            { fn, arg: `${arg}[${i}]` },
          );
        if (names.length >= MAX_CLASSES)
          throw invalidArgument(fn, arg, `must hold at most ${MAX_CLASSES} distinct classes`);
        c = names.length;
        map.set(list[i], c);
        names.push(list[i]);
      }
      out[i] = c;
    }
    return out;
  });
  return { indices, classes: names };
}

/**
 * Area under the ROC curve of binary labels and real scores: the trapezoid rule over (FPR, TPR) at every
 * distinct score, so tied scores make a diagonal segment (a tie between a positive and a negative counts
 * ½), as scikit-learn's roc_auc_score. NaN when only one class has weight (scikit-learn raises). Scores
 * may be any finite reals. O(n log n). Reference: Fawcett (2006), "An introduction to ROC analysis".
 * @example rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // => 0.75
 * @throws LockstepError `INVALID_ARGUMENT` for labels other than 0/1/booleans, non-finite scores or
 *   weights, a negative weight, lengths that differ, or an unknown option key.
 */
export function rocAucScore(
  labels: Values<number | boolean>,
  scores: Values<number>,
  options?: WeightOptions,
): number {
  const { y, s, w } = readBinary('rocAucScore', labels, scores, options, false);
  return rocAucKernel(y, s, w, orderDescending(s));
}

/**
 * Average precision AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ over the distinct scores from highest to lowest (precision and
 * recall of predicting positive at or above each), scikit-learn's step-wise average_precision_score, not
 * an interpolated area. 0 when no positive has weight (scikit-learn warns and returns 0). O(n log n).
 * Reference: scikit-learn's average_precision_score; Manning et al. (2008), ch. 8.
 * @example averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // => 0.8333333333333333
 * @throws LockstepError `INVALID_ARGUMENT` as rocAucScore.
 */
export function averagePrecisionScore(
  labels: Values<number | boolean>,
  scores: Values<number>,
  options?: WeightOptions,
): number {
  const { y, s, w } = readBinary('averagePrecisionScore', labels, scores, options, false);
  return averagePrecisionKernel(y, s, w, orderDescending(s));
}

/**
 * Log loss (cross-entropy) −Σᵢ wᵢ ln p̂ᵢ,yᵢ / Σᵢ wᵢ. Probabilities are clipped to [ε, 1 − ε] with ε the
 * float64 machine epsilon 2^-52 (scikit-learn ≥ 1.5: `eps = finfo(y_pred.dtype).eps`), and rows are not
 * renormalised. Binary: labels 0/1 and one probability of class 1 per row (class 0's is 1 − p, clipped on
 * its own). Multiclass: probability rows, and labels that are column indices or named by
 * `options.classes` (scikit-learn's `labels`). NaN when the weights sum to 0. O(n).
 * Reference: scikit-learn's log_loss.
 * @example logLossScore(['spam', 'ham', 'ham', 'spam'], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]], { classes: ['ham', 'spam'] }) // => 0.21616187468057912
 * @throws LockstepError `INVALID_ARGUMENT` for probabilities outside [0, 1], rows of different widths,
 *   lengths that differ, bad weights or an unknown option key; `INVALID_DATA` for a label that is not one
 *   of the classes.
 */
export function logLossScore(
  labels: Values<number | string | boolean>,
  probabilities: Values<number> | readonly Values<number>[],
  options?: LogLossOptions,
): number {
  const fn = 'logLossScore';
  const o = readMetricOptions(fn, options, ['classes']);
  const first = (() => {
    try {
      return Array.isArray(probabilities) && probabilities.length > 0 ? probabilities[0] : undefined;
    } catch {
      throw invalidArgument(fn, 'probabilities', 'must be readable (reading it threw)');
    }
  })();
  if (Array.isArray(first) || ArrayBuffer.isView(first)) {
    const { values, k } = readRows(fn, 'probabilities', probabilities);
    const list = readClassLabels(fn, 'labels', labels);
    sameLength(fn, 'probabilities', values.length / k, list.length);
    const classes = readColumnClasses(fn, o.classes, k);
    const { indices } = indexLabels(fn, [['labels', list]], classes);
    const w = readWeights(fn, 'options.weights', o.weights, list.length);
    return multiclassLogLossKernel(indices[0]!, values, k, w);
  }
  if (o.classes !== undefined)
    throw invalidArgument(
      fn,
      'options.classes',
      'applies only to probability rows (binary labels are 0 and 1)',
    );
  const { y, s, w } = readBinary(fn, labels, probabilities, { weights: o.weights }, true);
  return binaryLogLossKernel(y, s, w);
}

/**
 * Brier score Σᵢ wᵢ (yᵢ − pᵢ)² / Σᵢ wᵢ of binary labels and probabilities of class 1, scikit-learn's
 * brier_score_loss. NaN when the weights sum to 0. O(n). Reference: Brier (1950).
 * @example brierScoreLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]) // => 0.0375
 * @throws LockstepError `INVALID_ARGUMENT` for probabilities outside [0, 1], lengths that differ, bad
 *   weights or an unknown option key.
 */
export function brierScoreLoss(
  labels: Values<number | boolean>,
  probabilities: Values<number>,
  options?: WeightOptions,
): number {
  const { y, s, w } = readBinary('brierScoreLoss', labels, probabilities, options, true);
  return brierKernel(y, s, w);
}

/**
 * Expected calibration error ECE = Σ_b (W_b / W) |ȳ_b − p̄_b| over `bins` equal-width bins of [0, 1]
 * (bin b holds p in [b/B, (b+1)/B), the last bin also p = 1), with W_b the bin's weight and ȳ_b, p̄_b the
 * weighted mean label and probability in it; empty bins add nothing. Not in scikit-learn; the binning is
 * calibration_curve(strategy='uniform')'s. NaN when the weights sum to 0. O(n + bins).
 * Reference: Naeini, Cooper and Hauskrecht (2015); Guo et al. (2017).
 * @example expectedCalibrationError([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], { bins: 2 }) // => 0.175
 * @throws LockstepError `INVALID_ARGUMENT` as brierScoreLoss, or bins outside [1, 10000].
 */
export function expectedCalibrationError(
  labels: Values<number | boolean>,
  probabilities: Values<number>,
  options?: CalibrationOptions,
): number {
  const fn = 'expectedCalibrationError';
  const { y, s, w, o } = readBinary(fn, labels, probabilities, options, true, ['bins']);
  const bins = o.bins === undefined ? 10 : checkInteger(fn, 'options.bins', o.bins, 1, MAX_BINS);
  return eceKernel(y, s, w, bins);
}

/** Labels and predicted labels as class indices, checked. */
function readPredicted(
  fn: string,
  labels: unknown,
  predicted: unknown,
  options: unknown,
  extra: readonly string[],
) {
  const o = readMetricOptions(fn, options, extra) as Record<string, unknown>;
  const a = readClassLabels(fn, 'labels', labels);
  const b = readClassLabels(fn, 'predicted', predicted);
  sameLength(fn, 'predicted', b.length, a.length);
  const w = readWeights(fn, 'options.weights', o.weights, a.length);
  return { a, b, w, o };
}

/**
 * Accuracy Σᵢ wᵢ [predictedᵢ = labelᵢ] / Σᵢ wᵢ of any class labels (strings, numbers or booleans),
 * scikit-learn's accuracy_score. NaN when the weights sum to 0. O(n).
 * @example accuracyScore([0, 2, 1, 3], [0, 1, 2, 3]) // => 0.5
 * @throws LockstepError `INVALID_ARGUMENT` for labels that are not strings, finite numbers or booleans,
 *   lengths that differ, bad weights or an unknown option key.
 */
export function accuracyScore(
  labels: Values<number | string | boolean>,
  predicted: Values<number | string | boolean>,
  options?: WeightOptions,
): number {
  const { a, b, w } = readPredicted('accuracyScore', labels, predicted, options, []);
  const { indices } = indexLabels('accuracyScore', [
    ['labels', a],
    ['predicted', b],
  ]);
  return accuracyKernel(indices[0]!, indices[1]!, w);
}

function averaged(fn: string, labels: unknown, predicted: unknown, options: unknown): Prf {
  const { a, b, w, o } = readPredicted(fn, labels, predicted, options, ['average']);
  const average =
    o.average === undefined
      ? 'binary'
      : checkChoice(fn, 'options.average', o.average, ['binary', 'macro', 'weighted', 'micro'] as const);
  if (average === 'binary') {
    const y = readBinaryLabels(fn, 'labels', a);
    const p = readBinaryLabels(fn, 'predicted', b);
    return binaryPrfKernel(y, p, w);
  }
  const { indices, classes } = indexLabels(fn, [
    ['labels', a],
    ['predicted', b],
  ]);
  return multiclassPrfKernel(indices[0]!, indices[1]!, classes.length, w, undefined)[average];
}

/**
 * Precision tp / (tp + fp), weighted, scikit-learn's precision_score: of the positive class 1
 * (`average: 'binary'`, the default) or averaged over classes (see {@link AveragedOptions}). A class with
 * no predicted weight has precision 0 (scikit-learn's zero_division default). O(n + classes).
 * @example precisionScore([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }) // => 0.2222222222222222
 * @throws LockstepError `INVALID_ARGUMENT` as accuracyScore, an unknown average, or labels that are not
 *   0/1/booleans with `average: 'binary'`.
 */
export function precisionScore(
  labels: Values<number | string | boolean>,
  predicted: Values<number | string | boolean>,
  options?: AveragedOptions,
): number {
  return averaged('precisionScore', labels, predicted, options).precision;
}

/**
 * Recall tp / (tp + fn), weighted, scikit-learn's recall_score, averaged as precisionScore. A class with
 * no true weight has recall 0. O(n + classes).
 * @example recallScore([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }) // => 0.3333333333333333
 * @throws LockstepError as precisionScore.
 */
export function recallScore(
  labels: Values<number | string | boolean>,
  predicted: Values<number | string | boolean>,
  options?: AveragedOptions,
): number {
  return averaged('recallScore', labels, predicted, options).recall;
}

/**
 * F1 = 2tp / (2tp + fp + fn), weighted, scikit-learn's f1_score (≥ 1.3): per class from its counts (0 when
 * its denominator is 0), macro and weighted averages of those, micro from the summed counts.
 * O(n + classes).
 * @example f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }) // => 0.26666666666666666
 * @throws LockstepError as precisionScore.
 */
export function f1Score(
  labels: Values<number | string | boolean>,
  predicted: Values<number | string | boolean>,
  options?: AveragedOptions,
): number {
  return averaged('f1Score', labels, predicted, options).f1;
}

function readRegression(fn: string, actual: unknown, predicted: unknown, options: unknown) {
  const o = readMetricOptions(fn, options);
  const y = readNumbers(fn, 'actual', actual);
  const p = readNumbers(fn, 'predicted', predicted);
  sameLength(fn, 'predicted', p.length, y.length);
  const w = readWeights(fn, 'options.weights', o.weights, y.length);
  return { y, p, w };
}

/**
 * Root mean squared error √(Σᵢ wᵢ (yᵢ − ŷᵢ)² / Σᵢ wᵢ), scikit-learn's root_mean_squared_error. NaN when
 * the weights sum to 0. O(n).
 * @example rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // => 0.6123724356957945
 * @throws LockstepError `INVALID_ARGUMENT` for non-finite values, lengths that differ, bad weights or an
 *   unknown option key.
 */
export function rootMeanSquaredError(
  actual: Values<number>,
  predicted: Values<number>,
  options?: WeightOptions,
): number {
  const { y, p, w } = readRegression('rootMeanSquaredError', actual, predicted, options);
  return Math.sqrt(mseKernel(y, p, w));
}

/**
 * Mean absolute error Σᵢ wᵢ |yᵢ − ŷᵢ| / Σᵢ wᵢ, scikit-learn's mean_absolute_error. O(n).
 * @example meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // => 0.5
 * @throws LockstepError as rootMeanSquaredError.
 */
export function meanAbsoluteError(
  actual: Values<number>,
  predicted: Values<number>,
  options?: WeightOptions,
): number {
  const { y, p, w } = readRegression('meanAbsoluteError', actual, predicted, options);
  return maeKernel(y, p, w);
}

/**
 * Coefficient of determination R² = 1 − Σw(y − ŷ)² / Σw(y − ȳ)², ȳ the weighted mean, scikit-learn's
 * r2_score with force_finite: when y is constant, 1 for a perfect prediction and 0 otherwise; NaN with
 * fewer than two rows. May be negative. O(n).
 * @example r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // => 0.9486081370449679
 * @throws LockstepError as rootMeanSquaredError.
 */
export function r2Score(actual: Values<number>, predicted: Values<number>, options?: WeightOptions): number {
  const { y, p, w } = readRegression('r2Score', actual, predicted, options);
  return r2Kernel(y, p, w, y.length);
}

/**
 * Mean absolute percentage error Σᵢ wᵢ |yᵢ − ŷᵢ| / max(|yᵢ|, ε) / Σᵢ wᵢ with ε = 2^-52, scikit-learn's
 * mean_absolute_percentage_error: a fraction, not a percentage, and huge (not infinite) where y = 0. O(n).
 * @example meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // => 0.3273809523809524
 * @throws LockstepError as rootMeanSquaredError.
 */
export function meanAbsolutePercentageError(
  actual: Values<number>,
  predicted: Values<number>,
  options?: WeightOptions,
): number {
  const { y, p, w } = readRegression('meanAbsolutePercentageError', actual, predicted, options);
  return mapeKernel(y, p, w);
}
