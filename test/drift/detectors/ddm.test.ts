import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { createDdm, type DdmState } from '../../../src/drift/detectors/index.js';
import { contract } from './contract.js';
import { bernoulliStream, delayAfter, riverErrorRateStream, riverPrint, run, SEEDS } from './streams.js';

describe('createDdm', () => {
  it("prints what River's docstring prints: warning at 1084, drift at 1334, warning at 1492", () => {
    // river/drift/binary/ddm.py docstring, random.Random(42), P(1) from 0.5 to 0.7 at 1,000.
    expect(riverPrint(createDdm(), riverErrorRateStream(42))).toEqual([
      'Warning detected at index 1084',
      'Change detected at index 1334',
      'Warning detected at index 1492',
    ]);
  });

  it('false alarms on stationary error rates: at most 8 over 20 seeds × 10,000 (measured 5), all while p_min is young', () => {
    // Error rate 0.2. DDM's alarms come right after the warm start, when p_min + s_min rests on few values
    // (measured at 34, 183, 222, 232 and 609); none after the first 1,000 values.
    const alarms = SEEDS.flatMap(
      (seed) =>
        run(
          createDdm(),
          bernoulliStream(`stationary-${seed}`, 10_000, () => 0.2),
        ).drifts,
    );
    expect(alarms.length).toBeLessThanOrEqual(8);
    expect(alarms.every((i) => i < 1000)).toBe(true);
  });

  it('detects an error-rate jump 0.2 → 0.5 after 5,000 values within 2,500 (measured 113 to 1,735)', () => {
    // DDM compares the error rate since the start with its minimum, so the delay grows with the length of
    // the stable stretch before the change: median 323 here.
    const at = 5000;
    const delays = SEEDS.map((seed) =>
      delayAfter(
        run(
          createDdm(),
          bernoulliStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0.2 : 0.5)),
        ).drifts,
        at,
      ),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(2500);
    const sorted = [...delays].sort((a, b) => a - b);
    expect(sorted[10]).toBeLessThanOrEqual(500);
  });

  it('warns before it reports drift on a rising error rate', () => {
    const d = createDdm();
    const { drifts, warnings } = run(
      d,
      bernoulliStream('warn', 4000, (i) => (i < 2000 ? 0.1 : 0.3)),
    );
    const drift = drifts.find((i) => i >= 2000)!;
    expect(drift - 2000).toBeLessThan(500);
    expect(warnings.filter((w) => w >= 2000 && w < drift).length).toBeGreaterThan(10);
    expect(d.errorRate).toBeGreaterThan(0.2);
  });

  describe('detector contract', () => {
    contract<DdmState>({
      create: () => createDdm(),
      resume: (state) => createDdm({ state }),
      stream: riverErrorRateStream(42),
      other: bernoulliStream('other', 3000, (i) => (i < 1500 ? 0.1 : 0.4)),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ warmStart: -1 }, 'warmStart'],
      [{ warmStart: 2.5 }, 'warmStart'],
      [{ warningThreshold: 0 }, 'warningThreshold'],
      [{ driftThreshold: 1 }, 'driftThreshold'],
      [{ driftThreshold: Number.POSITIVE_INFINITY }, 'driftThreshold'],
    ])('rejects %o, naming createDdm and %s', (options, arg) => {
      expect(() => createDdm(options)).toThrow(LockstepError);
      expect(() => createDdm(options)).toThrow(`createDdm: argument 'options.${arg}'`);
    });

    it('takes only 0 and 1, and only its own states', () => {
      expect(() => createDdm().update(0.5)).toThrow(
        "ddm.update: argument 'x' must be 0 (correct) or 1 (error), got 0.5",
      );
      const state = createDdm().state();
      expect(() => createDdm({ state: { ...state, errorRate: 2 } })).toThrow(
        /not a valid DDM state: \$.errorRate/,
      );
      expect(() => createDdm({ state, warmStart: 10 })).toThrow(/options.warmStart' must match/);
    });
  });
});
