// The bootstrap's fast path (kernels.ts's resamplers: per-row terms and the score order computed once,
// then one pass per resample) gives exactly what the plain kernels give on the weights w × counts, and
// evaluate()'s bootstrap intervals equal a straightforward reference: draw the same rows from the slice's
// createRng stream, build each resample's rows explicitly, call the single-metric functions of metrics.ts
// on them, and take numpy.percentile's linear quantiles of the values that are defined.
import { describe, expect, it } from 'vitest';
import { murmur3String } from '../../src/core/murmur3.js';
import { createRng } from '../../src/core/rng.js';
import {
  averagePrecisionScore,
  brierScoreLoss,
  evaluate,
  expectedCalibrationError,
  f1Score,
  logLossScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  r2Score,
  rocAucScore,
  rootMeanSquaredError,
} from '../../src/evaluate/index.js';
import { quantileSorted } from '../../src/evaluate/intervals.js';
import {
  averagePrecisionKernel,
  binaryLogLossKernel,
  binaryPrfKernel,
  binaryResampler,
  brierKernel,
  eceKernel,
  maeKernel,
  mapeKernel,
  mseKernel,
  orderDescending,
  r2Kernel,
  regressionResampler,
  rocAucKernel,
} from '../../src/evaluate/kernels.js';

/** A small deterministic generator (tests own their data; the library's randomness is createRng). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Binary rows with scores on a grid of `levels` values (ties), and weights that may be 0 or fractional. */
function binaryRows(n: number, seed: number, levels: number, weighted: boolean) {
  const r = lcg(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  const weights: number[] = [];
  const group: string[] = [];
  for (let i = 0; i < n; i++) {
    const y = r() < 0.35 ? 1 : 0;
    labels.push(y);
    scores.push(Math.round(Math.min(1, Math.max(0, 0.3 * y + 0.7 * r())) * levels) / levels);
    weights.push(weighted ? (r() < 0.1 ? 0 : Math.round(r() * 400) / 131) : 1);
    group.push(['a', 'b', 'c'][Math.floor(r() * 3)]!);
  }
  return { labels, scores, weights, group };
}

/** The draw counts of the next resample of n rows, drawn as evaluate() draws them. */
function drawCounts(rng: ReturnType<typeof createRng>, n: number): Int32Array {
  const counts = new Int32Array(n);
  for (let j = 0; j < n; j++) counts[Math.min(Math.floor(rng.next() * n), n - 1)]!++;
  return counts;
}

const same = (a: number, b: number) => expect(Object.is(a, b) ? a : [a, 'differs from', b]).toBe(a);

describe('binaryResampler', () => {
  it('equals the plain kernels on w × counts, bit for bit, with ties, zero and fractional weights', () => {
    for (const [n, levels, weighted, seed] of [
      [1, 10, false, 1],
      [2, 10, true, 2],
      [7, 3, true, 3],
      [60, 5, false, 4],
      [60, 5, true, 5],
      [500, 1000, true, 6],
      [500, 20, false, 7],
    ] as const) {
      const d = binaryRows(n, seed, levels, weighted);
      const y = Uint8Array.from(d.labels);
      const s = Float64Array.from(d.scores);
      const pred = Uint8Array.from(d.scores, (v) => (v >= 0.5 ? 1 : 0));
      const w = Float64Array.from(d.weights);
      const order = orderDescending(s);
      const bins = 7;
      const resample = binaryResampler(y, s, pred, w, bins, order, {
        curve: true,
        logLoss: true,
        brier: true,
        ece: true,
        accuracy: true,
        prf: true,
      });
      const rng = createRng(`resampler:${seed}`);
      for (let r = 0; r < 40; r++) {
        const counts = drawCounts(rng, n);
        const ww = Float64Array.from(w, (v, i) => v * counts[i]!);
        const got = resample(counts);
        const prf = binaryPrfKernel(y, pred, ww);
        let hits = 0;
        let total = 0;
        for (let i = 0; i < n; i++) {
          if (ww[i] === 0) continue;
          hits += ww[i]! * (y[i] === pred[i] ? 1 : 0);
          total += ww[i]!;
        }
        same(got.rocAuc, rocAucKernel(y, s, ww, order));
        same(got.averagePrecision, averagePrecisionKernel(y, s, ww, order));
        same(got.logLoss, binaryLogLossKernel(y, s, ww));
        same(got.brier, brierKernel(y, s, ww));
        same(got.ece, eceKernel(y, s, ww, bins));
        same(got.accuracy, total === 0 ? Number.NaN : hits / total);
        same(got.precision, prf.precision);
        same(got.recall, prf.recall);
        same(got.f1, prf.f1);
      }
    }
  });
});

describe('regressionResampler', () => {
  it('equals the plain kernels on w × counts, bit for bit', () => {
    for (const [n, weighted, seed] of [
      [1, false, 1],
      [2, true, 2],
      [9, true, 3],
      [300, false, 4],
      [300, true, 5],
    ] as const) {
      const r = lcg(seed);
      const y = Float64Array.from({ length: n }, () => Math.round(r() * 8) - 2);
      const p = Float64Array.from(y, (v) => v + r() - 0.5);
      const w = Float64Array.from(y, () => (weighted ? (r() < 0.1 ? 0 : r() * 3) : 1));
      const resample = regressionResampler(y, p, w, true);
      const rng = createRng(`regression:${seed}`);
      for (let k = 0; k < 40; k++) {
        const counts = drawCounts(rng, n);
        const ww = Float64Array.from(w, (v, i) => v * counts[i]!);
        const got = resample(counts);
        same(got.rmse, Math.sqrt(mseKernel(y, p, ww)));
        same(got.mae, maeKernel(y, p, ww));
        same(got.mape, mapeKernel(y, p, ww));
        same(got.r2, r2Kernel(y, p, ww, n));
      }
    }
  });
});

/** Percentile-bootstrap bounds of `metric` over explicit resamples of the rows `idx`, drawn from `seed`. */
function referenceInterval(
  seed: string,
  idx: readonly number[],
  resamples: number,
  level: number,
  metric: (rows: number[]) => number,
): [number, number] {
  const rng = createRng(seed);
  const n = idx.length;
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const rows: number[] = [];
    for (let j = 0; j < n; j++) rows.push(idx[Math.min(Math.floor(rng.next() * n), n - 1)]!);
    const v = metric(rows);
    if (!Number.isNaN(v)) values.push(v);
  }
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, (1 - level) / 2), quantileSorted(sorted, (1 + level) / 2)];
}

describe('evaluate: bootstrap intervals equal explicit resamples through metrics.ts', () => {
  const close = (got: number, want: number) =>
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));

  for (const [n, levels, weighted, seed] of [
    [25, 4, false, 'a'],
    [25, 4, true, 'b'],
    [180, 10, true, 7],
    [180, 1000, false, 'c'],
  ] as const) {
    it(`binary: ${n} rows, ${levels} score levels, ${weighted ? 'weighted' : 'unweighted'}, seed ${seed}`, () => {
      const d = binaryRows(n, n + levels, levels, weighted);
      const resamples = 40;
      const level = 0.9;
      const result = evaluate({
        task: 'binary',
        labels: d.labels,
        predictions: d.scores,
        weights: d.weights,
        data: { group: d.group },
        slices: ['group'],
        interval: 'bootstrap',
        resamples,
        level,
        seed,
        bins: 5,
      });
      const pick = <T>(a: readonly T[], rows: number[]) => rows.map((i) => a[i]!);
      const metrics = {
        rocAuc: (rows: number[]) =>
          rocAucScore(pick(d.labels, rows), pick(d.scores, rows), { weights: pick(d.weights, rows) }),
        averagePrecision: (rows: number[]) =>
          averagePrecisionScore(pick(d.labels, rows), pick(d.scores, rows), {
            weights: pick(d.weights, rows),
          }),
        logLoss: (rows: number[]) =>
          logLossScore(pick(d.labels, rows), pick(d.scores, rows), { weights: pick(d.weights, rows) }),
        brier: (rows: number[]) =>
          brierScoreLoss(pick(d.labels, rows), pick(d.scores, rows), { weights: pick(d.weights, rows) }),
        ece: (rows: number[]) =>
          expectedCalibrationError(pick(d.labels, rows), pick(d.scores, rows), {
            weights: pick(d.weights, rows),
            bins: 5,
          }),
        f1: (rows: number[]) =>
          f1Score(
            pick(d.labels, rows),
            rows.map((i) => (d.scores[i]! >= 0.5 ? 1 : 0)),
            { weights: pick(d.weights, rows) },
          ),
      };
      const parts: [string | undefined, number[], (typeof result)['metrics']][] = [
        [undefined, d.labels.map((_, i) => i), result.metrics],
        ...result.slices.map(
          (sl) =>
            [sl.slice, d.group.flatMap((g, i) => (`group=${g}` === sl.slice ? [i] : [])), sl.metrics] as [
              string,
              number[],
              (typeof result)['metrics'],
            ],
        ),
      ];
      expect(parts.length).toBe(4);
      for (const [name, idx, got] of parts) {
        const stream = `${seed}:${murmur3String(name ?? '', 0)}`;
        for (const [metric, f] of Object.entries(metrics)) {
          const [low, high] = referenceInterval(stream, idx, resamples, level, f);
          const v = got[metric as keyof typeof got]!;
          expect(v.interval).toBe('bootstrap');
          close(v.low, low);
          close(v.high, high);
        }
      }
    });
  }

  it('regression: every metric, weighted, by slice', () => {
    const r = lcg(11);
    const n = 90;
    const labels = Array.from({ length: n }, () => Math.round(r() * 6) - 1);
    const predictions = labels.map((v) => v + r() - 0.5);
    const weights = labels.map(() => (r() < 0.1 ? 0 : Math.round(r() * 50) / 17));
    const group = labels.map(() => (r() < 0.5 ? 'x' : 'y'));
    const result = evaluate({
      task: 'regression',
      labels,
      predictions,
      weights,
      data: { group },
      slices: ['group'],
      resamples: 30,
      seed: 'reg',
    });
    const pick = <T>(a: readonly T[], rows: number[]) => rows.map((i) => a[i]!);
    const metrics = {
      rmse: rootMeanSquaredError,
      mae: meanAbsoluteError,
      r2: r2Score,
      mape: meanAbsolutePercentageError,
    };
    for (const sl of [undefined, ...result.slices]) {
      const idx =
        sl === undefined
          ? labels.map((_, i) => i)
          : group.flatMap((g, i) => (`group=${g}` === sl.slice ? [i] : []));
      const got = sl === undefined ? result.metrics : sl.metrics;
      for (const [metric, f] of Object.entries(metrics)) {
        const [low, high] = referenceInterval(
          `reg:${murmur3String(sl?.slice ?? '', 0)}`,
          idx,
          30,
          0.95,
          (rows) => f(pick(labels, rows), pick(predictions, rows), { weights: pick(weights, rows) }),
        );
        const v = got[metric as keyof typeof got]!;
        expect(Math.abs(v.low - low)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(low)));
        expect(Math.abs(v.high - high)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(high)));
      }
    }
  });
});
