import { describe, expect, it } from 'vitest';
import { blueGreen } from '../../src/router/blue-green.js';
import type { RouterEvent } from '../../src/router/events.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

/** A model whose calls wait until released, recording which side answered. */
function gated(name: string) {
  const waiting: (() => void)[] = [];
  const model = () => new Promise<string>((resolve) => waiting.push(() => resolve(name)));
  return {
    model,
    release: () => {
      for (const r of waiting.splice(0)) r();
    },
    pending: () => waiting.length,
  };
}

describe('blueGreen', () => {
  it('switches atomically: requests after the switch go to green, in-flight ones finish on blue', async () => {
    const blue = gated('blue');
    const green = gated('green');
    const r = blueGreen({ blue: blue.model, green: green.model });
    const before = [r.route(1), r.route(2), r.route(3)];
    expect(r.stats().inFlight).toEqual({ blue: 3, green: 0 });
    r.switchTo('green');
    expect(r.assign('any')).toBe('green');
    const after = [r.route(4), r.route(5)];
    expect(blue.pending()).toBe(3);
    expect(green.pending()).toBe(2);
    green.release();
    blue.release();
    expect(await Promise.all(before)).toEqual(['blue', 'blue', 'blue']);
    expect(await Promise.all(after)).toEqual(['green', 'green']);
    expect(r.stats()).toEqual({
      active: 'green',
      requests: { blue: 3, green: 2 },
      inFlight: { blue: 0, green: 0 },
      errors: { blue: 0, green: 0 },
      switches: 1,
      observerErrors: 0,
    });
  });

  it('every request sees one side or the other, never a mix, under interleaved switches', async () => {
    const r = blueGreen({ blue: async () => 'blue', green: async () => 'green' });
    const expected: string[] = [];
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 200; i++) {
      if (i % 7 === 0) r.switchTo(i % 2 === 0 ? 'green' : 'blue');
      expected.push(r.active);
      calls.push(r.route(i));
    }
    expect(await Promise.all(calls)).toEqual(expected);
  });

  it('switchBack is the instant rollback to the previous side', async () => {
    const events: RouterEvent[] = [];
    const r = blueGreen({ blue: () => 1, green: () => 2, active: 'green', observe: (e) => events.push(e) });
    expect(await r.route(null)).toBe(2);
    r.switchTo('blue');
    expect(await r.route(null)).toBe(1);
    r.switchBack();
    expect(r.active).toBe('green');
    r.switchTo('green'); // already active: no switch
    expect(events.filter((e) => e.type === 'switch')).toEqual([
      { type: 'switch', router: 'blueGreen', from: 'green', to: 'blue' },
      { type: 'switch', router: 'blueGreen', from: 'blue', to: 'green' },
    ]);
    expect(r.stats().switches).toBe(2);
  });

  it('passes model errors on, counted by side, and finishes the in-flight count', async () => {
    const r = blueGreen({
      blue: () => {
        throw new Error('blue broke');
      },
      green: () => 1,
    });
    await expect(r.route(null, { key: 'k' })).rejects.toThrow('blue broke');
    expect(r.stats().errors.blue).toBe(1);
    expect(r.stats().inFlight.blue).toBe(0);
  });

  it('checks its arguments', async () => {
    catchLockstep(() => blueGreen({ blue: () => 1, green: () => 2, active: 'red' as never }), {
      arg: 'options.active',
    });
    catchLockstep(() => blueGreen({ blue: () => 1, gren: () => 2 } as never), {
      arg: 'options.gren',
      message: /did you mean "green"/,
    });
    catchLockstep(() => blueGreen({ blue: () => 1 } as never), { arg: 'options.green' });
    const r = blueGreen({ blue: () => 1, green: () => 2 });
    catchLockstep(() => r.switchTo('teal' as never), { fn: 'blueGreen.switchTo', arg: 'side' });
    expect(r.active).toBe('blue');
    await rejectsLockstep(() => r.route(1, 5 as never), { fn: 'blueGreen.route', arg: 'context' });
  });
});
