// The rollout state machine on an injected clock and a memory store: every step kind, every phase, the
// analysis failing, passing and running out, manual changes, hooks that run once, replicas sharing one
// state, observations never lost, and the state artifact.
import { describe, expect, it, vi } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { createRollout, type RolloutOptions } from '../../src/router/rollout.js';
import { analyze, parseRollout, pause, setWeight } from '../../src/router/rollout-state.js';
import { createMemoryRolloutStore, type RolloutStore } from '../../src/router/rollout-store.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');

function clock() {
  let t = T0;
  return { now: () => t, tick: (ms: number) => void (t += ms) };
}

/** Records `count` requests on each arm with Bernoulli errors at the given rates. */
function traffic(
  rollout: ReturnType<typeof createRollout>,
  count: number,
  rates: { baseline: number; candidate: number },
  seed: string,
) {
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    rollout.record('baseline', { error: rng.next() < rates.baseline ? 1 : 0 });
    rollout.record('candidate', { error: rng.next() < rates.candidate ? 1 : 0 });
  }
}

const errorAnalysis = (margin = 0) => ({ metrics: { error: { direction: 'lower' as const, margin } } });

function make(overrides: Partial<RolloutOptions> = {}, store: RolloutStore = createMemoryRolloutStore()) {
  const c = clock();
  const rollout = createRollout({
    name: 'flights',
    steps: [setWeight(0.1), pause({ requests: 1000 }), setWeight(0.5), analyze({ maxRequests: 40_000 })],
    analysis: errorAnalysis(0.01),
    store,
    now: c.now,
    ...overrides,
  });
  return { rollout, store, ...c };
}

describe('createRollout', () => {
  it('sets weights at once, waits for requests, and succeeds when the analysis shows the candidate not worse', async () => {
    const weights: number[] = [];
    const onSucceeded = vi.fn();
    const { rollout } = make({ router: { setWeight: (w) => weights.push(w) }, onSucceeded });
    const started = await rollout.start();
    expect(started).toMatchObject({ kind: 'lockstep.rollout', phase: 'progressing', step: 1, weight: 0.1 });
    traffic(rollout, 400, { baseline: 0.01, candidate: 0.01 }, 'a'); // 800 requests: not yet 1000
    expect((await rollout.sync()).step).toBe(1);
    traffic(rollout, 100, { baseline: 0.01, candidate: 0.01 }, 'b');
    const s = await rollout.sync();
    // The pause ended, the weight went to 0.5 and the analysis step waits for evidence.
    expect(s).toMatchObject({ phase: 'progressing', step: 3, weight: 0.5, stepStartRequests: 1000 });
    let done = s;
    for (let round = 0; round < 40 && done.phase === 'progressing'; round++) {
      traffic(rollout, 500, { baseline: 0.02, candidate: 0.02 }, `c${round}`);
      done = await rollout.sync();
    }
    expect(done.phase).toBe('succeeded');
    expect(done.weight).toBe(1);
    expect(done.comparisons.error).toMatchObject({ verdict: 'inconclusive' });
    expect(done.comparisons.error!.high!).toBeLessThan(0.01);
    expect(onSucceeded).toHaveBeenCalledTimes(1);
    expect(weights.at(-1)).toBe(1);
    expect(done.events.map((e) => e.type)).toEqual([
      'started',
      'weight',
      'stepDone',
      'weight',
      'stepDone',
      'succeeded',
    ]);
    expect(Object.isFrozen(done)).toBe(true);
    // The state is an artifact: it parses back, and an edited one is refused.
    expect(parseRollout(JSON.stringify(done))).toEqual(done);
    catchLockstep(() => parseRollout({ ...JSON.parse(JSON.stringify(done)), weight: 0.5 }), {
      code: 'INVALID_ARTIFACT',
      path: '$.fingerprint',
    });
    // A finished rollout stays finished.
    traffic(rollout, 100, { baseline: 0, candidate: 1 }, 'late');
    expect((await rollout.sync()).revision).toBe(done.revision);
  });

  it('rolls back at once (weight 0) when the candidate is shown worse, during a pause too, and says why', async () => {
    const onFailed = vi.fn();
    const { rollout } = make({
      steps: [setWeight(0.2), pause({ durationMs: 3_600_000 }), setWeight(1)],
      onFailed,
    });
    await rollout.start();
    let s = await rollout.sync();
    for (let round = 0; round < 40 && s.phase === 'progressing'; round++) {
      traffic(rollout, 250, { baseline: 0.01, candidate: 0.06 }, `w${round}`);
      s = await rollout.sync();
    }
    expect(s.phase).toBe('failed');
    expect(s.weight).toBe(0);
    expect(s.step).toBe(1);
    expect(s.reason).toMatch(
      /^error is worse: candidate − baseline = 0\.0\d+, interval \[0\.0\d+, 0\.\d+\], beyond the margin 0\.01/,
    );
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed.mock.calls[0]![0]).toBe(s);
    expect(rollout.weight).toBe(0);
  });

  it('judges only the current weight’s epoch, so a metric drifting while the weight changes is no evidence', async () => {
    // Both arms alike, but the error rate rises from 1 % to 5 % just as the candidate's share goes from 10 %
    // to 90 %: pooled, the candidate (mostly in the later, worse period) would look far worse.
    const { rollout } = make({
      steps: [setWeight(0.1), pause({ requests: 20_000 }), setWeight(0.9), pause({ requests: 20_000 })],
      analysis: errorAnalysis(0.005),
    });
    await rollout.start();
    const rng = createRng('drift');
    let s = await rollout.sync();
    for (let i = 0; i < 40_000 && s.phase === 'progressing'; i++) {
      const arm = rng.next() < rollout.weight ? 'candidate' : 'baseline';
      rollout.record(arm, { error: rng.next() < (s.window === 1 ? 0.01 : 0.05) ? 1 : 0 });
      if (i % 500 === 499) s = await rollout.sync();
    }
    s = await rollout.sync();
    expect(s).toMatchObject({ phase: 'succeeded', window: 2 });
    const pooled = await rollout.observations();
    const { compareArms } = await import('../../src/router/sequential.js');
    const naive = compareArms(pooled.metrics.error!.baseline, pooled.metrics.error!.candidate, {
      direction: 'lower',
      margin: 0.005,
    });
    expect(naive.verdict).toBe('worse');
    expect((await rollout.observations(1)).requests.baseline).toBeGreaterThan(15_000);
  });

  it('waits for time, and for resume() on an open pause', async () => {
    const { rollout, tick } = make({
      steps: [setWeight(0.05), pause({ durationMs: 60_000 }), setWeight(0.25), pause(), setWeight(0.5)],
      analysis: errorAnalysis(),
    });
    await rollout.start();
    tick(59_999);
    expect((await rollout.sync()).weight).toBe(0.05);
    tick(1);
    const held = await rollout.sync();
    expect(held).toMatchObject({
      phase: 'paused',
      weight: 0.25,
      step: 3,
      reason: 'step 4 waits for resume()',
    });
    tick(10_000_000);
    expect((await rollout.sync()).phase).toBe('paused');
    const resumed = await rollout.resume({ actor: 'ana', reason: 'dashboards look fine' });
    expect(resumed).toMatchObject({ phase: 'succeeded', weight: 1 });
    expect(resumed.events.find((e) => e.type === 'resumed')).toMatchObject({
      actor: 'ana',
      reason: 'dashboards look fine',
    });
  });

  it('is inconclusive when the analysis runs out, and a person can skip the step or abort', async () => {
    const { rollout } = make({
      steps: [setWeight(0.5), analyze({ maxRequests: 2000 }), setWeight(0.75)],
      analysis: errorAnalysis(0), // margin 0: only a candidate shown better passes
    });
    await rollout.start();
    traffic(rollout, 1000, { baseline: 0.05, candidate: 0.05 }, 'aa');
    const s = await rollout.sync();
    expect(s.phase).toBe('inconclusive');
    expect(s.weight).toBe(0.5);
    expect(s.reason).toMatch(/^step 2: no verdict after 2000 requests and 0 ms \(error \[/);
    const skipped = await rollout.skip({ actor: 'ana' });
    expect(skipped).toMatchObject({ phase: 'succeeded', weight: 1 });
    expect(skipped.events.map((e) => e.type)).toEqual([
      'started',
      'weight',
      'inconclusive',
      'skipped',
      'weight',
      'succeeded',
    ]);

    const other = make({ steps: [setWeight(0.5), pause()], analysis: errorAnalysis() }).rollout;
    await other.start();
    const aborted = await other.abort({ reason: 'latency alarm', actor: 'oncall' });
    expect(aborted).toMatchObject({ phase: 'failed', weight: 0, reason: 'aborted: latency alarm' });
    expect((await other.resume()).phase).toBe('failed');
  });

  it('pauses by hand and resumes where it was', async () => {
    const { rollout } = make({
      steps: [setWeight(0.1), pause({ requests: 10 }), setWeight(0.3)],
      analysis: errorAnalysis(),
    });
    await rollout.start();
    expect((await rollout.pause({ reason: 'holiday traffic' })).phase).toBe('paused');
    traffic(rollout, 10, { baseline: 0, candidate: 0 }, 'p');
    expect((await rollout.sync()).weight).toBe(0.1);
    expect(await rollout.resume()).toMatchObject({ phase: 'succeeded', weight: 1 });
  });

  it('replicas share one state: a step is taken once and a hook runs once', async () => {
    const store = createMemoryRolloutStore();
    const c = clock();
    const onSucceeded = vi.fn();
    const replicas = ['a', 'b', 'c'].map((replica) =>
      createRollout({
        name: 'shared',
        steps: [setWeight(0.1), pause({ requests: 300 }), setWeight(0.5), pause({ requests: 300 })],
        analysis: errorAnalysis(),
        store,
        replica,
        now: c.now,
        onSucceeded,
      }),
    );
    await Promise.all(replicas.map((r) => r.start()));
    for (let round = 0; round < 6; round++) {
      for (const [i, r] of replicas.entries()) traffic(r, 20, { baseline: 0, candidate: 0 }, `${round}${i}`);
      await Promise.all(replicas.map((r) => r.sync()));
    }
    const states = await Promise.all(replicas.map((r) => r.sync()));
    expect(new Set(states.map((s) => s.revision)).size).toBe(1);
    expect(states[0]).toMatchObject({ phase: 'succeeded', weight: 1 });
    expect(states[0]!.events.map((e) => e.type)).toEqual([
      'started',
      'weight',
      'stepDone',
      'weight',
      'stepDone',
      'succeeded',
    ]);
    expect(onSucceeded).toHaveBeenCalledTimes(1);
    expect((await replicas[0]!.observations()).requests).toEqual({ baseline: 360, candidate: 360 });
    // A replica with another definition may not join.
    const stranger = createRollout({ name: 'shared', steps: [setWeight(1)], store, now: c.now });
    await rejectsLockstep(() => stranger.start(), { code: 'CONFLICT', fn: 'createRollout' });
  });

  it('keeps observations when the store fails to record them, and sends them with the next sync', async () => {
    const inner = createMemoryRolloutStore();
    let failNext = false;
    const store: RolloutStore = {
      ...inner,
      load: inner.load,
      save: inner.save,
      observations: inner.observations,
      record: async (...args: Parameters<RolloutStore['record']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        return inner.record(...args);
      },
    };
    const { rollout } = make({ steps: [setWeight(0.1), pause()], analysis: errorAnalysis() }, store);
    await rollout.start();
    traffic(rollout, 5, { baseline: 1, candidate: 0 }, 'x');
    failNext = true;
    await expect(rollout.sync()).rejects.toThrow('connection reset');
    traffic(rollout, 2, { baseline: 1, candidate: 0 }, 'y');
    await rollout.sync();
    const o = await rollout.observations();
    expect(o.requests).toEqual({ baseline: 7, candidate: 7 });
    expect(o.metrics.error).toEqual({
      baseline: { n: 7, mean: 1, m2: 0 },
      candidate: { n: 7, mean: 0, m2: 0 },
    });
  });

  it('records a hook that throws in the state, and the phase stands', async () => {
    const { rollout } = make({
      steps: [setWeight(0.5)],
      analysis: errorAnalysis(),
      onSucceeded: () => {
        throw new Error('registry unreachable');
      },
    });
    const s = await rollout.start();
    expect(s.phase).toBe('succeeded');
    expect(s.events.at(-1)).toMatchObject({
      type: 'hookFailed',
      reason: 'succeeded hook threw: registry unreachable',
    });
  });

  it('checks its arguments', async () => {
    const store = createMemoryRolloutStore();
    catchLockstep(() => createRollout({ name: 'x', steps: [], store, analysis: { metric: {} } } as never), {
      arg: 'options.analysis.metric',
      message: /did you mean "metrics"/,
    });
    catchLockstep(() => createRollout({ name: 'x', steps: [analyze()], store }), {
      arg: 'options.analysis.metrics',
    });
    catchLockstep(() => createRollout({ name: 'x', steps: [{ setWeight: 2 }], store }), {
      arg: 'options.steps[0].setWeight',
    });
    catchLockstep(() => createRollout({ name: 'x', steps: [{ pause: {}, setWeight: 1 }] as never, store }), {
      arg: 'options.steps[0]',
    });
    catchLockstep(() => createRollout({ name: 'x', steps: [], store: {} as never }), {
      arg: 'options.store',
    });
    catchLockstep(() => pause({ request: 5 } as never), { message: /did you mean "requests"/ });
    catchLockstep(() => setWeight(-0.1), { fn: 'setWeight', arg: 'weight' });
    const { rollout } = make();
    catchLockstep(() => rollout.record('canary' as never, { error: 0 }), { arg: 'arm' });
    catchLockstep(() => rollout.record('baseline', { errors: 0 }), { arg: 'values', message: /"errors"/ });
    catchLockstep(() => rollout.record('baseline', { error: Number.NaN }), { arg: 'values.error' });
    await rejectsLockstep(() => rollout.sync(), { code: 'NOT_FOUND' });
  });
});
