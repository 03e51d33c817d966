import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createRng, MAX_RNG_ITEMS } from '../../src/core/rng.js';
import golden from '../fixtures/rng-golden.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';
import { throwingProxy } from '../helpers/hostile.js';

describe('createRng', () => {
  it.each(golden)('draws the seedrandom Alea sequence for seed $seed', ({ seed, next }) => {
    const rng = createRng(seed);
    expect(Array.from({ length: next.length }, () => rng.next())).toEqual(next);
  });

  it('draws exactly what seedrandom.alea draws, for any seed (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        (seed) => {
          const ours = createRng(seed);
          const oracle = seedrandom.alea(String(seed));
          for (let i = 0; i < 20; i++) expect(ours.next()).toBe(oracle.double());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pins shuffle, sample, int and bootstrap for a seed (a replay must not change across versions)', () => {
    const rng = createRng('pin');
    const a = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = rng.sample(['a', 'b', 'c', 'd', 'e'], 3);
    const c = [rng.int(100), rng.int(5, 10)];
    const d = rng.bootstrap([1, 2, 3]);
    // Recompute with the documented rules straight from next(), from the same seed.
    const ref = createRng('pin');
    const below = (n: number) => Math.floor(ref.next() * n);
    const perm = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (let i = perm.length - 1; i > 0; i--) {
      const j = below(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const pool = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 3; i++) {
      const j = i + below(5 - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    expect(a).toEqual(perm);
    expect(b).toEqual(pool.slice(0, 3));
    expect(c).toEqual([below(100), 5 + below(5)]);
    expect(d).toEqual([1, 2, 3].map(() => [1, 2, 3][below(3)]));
  });

  it('shuffle returns a permutation and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.string(), (values, seed) => {
        const copy = values.slice();
        const out = createRng(seed).shuffle(values);
        expect(values).toEqual(copy);
        expect(out.slice().sort()).toEqual(copy.sort());
      }),
    );
  });

  it('sample draws distinct positions; int stays in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.string(), (n, seed) => {
        const rng = createRng(seed);
        const values = Array.from({ length: n }, (_, i) => i);
        const k = rng.int(n + 1);
        const s = rng.sample(values, k);
        expect(new Set(s).size).toBe(k);
        const x = rng.int(-3, n);
        expect(x).toBeGreaterThanOrEqual(-3);
        expect(x).toBeLessThan(n);
        expect(Number.isInteger(x)).toBe(true);
      }),
    );
  });

  it('int is uniform enough: chi-square over 10 cells on 100k draws', () => {
    const rng = createRng(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.88); // p = 0.001 critical value, 9 degrees of freedom
  });

  it('resumes exactly from a saved state', () => {
    const rng = createRng('ckpt');
    rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const rest = [rng.next(), rng.next(), rng.int(1000)];
    const resumed = createRng('ckpt', { state: saved });
    expect([resumed.next(), resumed.next(), resumed.int(1000)]).toEqual(rest);
  });

  it('rejects bad seeds and arguments with a LockstepError naming the argument', () => {
    expect(() => createRng(Number.NaN)).toThrow(/createRng: argument 'seed'/);
    expect(() => createRng({} as unknown as string)).toThrow(/createRng: argument 'seed'/);
    expect(() => createRng('s', { state: { c: 1 } as never })).toThrow(/options.state/);
    const rng = createRng('x');
    expect(() => rng.int(0)).toThrow(/rng.int: argument 'high' must be greater than low/);
    expect(() => rng.int(1.5)).toThrow(/safe integer/);
    expect(() => rng.sample([1, 2], 3)).toThrow(/rng.sample: argument 'k' must be between 0 and 2/);
    expect(() => rng.bootstrap([], 2)).toThrow(/rng.bootstrap: argument 'values'/);
    expect(rng.bootstrap([])).toEqual([]);
  });

  it('saves a frozen lockstep.rng-state, format version 1', () => {
    const rng = createRng('kind');
    rng.next();
    const state = rng.state();
    expect(Object.keys(state)).toEqual(['kind', 'formatVersion', 'c', 's0', 's1', 's2']);
    expect(state).toMatchObject({ kind: 'lockstep.rng-state', formatVersion: 1 });
    expect(Object.isFrozen(state)).toBe(true);
  });

  it('resumes from any state it wrote, after any number of draws, through JSON (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), fc.nat({ max: 300 }), (seed, draws) => {
        const rng = createRng(seed);
        for (let i = 0; i < draws; i++) rng.next();
        const saved = JSON.parse(JSON.stringify(rng.state()));
        const resumed = createRng(seed, { state: saved });
        for (let i = 0; i < 10; i++) expect(resumed.next()).toBe(rng.next());
        expect(resumed.state()).toEqual(rng.state());
      }),
      { numRuns: 200 },
    );
  });

  it('resumes from a state saved before states had kind and formatVersion', () => {
    const rng = createRng('legacy');
    rng.next();
    const { c, s0, s1, s2 } = rng.state();
    const resumed = createRng('legacy', { state: { c, s0, s1, s2 } });
    expect([resumed.next(), resumed.int(100)]).toEqual([rng.next(), rng.int(100)]);
  });

  it.each([
    ['another kind', { kind: 'lockstep.schema' }, '$.kind'],
    ['a newer format version', { formatVersion: 2 }, '$.formatVersion'],
    ['a carry that is not an integer', { c: 1.5 }, '$.c'],
    ['a carry out of range', { c: 2091639 }, '$.c'],
    ['a lag of 1', { s0: 1 }, '$.s0'],
    ['a negative lag', { s1: -0.25 }, '$.s1'],
    ['a lag Alea never reaches', { s2: 0.1 }, '$.s2'],
    ['a lag that is a string', { s2: '0.5' }, '$.s2'],
    ['an unknown field', { seed: 'x' }, '$.seed'],
  ])(
    'refuses a state with %s: INVALID_ARTIFACT naming createRng, options.state and the path',
    (_, change, path) => {
      const state = { ...createRng('s').state(), ...change };
      catchLockstep(() => createRng('s', { state } as never), {
        code: 'INVALID_ARTIFACT',
        fn: 'createRng',
        arg: 'options.state',
        path,
      });
    },
  );

  it('refuses options that are not an object or hold an unknown key, and long seeds', () => {
    catchLockstep(() => createRng('s', 'state' as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'createRng',
      arg: 'options',
    });
    catchLockstep(() => createRng('s', { stat: {} } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.stat',
      message: /did you mean "state"\?/,
    });
    catchLockstep(() => createRng('x'.repeat(65_537)), { code: 'INVALID_ARGUMENT', arg: 'seed' });
    catchLockstep(() => createRng('s', { state: throwingProxy() } as never), {
      code: 'INVALID_ARTIFACT',
      path: '$',
    });
  });

  it('methods refuse what is not an array, Proxies that throw, and sizes over 2^25', () => {
    const rng = createRng('m');
    for (const call of [
      () => rng.shuffle('abc' as never),
      () => rng.sample(5 as never, 1),
      () => rng.bootstrap(null as never),
    ]) {
      catchLockstep(call, { code: 'INVALID_ARGUMENT', arg: 'values' });
    }
    const proxy = new Proxy([1, 2], {
      get: (t, k) => (k === 'length' ? 2 : Reflect.get(t, k)),
      getOwnPropertyDescriptor() {
        throw new Error('no');
      },
      has() {
        throw new Error('no');
      },
    });
    catchLockstep(() => rng.shuffle(proxy), { code: 'INVALID_ARGUMENT', fn: 'rng.shuffle', arg: 'values' });
    const huge: unknown[] = [];
    huge.length = MAX_RNG_ITEMS + 1;
    catchLockstep(() => rng.shuffle(huge), { code: 'INVALID_ARGUMENT', message: /at most 33554432 values/ });
    catchLockstep(() => rng.bootstrap([1], MAX_RNG_ITEMS + 1), { code: 'INVALID_ARGUMENT', arg: 'size' });
    catchLockstep(() => rng.int(-(2 ** 53 - 1), 2 ** 53 - 1), {
      code: 'INVALID_ARGUMENT',
      arg: 'high',
      message: /at most 2\^53 above low/,
    });
    // Typed arrays are shuffled and sampled as typed arrays, as before.
    const typed = rng.shuffle(Int32Array.of(1, 2, 3) as never);
    expect(typed).toBeInstanceOf(Int32Array);
    expect(rng.sample(Int32Array.of(1, 2, 3) as never, 2)).toHaveLength(2);
  });
});
