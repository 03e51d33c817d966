import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../src/core/errors.js';
import { createPageHinkley, type PageHinkleyState } from '../../../src/drift/detectors/index.js';
import { contract } from './contract.js';
import { delayAfter, normalStream, riverMeanShiftStream, run, SEEDS } from './streams.js';

describe('createPageHinkley', () => {
  it("finds River's documented drift: index 1006 on random.Random(12345)'s two-distribution stream", () => {
    // river/drift/page_hinkley.py docstring: "Change detected at index 1006, input value: 5".
    const stream = riverMeanShiftStream(12345);
    expect(run(createPageHinkley(), stream).drifts).toEqual([1006]);
    expect(stream[1006]).toBe(5);
  });

  it('keeps the running mean and both test statistics', () => {
    const ph = createPageHinkley();
    for (const x of [1, 2, 3, 4]) ph.update(x);
    expect(ph.mean).toBe(2.5);
    expect(ph.n).toBe(4);
    expect(ph.increase).toBeGreaterThan(0);
    expect(ph.decrease).toBeGreaterThanOrEqual(0);
  });

  it('raises no alarm on stationary N(0, 0.1) streams: 0 over 20 seeds × 10,000 and 2 seeds × 50,000', () => {
    // The threshold (λ = 50) is in the data's units: with noise of standard deviation 1 the faded sums wander
    // past 50 (measured 291 alarms over 10 × 50,000), so the defaults suit noise of about 0.1.
    for (const seed of SEEDS) {
      expect(
        run(
          createPageHinkley(),
          normalStream(`stationary-${seed}`, 10_000, () => 0, 0.1),
        ).drifts,
      ).toEqual([]);
    }
    for (const seed of ['long-0', 'long-1']) {
      expect(
        run(
          createPageHinkley(),
          normalStream(seed, 50_000, () => 0, 0.1),
        ).drifts,
      ).toEqual([]);
    }
  });

  it.each([
    ['up', 0.5],
    ['down', -0.5],
  ])(
    'detects a mean shift of %s 0.5 (5 sd) within 150 values (measured 92 to 105), never before it',
    (_, shift) => {
      // About λ / shift = 100 values, whatever the seed.
      const at = 5000;
      const delays = SEEDS.map((seed) => {
        const { drifts } = run(
          createPageHinkley(),
          normalStream(`change-${seed}`, 2 * at, (i) => (i < at ? 0 : shift), 0.1),
        );
        expect(drifts.filter((i) => i < at)).toEqual([]);
        return delayAfter(drifts, at);
      });
      expect(Math.max(...delays)).toBeLessThanOrEqual(150);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    },
  );

  it("watches one direction only in mode 'up' or 'down'", () => {
    const falling = normalStream('falling', 3000, (i) => (i < 1500 ? 0 : -0.5), 0.1);
    expect(run(createPageHinkley({ mode: 'up' }), falling).drifts).toEqual([]);
    expect(run(createPageHinkley({ mode: 'down' }), falling).drifts.length).toBeGreaterThan(0);
  });

  describe('detector contract', () => {
    contract<PageHinkleyState>({
      create: () => createPageHinkley({ threshold: 20 }),
      resume: (state) => createPageHinkley({ state }),
      stream: normalStream('contract', 3000, (i) => (i < 1000 ? 0 : i < 2000 ? 0.5 : -0.5), 0.1),
      other: normalStream('contract-other', 1500, (i) => (i < 700 ? 0 : 1), 0.1),
    });
  });

  describe('arguments', () => {
    it.each([
      [{ minInstances: 0 }, 'minInstances'],
      [{ delta: -1 }, 'delta'],
      [{ threshold: 0 }, 'threshold'],
      [{ alpha: 0 }, 'alpha'],
      [{ alpha: 1.5 }, 'alpha'],
      [{ mode: 'sideways' }, 'mode'],
    ])('rejects %o, naming createPageHinkley and %s', (options, arg) => {
      expect(() => createPageHinkley(options as never)).toThrow(LockstepError);
      expect(() => createPageHinkley(options as never)).toThrow(
        `createPageHinkley: argument 'options.${arg}'`,
      );
    });

    it('rejects non-finite values', () => {
      expect(() => createPageHinkley().update(Number.POSITIVE_INFINITY)).toThrow(
        "pageHinkley.update: argument 'x' must be a finite number, got Infinity",
      );
    });
  });
});
