import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { createHddmA, type HddmAState } from '../../../src/drift/detectors/index.js';
import { contract } from './contract.js';
import { bernoulliStream, delayAfter, riverErrorRateStream, riverPrint, run, SEEDS } from './streams.js';

describe('createHddmA', () => {
  it("prints what River's docstring prints: warning at 451, drift at 1206", () => {
    // river/drift/binary/hddm_a.py docstring, random.Random(42).
    expect(riverPrint(createHddmA(), riverErrorRateStream(42))).toEqual([
      'Warning detected at index 451',
      'Change detected at index 1206',
    ]);
  });

  it('false alarms on stationary error rates: at most 6 over 20 seeds × 10,000 (measured 3)', () => {
    // Error rate 0.2; driftConfidence 0.001 bounds each test's error, not the stream's (measured at 3719,
    // 5615 and 8321 in three of the streams).
    const counts = SEEDS.map(
      (seed) =>
        run(
          createHddmA(),
          bernoulliStream(`stationary-${seed}`, 10_000, () => 0.2),
        ).drifts.length,
    );
    expect(counts.reduce((a, b) => a + b)).toBeLessThanOrEqual(6);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThanOrEqual(15);
  });

  it('detects an error-rate jump 0.2 → 0.5 after 5,000 values within 250 (measured 10 to 160)', () => {
    const at = 5000;
    const delays = SEEDS.map((seed) =>
      delayAfter(
        run(
          createHddmA(),
          bernoulliStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0.2 : 0.5)),
        ).drifts,
        at,
      ),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(250);
  });

  it('watches a falling error rate only with twoSidedTest', () => {
    const falling = bernoulliStream('falling', 4000, (i) => (i < 2000 ? 0.5 : 0.1));
    expect(run(createHddmA(), falling).drifts).toEqual([]);
    const { drifts } = run(createHddmA({ twoSidedTest: true }), falling);
    expect(delayAfter(drifts, 2000)).toBeLessThanOrEqual(250);
    expect(drifts.filter((i) => i < 2000)).toEqual([]);
  });

  describe('detector contract', () => {
    contract<HddmAState>({
      create: () => createHddmA({ twoSidedTest: true }),
      resume: (state) => createHddmA({ state }),
      stream: riverErrorRateStream(42),
      other: bernoulliStream('other', 3000, (i) => (i < 1500 ? 0.4 : 0.1)),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ driftConfidence: 0 }, 'driftConfidence'],
      [{ driftConfidence: 1 }, 'driftConfidence'],
      [{ warningConfidence: -0.1 }, 'warningConfidence'],
      [{ twoSidedTest: 'yes' }, 'twoSidedTest'],
    ])('rejects %o, naming createHddmA and %s', (options, arg) => {
      expect(() => createHddmA(options as never)).toThrow(LockstepError);
      expect(() => createHddmA(options as never)).toThrow(`createHddmA: argument 'options.${arg}'`);
    });

    it('takes values in [0, 1] only', () => {
      expect(() => createHddmA().update(1.5)).toThrow(
        "hddmA.update: argument 'x' must be a number in [0, 1]",
      );
      expect(createHddmA().update(0.5).drift).toBe(false);
    });
  });
});
