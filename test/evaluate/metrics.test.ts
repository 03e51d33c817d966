// The metrics of lockstep/evaluate against oracle values computed with numpy the way scikit-learn computes
// them (test/fixtures/make-evaluate-metrics.py writes test/fixtures/evaluate-metrics.json), within a
// relative 1e-12, and against scikit-learn's own documented examples, checked by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  expectedCalibrationError,
  f1Score,
  logLossScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rootMeanSquaredError,
} from '../../src/evaluate/index.js';

interface Fixture {
  binary: Record<string, unknown>[];
  multiclass: Record<string, unknown>[];
  regression: Record<string, unknown>[];
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/evaluate-metrics.json'), 'utf8'),
) as Fixture;

/** Equal within a relative 1e-12 (absolute near 0); null in the fixture is NaN here (undefined metric). */
function close(received: number, expected: unknown): void {
  if (expected === null) {
    expect(received).toBeNaN();
    return;
  }
  const e = expected as number;
  const tolerance = 1e-12 * Math.max(1, Math.abs(e));
  if (!(Math.abs(received - e) <= tolerance)) expect(received).toBe(e);
}

const opts = (c: Record<string, unknown>) =>
  c.weights === null ? undefined : { weights: c.weights as number[] };

describe('binary metrics match the numpy oracle of scikit-learn', () => {
  it.each(fixture.binary.map((c) => [c.name as string, c] as const))('%s', (_name, c) => {
    const y = c.labels as number[];
    const s = c.scores as number[];
    close(rocAucScore(y, s, opts(c)), c.rocAuc);
    close(averagePrecisionScore(y, s, opts(c)), c.averagePrecision);
    if (c.logLoss === undefined) return;
    const pred = s.map((v) => (v >= 0.5 ? 1 : 0));
    close(logLossScore(y, s, opts(c)), c.logLoss);
    close(brierScoreLoss(y, s, opts(c)), c.brier);
    close(expectedCalibrationError(y, s, { ...opts(c), bins: c.bins as number }), c.ece);
    close(accuracyScore(y, pred, opts(c)), c.accuracy);
    close(precisionScore(y, pred, opts(c)), c.precision);
    close(recallScore(y, pred, opts(c)), c.recall);
    close(f1Score(y, pred, opts(c)), c.f1);
  });
  it('covers ties, single classes, zero weights and real scores', () => {
    expect(fixture.binary.length).toBeGreaterThanOrEqual(15);
    expect(fixture.binary.filter((c) => c.rocAuc === null).length).toBeGreaterThanOrEqual(3);
  });
});

describe('multiclass metrics match the numpy oracle of scikit-learn', () => {
  it.each(fixture.multiclass.map((c) => [c.name as string, c] as const))('%s', (_name, c) => {
    const y = c.labels as number[];
    const pred = c.predicted as number[];
    if (c.logLoss !== undefined) close(logLossScore(y, c.probabilities as number[][], opts(c)), c.logLoss);
    close(accuracyScore(y, pred, opts(c)), c.accuracy);
    for (const average of ['macro', 'weighted', 'micro'] as const) {
      const e = c[average] as Record<string, number>;
      close(precisionScore(y, pred, { ...opts(c), average }), e.precision);
      close(recallScore(y, pred, { ...opts(c), average }), e.recall);
      close(f1Score(y, pred, { ...opts(c), average }), e.f1);
    }
  });
});

describe('regression metrics match the numpy oracle of scikit-learn', () => {
  it.each(fixture.regression.map((c) => [c.name as string, c] as const))('%s', (_name, c) => {
    const y = c.actual as number[];
    const p = c.predicted as number[];
    close(rootMeanSquaredError(y, p, opts(c)), c.rmse);
    close(meanAbsoluteError(y, p, opts(c)), c.mae);
    close(r2Score(y, p, opts(c)), c.r2);
    close(meanAbsolutePercentageError(y, p, opts(c)), c.mape);
  });
});

describe("scikit-learn's documented examples", () => {
  it('roc_auc_score and average_precision_score', () => {
    // roc_curve's docstring data: AUC 0.75; average_precision_score's docstring: 0.83...
    expect(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 15);
    expect(rocAucScore([true, false], [0.3, 0.3])).toBe(0.5);
    expect(rocAucScore([1, 1], [0.3, 0.4])).toBeNaN();
  });
  it('log_loss and brier_score_loss', () => {
    expect(
      logLossScore(
        ['spam', 'ham', 'ham', 'spam'],
        [
          [0.1, 0.9],
          [0.9, 0.1],
          [0.8, 0.2],
          [0.35, 0.65],
        ],
        {
          classes: ['ham', 'spam'],
        },
      ),
    ).toBeCloseTo(0.21616, 5);
    expect(brierScoreLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])).toBeCloseTo(0.0375, 15);
    expect(
      brierScoreLoss(
        [0, 1, 1, 0],
        [0.1, 0.9, 0.8, 0.3].map(() => 0.5),
      ),
    ).toBe(0.25);
    // Clipping at 2^-52: a certain wrong answer costs -ln(2^-52) = 36.04..., not Infinity.
    expect(logLossScore([1], [0])).toBeCloseTo(52 * Math.LN2, 12);
  });
  it('accuracy_score, precision_score, recall_score and f1_score', () => {
    expect(accuracyScore([0, 2, 1, 3], [0, 1, 2, 3])).toBe(0.5);
    const y = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    expect(f1Score(y, p, { average: 'macro' })).toBeCloseTo(0.26666666666666666, 15);
    expect(f1Score(y, p, { average: 'micro' })).toBeCloseTo(0.3333333333333333, 15);
    expect(f1Score(y, p, { average: 'weighted' })).toBeCloseTo(0.26666666666666666, 15);
    expect(precisionScore(y, p, { average: 'macro' })).toBeCloseTo(0.2222222222222222, 15);
    expect(precisionScore(y, p, { average: 'micro' })).toBeCloseTo(0.3333333333333333, 15);
    expect(recallScore(y, p, { average: 'weighted' })).toBeCloseTo(0.3333333333333333, 15);
    // zero_division: no predicted positive gives precision 0 (sklearn warns and returns 0).
    expect(precisionScore([0, 0, 1], [0, 0, 0])).toBe(0);
    expect(f1Score([0, 0, 0], [0, 0, 0])).toBe(0);
  });
  it('r2_score, mean_absolute_error, root_mean_squared_error and mean_absolute_percentage_error', () => {
    expect(r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(0.9486081370449679, 15);
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2Score([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBe(-3);
    expect(r2Score([-2, -2, -2], [-2, -2, -2])).toBe(1);
    expect(r2Score([-2, -2, -2], [-2, -2, -2 + 1e-8])).toBe(0);
    expect(r2Score([1], [1])).toBeNaN();
    expect(meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBe(0.5);
    expect(rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(0.6123724356957945, 15);
    expect(meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(
      0.3273809523809524,
      15,
    );
    expect(meanAbsolutePercentageError([1, 0, 2.4, 7], [1.2, 0.1, 2.4, 8])).toBeCloseTo(
      112589990684262.48,
      0,
    );
  });
  it('weights that sum to 0 make a mean undefined (NaN), where numpy.average raises', () => {
    expect(meanAbsoluteError([1, 2], [2, 2], { weights: [0, 0] })).toBeNaN();
    expect(accuracyScore([1, 2], [2, 2], { weights: [0, 0] })).toBeNaN();
  });
});
