import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignSplit, hashUnit, LockstepError, sampleByKey } from '../../src/split/index.js';
import { catchLockstep } from '../helpers/errors.js';

describe('assignSplit', () => {
  it('hits the weights within 0.2 points on 1M keys', () => {
    const splits = { train: 0.8, eval: 0.1, test: 0.1 };
    const counts: Record<string, number> = { train: 0, eval: 0, test: 0 };
    const n = 1_000_000;
    for (let i = 0; i < n; i++) counts[assignSplit(`user-${i}`, splits, { salt: 'proportions' })]!++;
    for (const [name, w] of Object.entries(splits))
      expect(Math.abs(counts[name]! / n - w)).toBeLessThan(0.002);
  });

  it('gives independent assignments for different salts', () => {
    const splits = { a: 0.5, b: 0.5 };
    let same = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++)
      if (assignSplit(i, splits, { salt: 's1' }) === assignSplit(i, splits, { salt: 's2' })) same++;
    expect(Math.abs(same / n - 0.5)).toBeLessThan(0.02);
  });

  it('moves keys only from the next split when one weight is raised (ramp monotonicity)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 6 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, pick, share) => {
          const total = raw.reduce((s, x) => s + x, 0);
          fc.pre(total > 0);
          const w = raw.map((x) => x / total);
          const i = pick % (w.length - 1);
          const d = w[i + 1]! * share;
          const before = Object.fromEntries(w.map((x, j) => [`s${j}`, x]));
          const after = { ...before, [`s${i}`]: w[i]! + d, [`s${i + 1}`]: w[i + 1]! - d };
          for (let k = 0; k < 500; k++) {
            const a = assignSplit(`key-${k}`, before, { salt: 'ramp' });
            const b = assignSplit(`key-${k}`, after, { salt: 'ramp' });
            if (a !== b) {
              expect(a).toBe(`s${i + 1}`);
              expect(b).toBe(`s${i}`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never assigns a split of weight 0, and a weight of 1 takes every key', () => {
    for (let k = 0; k < 1000; k++) {
      expect(assignSplit(k, { a: 0, b: 1, c: 0 })).toBe('b');
      expect(assignSplit(k, { a: 0.5, b: 0, c: 0.5 })).not.toBe('b');
    }
  });

  it('accepts weights that sum to 1 within 1e-9', () => {
    expect(['a', 'b', 'c']).toContain(assignSplit('k', { a: 0.1, b: 0.2, c: 0.7 - 5e-10 }));
  });

  it.each([
    [
      'a sum below 1',
      { a: 0.5, b: 0.4 },
      /must have weights summing to 1 \(within 1e-9\), got \{"a":0.5,"b":0.4\} summing to 0.9/,
    ],
    ['a sum above 1', { a: 0.8, b: 0.3 }, /summing to 1/],
    ['NaN', { a: Number.NaN, b: 1 }, /argument 'splits.a' must be a finite number >= 0, got NaN/],
    ['a negative weight', { a: -0.5, b: 1.5 }, /argument 'splits.a' must be a finite number >= 0/],
    ['Infinity', { a: Number.POSITIVE_INFINITY }, /splits.a/],
    ['a string weight', { a: '1' }, /splits.a/],
    ['no splits', {}, /must name at least one split/],
    ['an array', [1], /must be an object of split names/],
    ['null', null, /must be an object of split names/],
    ['integer-like names', { '10': 0.5, '2': 0.5 }, /must not use integer-like split names .*got "2"/],
  ])('rejects %s', (_, splits, message) => {
    expect(() => assignSplit('k', splits as never)).toThrow(LockstepError);
    expect(() => assignSplit('k', splits as never)).toThrow(message);
  });

  it('rejects keys that are not strings or numbers', () => {
    expect(() => assignSplit({} as never, { a: 1 })).toThrow(/assignSplit: argument 'key'/);
    expect(() => assignSplit(Number.NaN, { a: 1 })).toThrow(
      /assignSplit: argument 'key' must be a finite number/,
    );
  });
});

describe('sampleByKey', () => {
  it('samples about rate of keys, the same keys every time', () => {
    let hits = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) if (sampleByKey(`s-${i}`, 0.05, { salt: 'log' })) hits++;
    expect(Math.abs(hits / n - 0.05)).toBeLessThan(0.002);
    const again = Array.from({ length: 1000 }, (_, i) => sampleByKey(`s-${i}`, 0.05, { salt: 'log' }));
    expect(again).toEqual(
      Array.from({ length: 1000 }, (_, i) => sampleByKey(`s-${i}`, 0.05, { salt: 'log' })),
    );
  });

  it('keeps every key sampled at a lower rate when the rate rises', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (key, r1, r2) => {
          const [lo, hi] = r1 < r2 ? [r1, r2] : [r2, r1];
          if (sampleByKey(key, lo)) expect(sampleByKey(key, hi)).toBe(true);
        },
      ),
    );
  });

  it('samples nothing at 0 and everything at 1', () => {
    for (let i = 0; i < 500; i++) {
      expect(sampleByKey(i, 0)).toBe(false);
      expect(sampleByKey(i, 1)).toBe(true);
    }
  });

  it('rejects a rate outside [0, 1]', () => {
    for (const rate of [-0.1, 1.1, Number.NaN, '0.5']) {
      expect(() => sampleByKey('k', rate as never)).toThrow(
        /sampleByKey: argument 'rate' must be a number in \[0, 1\]/,
      );
    }
  });
});

describe('options of assignSplit, sampleByKey and hashUnit', () => {
  const splits = { train: 0.8, test: 0.2 };

  it('refuse a salt passed as a string where the options belong', () => {
    catchLockstep(() => assignSplit('user-42', splits, 'churn-v1' as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'assignSplit',
      arg: 'options',
      message: `assignSplit: argument 'options' must be an object, got "churn-v1"`,
    });
    catchLockstep(() => sampleByKey('k', 0.5, 'log' as never), { fn: 'sampleByKey', arg: 'options' });
    catchLockstep(() => hashUnit('k', 'v1' as never), { fn: 'hashUnit', arg: 'options' });
    for (const options of [null, 5, Number.NaN, ['v1'], true]) {
      catchLockstep(() => assignSplit('k', splits, options as never), {
        code: 'INVALID_ARGUMENT',
        arg: 'options',
      });
    }
  });

  it('refuse an unknown key, naming the closest known one', () => {
    catchLockstep(() => assignSplit('k', splits, { slat: 'v1' } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'assignSplit',
      arg: 'options.slat',
      message: /unknown key "slat" \(did you mean "salt"\?\)/,
    });
    catchLockstep(() => hashUnit('k', { salt: 'v1', seed: 3 } as never), { arg: 'options.seed' });
    catchLockstep(() => sampleByKey('k', 1, { Salt: 'x' } as never), { message: /did you mean "salt"/ });
  });

  it('read a salt from any object holding it the same way (the fast path agrees with readOptions)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, salt) => {
        const plain = hashUnit(key, { salt });
        const bare = Object.assign(Object.create(null), { salt });
        const getter = {
          get salt() {
            return salt;
          },
        };
        expect(hashUnit(key, bare)).toBe(plain);
        expect(hashUnit(key, getter)).toBe(plain);
        expect(hashUnit(key, {})).toBe(hashUnit(key));
        expect(hashUnit(key, { salt: undefined })).toBe(hashUnit(key));
        expect(assignSplit(key, splits, bare)).toBe(assignSplit(key, splits, { salt }));
      }),
      { numRuns: 200 },
    );
    // A salt inherited from a prototype is not an own option: it is not read.
    const inherited = Object.create({ salt: 'v1' });
    expect(hashUnit('k', inherited)).toBe(hashUnit('k'));
  });

  it('refuse a salt that is not a string or is longer than 65,536 characters, and a throwing getter', () => {
    catchLockstep(() => hashUnit('k', { salt: 'x'.repeat(65_537) }), { arg: 'options.salt' });
    expect(hashUnit('k', { salt: 'x'.repeat(65_536) })).toBeTypeOf('number');
    catchLockstep(
      () =>
        assignSplit('k', splits, {
          get salt(): string {
            throw new Error('no');
          },
        }),
      { code: 'INVALID_ARGUMENT', arg: 'options.salt' },
    );
  });
});
