// toFrame's fast Arrow paths, on real apache-arrow vectors round-tripped through IPC as a file would be.
import {
  DateDay,
  DateMillisecond,
  Dictionary,
  Float32,
  Int32,
  Int64,
  LargeUtf8,
  Table,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimestampSecond,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type Column, frameOf, toFrame, valueAt } from '../../src/core/frame.js';

const values = (c: Column | undefined, n: number) => Array.from({ length: n }, (_, i) => valueAt(c!, i));
const viaIpc = (t: Table) => tableFromIPC(tableToIPC(t));

describe('toFrame on Arrow columns', () => {
  it('dictionary-encodes Utf8 and LargeUtf8, decoding each distinct string once, nulls missing', () => {
    const frame = toFrame(
      viaIpc(
        new Table({
          s: vectorFromArray(['a', null, 'é', 'a', '東京', ''], new Utf8()),
          l: vectorFromArray(['x', 'y', null, 'x', 'y', 'x'], new LargeUtf8()),
        }),
      ),
    );
    const s = frame.columns.get('s')!;
    expect(s.kind).toBe('dictionary');
    expect(values(s, 6)).toEqual(['a', undefined, 'é', 'a', '東京', '']);
    expect(s.kind === 'dictionary' && s.dictionary).toEqual(['a', 'é', '東京', '']);
    expect(values(frame.columns.get('l'), 6)).toEqual(['x', 'y', undefined, 'x', 'y', 'x']);
  });

  it('keeps one dictionary across record batches, and survives many distinct values (rehashing)', () => {
    const strings = Array.from({ length: 5000 }, (_, i) => `key-${i % 3000}`);
    const a = new Table({ s: vectorFromArray(strings.slice(0, 2500), new Utf8()) });
    const b = new Table({ s: vectorFromArray(strings.slice(2500), new Utf8()) });
    const frame = toFrame(viaIpc(a.concat(b)));
    const s = frame.columns.get('s')!;
    expect(values(s, 5000)).toEqual(strings);
    expect(s.kind === 'dictionary' && s.dictionary.length).toBe(3000);
  });

  it('reads Int64 exactly below 2^53, negative values and nulls included', () => {
    const frame = toFrame(
      viaIpc(
        new Table({
          i: vectorFromArray([1n, -2n, null, 9007199254740991n, -9007199254740991n], new Int64()),
        }),
      ),
    );
    expect(values(frame.columns.get('i'), 5)).toEqual([
      1,
      -2,
      undefined,
      9007199254740991,
      -9007199254740991,
    ]);
  });

  it('reads timestamps of every unit and dates as epoch milliseconds, marked as timestamps', () => {
    const frame = toFrame(
      viaIpc(
        new Table({
          us: vectorFromArray([1.5, 2, null, -1], new TimestampMicrosecond()),
          sec: vectorFromArray([1000, 2000, null, -3000], new TimestampSecond()),
          ns: vectorFromArray([1, 2, null, 3], new TimestampNanosecond()),
          dd: vectorFromArray(
            [new Date(86_400_000), null, new Date(0), new Date(2 * 86_400_000)],
            new DateDay(),
          ),
          dm: vectorFromArray([new Date(5), null, new Date(0), new Date(7)], new DateMillisecond()),
        }),
      ),
    );
    expect(values(frame.columns.get('us'), 4)).toEqual([1.5, 2, undefined, -1]);
    expect(values(frame.columns.get('sec'), 4)).toEqual([1000, 2000, undefined, -3000]);
    expect(values(frame.columns.get('ns'), 4)).toEqual([1, 2, undefined, 3]);
    expect(values(frame.columns.get('dd'), 4)).toEqual([86_400_000, undefined, 0, 172_800_000]);
    expect(values(frame.columns.get('dm'), 4)).toEqual([5, undefined, 0, 7]);
    for (const name of ['us', 'sec', 'ns', 'dd', 'dm']) {
      const c = frame.columns.get(name)!;
      expect(c.kind === 'numeric' && c.logical).toBe('timestamp');
    }
  });

  it('reads sliced data (a non-zero offset) of every fast path, nulls included', () => {
    const table = viaIpc(
      new Table({
        s: vectorFromArray(['a', 'b', null, 'd', 'e'], new Utf8()),
        i: vectorFromArray([1n, 2n, null, 4n, 5n], new Int64()),
        f: vectorFromArray([1.5, 2.5, null, 4.5, 5.5], new Float32()),
        t: vectorFromArray([1, 2, null, 4, 5], new TimestampMicrosecond()),
        d: vectorFromArray(['x', 'y', null, 'x', 'z'], new Dictionary(new Utf8(), new Int32())),
      }),
    ).slice(1, 4);
    const frame = toFrame(table);
    expect(values(frame.columns.get('s'), 3)).toEqual(['b', undefined, 'd']);
    expect(values(frame.columns.get('i'), 3)).toEqual([2, undefined, 4]);
    expect(values(frame.columns.get('f'), 3)).toEqual([2.5, undefined, 4.5]);
    expect(values(frame.columns.get('t'), 3)).toEqual([2, undefined, 4]);
    expect(values(frame.columns.get('d'), 3)).toEqual(['y', undefined, 'x']);
  });

  it('converts only the columns selected', () => {
    const table = new Table({ a: vectorFromArray([1, 2]), b: vectorFromArray(['x', 'y'], new Utf8()) });
    expect(frameOf(table, 'toFrame', new Set(['b'])).names).toEqual(['b']);
    expect(frameOf([{ a: 1, b: 2 }], 'toFrame', new Set(['a'])).names).toEqual(['a']);
    expect(frameOf({ a: [1], b: [2] }, 'toFrame', new Set(['a'])).names).toEqual(['a']);
  });
});
