// Hostile inputs to every public function of lockstep/evaluate: each call gives a result or a
// LockstepError naming the function and the argument, never a TypeError, a RangeError or a hang, and
// nothing is written onto Object.prototype. Options are strict, and sizes are bounded before anything is
// allocated (bins, resamples, slices, classes).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecisionScore,
  brierScoreLoss,
  evaluate,
  expectedCalibrationError,
  f1Score,
  gate,
  LockstepError,
  logLossScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  parseGate,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rootMeanSquaredError,
} from '../../src/evaluate/index.js';
import {
  expectLockstepOrResult,
  expectNoPrototypePollution,
  hostile,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const RUNS = { numRuns: 150 };

type Fn = (a: unknown, b: unknown, o?: unknown) => unknown;
const METRICS: Record<string, Fn> = {
  rocAucScore: rocAucScore as Fn,
  averagePrecisionScore: averagePrecisionScore as Fn,
  logLossScore: logLossScore as Fn,
  brierScoreLoss: brierScoreLoss as Fn,
  expectedCalibrationError: expectedCalibrationError as Fn,
  accuracyScore: accuracyScore as Fn,
  precisionScore: precisionScore as Fn,
  recallScore: recallScore as Fn,
  f1Score: f1Score as Fn,
  rootMeanSquaredError: rootMeanSquaredError as Fn,
  meanAbsoluteError: meanAbsoluteError as Fn,
  r2Score: r2Score as Fn,
  meanAbsolutePercentageError: meanAbsolutePercentageError as Fn,
};

/** The LockstepError a call throws (fails when it throws anything else or nothing). */
function thrown(call: () => unknown): LockstepError {
  try {
    call();
  } catch (error) {
    if (error instanceof LockstepError) return error;
    throw error;
  }
  return expect.fail('did not throw');
}

const list = fc.oneof(
  hostile(),
  fc.array(hostile(), { maxLength: 6 }),
  fc.array(fc.oneof(fc.constantFrom(0, 1, true, false), fc.double()), { maxLength: 8 }),
  fc.array(fc.array(fc.double({ min: 0, max: 1 }), { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
);

describe('every single-metric function', () => {
  afterAll(expectNoPrototypePollution);

  it.each(Object.entries(METRICS))(
    '%s answers hostile arguments with a result or a LockstepError',
    (_name, fn) => {
      fc.assert(
        fc.property(
          list,
          list,
          fc.oneof(hostile(), fc.record({ weights: list }, { requiredKeys: [] })),
          (a, b, o) => {
            expectLockstepOrResult(() => fn(a, b, o));
          },
        ),
        RUNS,
      );
    },
  );

  it.each(Object.entries(METRICS))('%s refuses an unknown option key, naming the one meant', (name, fn) => {
    const e = thrown(() => fn([0, 1], [0.2, 0.8], { weight: [1, 1] }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.fn).toBe(name);
    expect(e.message).toContain('did you mean "weights"?');
  });

  it.each(Object.entries(METRICS))(
    '%s names the argument of mismatched lengths, NaN and Infinity',
    (name, fn) => {
      const lengths = thrown(() => fn([0, 1, 1], [0.2, 0.8]));
      expect([lengths.fn, lengths.code]).toEqual([name, 'INVALID_ARGUMENT']);
      expect(lengths.message).toContain('one item per label (3), got 2');
      const nan = thrown(() => fn([0, 1], [Number.NaN, 0.5]));
      expect(nan.fn).toBe(name);
      expect(nan.arg).toMatch(/\[0\]$/);
      expect(thrown(() => fn([0, 1], [0.5, 0.5], { weights: [1, Number.POSITIVE_INFINITY] })).arg).toBe(
        'options.weights[1]',
      );
      expect(thrown(() => fn([0, 1], [0.5, 0.5], { weights: [1, -1] })).arg).toBe('options.weights[1]');
      expect(thrown(() => fn([0, 1], [0.5, 0.5], { weights: [1] })).arg).toBe('options.weights');
      expect(thrown(() => fn(throwingProxy(), [0.5])).fn).toBe(name);
      expect(thrown(() => fn([0, 1], [0.5, 0.5], throwingGetters())).fn).toBe(name);
    },
  );

  it('bounds: calibration bins, averages, classes and probability rows', () => {
    expect(thrown(() => expectedCalibrationError([0], [0.5], { bins: 10_001 })).arg).toBe('options.bins');
    expect(thrown(() => expectedCalibrationError([0], [0.5], { bins: 0 })).arg).toBe('options.bins');
    expect(thrown(() => f1Score([0], [0], { average: 'samples' as never })).arg).toBe('options.average');
    expect(thrown(() => f1Score([2], [0])).arg).toBe('labels[0]'); // 'binary' needs 0/1
    expect(thrown(() => logLossScore([0], [[1]])).arg).toBe('probabilities[0]'); // one column
    expect(thrown(() => logLossScore([0, 1], [[0.5, 0.5], [1]])).arg).toBe('probabilities[1]');
    expect(thrown(() => logLossScore([0], [[0.5, 0.5]], { classes: ['a'] })).arg).toBe('options.classes');
    expect(thrown(() => logLossScore([0], [1.5])).arg).toBe('probabilities[0]');
    expect(thrown(() => logLossScore(['z'], [[0.5, 0.5]], { classes: ['a', 'b'] })).code).toBe(
      'INVALID_DATA',
    );
    expect(thrown(() => brierScoreLoss([0], [-0.1])).arg).toBe('probabilities[0]');
    const sparse: unknown[] = [];
    sparse.length = 2 ** 26;
    expect(thrown(() => rocAucScore(sparse as number[], [])).arg).toBe('labels');
    expect(thrown(() => rocAucScore([0], BigInt64Array.of(1n) as never)).arg).toBe('scores');
  });
});

const ok = { task: 'binary', labels: [0, 1, 1, 0], predictions: [0.1, 0.9, 0.6, 0.4] } as const;

describe('evaluate', () => {
  afterAll(expectNoPrototypePollution);

  it('answers a hostile value of any option with a result or a LockstepError', () => {
    const keys = [
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
    ];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(hostile(), list), (key, value) => {
        expectLockstepOrResult(() => evaluate({ ...ok, resamples: 10, [key]: value } as never));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(hostile(), (value) => expectLockstepOrResult(() => evaluate(value as never))),
      RUNS,
    );
  });

  it('is strict: unknown keys, bounds and mismatched data are LockstepErrors naming evaluate and the argument', () => {
    const e = thrown(() => evaluate({ ...ok, slice: ['g'] } as never));
    expect([e.fn, e.code]).toEqual(['evaluate', 'INVALID_ARGUMENT']);
    expect(e.message).toContain('did you mean "slices"?');
    const cases: [object, string][] = [
      [{ resamples: 9 }, 'options.resamples'],
      [{ resamples: 10_001 }, 'options.resamples'],
      [{ bins: 0 }, 'options.bins'],
      [{ level: 1 }, 'options.level'],
      [{ level: Number.NaN }, 'options.level'],
      [{ threshold: Number.POSITIVE_INFINITY }, 'options.threshold'],
      [{ maxSlices: 0 }, 'options.maxSlices'],
      [{ minRows: -1 }, 'options.minRows'],
      [{ seed: 'x'.repeat(257) }, 'options.seed'],
      [{ interval: 'wald' }, 'options.interval'],
      [{ task: 'ranking' }, 'options.task'],
      [{ metrics: ['auc'] }, 'options.metrics[0]'],
      [{ metrics: ['rmse'] }, 'options.metrics[0]'],
      [{ predictions: [0.1, 0.9] }, 'options.predictions'],
      [{ weights: [1, 1, 1] }, 'options.weights'],
      [{ labels: [0, 1, 2, 0] }, 'options.labels[2]'],
      [{ slices: ['g'] }, 'options.data'],
      [{ slices: ['g'], data: { g: [1, 2, 3] } }, 'options.data'],
      [{ slices: ['h'], data: { g: [1, 2, 3, 4] } }, 'options.slices[0]'],
      [{ slices: [['g', 'g']], data: { g: [1, 2, 3, 4] } }, 'options.slices[0]'],
      [{ slices: [['a', 'b', 'c', 'd', 'e']], data: { g: [1, 2, 3, 4] } }, 'options.slices[0]'],
      [{ slices: Array.from({ length: 65 }, () => 'g'), data: { g: [1, 2, 3, 4] } }, 'options.slices'],
      [{ classes: ['a', 'b'] }, 'options.classes'],
      [{ data: { g: [1, 2, 3, 4] } }, 'options.data'],
    ];
    for (const [extra, arg] of cases) {
      const error = thrown(() => evaluate({ ...ok, ...extra } as never));
      expect([error.fn, error.arg], JSON.stringify(extra)).toEqual(['evaluate', arg]);
    }
    expect(thrown(() => evaluate({ labels: [0], predictions: [0] } as never)).arg).toBe('options.task');
  });

  it('refuses more slices than maxSlices before measuring them', () => {
    const n = 50;
    const e = thrown(() =>
      evaluate({
        task: 'regression',
        labels: Array.from({ length: n }, (_, i) => i),
        predictions: Array.from({ length: n }, (_, i) => i),
        data: { id: Array.from({ length: n }, (_, i) => `row-${i}`) },
        slices: ['id'],
        maxSlices: 10,
      }),
    );
    expect([e.code, e.arg]).toEqual(['INVALID_DATA', 'options.slices']);
  });

  it('takes empty input, hostile slice data and a throwing data object without a TypeError', () => {
    const empty = evaluate({ task: 'regression', labels: [], predictions: [] });
    expect(empty.count).toBe(0);
    expect(empty.metrics.rmse!.value).toBeNaN();
    expect(empty.findings.map((f) => f.code)).toContain('METRIC_UNDEFINED');
    expectLockstepOrResult(() => evaluate({ ...ok, slices: ['g'], data: throwingProxy() as never }));
    expectLockstepOrResult(() =>
      evaluate({ ...ok, slices: ['g'], data: [{ g: 1 }, throwingGetters(), {}, {}] as never }),
    );
    const odd = evaluate({
      ...ok,
      slices: ['g'],
      data: [{ g: Number.NaN }, { g: new Date(0) }, { g: '__proto__' }, {}],
      interval: 'none',
      minRows: 0,
    });
    expect(odd.slices.map((s) => s.slice).sort()).toEqual([
      'g=(missing)',
      'g=1970-01-01T00:00:00.000Z',
      'g=NaN',
      'g=__proto__',
    ]);
  });
});

describe('gate and parseGate', () => {
  afterAll(expectNoPrototypePollution);
  const candidate = {
    metrics: { rocAuc: { value: 0.8, low: 0.7, high: 0.9 } },
    slices: [{ slice: 'g=a', count: 50, metrics: { rocAuc: { value: 0.7 } } }],
  };

  it('answer hostile options, rules, evaluations, histories and artifacts with a result or a LockstepError', () => {
    const keys = ['candidate', 'baseline', 'rules', 'model', 'history'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), hostile(), (key, value) => {
        expectLockstepOrResult(() => gate({ candidate, [key]: value } as never));
      }),
      RUNS,
    );
    const ruleKeys = [
      'metrics',
      'tolerance',
      'minRows',
      'intervals',
      'floors',
      'latencyBudgetMs',
      'maxDrop',
      'maxDecline',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...ruleKeys), hostile(), (key, value) => {
        expectLockstepOrResult(() =>
          gate({ candidate, baseline: candidate, rules: { [key]: value } } as never),
        );
      }),
      RUNS,
    );
    fc.assert(
      fc.property(hostile(), (value) => {
        expectLockstepOrResult(() => parseGate(value));
        expectLockstepOrResult(() => gate({ candidate: { metrics: { rocAuc: value } } } as never));
        expectLockstepOrResult(() => gate({ candidate, history: { rocAuc: value } } as never));
      }),
      RUNS,
    );
  });

  it('refuses a history longer than 1000 versions and an unknown metric in floors', () => {
    expect(thrown(() => gate({ candidate, history: { rocAuc: new Array(1001).fill(0.5) } })).arg).toBe(
      'options.history.rocAuc',
    );
    expect(thrown(() => gate({ candidate, rules: { floors: { auc: 0.5 } as never } })).arg).toBe(
      'options.rules.floors',
    );
  });
});
