// The metric kernels: each works on checked typed arrays and a weight per row, and is written once, so the
// single-metric functions, evaluate's slices and every bootstrap resample compute the same numbers. A
// bootstrap resample is the same rows weighted by weight × multiplicity (a row drawn twice counts twice,
// one not drawn weighs 0), which is what each formula gives on the resampled rows themselves; `present`
// marks the rows that exist in a resample, for the one rule that counts rows rather than weight
// (scikit-learn's label set: the classes that occur in y_true or y_pred).
//
// A weighted mean with total weight 0 is NaN (numpy.average raises ZeroDivisionError there).

/** float64 machine epsilon, 2^-52: scikit-learn's clip for log loss and its floor for MAPE. */
export const EPSILON = 2.220446049250313e-16;

/** Row indices ordered by score, highest first (ties keep row order). O(n log n). */
export function orderDescending(scores: Float64Array): Int32Array {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return Int32Array.from(order);
}

/** Σ w·value / Σ w, NaN when Σ w = 0. */
function average(n: number, w: Float64Array, value: (i: number) => number): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    num += wi * value(i);
    den += wi;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Weighted positives and negatives. */
function totals(y: Uint8Array, w: Float64Array): [number, number] {
  let p = 0;
  let q = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) p += w[i]!;
    else q += w[i]!;
  }
  return [p, q];
}

/** ROC AUC: the trapezoid under (FPR, TPR) at every distinct score; NaN with no positive or no negative weight. */
export function rocAucKernel(y: Uint8Array, s: Float64Array, w: Float64Array, order: Int32Array): number {
  const [pos, neg] = totals(y, w);
  if (!(pos > 0 && neg > 0)) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let tpr0 = 0;
  let fpr0 = 0;
  let area = 0;
  const n = order.length;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (y[i] === 1) tp += w[i]!;
    else fp += w[i]!;
    if (r + 1 < n && s[order[r + 1]!] === s[i]) continue;
    const tpr = tp / pos;
    const fpr = fp / neg;
    area += ((fpr - fpr0) * (tpr + tpr0)) / 2;
    tpr0 = tpr;
    fpr0 = fpr;
  }
  return area;
}

/** Average precision Σ (R_k − R_{k−1}) P_k over distinct scores, highest first; 0 with no positive weight. */
export function averagePrecisionKernel(
  y: Uint8Array,
  s: Float64Array,
  w: Float64Array,
  order: Int32Array,
): number {
  const [pos] = totals(y, w);
  if (!(pos > 0)) return 0;
  let tp = 0;
  let fp = 0;
  let recall0 = 0;
  let ap = 0;
  const n = order.length;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (y[i] === 1) tp += w[i]!;
    else fp += w[i]!;
    if (r + 1 < n && s[order[r + 1]!] === s[i]) continue;
    const predicted = tp + fp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = tp / pos;
    ap += (recall - recall0) * precision;
    recall0 = recall;
  }
  return ap;
}

/** p clipped to [ε, 1 − ε], as scikit-learn's log_loss clips. */
export function clipProbability(p: number): number {
  return p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p;
}

/** Binary log loss: −[y ln clip(p) + (1 − y) ln clip(1 − p)], weighted mean. */
export function binaryLogLossKernel(y: Uint8Array, p: Float64Array, w: Float64Array): number {
  return average(y.length, w, (i) =>
    y[i] === 1 ? -Math.log(clipProbability(p[i]!)) : -Math.log(clipProbability(1 - p[i]!)),
  );
}

/** Multiclass log loss: −ln clip(p_{i, y_i}), weighted mean. */
export function multiclassLogLossKernel(
  y: Int32Array,
  rows: Float64Array,
  k: number,
  w: Float64Array,
): number {
  return average(y.length, w, (i) => -Math.log(clipProbability(rows[i * k + y[i]!]!)));
}

/** Brier score: weighted mean of (y − p)². */
export function brierKernel(y: Uint8Array, p: Float64Array, w: Float64Array): number {
  return average(y.length, w, (i) => (y[i]! - p[i]!) ** 2);
}

/** Expected calibration error over `bins` equal-width bins of [0, 1] (the last bin closed). */
export function eceKernel(y: Uint8Array, p: Float64Array, w: Float64Array, bins: number): number {
  const weight = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const conf = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const b = Math.min(Math.floor(p[i]! * bins), bins - 1);
    weight[b] = weight[b]! + wi;
    hits[b] = hits[b]! + wi * y[i]!;
    conf[b] = conf[b]! + wi * p[i]!;
    total += wi;
  }
  if (total === 0) return Number.NaN;
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (weight[b] === 0) continue;
    ece += (weight[b]! / total) * Math.abs(hits[b]! / weight[b]! - conf[b]! / weight[b]!);
  }
  return ece;
}

/** Weighted share of rows whose prediction equals the label. */
export function accuracyKernel(y: ArrayLike<number>, pred: ArrayLike<number>, w: Float64Array): number {
  return average(y.length, w, (i) => (y[i] === pred[i] ? 1 : 0));
}

/** Precision, recall and F1 of one averaging rule. */
export interface Prf {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** a / b, or 0 when b is 0 (scikit-learn's zero_division default, 'warn', which returns 0). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Per-class counts over k classes: true positives, predicted and true weight, and which classes occur. */
function classCounts(
  y: Int32Array,
  pred: Int32Array,
  k: number,
  w: Float64Array,
  present: Uint8Array | undefined,
): { tp: Float64Array; predicted: Float64Array; actual: Float64Array; seen: Uint8Array } {
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const actual = new Float64Array(k);
  const seen = new Uint8Array(k);
  for (let i = 0; i < y.length; i++) {
    if (present !== undefined && present[i] === 0) continue;
    const a = y[i]!;
    const b = pred[i]!;
    const wi = w[i]!;
    seen[a] = 1;
    seen[b] = 1;
    actual[a] = actual[a]! + wi;
    predicted[b] = predicted[b]! + wi;
    if (a === b) tp[a] = tp[a]! + wi;
  }
  return { tp, predicted, actual, seen };
}

/** Binary precision, recall and F1 of the positive class (1). */
export function binaryPrfKernel(y: ArrayLike<number>, pred: ArrayLike<number>, w: Float64Array): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i]!;
    if (pred[i] === 1) {
      if (y[i] === 1) tp += wi;
      else fp += wi;
    } else if (y[i] === 1) fn += wi;
  }
  return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}

/**
 * Multiclass precision, recall and F1 averaged over the classes that occur in y or pred (scikit-learn's
 * default label set): macro (plain mean of the per-class values), weighted (mean weighted by each class's
 * true weight; 0 when that is 0 in all) and micro (from the summed counts).
 */
export function multiclassPrfKernel(
  y: Int32Array,
  pred: Int32Array,
  k: number,
  w: Float64Array,
  present: Uint8Array | undefined,
): { macro: Prf; weighted: Prf; micro: Prf } {
  const { tp, predicted, actual, seen } = classCounts(y, pred, k, w, present);
  let labels = 0;
  let support = 0;
  const macro = [0, 0, 0];
  const weighted = [0, 0, 0];
  let tpSum = 0;
  let predSum = 0;
  let trueSum = 0;
  for (let c = 0; c < k; c++) {
    if (seen[c] === 0) continue;
    labels++;
    const p = ratio(tp[c]!, predicted[c]!);
    const r = ratio(tp[c]!, actual[c]!);
    const f = ratio(2 * tp[c]!, predicted[c]! + actual[c]!);
    macro[0] = macro[0]! + p;
    macro[1] = macro[1]! + r;
    macro[2] = macro[2]! + f;
    weighted[0] = weighted[0]! + actual[c]! * p;
    weighted[1] = weighted[1]! + actual[c]! * r;
    weighted[2] = weighted[2]! + actual[c]! * f;
    support += actual[c]!;
    tpSum += tp[c]!;
    predSum += predicted[c]!;
    trueSum += actual[c]!;
  }
  const prf = (v: number[], d: number): Prf =>
    d === 0 ? { precision: 0, recall: 0, f1: 0 } : { precision: v[0]! / d, recall: v[1]! / d, f1: v[2]! / d };
  return {
    macro: labels === 0 ? { precision: Number.NaN, recall: Number.NaN, f1: Number.NaN } : prf(macro, labels),
    weighted: prf(weighted, support),
    micro: {
      precision: ratio(tpSum, predSum),
      recall: ratio(tpSum, trueSum),
      f1: ratio(2 * tpSum, predSum + trueSum),
    },
  };
}

/** Mean squared error, weighted. */
export function mseKernel(y: Float64Array, p: Float64Array, w: Float64Array): number {
  return average(y.length, w, (i) => (y[i]! - p[i]!) ** 2);
}

/** Mean absolute error, weighted. */
export function maeKernel(y: Float64Array, p: Float64Array, w: Float64Array): number {
  return average(y.length, w, (i) => Math.abs(y[i]! - p[i]!));
}

/** Mean absolute percentage error |y − p| / max(|y|, ε), weighted. */
export function mapeKernel(y: Float64Array, p: Float64Array, w: Float64Array): number {
  return average(y.length, w, (i) => Math.abs(y[i]! - p[i]!) / Math.max(Math.abs(y[i]!), EPSILON));
}

/**
 * R² = 1 − Σw(y − p)² / Σw(y − ȳ_w)²; with a constant y (denominator 0): 1 when the numerator is 0 too,
 * else 0 (scikit-learn's force_finite); NaN with fewer than two rows.
 */
export function r2Kernel(y: Float64Array, p: Float64Array, w: Float64Array, rows: number): number {
  if (rows < 2) return Number.NaN;
  const mean = average(y.length, w, (i) => y[i]!);
  if (Number.isNaN(mean)) return Number.NaN;
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i]!;
    num += wi * (y[i]! - p[i]!) ** 2;
    den += wi * (y[i]! - mean) ** 2;
  }
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

// Resample kernels: the bootstrap's fast path. A resample is the batch's rows with weight × draw count,
// and evaluate() computes every metric on each of `resamples` resamples, so what depends only on the rows
// is computed once per batch (each row's log-loss, Brier and error terms, its ECE bin, the rows by score
// and where each run of tied scores ends), and a resample is then one pass in row order that fills every
// weighted sum at once, plus, for ROC AUC and average precision, one pass over the rows in score order.
// Each sum adds the same terms in the same order as the kernels above (rows of weight 0 add exactly 0
// there, so skipping them changes nothing), so a resample's values equal those kernels' on the weights
// w × counts bit for bit; test/evaluate/resample.test.ts checks it against them and against resampling
// rows explicitly. The buffers are allocated once per batch and reused by every resample.

/** sum / total, NaN when total is 0: a weighted mean from its sums, as `average` returns it. */
function meanOf(sum: number, total: number): number {
  return total === 0 ? Number.NaN : sum / total;
}

/** A binary batch's metrics on one resample; the resampler reuses this object for every resample. */
export interface BinaryResample {
  rocAuc: number;
  averagePrecision: number;
  logLoss: number;
  brier: number;
  ece: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Which parts of a resample to compute. */
export interface BinaryResampleParts {
  /** ROC AUC and average precision (the pass in score order). */
  readonly curve: boolean;
  readonly logLoss: boolean;
  readonly brier: boolean;
  readonly ece: boolean;
  readonly accuracy: boolean;
  /** precision, recall and F1 */
  readonly prf: boolean;
}

/**
 * A function computing a binary batch's metrics on a resample given each row's draw count: the values
 * of rocAucKernel, averagePrecisionKernel, binaryLogLossKernel, brierKernel, eceKernel, accuracyKernel
 * and binaryPrfKernel on the weights w × counts. O(n log n) once, then O(n + bins) per resample.
 */
export function binaryResampler(
  y: Uint8Array,
  s: Float64Array,
  pred: Uint8Array,
  w: Float64Array,
  bins: number,
  order: Int32Array,
  parts: BinaryResampleParts,
): (counts: Int32Array) => BinaryResample {
  const n = y.length;
  const { curve, accuracy, prf } = parts;
  const loss = parts.logLoss ? new Float64Array(n) : undefined;
  const sq = parts.brier ? new Float64Array(n) : undefined;
  const bin = parts.ece ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    if (loss !== undefined)
      loss[i] = y[i] === 1 ? -Math.log(clipProbability(s[i]!)) : -Math.log(clipProbability(1 - s[i]!));
    if (sq !== undefined) sq[i] = (y[i]! - s[i]!) ** 2;
    if (bin !== undefined) bin[i] = Math.min(Math.floor(s[i]! * bins), bins - 1);
  }
  // In score order: each row's label and weight, and 1 where a run of equal scores ends.
  const ySorted = new Uint8Array(n);
  const wSorted = new Float64Array(n);
  const runEnd = new Uint8Array(n);
  if (curve) {
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      ySorted[r] = y[i]!;
      wSorted[r] = w[i]!;
      runEnd[r] = r + 1 < n && s[order[r + 1]!] === s[i] ? 0 : 1;
    }
  }
  const binWeight = new Float64Array(bins);
  const binHits = new Float64Array(bins);
  const binConf = new Float64Array(bins);
  const out: BinaryResample = {
    rocAuc: Number.NaN,
    averagePrecision: Number.NaN,
    logLoss: Number.NaN,
    brier: Number.NaN,
    ece: Number.NaN,
    accuracy: Number.NaN,
    precision: Number.NaN,
    recall: Number.NaN,
    f1: Number.NaN,
  };
  return (counts) => {
    let pos = 0;
    let neg = 0;
    let total = 0;
    let lossSum = 0;
    let sqSum = 0;
    let hitSum = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    if (bin !== undefined) {
      binWeight.fill(0);
      binHits.fill(0);
      binConf.fill(0);
    }
    // Branch-free where the kernels branch: a weight times a 0/1 flag is the weight or +0 exactly, and
    // adding +0 leaves a sum unchanged, so each sum still equals the kernel's.
    for (let i = 0; i < n; i++) {
      const wi = w[i]! * counts[i]!;
      const yi = y[i]!;
      pos += wi * yi;
      neg += wi * (1 - yi);
      total += wi;
      if (loss !== undefined) lossSum += wi * loss[i]!;
      if (sq !== undefined) sqSum += wi * sq[i]!;
      if (bin !== undefined) {
        const b = bin[i]!;
        binWeight[b] = binWeight[b]! + wi;
        binHits[b] = binHits[b]! + wi * yi;
        binConf[b] = binConf[b]! + wi * s[i]!;
      }
      const pi = pred[i]!;
      if (accuracy) hitSum += wi * (1 - (yi ^ pi));
      if (prf) {
        tp += wi * (yi & pi);
        fp += wi * (pi & (1 - yi));
        fn += wi * (yi & (1 - pi));
      }
    }
    out.logLoss = meanOf(lossSum, total);
    out.brier = meanOf(sqSum, total);
    out.accuracy = meanOf(hitSum, total);
    if (bin !== undefined) {
      let ece = 0;
      for (let b = 0; b < bins; b++) {
        if (binWeight[b] === 0) continue;
        ece += (binWeight[b]! / total) * Math.abs(binHits[b]! / binWeight[b]! - binConf[b]! / binWeight[b]!);
      }
      out.ece = total === 0 ? Number.NaN : ece;
    }
    out.precision = ratio(tp, tp + fp);
    out.recall = ratio(tp, tp + fn);
    out.f1 = ratio(2 * tp, 2 * tp + fp + fn);
    out.rocAuc = Number.NaN;
    out.averagePrecision = 0;
    if (curve && pos > 0) {
      let ctp = 0;
      let cfp = 0;
      let tpr0 = 0;
      let fpr0 = 0;
      let area = 0;
      let recall0 = 0;
      let ap = 0;
      for (let r = 0; r < n; r++) {
        const wr = wSorted[r]! * counts[order[r]!]!;
        const yr = ySorted[r]!;
        ctp += wr * yr;
        cfp += wr * (1 - yr);
        if (runEnd[r] === 0) continue;
        const tpr = ctp / pos;
        const fpr = cfp / neg;
        area += ((fpr - fpr0) * (tpr + tpr0)) / 2;
        tpr0 = tpr;
        fpr0 = fpr;
        const predicted = ctp + cfp;
        const precision = predicted > 0 ? ctp / predicted : 0;
        ap += (tpr - recall0) * precision;
        recall0 = tpr;
      }
      if (neg > 0) out.rocAuc = area;
      out.averagePrecision = ap;
    }
    return out;
  };
}

/** A regression batch's metrics on one resample; the resampler reuses this object for every resample. */
export interface RegressionResample {
  rmse: number;
  mae: number;
  r2: number;
  mape: number;
}

/**
 * A function computing a regression batch's metrics on a resample given each row's draw count: the values
 * of √mseKernel, maeKernel, r2Kernel (over the batch's own row count) and mapeKernel on the weights
 * w × counts. O(n) once, then O(n) per resample (two passes when R² is wanted).
 */
export function regressionResampler(
  y: Float64Array,
  p: Float64Array,
  w: Float64Array,
  r2: boolean,
): (counts: Int32Array) => RegressionResample {
  const n = y.length;
  const sq = new Float64Array(n);
  const abs = new Float64Array(n);
  const pct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sq[i] = (y[i]! - p[i]!) ** 2;
    abs[i] = Math.abs(y[i]! - p[i]!);
    pct[i] = Math.abs(y[i]! - p[i]!) / Math.max(Math.abs(y[i]!), EPSILON);
  }
  const out: RegressionResample = { rmse: Number.NaN, mae: Number.NaN, r2: Number.NaN, mape: Number.NaN };
  return (counts) => {
    let total = 0;
    let ySum = 0;
    let sqSum = 0;
    let absSum = 0;
    let pctSum = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]! * counts[i]!;
      total += wi;
      ySum += wi * y[i]!;
      sqSum += wi * sq[i]!;
      absSum += wi * abs[i]!;
      pctSum += wi * pct[i]!;
    }
    out.rmse = Math.sqrt(meanOf(sqSum, total));
    out.mae = meanOf(absSum, total);
    out.mape = meanOf(pctSum, total);
    out.r2 = Number.NaN;
    const yMean = meanOf(ySum, total);
    if (r2 && n >= 2 && !Number.isNaN(yMean)) {
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]! * counts[i]!;
        num += wi * sq[i]!;
        den += wi * (y[i]! - yMean) ** 2;
      }
      out.r2 = den === 0 ? (num === 0 ? 1 : 0) : 1 - num / den;
    }
    return out;
  };
}
