import { describe, expect, it } from 'vitest';
import { rowAt } from '../../src/core/frame.js';
import { parseTimestamp } from '../../src/core/timestamp.js';
import { LockstepError, splitByTime } from '../../src/split/index.js';
import { catchLockstep } from '../helpers/errors.js';

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

  it('lists rows without a valid time in a MISSING_TIME finding', () => {
    catchLockstep(
      () => splitByTime([...rows, { t: 'soon', v: 7 }], { column: 't', boundaries: ['2001-03-01'] }),
      {
        code: 'MISSING_KEY',
        fn: 'splitByTime',
        issues: [
          expect.objectContaining({
            code: 'MISSING_TIME',
            severity: 'error',
            feature: 't',
            count: 1,
            rows: [6],
          }),
        ],
      },
    );
  });

  it('refuses unknown option keys, too many boundaries and a column that is not a string', () => {
    catchLockstep(() => splitByTime(rows, { column: 't', boundries: ['2001-03-01'] } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.boundries',
      message: /did you mean "boundaries"\?/,
    });
    catchLockstep(
      () => splitByTime(rows, { column: 't', boundaries: Array.from({ length: 4097 }, (_, i) => i) }),
      {
        arg: 'options.boundaries',
        message: /at most 4096 times/,
      },
    );
    catchLockstep(() => splitByTime(rows, { column: 5, boundaries: [1] } as never), {
      arg: 'options.column',
    });
    catchLockstep(() => splitByTime(rows, 't' as never), { arg: 'options' });
  });

  it('puts each time in the split the boundaries give, for many boundaries (binary search, property)', () => {
    const cuts = Array.from({ length: 50 }, (_, i) => i * 10);
    const names = Array.from({ length: 51 }, (_, i) => `s${i}`);
    const data = Array.from({ length: 600 }, (_, i) => ({ t: i - 50 }));
    const out = splitByTime(data, { column: 't', boundaries: cuts, names });
    for (const [s, name] of names.entries()) {
      const frame = out[name as keyof typeof out]!;
      for (let i = 0; i < frame.length; i++) {
        const t = rowAt(frame, i).t as number;
        expect(s === 0 || t >= cuts[s - 1]!).toBe(true);
        expect(s === cuts.length || t < cuts[s]!).toBe(true);
      }
    }
  });
});
