// Metric states follow the artifact rule (kind `lockstep.metric.<name>`, formatVersion 1, frozen), resume
// with `accuracy({ state })` and friends, and are checked when read: an edited or corrupted state is an
// INVALID_ARTIFACT with its JSON path, and `merge` refuses anything that is not a metric of its kind or
// its saved state, never with a TypeError.
import { describe, expect, it } from 'vitest';
import { accuracy, logLoss, mae } from '../../src/drift/index.js';
import { catchLockstep } from '../helpers/errors.js';

describe('metric states', () => {
  it('are frozen plain JSON with a lockstep. kind and a formatVersion, and resume as they were', () => {
    for (const [make, name, pairs] of [
      [
        accuracy,
        'accuracy',
        [
          ['a', 'a'],
          ['a', 'b'],
          ['b', 'b'],
        ],
      ],
      [
        mae,
        'mae',
        [
          [3, 1],
          [0, 1.5],
        ],
      ],
      [
        logLoss,
        'logLoss',
        [
          [true, 0.9],
          [false, 0.2],
        ],
      ],
    ] as const) {
      const m = (make as () => { update(y: unknown, p: unknown): void; state(): unknown; value(): number })();
      for (const [y, p] of pairs) m.update(y, p);
      const state = m.state() as { kind: string; formatVersion: number; n: number };
      expect(state).toMatchObject({ kind: `lockstep.metric.${name}`, formatVersion: 1, n: pairs.length });
      expect(Object.isFrozen(state)).toBe(true);
      const resumed = (make as (o: object) => typeof m)({ state: JSON.parse(JSON.stringify(state)) });
      expect(resumed.state()).toEqual(state);
      expect(resumed.value()).toBe(m.value());
    }
  });

  it('read states saved before they had formatVersion ({ kind: name, n, total })', () => {
    const m = accuracy({ state: { kind: 'accuracy', n: 4, total: 3 } });
    expect([m.n, m.value()]).toEqual([4, 0.75]);
    expect(m.state()).toEqual({ kind: 'lockstep.metric.accuracy', formatVersion: 1, n: 4, total: 3 });
    const other = accuracy();
    other.merge({ kind: 'accuracy', n: 2, total: 2 });
    expect(other.value()).toBe(1);
  });

  it('merge a metric or its saved state alike (a fleet merges the states its replicas send)', () => {
    const a = mae();
    const b = mae();
    a.update(1, 2);
    b.update(5, 1);
    const viaMetric = mae({ state: a.state() });
    viaMetric.merge(b);
    const viaState = mae({ state: a.state() });
    viaState.merge(JSON.parse(JSON.stringify(b.state())));
    expect(viaState.state()).toEqual(viaMetric.state());
    expect(viaState.value()).toBe(2.5);
  });

  it('refuse edited or corrupted states with the JSON path', () => {
    const good = { kind: 'lockstep.metric.accuracy', formatVersion: 1, n: 2, total: 1 };
    for (const [bad, path, message] of [
      [{ ...good, total: 3 }, '$.total', /must be an integer count in \[0, n\] \(2\), got 3/],
      [{ ...good, n: -1 }, '$.n', /must be a non-negative integer/],
      [{ ...good, kind: 'lockstep.metric.mae' }, '$.kind', /must be "lockstep.metric.accuracy"/],
      [{ ...good, formatVersion: 2 }, '$.formatVersion', /newer than this version of lockstep reads/],
      [{ ...good, extra: 1 }, '$.extra', /is not a field of a metric state/],
      [{ ...good, total: Number.NaN }, '$.total', /must be a finite number/],
      [null, '$', /must be a state from accuracy\(\)\.state\(\)/],
    ] as const) {
      catchLockstep(() => accuracy({ state: bad as never }), {
        code: 'INVALID_ARTIFACT',
        fn: 'accuracy',
        arg: 'options.state',
        path,
        message,
      });
    }
    catchLockstep(() => mae({ state: { kind: 'lockstep.metric.mae', formatVersion: 1, n: 1, total: -2 } }), {
      path: '$.total',
      message: /must be at least 0/,
    });
    catchLockstep(() => accuracy().merge({ ...good, total: 9 } as never), {
      code: 'INVALID_ARTIFACT',
      fn: 'accuracy.merge',
      arg: 'other',
      path: '$.total',
    });
  });

  it('merge() with no metric, null, NaN or another kind is an INVALID_ARGUMENT, not a TypeError', () => {
    for (const other of [undefined, null, Number.NaN, 'accuracy', [1]]) {
      catchLockstep(() => accuracy().merge(other as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'accuracy.merge',
        arg: 'other',
        message: /^accuracy\.merge: argument 'other' must be an accuracy metric or its saved state, got /,
      });
    }
    catchLockstep(() => accuracy().merge(mae() as never), {
      fn: 'accuracy.merge',
      message: `accuracy.merge: argument 'other' must be an accuracy metric, got "mae"`,
    });
  });

  it('mae takes finite numbers only, and refuses an error that would overflow its total', () => {
    const m = mae();
    catchLockstep(() => m.update(Number.NaN, 1), { fn: 'mae.update', arg: 'yTrue' });
    catchLockstep(() => m.update(1, Number.POSITIVE_INFINITY), { fn: 'mae.update', arg: 'yPred' });
    m.update(1e308, -1e308 / 2);
    const before = m.state();
    catchLockstep(() => m.update(1e308, -1e308), { fn: 'mae.update', message: /must not overflow/ });
    expect(m.state()).toEqual(before);
    expect(mae({ state: JSON.parse(JSON.stringify(before)) }).state()).toEqual(before);
  });
});
