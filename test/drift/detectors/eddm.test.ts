import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { createEddm, type EddmState } from '../../../src/drift/detectors/index.js';
import { contract } from './contract.js';
import { bernoulliStream, delayAfter, riverErrorRateStream, riverPrint, run, SEEDS } from './streams.js';

describe('createEddm', () => {
  it("prints what River's docstring prints (alpha 0.8, beta 0.75): warning at 1059, drift at 1278", () => {
    // river/drift/binary/eddm.py docstring, random.Random(42).
    expect(riverPrint(createEddm({ alpha: 0.8, beta: 0.75 }), riverErrorRateStream(42))).toEqual([
      'Warning detected at index 1059',
      'Change detected at index 1278',
    ]);
  });

  it('false alarms on stationary error rates: a budget, since EDDM is built to be early', () => {
    // Error rate 0.2, 20 seeds × 10,000. With River's example parameters (alpha 0.8, beta 0.75) measured 15
    // alarms in all (0.75 a stream); with the defaults (0.95, 0.9), which River's own example changes "to
    // avoid too many false positives", measured 302 (15 a stream).
    const count = (make: () => ReturnType<typeof createEddm>) =>
      SEEDS.map(
        (seed) =>
          run(
            make(),
            bernoulliStream(`stationary-${seed}`, 10_000, () => 0.2),
          ).drifts.length,
      );
    const tuned = count(() => createEddm({ alpha: 0.8, beta: 0.75 }));
    expect(tuned.reduce((a, b) => a + b)).toBeLessThanOrEqual(20);
    expect(tuned.filter((c) => c === 0).length).toBeGreaterThanOrEqual(10);
    const defaults = count(() => createEddm());
    expect(defaults.reduce((a, b) => a + b)).toBeLessThanOrEqual(400);
  });

  it('detects an error-rate jump 0.2 → 0.5 after 5,000 values within 3,000 (measured 52 to 2,090, alpha 0.8, beta 0.75)', () => {
    // EDDM's mean distance between errors is cumulative, so it needs about as many new errors as old ones
    // to fall by a quarter: median 1,103 here. With the defaults the first alarm after the change comes
    // within 5 to 308, but alarms before it are common (see above).
    const at = 5000;
    const delays = SEEDS.map((seed) =>
      delayAfter(
        run(
          createEddm({ alpha: 0.8, beta: 0.75 }),
          bernoulliStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0.2 : 0.5)),
        ).drifts,
        at,
      ),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(3000);
  });

  it('decides on errors only: a warning holds through correct predictions', () => {
    const d = createEddm({ alpha: 0.8, beta: 0.75 });
    const stream = riverErrorRateStream(42);
    run(d, stream.slice(0, 1060));
    expect(d.warning).toBe(true);
    for (let i = 0; i < 5; i++) expect(d.update(0).warning).toBe(true);
    expect(d.nErrors).toBeGreaterThan(500);
    expect(d.meanDistance).toBeGreaterThan(1);
  });

  describe('detector contract', () => {
    contract<EddmState>({
      create: () => createEddm({ alpha: 0.8, beta: 0.75 }),
      resume: (state) => createEddm({ state }),
      stream: riverErrorRateStream(42),
      other: bernoulliStream('other', 3000, (i) => (i < 1500 ? 0.1 : 0.4)),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ warmStart: -1 }, 'warmStart'],
      [{ alpha: 0 }, 'alpha'],
      [{ alpha: 1.2 }, 'alpha'],
      [{ beta: 0 }, 'beta'],
      [{ alpha: 0.8, beta: 0.9 }, 'beta'],
    ])('rejects %o, naming createEddm and %s', (options, arg) => {
      expect(() => createEddm(options)).toThrow(LockstepError);
      expect(() => createEddm(options)).toThrow(`createEddm: argument 'options.${arg}'`);
    });

    it('takes only 0 and 1', () => {
      expect(() => createEddm().update(2)).toThrow(
        "eddm.update: argument 'x' must be 0 (correct) or 1 (error), got 2",
      );
      expect(() => createEddm({ state: { ...createEddm().state(), n: -1 } })).toThrow(
        /not a valid EDDM state: \$.n/,
      );
    });
  });
});
