import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/rng.js';
import { createKswin, type KswinState } from '../../../src/drift/detectors/index.js';
import { contract } from './contract.js';
import { pythonRng } from './python-random.js';
import { delayAfter, normalStream, riverMeanShiftStream, run, SEEDS } from './streams.js';

describe('createKswin', () => {
  it("finds River's documented drift, drawing with River's generator: index 1016", () => {
    // river/drift/kswin.py docstring: KSWIN(alpha=0.0001, seed=42) on random.Random(12345)'s stream,
    // "Change detected at index 1016, input value: 6". River draws W with random.Random(42).sample.
    const stream = riverMeanShiftStream(12345);
    const { drifts } = run(createKswin({ alpha: 0.0001, rng: pythonRng(42) }), stream);
    expect(drifts).toEqual([1016]);
    expect(stream[1016]).toBe(6);
  });

  it('false alarms at River defaults are a budget: about alpha-sized tests every value (measured 283 over 20 × 10,000)', () => {
    // Every value past the first 100 is a KS test at alpha = 0.005 on 30 against 30 values; the exact
    // p-value is discrete, so the realised rate is about 0.14 % of values (7 to 22 a stream).
    const counts = SEEDS.map(
      (seed) =>
        run(
          createKswin({ seed: 7 }),
          normalStream(`stationary-${seed}`, 10_000, () => 0, 1),
        ).drifts.length,
    );
    expect(Math.max(...counts)).toBeLessThanOrEqual(30);
    expect(counts.reduce((a, b) => a + b)).toBeLessThanOrEqual(400);
  });

  it('raises no alarm on stationary N(0, 1) streams with alpha 1e-5, windowSize 200, statSize 100: 0 over 20 seeds × 10,000', () => {
    for (const seed of SEEDS) {
      const kswin = createKswin({ alpha: 1e-5, windowSize: 200, statSize: 100, seed: 7 });
      expect(
        run(
          kswin,
          normalStream(`stationary-${seed}`, 10_000, () => 0, 1),
        ).drifts,
      ).toEqual([]);
    }
  });

  it('detects a shift of 2 sd within 80 values (measured 36 to 53 with alpha 1e-5, 5 to 51 at the defaults)', () => {
    const at = 5000;
    const strict = SEEDS.map((seed) => {
      const kswin = createKswin({ alpha: 1e-5, windowSize: 200, statSize: 100, seed: 7 });
      const { drifts } = run(
        kswin,
        normalStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0 : 2), 1),
      );
      expect(drifts.filter((i) => i < at)).toEqual([]);
      return delayAfter(drifts, at);
    });
    expect(Math.max(...strict)).toBeLessThanOrEqual(80);
    const defaults = SEEDS.map((seed) =>
      delayAfter(
        run(
          createKswin({ seed: 7 }),
          normalStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0 : 2), 1),
        ).drifts,
        at,
      ),
    );
    expect(Math.max(...defaults)).toBeLessThanOrEqual(80);
  });

  it('draws from its seed: the same seed decides the same, another seed tests other samples', () => {
    const stream = normalStream('seeded', 2000, (i) => (i < 1000 ? 0 : 0.7), 1);
    const pValues = (k: ReturnType<typeof createKswin>) =>
      stream.map((x) => {
        k.update(x);
        return k.pValue;
      });
    expect(pValues(createKswin({ seed: 'a' }))).toEqual(pValues(createKswin({ seed: 'a' })));
    expect(pValues(createKswin({ seed: 'a' }))).not.toEqual(pValues(createKswin({ seed: 'b' })));
    // An injected generator draws as the seed would, up to the first drift (a seed is re-drawn afresh then).
    const first = run(createKswin({ seed: 5 }), stream).drifts[0]!;
    const viaRng = run(createKswin({ rng: createRng(5) }), stream.slice(0, first + 1));
    expect(viaRng.drifts).toEqual([first]);
  });

  it('starts from a given window, and reset() empties it (River: p_value 0, empty window, no drift)', () => {
    const k = createKswin({ window: normalStream('w', 150, () => 0, 1), seed: 1 });
    expect(k.windowLength).toBe(100);
    k.update(0);
    expect(k.pValue).toBeGreaterThan(0);
    k.reset();
    expect([k.pValue, k.windowLength, k.drift]).toEqual([0, 0, false]);
  });

  describe('detector contract', () => {
    contract<KswinState>({
      create: () => createKswin({ seed: 3 }),
      resume: (state) => createKswin({ state }),
      stream: normalStream('contract', 3000, (i) => (i < 1000 ? 0 : i < 2000 ? 2 : -1), 1),
      other: normalStream('contract-other', 1500, (i) => (i < 700 ? 0 : 2), 1),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ alpha: -0.1 }, 'alpha'],
      [{ alpha: 1.1 }, 'alpha'],
      [{ windowSize: -10 }, 'windowSize'],
      [{ windowSize: 10, statSize: 30 }, 'statSize'],
      [{ windowSize: 100, statSize: 51 }, 'statSize'],
      [{ seed: Number.NaN }, 'seed'],
      [{ rng: {} }, 'rng'],
      [{ window: [1, Number.NaN] }, 'window'],
    ])('rejects %o, naming createKswin and %s', (options, arg) => {
      expect(() => createKswin(options as never)).toThrow(LockstepError);
      expect(() => createKswin(options as never)).toThrow(`createKswin: argument 'options.${arg}'`);
    });

    it('takes a seed or an rng, not both; resumes with its own parameters', () => {
      expect(() => createKswin({ seed: 1, rng: createRng(1) })).toThrow(
        "must give 'seed' or 'rng', not both",
      );
      const state = createKswin({ seed: 1 }).state();
      expect(() => createKswin({ state, seed: 2 })).toThrow(/options.seed' must match/);
      expect(() => createKswin({ state: { ...state, window: Array(101).fill(0) } })).toThrow(
        /\$.window: must hold at most windowSize \(100\) values/,
      );
    });
  });
});
