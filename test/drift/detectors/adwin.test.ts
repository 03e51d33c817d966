import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { type AdwinState, createAdwin } from '../../../src/drift/detectors/index.js';
import { catchLockstep } from '../../helpers/errors.js';
import { contract } from './contract.js';
import { pythonRandom } from './python-random.js';
import { delayAfter, normalStream, riverMeanShiftStream, run, SEEDS } from './streams.js';

describe('createAdwin', () => {
  describe("River's expectations", () => {
    it("finds River's documented drift: index 1023 on random.Random(12345)'s two-distribution stream", () => {
      // river/drift/adwin.py docstring: "Change detected at index 1023, input value: 4".
      const stream = riverMeanShiftStream(12345);
      const { drifts } = run(createAdwin(), stream);
      expect(drifts).toEqual([1023]);
      expect(stream[1023]).toBe(4);
    });

    it("finds River's regression indices on a four-segment stream: [1023, 2015, 3007]", () => {
      // river/drift/test_adwin_regression.py, test_multiple_drifts (random.Random(42)).
      const rng = pythonRandom(42);
      const stream = [
        ...rng.choices([0, 1], 1000),
        ...rng.choices([4, 5, 6, 7], 1000),
        ...rng.choices([0, 1], 1000),
        ...rng.choices([4, 5, 6, 7], 1000),
      ];
      expect(run(createAdwin(), stream).drifts).toEqual([1023, 2015, 3007]);
    });

    it("keeps River's window statistics: width, total, estimation and variance (a sum of squares)", () => {
      // test_adwin_regression.py: test_width_grows, test_total_and_estimation, test_variance_correctness.
      const a = createAdwin();
      expect(a.estimation).toBe(0);
      for (let i = 1; i <= 100; i++) {
        a.update(1);
        expect(a.width).toBe(i);
      }
      const b = createAdwin();
      for (const v of [1, 2, 3, 4, 5]) b.update(v);
      expect([b.width, b.total, b.estimation, b.variance]).toEqual([5, 15, 3, 10]);
      const values = normalStream('variance', 500, () => 5, 2);
      const c = createAdwin();
      for (const v of values) c.update(v);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
      expect(c.variance).toBeCloseTo(ss, 6);
      expect(Math.abs(c.variance - ss) / ss).toBeLessThan(1e-9);
    });

    it('makes no test within the grace period (grace 100, clock 1, a jump of 1000 after 50 values)', () => {
      // test_adwin_regression.py, test_grace_period.
      const a = createAdwin({ gracePeriod: 100, clock: 1 });
      const { drifts } = run(a, [...Array(50).fill(0), ...Array(50).fill(1000)]);
      expect(drifts).toEqual([]);
      expect(a.nDetections).toBe(0);
    });

    it('starts a fresh window on the update after a drift (width 1), as River does', () => {
      // test_adwin_regression.py, test_reset_on_drift_detected.
      const a = createAdwin({ clock: 1 });
      run(a, Array(500).fill(0));
      let found = false;
      for (let i = 0; i < 500 && !found; i++) found = a.update(100).drift;
      expect(found).toBe(true);
      a.update(50);
      expect(a.width).toBe(1);
    });
  });

  it('raises no alarm on stationary N(0, 1) streams: 0 over 20 seeds × 10,000 and 2 seeds × 50,000', () => {
    for (const seed of SEEDS) {
      expect(
        run(
          createAdwin(),
          normalStream(`stationary-${seed}`, 10_000, () => 0, 1),
        ).drifts,
      ).toEqual([]);
    }
    for (const seed of ['long-0', 'long-1']) {
      expect(
        run(
          createAdwin(),
          normalStream(seed, 50_000, () => 0, 1),
        ).drifts,
      ).toEqual([]);
    }
  });

  it('detects a mean shift of one standard deviation within 100 values (measured 23 to 55), never before it', () => {
    // N(0, 1) → N(1, 1) at 5,000. Measured over the 20 seeds: 55 for 19, 23 for one (clock = 32 sets the
    // granularity); a shift of 0.5 takes 55 to 183.
    const at = 5000;
    const delays = SEEDS.map((seed) => {
      const { drifts } = run(
        createAdwin(),
        normalStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0 : 1), 1),
      );
      expect(drifts.filter((i) => i < at)).toEqual([]);
      return delayAfter(drifts, at);
    });
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(Math.min(...delays)).toBeGreaterThan(0);
  });

  describe('detector contract', () => {
    contract<AdwinState>({
      create: () => createAdwin({ clock: 8 }),
      resume: (state) => createAdwin({ state }),
      stream: normalStream('contract', 3000, (i) => (i < 1000 ? 0 : i < 2000 ? 1.5 : -1), 1),
      other: normalStream('contract-other', 1500, (i) => (i < 700 ? 0 : 2), 1),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ delta: 0 }, 'delta'],
      [{ delta: 1 }, 'delta'],
      [{ delta: Number.NaN }, 'delta'],
      [{ clock: 0 }, 'clock'],
      [{ clock: 1.5 }, 'clock'],
      [{ maxBuckets: 0 }, 'maxBuckets'],
      [{ minWindowLength: 0 }, 'minWindowLength'],
      [{ gracePeriod: -1 }, 'gracePeriod'],
    ])('rejects %o, naming createAdwin and %s', (options, arg) => {
      expect(() => createAdwin(options)).toThrow(LockstepError);
      expect(() => createAdwin(options)).toThrow(`createAdwin: argument 'options.${arg}'`);
    });

    it('rejects unknown options, non-finite values and malformed or mismatched states', () => {
      expect(() => createAdwin({ detla: 0.1 } as never)).toThrow(
        /createAdwin: argument 'options' has an unknown key "detla"/,
      );
      expect(() => createAdwin().update(Number.NaN)).toThrow(
        "adwin.update: argument 'x' must be a finite number, got NaN",
      );
      const a = createAdwin();
      run(a, [1, 2, 3, 4, 5, 6, 7]);
      const state = a.state();
      expect(createAdwin({ state, delta: 0.002 }).width).toBe(7);
      expect(() => createAdwin({ state, delta: 0.1 })).toThrow(
        /options.delta' must match the saved state's delta/,
      );
      expect(() => createAdwin({ state: { ...state, kind: 'lockstep.drift.ddm' } as never })).toThrow(
        /createAdwin: argument 'options.state' is not a valid ADWIN state: \$.kind/,
      );
      expect(() => createAdwin({ state: { ...state, width: 8 } })).toThrow(
        /\$.width: must equal the values the buckets hold \(7\)/,
      );
      catchLockstep(() => createAdwin({ state: { ...state, total: Number.POSITIVE_INFINITY } }), {
        code: 'INVALID_ARTIFACT',
      });
    });
  });
});
