// examples/online-training on flights-20k in date order (CPU backend, seed 2001): the clean run (the dynamic
// model matches or beats the static one in the later weeks; checkpoints and promotions happen), a window of
// flipped training labels (refused promotions and a rollback; every promoted checkpoint within the trainer's
// tolerance of the champion on the holdout), and a feature source stuck on one value (a pause naming the
// feature, and training resumes after). The thresholds are the observed numbers with a margin.
import { renderReport } from 'lockstep/report';
import { describe, expect, it } from 'vitest';
import { runOnlineTraining } from '../../examples/online-training/run.js';

const SEED = 2001;
const POISON_AT = 5000;

describe('examples/online-training', () => {
  it('clean: the dynamic model matches or beats the static one in the later weeks', {
    timeout: 120_000,
  }, async () => {
    const r = await runOnlineTraining({ seed: SEED });
    expect(r.weekly.map((w) => w.week)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.weekly.reduce((a, w) => a + w.n, 0)).toBe(r.counts.seen);
    const later = r.weekly.filter((w) => w.week >= 9);
    // Observed: 0.0027, 0.0093, 0.0100, 0.0180 better.
    for (const w of later) expect(w.dynamic).toBeLessThanOrEqual(w.static + 0.002);
    const gain = later.reduce((a, w) => a + (w.static - w.dynamic), 0) / later.length;
    expect(gain).toBeGreaterThan(0.004);
    // Observed: 13 checkpoints, 12 promoted.
    const cps = r.events.filter((e) => e.type === 'checkpoint');
    expect(cps.length).toBeGreaterThanOrEqual(10);
    expect(r.checkpoints.filter((c) => c.promoted).length).toBeGreaterThanOrEqual(8);
    for (const c of r.checkpoints.filter((c) => c.promoted))
      expect(c.candidate!.logLoss).toBeLessThanOrEqual(c.baseline!.logLoss + r.tolerance);
    expect(r.counts.quarantined).toBe(0);
    // The paired rule does not roll a clean stream back (the first rule, against the champion's log loss
    // at its promotion, did 6 to 11 times).
    expect(r.counts.rollbacks).toBe(0);
    // Events are placed on the stream, in order.
    for (let i = 1; i < r.events.length; i++)
      expect(r.events[i]!.index).toBeGreaterThanOrEqual(r.events[i - 1]!.index);
    // The timeline renders: both lines, every promotion marked.
    const marks = r.timeline.marks;
    expect(marks.filter((m) => m.type === 'promotion').length).toBe(r.counts.promotions);
    const html = renderReport(r.timeline);
    expect(html).toContain('role="img"');
    expect(html).toContain('<th scope="col">static</th><th scope="col">dynamic</th>');
  });

  it('flipped labels: promotions refused and a rollback; promoted checkpoints stay within tolerance', {
    timeout: 120_000,
  }, async () => {
    const r = await runOnlineTraining({ seed: SEED, weeks: 5, poison: 'flip' });
    const window = (i: number) => i >= POISON_AT && i < POISON_AT + 1500 + 1500;
    // Observed: one rollback, at 6788 (on 218 paired holdout examples, log loss 0.645 against the
    // champion's 0.541; the difference's 95 % confidence sequence [0.021, 0.186] above the tolerance 0.02).
    const rollbacks = r.events.filter((e) => e.type === 'rollback' && window(e.index));
    expect(rollbacks.length).toBeGreaterThanOrEqual(1);
    // Observed: the checkpoint at 5703 (holdout log loss 0.588 vs 0.512) refused.
    const refused = r.checkpoints.filter((c) => window(c.position) && c.gate !== null && !c.promoted);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.candidate!.logLoss).toBeGreaterThan(refused[0]!.baseline!.logLoss + r.tolerance);
    for (const c of r.checkpoints.filter((c) => c.promoted)) {
      expect(c.gate!.passed).toBe(true);
      expect(c.candidate!.logLoss).toBeLessThanOrEqual(c.baseline!.logLoss + r.tolerance);
    }
    expect(r.timeline.marks.some((m) => m.type === 'rollback')).toBe(true);
  });

  it('a feature stuck on one value: training pauses naming it, and resumes after', {
    timeout: 120_000,
  }, async () => {
    const r = await runOnlineTraining({ seed: SEED, weeks: 5, poison: 'broken-feature' });
    const pause = r.events.find((e) => e.type === 'pause');
    expect(pause?.event).toMatchObject({ reasons: [{ code: 'FEATURE_CONSTANT', feature: 'distance' }] });
    // 200 (features.window) valid examples into the window; observed at 5200.
    expect(pause!.index).toBeGreaterThanOrEqual(POISON_AT + 190);
    expect(pause!.index).toBeLessThanOrEqual(POISON_AT + 210);
    const unpause = r.events.find((e) => e.type === 'unpause' && e.index > pause!.index);
    // The first varying distance after the window clears it; observed at 5601.
    expect(unpause!.index).toBeGreaterThanOrEqual(POISON_AT + 600);
    expect(unpause!.index).toBeLessThanOrEqual(POISON_AT + 610);
    expect(r.counts.notTrained).toBeGreaterThan(300);
    expect(r.counts.quarantined).toBe(0);
    expect(r.timeline.marks.filter((m) => m.type === 'pause').map((m) => m.label)).toEqual(
      expect.arrayContaining(['pause: FEATURE_CONSTANT distance', 'training resumed']),
    );
  });
});
