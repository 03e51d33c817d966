import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { type Column, makeFrame } from '../../src/core/frame.js';
import { type CorrelationMethod, correlations } from '../../src/stats/correlations.js';
import fixture from '../fixtures/stats-association.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';
import { columnsOf, expectClose, rowsOf } from './association-fixture.js';

/** The finding correlations gives for a skipped pair, every field written out. */
function skipped(a: string, b: string, method: CorrelationMethod, reasonCode: string, reason: string) {
  return {
    code: 'PAIR_SKIPPED',
    severity: 'info',
    message: `"${a}" and "${b}" (${method}) were not measured: ${reason}`,
    a,
    b,
    method,
    reasonCode,
    reason,
  };
}

const reasonCodes: Record<string, readonly string[]> = {
  few: ['TOO_FEW_OBSERVATIONS'],
  constant: ['CONSTANT_COLUMN'],
  unsupported: ['MIXED_TYPES', 'NO_PRESENT_VALUES'],
};

const reasons: Record<string, RegExp> = {
  few: /^fewer than 3 complete observations \(\d+\)$/,
  constant: /^column ".+" is constant over the \d+ complete observations$/,
  unsupported: /^column ".+" (mixes value types|has no present values)$/,
};

describe('correlations against scipy (test/fixtures/make-stats-association.py)', () => {
  it.each(fixture.correlations)('$dataset', ({ dataset, features, expected }) => {
    const out = correlations(rowsOf(dataset), { features, threshold: 0 });
    const byKey = new Map(out.pairs.map((p) => [`${p.a}|${p.b}|${p.method}`, p]));
    expect(out.pairs.length).toBe(expected.pairs.length);
    for (const e of expected.pairs) {
      const key = `${e.a}|${e.b}|${e.method}`;
      const got = byKey.get(key);
      expect(got, key).toBeDefined();
      expectClose(got!.value, e.value, key);
      expect(got!.n, key).toBe(e.n);
    }
    expect(out.skipped.map((s) => `${s.a}|${s.b}|${s.method}`)).toEqual(
      expected.skipped.map((s) => `${s.a}|${s.b}|${s.method}`),
    );
    for (const [k, s] of out.skipped.entries()) {
      expect(s.reason).toMatch(reasons[expected.skipped[k]!.why]!);
      expect(reasonCodes[expected.skipped[k]!.why]).toContain(s.reasonCode);
      expect([s.code, s.severity]).toEqual(['PAIR_SKIPPED', 'info']);
    }
  });

  it('gives the same result for rows and for a record of columns', () => {
    const fromRows = correlations(rowsOf('numeric_mix'), { threshold: 0 });
    const fromColumns = correlations(columnsOf('numeric_mix'), { threshold: 0 });
    expect(fromColumns).toEqual(fromRows);
  });

  it('keeps only pairs at or above the threshold, by |value| descending then names', () => {
    const all = correlations(rowsOf('numeric_mix'), { threshold: 0 }).pairs;
    const { pairs } = correlations(rowsOf('numeric_mix'));
    expect(pairs.length).toBeGreaterThan(3);
    expect(pairs).toEqual(all.filter((p) => Math.abs(p.value) >= 0.7));
    for (let k = 1; k < pairs.length; k++) {
      expect(Math.abs(pairs[k - 1]!.value)).toBeGreaterThanOrEqual(Math.abs(pairs[k]!.value));
    }
    // The strongest: z = exp(x) is a monotone transform of x, so Spearman's ρ is 1.
    expect(pairs[0]).toEqual({ a: 'x', b: 'z', method: 'spearman', value: 1, n: 290 });
    expect(pairs[1]).toMatchObject({ a: 'x', b: 'neg', method: 'spearman' });
  });

  it('breaks ties in |value| by a, then b, then method', () => {
    const x = [1, 2, 3, 4, 5];
    const { pairs } = correlations({ q: x, p: x.map((v) => -2 * v), r: x }, { threshold: 0.5 });
    expect(pairs.map((p) => `${p.a}|${p.b}|${p.method}|${p.value}`)).toEqual([
      'p|r|pearson|-1',
      'p|r|spearman|-1',
      'q|p|pearson|-1',
      'q|p|spearman|-1',
      'q|r|pearson|1',
      'q|r|spearman|1',
    ]);
  });
});

describe('correlations: examples', () => {
  it('gives exactly 1 for a perfect linear relation and exactly -1 for a reversed one', () => {
    const x = [0.5, 1.5, -2, 7, 3.25, 10];
    const out = correlations({ x, y: x.map((v) => 4 * v), z: x.map((v) => -v) }, { threshold: 0 });
    const value = (a: string, b: string, method: CorrelationMethod) =>
      out.pairs.find((p) => p.a === a && p.b === b && p.method === method)?.value;
    expect(value('x', 'y', 'pearson')).toBe(1);
    expect(value('x', 'y', 'spearman')).toBe(1);
    expect(value('x', 'z', 'pearson')).toBe(-1);
    expect(value('x', 'z', 'spearman')).toBe(-1);
  });

  it('gives Spearman exactly 1 for any strictly increasing transform (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 60 }),
        (x) => {
          const out = correlations({ x, y: x.map((v) => Math.atan(v) * 3 + v) }, { methods: ['spearman'] });
          expect(out.pairs).toEqual([{ a: 'x', b: 'y', method: 'spearman', value: 1, n: x.length }]);
        },
      ),
    );
  });

  it('skips a constant column with a reason instead of returning NaN', () => {
    const out = correlations({ x: [1, 2, 3, 4], k: [2, 2, 2, 2] }, { threshold: 0 });
    expect(out.pairs).toEqual([]);
    const reason = 'column "k" is constant over the 4 complete observations';
    expect(out.skipped).toEqual([
      {
        code: 'PAIR_SKIPPED',
        severity: 'info',
        message: `"x" and "k" (pearson) were not measured: ${reason}`,
        a: 'x',
        b: 'k',
        method: 'pearson',
        reasonCode: 'CONSTANT_COLUMN',
        reason,
      },
      {
        code: 'PAIR_SKIPPED',
        severity: 'info',
        message: `"x" and "k" (spearman) were not measured: ${reason}`,
        a: 'x',
        b: 'k',
        method: 'spearman',
        reasonCode: 'CONSTANT_COLUMN',
        reason,
      },
    ]);
  });

  it('uses pairwise-complete observations and skips a pair with fewer than 3', () => {
    const out = correlations(
      {
        x: [1, 2, 3, 4, 5, 6],
        y: [2, Number.NaN, 6, null, 10, Number.POSITIVE_INFINITY],
        s: [1, null, null, null, null, 2],
      },
      { threshold: 0, methods: ['pearson'] },
    );
    expect(out.pairs).toEqual([{ a: 'x', b: 'y', method: 'pearson', value: 1, n: 3 }]);
    expect(out.skipped).toEqual([
      skipped('x', 's', 'pearson', 'TOO_FEW_OBSERVATIONS', 'fewer than 3 complete observations (2)'),
      skipped('y', 's', 'pearson', 'TOO_FEW_OBSERVATIONS', 'fewer than 3 complete observations (1)'),
    ]);
  });

  it("measures Cramér's V between strings, booleans and dictionary columns alike", () => {
    const colour = ['r', 'g', 'r', 'g', 'b', 'b', 'r', undefined];
    const warm = [true, false, true, false, false, false, true, true];
    const dictionary = ['g', 'r', 'b', 'g'];
    const codes = Int32Array.from(colour, (c) => (c === undefined ? -1 : dictionary.indexOf(c)));
    const frame = makeFrame(
      8,
      new Map<string, Column>([
        ['colour', { kind: 'string', values: colour }],
        ['warm', { kind: 'boolean', values: Uint8Array.from(warm, Number), valid: undefined }],
        ['coded', { kind: 'dictionary', codes, dictionary }],
      ]),
    );
    const { pairs } = correlations(frame, { threshold: 0 });
    // coded holds colour's values, and warm is true exactly when colour is 'r' (χ² = 7 over 7 rows): V = 1
    // for every pair (to rounding: the χ² of the 3 × 2 table sums to 6.999…).
    expect(pairs.map(({ value, ...rest }) => rest)).toEqual([
      { a: 'colour', b: 'coded', method: 'cramersV', n: 7 },
      { a: 'warm', b: 'coded', method: 'cramersV', n: 7 },
      { a: 'colour', b: 'warm', method: 'cramersV', n: 7 },
    ]);
    for (const p of pairs) expectClose(p.value, 1, `${p.a}|${p.b}`);
  });

  it("gives Cramér's V = 0 when a column has a single category, and leaves out numeric × categorical", () => {
    const out = correlations(
      { a: ['x', 'y', 'x', 'y'], one: ['k', 'k', 'k', 'k'], num: [1, 2, 3, 4] },
      { threshold: 0 },
    );
    expect(out.pairs).toEqual([{ a: 'a', b: 'one', method: 'cramersV', value: 0, n: 4 }]);
    expect(out.skipped).toEqual([]);
  });

  it('skips a column mixing types, or with no present value, in every pair it would join', () => {
    const out = correlations({ n: [1, 2, 3], s: ['a', 'b', 'a'], m: [1, 'b', 2], e: [null, null, null] });
    const mixes = ['MIXED_TYPES', 'column "m" mixes value types'] as const;
    const none = ['NO_PRESENT_VALUES', 'column "e" has no present values'] as const;
    expect(out.skipped).toEqual([
      skipped('n', 'm', 'pearson', ...mixes),
      skipped('n', 'm', 'spearman', ...mixes),
      skipped('n', 'e', 'pearson', ...none),
      skipped('n', 'e', 'spearman', ...none),
      skipped('s', 'm', 'cramersV', ...mixes),
      skipped('s', 'e', 'cramersV', ...none),
      skipped('m', 'e', 'pearson', ...mixes),
      skipped('m', 'e', 'spearman', ...mixes),
      skipped('m', 'e', 'cramersV', ...mixes),
    ]);
  });

  it('computes only the methods asked for, over the features asked for, in their order', () => {
    const data = columnsOf('numeric_mix');
    const out = correlations(data, { features: ['neg', 'x'], methods: ['pearson'], threshold: 0 });
    expect(out.pairs).toHaveLength(1);
    expect(out.pairs[0]).toMatchObject({ a: 'neg', b: 'x', method: 'pearson', n: 300 });
  });
});

describe('correlations: arguments', () => {
  const data = { x: [1, 2, 3], y: [3, 1, 2] };
  const cases: [string, () => unknown, RegExp][] = [
    [
      'unknown feature',
      () => correlations(data, { features: ['x', 'nope'] }),
      /^correlations: argument 'options.features' must name columns of 'data' \(columns: "x", "y"\), got "nope"$/,
    ],
    [
      'repeated feature',
      () => correlations(data, { features: ['x', 'x'] }),
      /^correlations: argument 'options.features' must not repeat a name, got "x"$/,
    ],
    [
      'threshold above 1',
      () => correlations(data, { threshold: 1.5 }),
      /^correlations: argument 'options.threshold' must be a finite number in \[0, 1\], got 1.5$/,
    ],
    ['negative threshold', () => correlations(data, { threshold: -0.1 }), /'options.threshold'/],
    [
      'a misspelled option',
      () => correlations(data, { feature: ['x'] } as never),
      /^correlations: argument 'options' has an unknown key "feature" \(did you mean "features"\?\)/,
    ],
    [
      'options that are a string',
      () => correlations(data, 'x' as never),
      /^correlations: argument 'options' must be an object/,
    ],
    ['NaN threshold', () => correlations(data, { threshold: Number.NaN }), /'options.threshold'/],
    [
      'unknown method',
      () => correlations(data, { methods: ['kendall' as CorrelationMethod] }),
      /^correlations: argument 'options.methods' must hold only 'pearson', 'spearman' or 'cramersV', got "kendall"$/,
    ],
  ];
  it.each(cases)('%s throws LockstepError naming the function and argument', (_, call, message) => {
    expect(call).toThrow(LockstepError);
    expect(call).toThrow(message);
    catchLockstep(call, { code: 'INVALID_ARGUMENT' });
  });
});
