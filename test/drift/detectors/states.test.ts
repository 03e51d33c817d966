// Saved detector states follow the artifact rule (kind `lockstep.drift.<name>`, formatVersion 1, frozen
// plain JSON) and are checked when read: parameters out of range, numbers beyond what the stream could
// have produced and a corrupted generator are INVALID_ARTIFACTs naming options.state and the JSON path.
import { describe, expect, it } from 'vitest';
import {
  createAdwin,
  createDdm,
  createEddm,
  createHddmA,
  createKswin,
  createPageHinkley,
} from '../../../src/drift/index.js';
import { catchLockstep } from '../../helpers/errors.js';

const makers = [
  ['createAdwin', createAdwin, 'adwin', [0, 1, 2, 3, -0, 5]],
  ['createDdm', createDdm, 'ddm', [0, 1, 0, 0, 1]],
  ['createEddm', createEddm, 'eddm', [0, 1, 0, 0, 1]],
  ['createHddmA', createHddmA, 'hddm-a', [0, 1, 0.5, 0]],
  ['createPageHinkley', createPageHinkley, 'page-hinkley', [0, 1, -0, 3]],
  ['createKswin', createKswin, 'kswin', [0, 1, -0, 3]],
] as const;

describe('saved detector states', () => {
  it.each(makers)(
    '%s: kind lockstep.drift.%s, formatVersion 1, frozen, -0 written as 0',
    (_fn, make, kind, values) => {
      const d = (make as () => { update(x: number): unknown; state(): object })();
      for (const x of values) d.update(x);
      const state = d.state() as { kind: string; formatVersion: number };
      expect(state.kind).toBe(`lockstep.drift.${kind}`);
      expect(state.formatVersion).toBe(1);
      expect(Object.isFrozen(state)).toBe(true);
      // JSON writes -0 as 0: the state says so itself, so it reads back equal.
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    },
  );

  it("parameters out of range in a state are the state's fault: INVALID_ARTIFACT at $.params.<key>", () => {
    const state = createAdwin().state();
    catchLockstep(() => createAdwin({ state: { ...state, params: { ...state.params, delta: 2 } } }), {
      code: 'INVALID_ARTIFACT',
      fn: 'createAdwin',
      arg: 'options.state',
      path: '$.params.delta',
      message:
        "createAdwin: argument 'options.state' is not a valid ADWIN state: $.params.delta: must be a number in (0, 1), got 2",
    });
    const ph = createPageHinkley().state();
    catchLockstep(() => createPageHinkley({ state: { ...ph, params: { ...ph.params, delta: 1e200 } } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.params.delta',
    });
    const k = createKswin().state();
    catchLockstep(() => createKswin({ state: { ...k, params: { ...k.params, windowSize: 2 ** 40 } } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.params.windowSize',
    });
  });

  it('numbers a stream of values up to 1e100 cannot reach are refused, so a resumed detector never overflows', () => {
    const a = createAdwin();
    a.update(1);
    const s = a.state();
    catchLockstep(() => createAdwin({ state: { ...s, total: 1e308 } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.total',
    });
    catchLockstep(() => createAdwin({ state: { ...s, buckets: [{ totals: [1], variances: [1e300] }] } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.buckets[0].variances[0]',
    });
    catchLockstep(
      () => createAdwin({ state: { ...s, buckets: [...s.buckets, { totals: [], variances: [] }] } }),
      {
        code: 'INVALID_ARTIFACT',
        path: '$.buckets[1]',
      },
    );
    const ph = createPageHinkley();
    ph.update(1);
    catchLockstep(() => createPageHinkley({ state: { ...ph.state(), mean: 1e308 } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.mean',
    });
    const e = createEddm();
    e.update(1);
    catchLockstep(() => createEddm({ state: { ...e.state(), distanceMean: 1e308 } }), {
      code: 'INVALID_ARTIFACT',
      path: '$.distanceMean',
    });
  });

  it("a KSWIN state's corrupted generator is reported at $.rng", () => {
    const state = createKswin({ seed: 3 }).state();
    catchLockstep(() => createKswin({ state: { ...state, rng: { ...state.rng, c: 0.5 } } }), {
      code: 'INVALID_ARTIFACT',
      fn: 'createKswin',
      arg: 'options.state',
      path: '$.rng.c',
      message: /is not a valid KSWIN state: \$\.rng\.c: must be an integer in \[0, 2091639\), got 0\.5/,
    });
  });

  it('an ADWIN fed values up to 1e100 saves a state it resumes from, decision for decision', () => {
    const stream = Array.from({ length: 3000 }, (_, i) => (i < 1500 ? 1e100 : -1e100) * ((i % 7) / 7));
    const whole = createAdwin();
    const first = createAdwin();
    const drifts: boolean[] = stream.map((x) => whole.update(x).drift);
    const head = stream.slice(0, 1700).map((x) => first.update(x).drift);
    const resumed = createAdwin({ state: JSON.parse(JSON.stringify(first.state())) });
    const tail = stream.slice(1700).map((x) => resumed.update(x).drift);
    expect([...head, ...tail]).toEqual(drifts);
    expect(drifts.some(Boolean)).toBe(true);
    expect(resumed.state()).toEqual(whole.state());
  });
});
