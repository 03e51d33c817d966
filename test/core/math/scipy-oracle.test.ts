import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as beta from '../../../src/core/math/beta.js';
import * as gamma from '../../../src/core/math/gamma.js';
import * as kolmogorov from '../../../src/core/math/kolmogorov.js';
import * as mannWhitney from '../../../src/core/math/mann-whitney.js';
import * as normal from '../../../src/core/math/normal.js';
import fixture from '../../fixtures/drift-tests.json' with { type: 'json' };

// Oracle values: test/fixtures/make-drift-tests.py (scipy 1.17), the `special` cases. A value agrees when
// |got − expected| ≤ 1e-9 · |expected| + 1e-300 (below 1e-300 scipy's values are subnormal or 0, with few
// significant digits).

const special = { ...gamma, ...beta, ...normal, ...kolmogorov, ...mannWhitney };

type Json = number | string;
const decode = (v: Json): number =>
  typeof v === 'number'
    ? v
    : v === 'Infinity'
      ? Number.POSITIVE_INFINITY
      : v === '-Infinity'
        ? Number.NEGATIVE_INFINITY
        : Number.NaN;

function closeP(got: number, expected: Json, what: string): void {
  const e = decode(expected);
  expect(Math.abs(got - e), `${what}: got ${got}, expected ${e}`).toBeLessThanOrEqual(
    1e-9 * Math.abs(e) + 1e-300,
  );
}

describe('special functions against scipy.special / scipy.stats', () => {
  const cases = fixture.special.map((c) => [`${c.fn}(${c.args.join(', ')})`, c] as const);
  it.each(cases)('%s', (_, c) => {
    const f = (special as unknown as Record<string, (...args: number[]) => number>)[c.fn]!;
    const got = f(...c.args.map(decode));
    const e = decode(c.expected);
    // logGamma near its zeros at 1 and 2 is accurate in absolute terms (2e-15), not relative.
    if (c.fn === 'logGamma') expect(Math.abs(got - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
    else closeP(got, c.expected, c.fn);
  });
});

// The examples in src/core/math show array results, which the repository-wide TSDoc test
// (test/docs/tsdoc-examples.test.ts, literal results only) does not evaluate; they are checked here for
// exact (Object.is) equality.
const MATH_FILES = ['gamma.ts', 'beta.ts', 'normal.ts', 'binomial.ts', 'kolmogorov.ts', 'mann-whitney.ts'];

describe('TSDoc examples in src/core/math', () => {
  const scope: Record<string, unknown> = { ...special };
  const examples = MATH_FILES.flatMap((file) =>
    [
      ...readFileSync(join(import.meta.dirname, '../../../src/core/math', file), 'utf8').matchAll(
        /@example (.+?) \/\/ => (.+)$/gm,
      ),
    ].map(([, expression, result]) => [`${file}: ${expression}`, expression!, result!] as const),
  );
  it('finds them', () => expect(examples.length).toBeGreaterThanOrEqual(17));
  it.each(examples)('%s', (_, expression, result) => {
    const got = new Function(...Object.keys(scope), `return (${expression});`)(...Object.values(scope));
    expect(got).toEqual(new Function(`return (${result});`)());
  });
});
