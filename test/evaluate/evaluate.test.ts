// evaluate(): overall metrics equal the single-metric functions, slices (columns, crosses, missing values)
// partition the rows and each slice's metrics equal the functions on its rows, intervals are Wilson's
// for proportions and a seeded bootstrap otherwise, findings have core's shape, results are frozen.
import { describe, expect, it } from 'vitest';
import { isFinding } from '../../src/core/finding.js';
import {
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  evaluate,
  expectedCalibrationError,
  f1Score,
  LockstepError,
  logLossScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rootMeanSquaredError,
} from '../../src/evaluate/index.js';
import { normalQuantile, quantileSorted, wilsonInterval } from '../../src/evaluate/intervals.js';

/** A small deterministic generator (tests own their data; the library's randomness is createRng). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function binaryData(n: number, seed = 1) {
  const r = lcg(seed);
  const labels: number[] = [];
  const predictions: number[] = [];
  const data: { origin: string | null; carrier: string }[] = [];
  const origins = ['SEA', 'PDX', null, 'SFO'];
  for (let i = 0; i < n; i++) {
    const y = r() < 0.4 ? 1 : 0;
    labels.push(y);
    predictions.push(Math.round(Math.min(1, Math.max(0, 0.35 * y + r() * 0.65)) * 100) / 100);
    data.push({ origin: origins[Math.floor(r() * 4)]!, carrier: r() < 0.5 ? 'AA' : 'UA' });
  }
  const weights = labels.map(() => Math.round(r() * 30) / 10);
  return { labels, predictions, data, weights };
}

describe('evaluate: binary', () => {
  const { labels, predictions, data, weights } = binaryData(400);
  const result = evaluate({
    task: 'binary',
    labels,
    predictions,
    weights,
    data,
    slices: ['origin', ['origin', 'carrier']],
    resamples: 50,
    seed: 'run-1',
  });

  it('overall metrics are the single-metric functions', () => {
    const o = { weights };
    const pred = predictions.map((p) => (p >= 0.5 ? 1 : 0));
    const m = result.metrics;
    expect(m.rocAuc!.value).toBe(rocAucScore(labels, predictions, o));
    expect(m.averagePrecision!.value).toBe(averagePrecisionScore(labels, predictions, o));
    expect(m.logLoss!.value).toBe(logLossScore(labels, predictions, o));
    expect(m.brier!.value).toBe(brierScoreLoss(labels, predictions, o));
    expect(m.ece!.value).toBe(expectedCalibrationError(labels, predictions, o));
    expect(m.accuracy!.value).toBe(accuracyScore(labels, pred, o));
    expect(m.precision!.value).toBe(precisionScore(labels, pred, o));
    expect(m.recall!.value).toBe(recallScore(labels, pred, o));
    expect(m.f1!.value).toBe(f1Score(labels, pred, o));
    expect(Object.keys(m)).toEqual([
      'rocAuc',
      'averagePrecision',
      'logLoss',
      'brier',
      'ece',
      'accuracy',
      'precision',
      'recall',
      'f1',
    ]);
    expect(result.count).toBe(400);
    expect(result.weight).toBeCloseTo(
      weights.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it('proportions get Wilson intervals, the rest a bootstrap; each interval holds its value here', () => {
    expect(result.metrics.accuracy!.interval).toBe('wilson');
    expect(result.metrics.precision!.interval).toBe('wilson');
    expect(result.metrics.recall!.interval).toBe('wilson');
    expect(result.metrics.rocAuc!.interval).toBe('bootstrap');
    expect(result.metrics.f1!.interval).toBe('bootstrap');
    for (const v of Object.values(result.metrics)) {
      expect(v.low).toBeLessThanOrEqual(v.value);
      expect(v.high).toBeGreaterThanOrEqual(v.value);
      expect(v.high).toBeGreaterThan(v.low);
    }
  });

  it('slices partition the rows for each spec, missing values are a slice of their own', () => {
    const byOrigin = result.slices.filter((s) => s.columns.length === 1);
    expect(byOrigin.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(400);
    expect(byOrigin.map((s) => s.slice).sort()).toEqual([
      'origin=(missing)',
      'origin=PDX',
      'origin=SEA',
      'origin=SFO',
    ]);
    const missing = byOrigin.find((s) => s.slice === 'origin=(missing)')!;
    expect(missing.values).toEqual([null]);
    const crosses = result.slices.filter((s) => s.columns.length === 2);
    expect(crosses).toHaveLength(8);
    expect(crosses.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(400);
    // Largest first within a spec.
    for (let i = 1; i < byOrigin.length; i++)
      expect(byOrigin[i - 1]!.count).toBeGreaterThanOrEqual(byOrigin[i]!.count);
  });

  it("each slice's metrics are the functions on its rows", () => {
    for (const s of result.slices) {
      const rows = data.flatMap((d, i) =>
        s.columns.every((c, j) => (d[c as 'origin'] ?? null) === s.values[j]) ? [i] : [],
      );
      expect(rows).toHaveLength(s.count);
      const y = rows.map((i) => labels[i]!);
      const p = rows.map((i) => predictions[i]!);
      const w = rows.map((i) => weights[i]!);
      expect(s.metrics.rocAuc!.value).toBe(rocAucScore(y, p, { weights: w }));
      expect(s.metrics.brier!.value).toBe(brierScoreLoss(y, p, { weights: w }));
      expect(s.weight).toBeCloseTo(
        w.reduce((a, b) => a + b, 0),
        9,
      );
    }
  });

  it('the bootstrap is seeded: the same seed repeats, another differs, a slice does not depend on the others', () => {
    const again = evaluate({
      task: 'binary',
      labels,
      predictions,
      weights,
      data,
      slices: ['origin'],
      resamples: 50,
      seed: 'run-1',
    });
    expect(again.metrics.rocAuc).toEqual(result.metrics.rocAuc);
    expect(again.slices[0]).toEqual(result.slices[0]);
    const other = evaluate({ task: 'binary', labels, predictions, weights, resamples: 50, seed: 'run-2' });
    expect(other.metrics.rocAuc!.low).not.toBe(result.metrics.rocAuc!.low);
    expect(other.metrics.rocAuc!.value).toBe(result.metrics.rocAuc!.value);
  });

  it('findings: small slices and undefined metrics, in core shape', () => {
    const small = evaluate({
      task: 'binary',
      labels: [1, 1, 0, 1],
      predictions: [0.9, 0.8, 0.3, 0.4],
      data: { g: ['a', 'a', 'b', 'b'] },
      slices: ['g'],
      resamples: 20,
    });
    const codes = small.findings.map((f) => `${f.code} ${f.slice ?? ''} ${f.metric ?? ''}`.trim());
    expect(codes).toContain('SLICE_TOO_SMALL g=a');
    expect(codes).toContain('METRIC_UNDEFINED g=a rocAuc');
    expect(small.slices[0]!.metrics.rocAuc!.value).toBeNaN();
    expect(small.findings.every(isFinding)).toBe(true);
    expect(small.findings.find((f) => f.code === 'SLICE_TOO_SMALL')).toMatchObject({
      count: 2,
      expected: 30,
    });
  });

  it('scores outside [0, 1] leave the probability metrics out, or refuse them when asked for', () => {
    const r = evaluate({ task: 'binary', labels: [0, 1, 1], predictions: [-2, 3, 0.5], interval: 'none' });
    expect(Object.keys(r.metrics)).not.toContain('logLoss');
    expect(r.metrics.rocAuc!.value).toBe(1);
    expect(r.findings.map((f) => f.code)).toEqual(['SCORES_NOT_PROBABILITIES']);
    expect(() =>
      evaluate({ task: 'binary', labels: [0, 1], predictions: [-2, 3], metrics: ['brier'] }),
    ).toThrow(LockstepError);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.slices[0]!.metrics.rocAuc)).toBe(true);
    expect(Object.isFrozen(result.findings)).toBe(true);
  });
});

describe('evaluate: multiclass and regression', () => {
  it('multiclass probability rows: argmax predictions, log loss, averaged precision, recall, F1', () => {
    const labels = ['b', 'a', 'c', 'a', 'b', 'c'];
    const rows = [
      [0.2, 0.7, 0.1],
      [0.6, 0.3, 0.1],
      [0.1, 0.5, 0.4],
      [0.4, 0.4, 0.2],
      [0.3, 0.3, 0.4],
      [0.05, 0.05, 0.9],
    ];
    const r = evaluate({
      task: 'multiclass',
      labels,
      predictions: rows,
      classes: ['a', 'b', 'c'],
      interval: 'none',
    });
    const pred = ['b', 'a', 'b', 'a', 'c', 'c'];
    expect(r.metrics.logLoss!.value).toBe(logLossScore(labels, rows, { classes: ['a', 'b', 'c'] }));
    expect(r.metrics.accuracy!.value).toBe(accuracyScore(labels, pred));
    expect(r.metrics.f1Macro!.value).toBe(f1Score(labels, pred, { average: 'macro' }));
    expect(r.metrics.precisionWeighted!.value).toBe(precisionScore(labels, pred, { average: 'weighted' }));
    expect(r.metrics.recallMicro!.value).toBe(recallScore(labels, pred, { average: 'micro' }));
    expect(r.metrics.f1Macro!.interval).toBe('none');
  });

  it('multiclass predicted labels: no log loss; rows that do not sum to 1 are a finding', () => {
    const r = evaluate({ task: 'multiclass', labels: [0, 1, 2], predictions: [0, 2, 2], interval: 'none' });
    expect(Object.keys(r.metrics)).not.toContain('logLoss');
    expect(r.metrics.accuracy!.value).toBeCloseTo(2 / 3, 15);
    const u = evaluate({
      task: 'multiclass',
      labels: [0, 1],
      predictions: [
        [0.5, 0.4],
        [0.2, 0.8],
      ],
      interval: 'none',
    });
    expect(u.findings.map((f) => f.code)).toEqual(['PROBABILITIES_NOT_NORMALIZED']);
    expect(() =>
      evaluate({
        task: 'multiclass',
        labels: ['x', 'a'],
        predictions: [
          [0.5, 0.5],
          [0.2, 0.8],
        ],
        classes: ['a', 'b'],
      }),
    ).toThrow(/not one of options.classes/);
  });

  it('regression: the four metrics, bootstrap intervals, a constant slice', () => {
    const actual = [3, -0.5, 2, 7, 4, 4, 4];
    const predicted = [2.5, 0, 2, 8, 4, 5, 3];
    const r = evaluate({
      task: 'regression',
      labels: actual,
      predictions: predicted,
      data: { g: ['x', 'x', 'x', 'x', 'y', 'y', 'y'] },
      slices: ['g'],
      resamples: 100,
      minRows: 0,
    });
    expect(r.metrics.rmse!.value).toBe(rootMeanSquaredError(actual, predicted));
    expect(r.metrics.mae!.value).toBe(meanAbsoluteError(actual, predicted));
    expect(r.metrics.r2!.value).toBe(r2Score(actual, predicted));
    expect(r.metrics.mape!.value).toBe(meanAbsolutePercentageError(actual, predicted));
    const y = r.slices.find((s) => s.slice === 'g=y')!;
    expect(y.metrics.r2!.value).toBe(0); // constant actual values, imperfect prediction: sklearn's 0
    expect(r.slices.find((s) => s.slice === 'g=x')!.metrics.r2!.value).toBe(
      r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]),
    );
    expect(r.findings).toEqual([]);
  });
});

describe('intervals', () => {
  it('normalQuantile matches scipy.stats.norm.ppf', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 14);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 13);
  });
  it("Wilson's interval of 8 of 10 at 95 % (numpy, by the formula)", () => {
    const [lo, hi] = wilsonInterval(0.8, 10, normalQuantile(0.975));
    expect(lo).toBeCloseTo(0.4901624715366418, 13);
    expect(hi).toBeCloseTo(0.9433178485456248, 13);
    expect(wilsonInterval(0.5, 0, 1.96).every(Number.isNaN)).toBe(true);
  });
  it("percentiles use numpy's linear rule", () => {
    const v = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantileSorted(v, 0.025)).toBeCloseTo(1.1, 14);
    expect(quantileSorted(v, 0.975)).toBeCloseTo(9.4, 14);
  });
  it("evaluate's accuracy interval is Wilson's with the row count", () => {
    const labels = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const r = evaluate({ task: 'binary', labels, predictions: labels.map((_, i) => (i < 8 ? 0.9 : 0.9)) });
    expect(r.metrics.accuracy!.value).toBe(0.8);
    expect(r.metrics.accuracy!.low).toBeCloseTo(0.4901624715366418, 13);
  });
});

describe('the bootstrap agrees with theory where theory is simple', () => {
  it("MAE's percentile interval on 4,000 rows is close to the normal interval of a mean", () => {
    const r = lcg(7);
    const labels = Array.from({ length: 4000 }, () => r() * 10);
    const predictions = labels.map((y) => y + (r() - 0.5) * 4);
    const errors = labels.map((y, i) => Math.abs(y - predictions[i]!));
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (errors.length - 1));
    const half = (1.959963984540054 * sd) / Math.sqrt(errors.length);
    const m = evaluate({ task: 'regression', labels, predictions, resamples: 2000, seed: 3 }).metrics.mae!;
    expect(m.value).toBeCloseTo(mean, 12);
    // 2,000 resamples put each percentile within about 5 % of the half-width.
    expect(Math.abs(m.low - (mean - half))).toBeLessThan(0.1 * half);
    expect(Math.abs(m.high - (mean + half))).toBeLessThan(0.1 * half);
  });
});
