// The behaviour every detector shares: a saved state resumes decision for decision, reset() is a fresh
// start, signals are shared frozen objects. Each detector's test file runs these on its own streams.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { DriftDetector } from '../../../src/drift/detectors/index.js';
import { run } from './streams.js';

export interface ContractCase<S> {
  /** A detector with the parameters under test. */
  create(): DriftDetector<S>;
  /** The same detector resumed from a saved state. */
  resume(state: S): DriftDetector<S>;
  /** A stream with at least one drift (and warnings, for detectors that warn). */
  stream: readonly number[];
  /** A different stream, fed after reset(). */
  other: readonly number[];
}

const pairs = (d: DriftDetector<unknown>, values: readonly number[]) =>
  run(d, values).signals.map((s) => [s.drift, s.warning]);

export function contract<S>(c: ContractCase<S>): void {
  it('the stream used has drifts to carry across a save', () => {
    expect(run(c.create(), c.stream).drifts.length).toBeGreaterThan(0);
  });

  it('resumes from a JSON round trip of its state, anywhere in the stream, decision for decision (property)', () => {
    const whole = c.create();
    const expected = pairs(whole, c.stream);
    const finalState = whole.state();
    // Cut points: random ones, and right after each drift (when the detector owes a fresh start).
    const afterDrift = run(c.create(), c.stream).drifts.map((i) => i + 1);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: c.stream.length }), fc.constantFrom(...afterDrift)),
        (cut) => {
          const first = c.create();
          const head = pairs(first, c.stream.slice(0, cut));
          const saved = JSON.parse(JSON.stringify(first.state())) as S;
          const resumed = c.resume(saved);
          expect(resumed.drift).toBe(first.drift);
          expect(resumed.nDetections).toBe(first.nDetections);
          const tail = pairs(resumed, c.stream.slice(cut));
          expect([...head, ...tail]).toEqual(expected);
          expect(resumed.state()).toEqual(finalState);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reset() forgets everything: afterwards it decides as a fresh detector does', () => {
    const used = c.create();
    run(used, c.stream);
    expect(used.nDetections).toBeGreaterThan(0);
    used.reset();
    expect([used.drift, used.warning, used.n, used.nDetections]).toEqual([false, false, 0, 0]);
    const fresh = c.create();
    expect(used.state()).toEqual(fresh.state());
    expect(pairs(used, c.other)).toEqual(pairs(fresh, c.other));
    expect(used.state()).toEqual(fresh.state());
  });

  it('returns shared frozen signals, never a new object per update', () => {
    const d = c.create();
    const { signals } = run(d, c.stream);
    const distinct = new Set(signals);
    expect(distinct.size).toBeLessThanOrEqual(3);
    for (const s of distinct) expect(Object.isFrozen(s)).toBe(true);
    const drift = signals.find((s) => s.drift)!;
    expect(drift).toEqual({ drift: true, warning: false });
    expect(d.drift).toBe(signals[signals.length - 1]!.drift);
  });

  it('starts afresh on the update after a drift (as River does)', () => {
    const d = c.create();
    const { drifts } = run(d, c.stream.slice(0, run(c.create(), c.stream).drifts[0]! + 1));
    expect(d.drift).toBe(true);
    const before = d.nDetections;
    d.update(c.stream[drifts[0]! + 1]!);
    expect(d.n).toBe(1);
    expect(d.nDetections).toBe(before);
  });
}
