import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowAt } from '../../src/core/frame.js';
import { assignSplit, type Frame, LockstepError, splitFrame, splitIndices } from '../../src/split/index.js';
import { catchLockstep } from '../helpers/errors.js';

const splits = { train: 0.8, eval: 0.1, test: 0.1 };
const rowsOf = (frame: Frame) => Array.from({ length: frame.length }, (_, i) => ({ ...rowAt(frame, i) }));

function events(n: number, users: number) {
  return Array.from({ length: n }, (_, i) => ({
    user: `u${(i * 7919) % users}`,
    value: i,
    flag: i % 3 === 0,
  }));
}

describe('splitFrame', () => {
  it('puts every row of a key in the split assignSplit gives that key', () => {
    const rows = events(5000, 300);
    const out = splitFrame(rows, { key: 'user', splits, salt: 'g' });
    for (const [name, frame] of Object.entries(out)) {
      for (const row of rowsOf(frame))
        expect(assignSplit(row.user as string, splits, { salt: 'g' })).toBe(name);
    }
  });

  it('loses no row and duplicates none (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.oneof(fc.string(), fc.integer()), v: fc.double() }), { maxLength: 200 }),
        fc.string(),
        (rows, salt) => {
          const out = splitIndices(rows, { key: 'k', splits, salt });
          const all = [...out.train, ...out.eval, ...out.test].sort((a, b) => a - b);
          expect(all).toEqual(rows.map((_, i) => i));
        },
      ),
    );
  });

  it('keeps group integrity: no key appears in two splits', () => {
    const rows = events(20_000, 1000);
    const out = splitFrame(rows, { key: 'user', splits, salt: 'integrity' });
    const owner = new Map<string, string>();
    for (const [name, frame] of Object.entries(out)) {
      for (const row of rowsOf(frame)) {
        const prev = owner.get(row.user as string);
        if (prev) expect(prev).toBe(name);
        owner.set(row.user as string, name);
      }
    }
    expect(owner.size).toBe(1000);
  });

  it('carries every column with its values', () => {
    const rows = events(50, 10);
    const out = splitFrame(rows, { key: 'user', splits: { a: 0.5, b: 0.5 } });
    const back = [...rowsOf(out.a), ...rowsOf(out.b)].sort(
      (x, y) => (x.value as number) - (y.value as number),
    );
    expect(back).toEqual(rows);
  });

  it('takes a key function, given the original row and its index', () => {
    const rows = events(100, 10);
    const seen: number[] = [];
    const out = splitFrame(rows, {
      key: (row, i) => {
        expect(row).toBe(rows[i]);
        seen.push(i);
        return `${row.user}|${(row.value as number) % 2}`;
      },
      splits,
    });
    expect(seen.length).toBe(100);
    expect(out.train.length + out.eval.length + out.test.length).toBe(100);
  });

  it('hashes numeric keys as their decimal string, like assignSplit', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: i }));
    const out = splitFrame(rows, { key: 'id', splits, salt: 'num' });
    for (const [name, frame] of Object.entries(out)) {
      for (const row of rowsOf(frame))
        expect(assignSplit(String(row.id), splits, { salt: 'num' })).toBe(name);
    }
  });

  it('gives the same split from rows, columns and a dictionary-encoded Arrow table', () => {
    const rows = events(2000, 97);
    const fromRows = splitIndices(rows, { key: 'user', splits, salt: 'forms' });
    const columns = { user: rows.map((r) => r.user), value: rows.map((r) => r.value) };
    const fromColumns = splitIndices(columns, { key: 'user', splits, salt: 'forms' });
    const fromArrow = splitIndices(tableFromArrays(columns), { key: 'user', splits, salt: 'forms' });
    expect(fromColumns).toEqual(fromRows);
    expect(fromArrow).toEqual(fromRows);
  });

  it('returns empty Frames for zero-weight splits', () => {
    const out = splitFrame(events(100, 10), { key: 'user', splits: { train: 1, eval: 0, test: 0 } });
    expect([out.train.length, out.eval.length, out.test.length]).toEqual([100, 0, 0]);
    expect(out.eval.names).toEqual(['user', 'value', 'flag']);
  });

  it('splits empty data into empty Frames', () => {
    const out = splitFrame([], { key: 'user', splits });
    expect(Object.keys(out)).toEqual(['train', 'eval', 'test']);
    expect(out.train.length).toBe(0);
  });

  describe('rows with a missing key', () => {
    const rows = [{ user: 'a' }, { user: null }, {}, { user: Number.NaN }, { user: 'b' }];

    it('throw MISSING_KEY by default, listing the rows', () => {
      catchLockstep(() => splitFrame(rows, { key: 'user', splits }), {
        code: 'MISSING_KEY',
        message: /splitFrame: 3 of 5 rows of 'data' have no key in column "user", first at rows 1, 2, 3/,
        fn: 'splitFrame',
        arg: 'data',
        issues: [
          {
            code: 'MISSING_KEY',
            severity: 'error',
            message:
              "3 of 5 rows of 'data' have no key in column \"user\", first at rows 1, 2, 3; pass missingKey: { split: 'name' } to keep them in a split of their own",
            feature: 'user',
            count: 3,
            rows: [1, 2, 3],
          },
        ],
      });
    });

    it('go to a named split when asked', () => {
      const out = splitFrame(rows, { key: 'user', splits, missingKey: { split: 'unkeyed' } });
      expect(out.unkeyed.length).toBe(3);
      expect(out.train.length + out.eval.length + out.test.length).toBe(2);
    });

    it('may join a declared split', () => {
      const out = splitIndices(rows, {
        key: 'user',
        splits: { train: 0.5, holdout: 0.5 },
        missingKey: { split: 'holdout' },
      });
      expect(Object.keys(out)).toEqual(['train', 'holdout']);
      expect(out.train.length + out.holdout.length).toBe(5);
      for (const i of [1, 2, 3]) expect(Array.from(out.holdout)).toContain(i);
    });

    it('from a key function returning undefined count as missing too', () => {
      expect(() => splitFrame(rows, { key: () => undefined, splits })).toThrow(
        /5 of 5 rows of 'data' have no key from options.key/,
      );
    });
  });

  it('rejects a key column that does not exist, naming the columns', () => {
    expect(() => splitFrame(events(3, 2), { key: 'usr', splits })).toThrow(
      /splitFrame: argument 'options.key' must name a column of 'data' \(columns: "user", "value", "flag"\), got "usr"/,
    );
  });

  it('rejects keys that are objects or booleans from a function', () => {
    expect(() => splitFrame([{ a: 1 }], { key: () => ({}), splits })).toThrow(
      /the key of row 0 must be a string/,
    );
    expect(() => splitFrame([{ a: { x: 1 } }], { key: 'a', splits })).toThrow(LockstepError);
  });

  it('rejects bad weights and salts before reading the data', () => {
    expect(() => splitFrame([{ a: 1 }], { key: 'a', splits: { a: 0.5 } })).toThrow(
      /options.splits' must have weights summing to 1/,
    );
    expect(() => splitFrame([{ a: 1 }], { key: 'a', splits, salt: 1 as never })).toThrow(/options.salt/);
    expect(() => splitFrame([{ a: 1 }], { key: 'a', splits, missingKey: 'drop' as never })).toThrow(
      /options.missingKey/,
    );
    expect(() => splitFrame([{ a: 1 }], { key: 5 as never, splits })).toThrow(
      /options.key' must be a column name or a function/,
    );
  });

  it('refuses unknown option keys, options that are not an object, and a missing-key policy with unknown keys', () => {
    const rows = events(3, 2);
    catchLockstep(() => splitFrame(rows, { key: 'user', splits, sault: 'x' } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'splitFrame',
      arg: 'options.sault',
      message: /did you mean "salt"\?/,
    });
    catchLockstep(() => splitIndices(rows, 'user' as never), { fn: 'splitIndices', arg: 'options' });
    catchLockstep(() => splitIndices(rows, undefined as never), { fn: 'splitIndices', arg: 'options' });
    catchLockstep(() => splitFrame(rows, { key: 'user', splits, missingKey: { spilt: 'x' } } as never), {
      arg: 'options.missingKey.spilt',
    });
    catchLockstep(() => splitFrame(rows, { key: 'user', splits, missingKey: { split: 5 } } as never), {
      arg: 'options.missingKey.split',
    });
  });

  it('gives a key that is not a string or number an INVALID_KEY finding with the row', () => {
    catchLockstep(() => splitIndices([{ a: 'x' }, { a: { id: 1 } }], { key: 'a', splits }), {
      code: 'INVALID_DATA',
      fn: 'splitIndices',
      arg: 'data',
      issues: [
        {
          code: 'INVALID_KEY',
          severity: 'error',
          message: 'the key of row 1 must be a string, a finite number or a bigint, got an object',
          feature: 'a',
          row: 1,
          received: 'an object',
        },
      ],
    });
    catchLockstep(() => splitIndices([{ a: Number.POSITIVE_INFINITY }], { key: 'a', splits }), {
      code: 'INVALID_DATA',
      issues: [expect.objectContaining({ code: 'INVALID_KEY', row: 0, received: 'Infinity' })],
    });
  });
});
