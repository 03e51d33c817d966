import { checkInteger, checkNumber, checkString, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import type { Column, FrameInput } from '../core/frame.js';
import { averageRanks, categoryCodes, columnOf, compareText, selectColumns } from './correlations.js';
import { readFrame } from './frame-input.js';

export interface FeatureLabelAssociationOptions {
  /** The label column. Rows where it is missing are left out (and counted). */
  readonly label: string;
  /** Features to measure. Default: every column but the label. The label is never measured against itself. */
  readonly features?: readonly string[];
  /**
   * Equal-frequency bins for numeric features (and a numeric label with more than 20 values): an integer
   * in [2, 100,000] (MAX_ASSOCIATION_BINS). Default 10.
   */
  readonly bins?: number;
  /** Flag a feature whose normalized mutual information reaches this, in [0, 1]. Default 0.95. */
  readonly leakageThreshold?: number;
}

/** How much one feature tells about the label. */
export interface FeatureAssociation {
  readonly feature: string;
  readonly type: 'numeric' | 'categorical';
  /** I(feature; label) in nats, plug-in estimate from the feature-bin × label-class table. */
  readonly mutualInformation: number;
  /** I(feature; label) / H(label), Theil's uncertainty coefficient, in [0, 1]; 0 when H(label) = 0. */
  readonly normalized: number;
  /** Accuracy of predicting the majority label of each feature bin (in-sample). */
  readonly score: number;
  /** Share of the majority label overall: the score of ignoring the feature. */
  readonly baseline: number;
  /** max(AUC, 1 − AUC) of the raw values, for a numeric feature and a binary label only. */
  readonly auc?: number;
  /** Rows used: those with a label. */
  readonly n: number;
  /** normalized ≥ leakageThreshold, or auc ≥ 0.99, or (score ≥ 0.99 and baseline < 0.99). */
  readonly leakage: boolean;
}

export interface LabelAssociation {
  readonly label: string;
  /** Rows left out because the label is missing. */
  readonly labelRowsMissing: number;
  /** One entry a feature, by `normalized` descending, then feature name. */
  readonly features: readonly FeatureAssociation[];
}

const KEYS: readonly (keyof FeatureLabelAssociationOptions)[] = [
  'label',
  'features',
  'bins',
  'leakageThreshold',
];

/** Most bins featureLabelAssociation makes of a numeric column (each costs an edge and a table row). */
export const MAX_ASSOCIATION_BINS = 100_000;

/** A numeric label with at most this many distinct values is used as classes; more are binned. */
const MAX_NUMERIC_CLASSES = 20;

/**
 * Measures how well each feature predicts a label on its own, to catch label leakage: a feature that is a
 * copy of the label, or whose missingness gives the label away.
 * Each feature becomes categories: a string, dictionary or boolean feature's values, a numeric feature's
 * equal-frequency bins; a missing value is a category of its own. Bins: sort the m present finite values
 * v of the rows with a label; the edges are the distinct values among v[⌊i·m / bins⌋] for i = 1 … bins−1; a finite value's bin is
 * the number of edges ≤ it; NaN, −Infinity, +Infinity and missing each get a bin of their own. The label is
 * used as is (strings, booleans, a numeric label with at most 20 distinct values, NaN being one) or binned
 * the same way; rows without a label are left out and counted. From the feature × label table of counts
 * n_xy over the N rows used: I = Σ (n_xy/N) ln(N n_xy / (n_x n_y)) nats, H(label) = −Σ (n_y/N) ln(n_y/N),
 * normalized = I / H (0 when H = 0), score = Σ_x max_y n_xy / N (ties between classes do not change it),
 * baseline = max_y n_y / N, and for a numeric feature and a two-class label auc = max(A, 1 − A) with A =
 * U / (n1 n2), the Mann–Whitney U with ties counted ½, over rows whose value is present and not NaN.
 * Plug-in estimates are in-sample: a feature with a distinct value on (nearly) every row, such as an id,
 * scores as high as a true leak. Matches scipy.stats.mannwhitneyu and the numpy computation in
 * test/fixtures/make-stats-association.py.
 * Cost: O(features × n log n) (sorting numeric features), plus O(n log n) for the AUC of each numeric
 * feature when the label has two classes.
 * References: Cover & Thomas (2006), Elements of Information Theory, §2.3–2.4; Theil (1970), On the
 * estimation of relationships involving qualitative variables; Mann & Whitney (1947).
 * @example featureLabelAssociation({ y: ['a', 'a', 'b', 'b'], copy: [1, 2, 8, 9], noise: [1, 0, 1, 0] }, { label: 'y' }).features[0].feature // => 'copy'
 * @example featureLabelAssociation({ y: ['a', 'a', 'b', 'b'], copy: [1, 2, 8, 9], noise: [1, 0, 1, 0] }, { label: 'y' }).features[1].leakage // => false
 * @throws LockstepError `INVALID_ARGUMENT` naming `featureLabelAssociation` and the argument: `options.label`
 *   not naming a column, an unknown or repeated name in `options.features`, `options.bins` not an integer
 *   in [2, 100,000], `options.leakageThreshold` outside [0, 1], an unknown option key, a malformed Frame;
 *   `INVALID_DATA` for data that cannot be read.
 */
export function featureLabelAssociation(
  data: FrameInput,
  options: FeatureLabelAssociationOptions,
): LabelAssociation {
  const fn = 'featureLabelAssociation';
  if (options === undefined || options === null)
    throw invalidArgument(fn, 'options', 'must be an object with a label', options);
  const o = readOptions(fn, options, KEYS);
  const label = checkString(fn, 'options.label', o.label);
  const bins = o.bins === undefined ? 10 : checkInteger(fn, 'options.bins', o.bins, 2, MAX_ASSOCIATION_BINS);
  const leakageThreshold =
    o.leakageThreshold === undefined
      ? 0.95
      : checkNumber(fn, 'options.leakageThreshold', o.leakageThreshold, { min: 0, max: 1 });
  const frame = readFrame(fn, data);
  if (!frame.columns.has(label) && frame.length > 0) {
    const shown = frame.names.slice(0, 10).map((x) => JSON.stringify(x));
    throw invalidArgument(
      fn,
      'options.label',
      `must name a column of 'data' (columns: ${shown.join(', ')}${frame.names.length > 10 ? ', ...' : ''})`,
      label,
    );
  }
  const names = selectColumns(frame, o.features, fn, 'options.features').filter((x) => x !== label);
  const n = frame.length;

  const y = labelCodes(columnOf(frame, label), n, bins);
  const classCounts = new Float64Array(y.k);
  for (let i = 0; i < n; i++) {
    const c = y.codes[i]!;
    if (c >= 0) classCounts[c]!++;
  }
  const used = n - y.missing;
  let entropy = 0;
  let majority = 0;
  const present: number[] = [];
  for (let c = 0; c < y.k; c++) {
    const count = classCounts[c]!;
    if (count === 0) continue;
    present.push(c);
    entropy -= (count / used) * Math.log(count / used);
    majority = Math.max(majority, count);
  }
  const baseline = used > 0 ? majority / used : 0;
  const binary = present.length === 2 ? present[1]! : -1;

  const features = names.map((feature): FeatureAssociation => {
    const column = columnOf(frame, feature);
    const x = featureCodes(column, n, bins, y.codes);
    const { mutualInformation, score } = table(x.codes, x.k, y.codes, y.k, classCounts, used);
    const normalized = entropy > 0 ? Math.min(1, Math.max(0, mutualInformation / entropy)) : 0;
    const auc = binary >= 0 && column.kind === 'numeric' ? aucOf(column, y.codes, binary, n) : undefined;
    const leakage =
      normalized >= leakageThreshold ||
      (auc !== undefined && auc >= 0.99) ||
      (score >= 0.99 && baseline < 0.99);
    const type = column.kind === 'numeric' ? 'numeric' : 'categorical';
    const base = { feature, type, mutualInformation, normalized, score, baseline } as const;
    return auc === undefined ? { ...base, n: used, leakage } : { ...base, auc, n: used, leakage };
  });
  features.sort((p, q) => q.normalized - p.normalized || compareText(p.feature, q.feature));
  return { label, labelRowsMissing: y.missing, features };
}

/** Codes 0 … k−1 for every row; -1 marks a missing label (features have no -1). */
interface Codes {
  readonly codes: Int32Array;
  readonly k: number;
  readonly missing: number;
}

function labelCodes(column: Column, n: number, bins: number): Codes {
  if (column.kind === 'numeric') {
    const { values, valid } = column;
    // A Map keys numbers by SameValueZero: every NaN is one class, and -0 is 0.
    const classes = new Map<number, number>();
    let missing = 0;
    let many = false;
    for (let i = 0; i < n; i++) {
      if (valid && valid[i] === 0) {
        missing++;
        continue;
      }
      const v = values[i]!;
      if (!classes.has(v)) {
        if (classes.size === MAX_NUMERIC_CLASSES) many = true;
        classes.set(v, classes.size);
      }
    }
    if (!many) {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = valid && valid[i] === 0 ? -1 : classes.get(values[i]!)!;
      return { codes, k: classes.size, missing };
    }
    const binned = equalFrequencyBins(values, valid, n, bins);
    const codes = binned.codes;
    for (let i = 0; i < n; i++) if (codes[i] === binned.missingCode) codes[i] = -1;
    return { codes, k: binned.k, missing };
  }
  const { codes, k } = column.kind === 'mixed' ? mixedCodes(column.values, n) : categoryCodes(column, n);
  let missing = 0;
  for (let i = 0; i < n; i++) if (codes[i]! < 0) missing++;
  return { codes, k, missing };
}

/** A code for every row; numeric bins are fitted on the rows with a label (`label[i] >= 0`). */
function featureCodes(
  column: Column,
  n: number,
  bins: number,
  label: Int32Array,
): { codes: Int32Array; k: number } {
  if (column.kind === 'numeric') return equalFrequencyBins(column.values, column.valid, n, bins, label);
  const { codes, k } = column.kind === 'mixed' ? mixedCodes(column.values, n) : categoryCodes(column, n);
  // Missing is a category of its own, so missingness that gives the label away is measured too.
  for (let i = 0; i < n; i++) if (codes[i]! < 0) codes[i] = k;
  return { codes, k: k + 1 };
}

/** Categories of a column mixing types: primitives by value (1 and '1' differ), objects by identity. */
function mixedCodes(values: readonly unknown[], n: number): { codes: Int32Array; k: number } {
  const codes = new Int32Array(n);
  const index = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) index.set(v, (c = index.size));
    codes[i] = c;
  }
  return { codes, k: index.size };
}

/**
 * Equal-frequency bin of every row. Sort the m present finite values v (of the rows with `fit[i] >= 0`, or of
 * every row); edges are the distinct values among v[⌊i·m / bins⌋], i = 1 … bins−1; a finite value's bin is
 * the number of edges ≤ it (0 … E). NaN is bin E+1, −Infinity E+2, +Infinity E+3, missing E+4. O(n log n).
 */
function equalFrequencyBins(
  values: Float64Array,
  valid: Uint8Array | undefined,
  n: number,
  bins: number,
  fit?: Int32Array,
): { codes: Int32Array; k: number; missingCode: number } {
  const counts = (i: number) =>
    (!fit || fit[i]! >= 0) && (!valid || valid[i] === 1) && Number.isFinite(values[i]!);
  let m = 0;
  for (let i = 0; i < n; i++) if (counts(i)) m++;
  const sorted = new Float64Array(m);
  let at = 0;
  for (let i = 0; i < n; i++) if (counts(i)) sorted[at++] = values[i]!;
  sorted.sort();
  const edges: number[] = [];
  if (m > 0) {
    for (let i = 1; i < bins; i++) {
      const edge = sorted[Math.floor((i * m) / bins)]!;
      if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
    }
  }
  const e = edges.length;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (valid && valid[i] === 0) codes[i] = e + 4;
    else if (Number.isNaN(v)) codes[i] = e + 1;
    else if (v === Number.NEGATIVE_INFINITY) codes[i] = e + 2;
    else if (v === Number.POSITIVE_INFINITY) codes[i] = e + 3;
    else {
      // Number of edges ≤ v, by binary search.
      let lo = 0;
      let hi = e;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      codes[i] = lo;
    }
  }
  return { codes, k: e + 5, missingCode: e + 4 };
}

/** Mutual information (nats) and majority-rule accuracy from the feature × label table of counts. */
function table(
  x: Int32Array,
  kx: number,
  y: Int32Array,
  ky: number,
  classCounts: Float64Array,
  used: number,
): { mutualInformation: number; score: number } {
  if (used === 0) return { mutualInformation: 0, score: 0 };
  const n = x.length;
  const featureCounts = new Float64Array(kx);
  // Dense table when it is small; otherwise only the cells that occur (an id column × many classes).
  const dense = kx * ky <= Math.max(1 << 16, 4 * used);
  const cells = dense ? new Float64Array(kx * ky) : new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (c < 0) continue;
    const f = x[i]!;
    featureCounts[f]!++;
    const key = f * ky + c;
    if (cells instanceof Float64Array) cells[key]!++;
    else cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  let mi = 0;
  const best = new Float64Array(kx);
  const visit = (key: number, count: number) => {
    if (count === 0) return;
    const f = Math.floor(key / ky);
    const c = key - f * ky;
    mi += (count / used) * Math.log((count * used) / (featureCounts[f]! * classCounts[c]!));
    if (count > best[f]!) best[f] = count;
  };
  if (cells instanceof Float64Array) for (let key = 0; key < cells.length; key++) visit(key, cells[key]!);
  else for (const [key, count] of cells) visit(key, count);
  let correct = 0;
  for (let f = 0; f < kx; f++) correct += best[f]!;
  return { mutualInformation: Math.max(0, mi), score: correct / used };
}

/**
 * max(A, 1 − A), A = U / (n1 n0) with U the Mann–Whitney statistic of class `positive` (average ranks, so
 * ties count ½), over rows with a label and a present, non-NaN value; undefined when a class has none.
 */
function aucOf(
  column: Extract<Column, { kind: 'numeric' }>,
  y: Int32Array,
  positive: number,
  n: number,
): number | undefined {
  const { values, valid } = column;
  const xs: number[] = [];
  const isPositive: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    const v = values[i]!;
    if (c < 0 || (valid && valid[i] === 0) || Number.isNaN(v)) continue;
    xs.push(v);
    isPositive.push(c === positive);
  }
  const ranks = averageRanks(xs);
  let n1 = 0;
  let r1 = 0;
  for (let k = 0; k < xs.length; k++) {
    if (isPositive[k]) {
      n1++;
      r1 += ranks[k]!;
    }
  }
  const n0 = xs.length - n1;
  if (n1 === 0 || n0 === 0) return undefined;
  const a = (r1 - (n1 * (n1 + 1)) / 2) / (n1 * n0);
  return Math.max(a, 1 - a);
}
