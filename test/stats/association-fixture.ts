// Reading test/fixtures/stats-association.json (written by make-stats-association.py), shared by the
// correlations and association tests.
import { expect } from 'vitest';
import fixture from '../fixtures/stats-association.json' with { type: 'json' };

export type Value = number | string | boolean | null;

/** The fixture's columns, with 'NaN' / 'Infinity' / '-Infinity' decoded in numeric columns. */
export function columnsOf(name: string): Record<string, Value[]> {
  const raw = (fixture.datasets as Record<string, Record<string, Value[]>>)[name]!;
  const out: Record<string, Value[]> = {};
  for (const [col, values] of Object.entries(raw)) {
    const numeric = values.some((v) => typeof v === 'number');
    out[col] = values.map((v) =>
      numeric && typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v) ? Number(v) : v,
    );
  }
  return out;
}

export function rowsOf(name: string): Record<string, Value>[] {
  const columns = columnsOf(name);
  const n = Object.values(columns)[0]!.length;
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.entries(columns).map(([col, values]) => [col, values[i]!])),
  );
}

/** Within 1e-9 relative, or 1e-12 absolute near zero. */
export function expectClose(actual: number | undefined, expected: number, what: string): void {
  expect(actual, what).toBeTypeOf('number');
  const tolerance = Math.max(1e-12, 1e-9 * Math.abs(expected));
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}
