import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, fingerprintData, LockstepError } from '../../src/split/index.js';
import { catchLockstep } from '../helpers/errors.js';
import { deepObject } from '../helpers/hostile.js';

const rows = Array.from({ length: 500 }, (_, i) => ({
  id: `r${i}`,
  x: i % 7 === 0 ? null : i * 0.5,
  ok: i % 2 === 0,
  city: ['Zürich', '東京', 'Ōsaka'][i % 3],
}));

describe('fingerprintData', () => {
  it('is a 64-character hex digest', () => {
    expect(fingerprintData(rows)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on row order (property) or column order', () => {
    const base = fingerprintData(rows);
    fc.assert(
      fc.property(fc.string(), (seed) => {
        expect(fingerprintData(createRng(seed).shuffle(rows))).toBe(base);
      }),
      { numRuns: 20 },
    );
    const reordered = rows.map(({ id, x, ok, city }) => ({ city, ok, x, id }));
    expect(fingerprintData(reordered)).toBe(base);
  });

  it('changes when one value, one type, a duplicate row or a column name changes', () => {
    const base = fingerprintData(rows);
    const changed = rows.map((r, i) => (i === 123 ? { ...r, x: 61.5000001 } : r));
    const typed = rows.map((r, i) => (i === 5 ? { ...r, id: 5 } : r));
    const renamed = rows.map(({ city, ...rest }) => ({ ...rest, town: city }));
    const fingerprints = [
      base,
      fingerprintData(changed),
      fingerprintData(typed),
      fingerprintData([...rows, rows[0]!]),
      fingerprintData(rows.slice(1)),
      fingerprintData(renamed),
    ];
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it('tells missing from NaN, and counts -0 as 0', () => {
    const a = fingerprintData([{ x: null }]);
    const b = fingerprintData([{ x: Number.NaN }]);
    expect(a).not.toBe(b);
    expect(fingerprintData([{ x: -0 }])).toBe(fingerprintData([{ x: 0 }]));
  });

  it('is the same for rows, columns and an Arrow table holding the same values', () => {
    const plain = rows.map(({ id, x }) => ({ id, x: x ?? Number.NaN }));
    const columns = { id: plain.map((r) => r.id), x: Float64Array.from(plain, (r) => r.x) };
    const base = fingerprintData(plain);
    expect(fingerprintData(columns)).toBe(base);
    expect(fingerprintData(tableFromArrays(columns))).toBe(base);
  });

  it('hashes mixed and nested values, and rejects values JSON cannot carry', () => {
    expect(fingerprintData([{ a: [1, 2] }, { a: 'x' }])).not.toBe(
      fingerprintData([{ a: [2, 1] }, { a: 'x' }]),
    );
    expect(() => fingerprintData([{ a: 'x' }, { a: () => 1 }])).toThrow(LockstepError);
    expect(() => fingerprintData([{ a: 'x' }, { a: () => 1 }])).toThrow(/column "a" of row 1/);
  });

  it('fingerprints empty data', () => {
    expect(fingerprintData([])).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintData([])).not.toBe(fingerprintData([{}]));
  });

  it('names a cell that is not plain JSON in a NOT_JSON finding', () => {
    catchLockstep(() => fingerprintData([{ a: 'x' }, { a: () => 1 }]), {
      code: 'INVALID_DATA',
      fn: 'fingerprintData',
      arg: 'data',
      issues: [
        {
          code: 'NOT_JSON',
          severity: 'error',
          message: `the value in column "a" of row 1 of 'data' must be plain JSON, got a function`,
          feature: 'a',
          row: 1,
          received: 'a function',
        },
      ],
    });
    catchLockstep(() => fingerprintData([{ a: deepObject(10_000) }]), {
      code: 'INVALID_DATA',
      issues: [expect.objectContaining({ code: 'NOT_JSON', row: 0 })],
    });
  });

  it('fingerprints rows without columns as it always has (n times one empty-row digest)', () => {
    // Pinned before the no-column shortcut: the sum of 3 digests of an empty row.
    const three = fingerprintData([{}, {}, {}]);
    expect(
      fingerprintData({ kind: 'lockstep.frame', length: 3, names: [], columns: new Map() } as never),
    ).toBe(three);
    expect(three).not.toBe(fingerprintData([{}, {}]));
  });
});
