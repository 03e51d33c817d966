import { describe, expect, it } from 'vitest';
import { rowAt } from '../../src/core/frame.js';
import { parseTimestamp } from '../../src/core/timestamp.js';
import { LockstepError, splitByTime } from '../../src/split/index.js';

describe('parseTimestamp', () => {
  it('reads dates and date-times as UTC unless an offset is given', () => {
    expect(parseTimestamp('2001-03-01')).toBe(Date.UTC(2001, 2, 1));
    expect(parseTimestamp('2001/03/01 14:05')).toBe(Date.UTC(2001, 2, 1, 14, 5));
    expect(parseTimestamp('2001-03-01T14:05:07.25Z')).toBe(Date.UTC(2001, 2, 1, 14, 5, 7, 250));
    expect(parseTimestamp('2001-03-01T14:05:00+02:00')).toBe(Date.UTC(2001, 2, 1, 12, 5));
    expect(parseTimestamp('2001-03-01T14:05:00-0130')).toBe(Date.UTC(2001, 2, 1, 15, 35));
  });

  it('returns NaN for impossible or unsupported text', () => {
    for (const text of ['2001-02-30', '2001-13-01', 'March 1, 2001', '', '2001-03-01T25:00', '01/03/2001']) {
      expect(parseTimestamp(text)).toBeNaN();
    }
  });
});

describe('splitByTime', () => {
  const rows = [
    { t: '2001-01-15', v: 1 },
    { t: '2001-02-28T23:59:59Z', v: 2 },
    { t: '2001-03-01', v: 3 },
    { t: '2001-03-31 12:00', v: 4 },
    { t: '2001-04-01', v: 5 },
    { t: '2001-06-01', v: 6 },
  ];

  it('cuts at the boundaries, half-open [b(i-1), b(i))', () => {
    const out = splitByTime(rows, { column: 't', boundaries: ['2001-03-01', '2001-04-01'] });
    const values = (f: (typeof out)['train']) => Array.from({ length: f.length }, (_, i) => rowAt(f, i).v);
    expect(values(out.train)).toEqual([1, 2]);
    expect(values(out.eval)).toEqual([3, 4]);
    expect(values(out.test)).toEqual([5, 6]);
  });

  it('reads Date and numeric columns and mixed boundary types the same way', () => {
    const dates = rows.map((r) => ({ t: new Date(parseTimestamp(r.t)), v: r.v }));
    const ms = rows.map((r) => ({ t: parseTimestamp(r.t), v: r.v }));
    const b = [new Date(Date.UTC(2001, 2, 1)), Date.UTC(2001, 3, 1)];
    const a = splitByTime(dates, { column: 't', boundaries: b });
    const c = splitByTime(ms, { column: 't', boundaries: b });
    expect([a.train.length, a.eval.length, a.test.length]).toEqual([2, 2, 2]);
    expect([c.train.length, c.eval.length, c.test.length]).toEqual([2, 2, 2]);
  });

  it('uses the names given', () => {
    const out = splitByTime(rows, {
      column: 't',
      boundaries: ['2001-02-01', '2001-03-01', '2001-05-01'],
      names: ['jan', 'feb', 'mar-apr', 'later'],
    });
    expect([out.jan.length, out.feb.length, out['mar-apr'].length, out.later.length]).toEqual([1, 1, 3, 1]);
  });

  it('never drops a row without a valid time: error by default, or a named split', () => {
    const bad = [...rows, { t: 'soon', v: 7 }, { v: 8 }];
    expect(() => splitByTime(bad, { column: 't', boundaries: ['2001-03-01'] })).toThrow(
      /splitByTime: 2 of 8 rows of 'data' have no valid time in column "t", first at rows 6, 7; pass missingTime/,
    );
    const out = splitByTime(bad, {
      column: 't',
      boundaries: ['2001-03-01'],
      missingTime: { split: 'undated' },
    });
    expect([out.train.length, out.test.length, out.undated.length]).toEqual([2, 4, 2]);
  });

  it('rejects unordered boundaries, bad boundaries and a wrong number of names', () => {
    const call = (options: object) => () => splitByTime(rows, { column: 't', ...options } as never);
    expect(call({ boundaries: ['2001-04-01', '2001-03-01'] })).toThrow(
      /options.boundaries' must be strictly increasing/,
    );
    expect(call({ boundaries: ['someday'] })).toThrow(
      /options.boundaries\[0\]' must be a number, a Date or an ISO-8601 string/,
    );
    expect(call({ boundaries: [] })).toThrow(/must be a non-empty array/);
    expect(call({ boundaries: [1, 2, 3] })).toThrow(/options.names' must be 4 distinct split names/);
    expect(call({ boundaries: [1], names: ['a', 'a'] })).toThrow(LockstepError);
    expect(() => splitByTime(rows, { column: 'when', boundaries: [1] })).toThrow(
      /options.column' must name a column/,
    );
  });
});
