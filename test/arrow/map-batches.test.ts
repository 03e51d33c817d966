// mapBatches: record batches in, record batches of features out, one for one, lazily, and on to IPC.
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Float64,
  Int32,
  type RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrowTable, type MatrixLike, mapBatches } from '../../src/arrow/index.js';
import { LockstepError } from '../../src/core/errors.js';
import { type ArrowTableLike, toFrame } from '../../src/core/frame.js';
import { catchLockstep, rejectsLockstep } from '../helpers/errors.js';

/**
 * A realistic stand-in for `applyBatch(fitted, batch)`: reads the batch with core's toFrame, standardizes
 * `x` with fixed statistics (missing → 0), one-hot encodes `city` over a fixed vocabulary, and weights rows
 * by `w`. Row-major Float32 output, as the transform module's.
 */
function features(batch: ArrowTableLike): MatrixLike {
  const frame = toFrame(batch);
  const x = frame.columns.get('x')!;
  const city = frame.columns.get('city')!;
  const w = frame.columns.get('w')!;
  if (x.kind !== 'numeric' || city.kind !== 'dictionary' || w.kind !== 'numeric') throw new Error('kinds');
  const vocabulary = ['Oslo', 'Lima', 'Pune'];
  const names = ['x_std', ...vocabulary.map((v) => `city=${v}`)];
  const rows = frame.length;
  const values = new Float32Array(rows * names.length);
  for (let i = 0; i < rows; i++) {
    const k = i * names.length;
    values[k] = x.valid && !x.valid[i] ? 0 : (x.values[i]! - 50) / 10;
    const code = city.codes[i]!;
    const at = code < 0 ? -1 : vocabulary.indexOf(city.dictionary[code]!);
    if (at >= 0) values[k + 1 + at] = 1;
  }
  return { values, rows, columns: names.length, names, weights: Float32Array.from(w.values) };
}

const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv'];

/** Rows [start, start + n) of a deterministic data set, as a record batch. */
function inputBatch(start: number, n: number): RecordBatch {
  // vectorFromArray([]) has no chunks, which makes a malformed batch: slice a one-row batch instead.
  if (n === 0) return inputBatch(start, 1).slice(0, 0);
  const ids = Array.from({ length: n }, (_, i) => start + i);
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    x: vectorFromArray(
      ids.map((i) => (i % 7 === 3 ? null : i * 1.5)),
      new Float64(),
    ),
    city: vectorFromArray(
      ids.map((i) => (i % 11 === 5 ? null : CITIES[i % 4]!)),
      new Utf8(),
    ),
    w: vectorFromArray(
      ids.map((i) => 1 + (i % 3)),
      new Float64(),
    ),
  }).batches[0]!;
}

const SIZES = [100, 37, 1, 0, 250, 64];

function inputTable(): Table {
  let start = 0;
  return new Table(
    SIZES.map((n) => {
      const b = inputBatch(start, n);
      start += n;
      return b;
    }),
  );
}

/** Expected features of row `id`, computed from its raw values (not through toFrame). */
function expectedRow(id: number): number[] {
  const x = id % 7 === 3 ? 0 : Math.fround((id * 1.5 - 50) / 10);
  const city = id % 11 === 5 ? undefined : CITIES[id % 4];
  return [x, city === 'Oslo' ? 1 : 0, city === 'Lima' ? 1 : 0, city === 'Pune' ? 1 : 0];
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Checks that each output batch holds exactly the features of its input batch's rows. */
function expectFeaturesOf(outputs: RecordBatch[], sizes: readonly number[]): void {
  expect(outputs.map((b) => b.numRows)).toEqual(sizes);
  let id = 0;
  for (const batch of outputs) {
    expect(batch.schema.fields.map((f) => f.name)).toEqual([
      'x_std',
      'city=Oslo',
      'city=Lima',
      'city=Pune',
      '__weight',
    ]);
    const m = fromArrowTable(batch);
    for (let i = 0; i < batch.numRows; i++, id++) {
      expect(Array.from(m.values.subarray(i * 4, i * 4 + 4))).toEqual(expectedRow(id));
      expect(m.weights![i]).toBe(1 + (id % 3));
    }
  }
}

describe('mapBatches', () => {
  it('maps a RecordBatchReader over IPC bytes, one output batch per input batch', async () => {
    const bytes = tableToIPC(inputTable(), 'stream');
    const reader = RecordBatchReader.from(bytes);
    const seen: number[] = [];
    const outputs = await collect(
      mapBatches(reader, (batch, index) => {
        seen.push(index);
        return features(batch);
      }),
    );
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expectFeaturesOf(outputs, SIZES);
    // One schema for the whole stream, as a RecordBatchWriter wants.
    const shape = (b: RecordBatch) => b.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`);
    for (const b of outputs) expect(shape(b)).toEqual(shape(outputs[0]!));
  });

  it('maps an async RecordBatchReader over a Node byte stream (file format too)', async () => {
    for (const format of ['stream', 'file'] as const) {
      const bytes = tableToIPC(inputTable(), format);
      const reader = await RecordBatchReader.from(
        Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      );
      expectFeaturesOf(await collect(mapBatches(reader, features)), SIZES);
    }
  });

  it('maps an async generator lazily: one input batch is pulled per output batch', async () => {
    const log: string[] = [];
    async function* source() {
      let start = 0;
      for (const n of SIZES) {
        log.push(`pull ${start}`);
        yield inputBatch(start, n);
        start += n;
      }
    }
    const outputs: RecordBatch[] = [];
    for await (const batch of mapBatches(source(), features)) {
      log.push(`out ${batch.numRows}`);
      outputs.push(batch);
    }
    expect(log).toEqual([
      'pull 0',
      'out 100',
      'pull 100',
      'out 37',
      'pull 137',
      'out 1',
      'pull 138',
      'out 0',
      'pull 138',
      'out 250',
      'pull 388',
      'out 64',
    ]);
    expectFeaturesOf(outputs, SIZES);
  });

  it('awaits an async fn, and maps a Table (its batches), a RecordBatch, an array of tables', async () => {
    const table = inputTable();
    expectFeaturesOf(await collect(mapBatches(table, async (b) => features(b))), SIZES);
    expectFeaturesOf(await collect(mapBatches(table.batches[0]!, features)), [100]);
    // Tables as items: one output batch per table, even one of several batches.
    const tables = [table.slice(0, 150), table.slice(150)];
    expect(tables[0]!.batches.length).toBeGreaterThan(1);
    expectFeaturesOf(await collect(mapBatches(tables, features)), [150, 302]);
  });

  it('closes the source when the consumer stops early or fn throws', async () => {
    let closed = 0;
    async function* source() {
      try {
        for (let i = 0; i < 10; i++) yield inputBatch(i * 10, 10);
      } finally {
        closed++;
      }
    }
    for await (const batch of mapBatches(source(), features)) {
      expect(batch.numRows).toBe(10);
      break;
    }
    expect(closed).toBe(1);
    const failing = mapBatches(source(), (b, i) => {
      if (i === 2) throw new Error('boom');
      return features(b);
    });
    await expect(collect(failing)).rejects.toThrow('boom');
    expect(closed).toBe(2);
  });

  it('streams to Arrow IPC with RecordBatchStreamWriter, which reads back as the features', async () => {
    // Through Node streams, with back-pressure, as docs/arrow.md shows.
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const reader = RecordBatchReader.from(tableToIPC(inputTable()));
    await pipeline(Readable.from(mapBatches(reader, features)), RecordBatchStreamWriter.throughNode(), sink);
    const written = tableFromIPC(Buffer.concat(chunks));
    expect(written.batches.map((b) => b.numRows)).toEqual(SIZES);
    expectFeaturesOf(written.batches, SIZES);

    // And by hand: write each batch as it comes, then finish.
    const writer = new RecordBatchStreamWriter();
    const out = new PassThrough();
    const bytes = collect(writer.toNodeStream().pipe(out) as AsyncIterable<Buffer>);
    for await (const batch of mapBatches(inputTable(), features)) writer.write(batch);
    writer.finish();
    expectFeaturesOf(tableFromIPC(Buffer.concat(await bytes)).batches, SIZES);
  });

  it('yields nothing for an empty source', async () => {
    expect(await collect(mapBatches([], features))).toEqual([]);
  });
});

describe('mapBatches errors', () => {
  it('refuses a source that is not iterable and a fn that is not a function, at the call', () => {
    for (const source of [42, null, { numRows: 3 }, 'abc'.length]) {
      const e = catchLockstep(() => mapBatches(source as never, features));
      expect(e).toBeInstanceOf(LockstepError);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(
        /^mapBatches: argument 'source' must be a RecordBatchReader, a Table, a RecordBatch, or an iterable or async iterable of record batches or tables, got /,
      );
    }
    expect(catchLockstep(() => mapBatches([], 'features' as never)).message).toBe(
      `mapBatches: argument 'fn' must be a function, got "features"`,
    );
    expect(catchLockstep(() => mapBatches([], features, { weightColumn: 1 as never })).message).toBe(
      `mapBatches: argument 'options.weightColumn' must be a string, got 1`,
    );
  });

  const reject = async (source: unknown, fn: (b: ArrowTableLike, i: number) => unknown) => {
    const batches = mapBatches(source as never, fn as never); // the call itself must not throw
    return (await rejectsLockstep(() => collect(batches), { code: 'INVALID_ARGUMENT' })).message;
  };

  it('refuses items that are not record batches or tables', async () => {
    expect(await reject([inputBatch(0, 3), [{ x: 1 }]], features)).toBe(
      `mapBatches: argument 'source' must yield Arrow record batches or tables, but item 1 is not one, got [an object]`,
    );
  });

  it('refuses a malformed matrix from fn, naming the batch', async () => {
    expect(
      await reject([inputBatch(0, 3), inputBatch(3, 3)], (b, i) =>
        i === 0 ? features(b) : { ...features(b), values: new Float64Array(12) },
      ),
    ).toBe(`mapBatches: argument 'fn(batch 1).values' must be a Float32Array, got Float64Array(12)`);
    expect(await reject([inputBatch(0, 3)], () => undefined)).toBe(
      `mapBatches: argument 'fn(batch 0)' must be a matrix { values, rows, columns, names }, got undefined`,
    );
  });

  it('refuses a matrix whose row count differs from its input batch', async () => {
    const dropOne = (b: ArrowTableLike) => {
      const m = features(b);
      return { ...m, rows: m.rows - 1, values: m.values.subarray(4), weights: m.weights!.subarray(1) };
    };
    expect(await reject([inputBatch(0, 5)], dropOne)).toBe(
      `mapBatches: argument 'fn(batch 0).rows' must equal the input batch's row count (5): one output row per input row, got 4`,
    );
  });

  it('refuses a later matrix whose columns or weights differ from the first', async () => {
    const renamed = (b: ArrowTableLike, i: number) => {
      const m = features(b);
      return i === 1 ? { ...m, names: ['a', 'b', 'c', 'd'] } : m;
    };
    expect(await reject([inputBatch(0, 3), inputBatch(3, 3)], renamed)).toBe(
      `mapBatches: argument 'fn(batch 1)' must have the columns of batch 0 (5 columns: x_std, city=Oslo, city=Lima, city=Pune, __weight), names and weights alike, got ["a", "b", "c", "d", "__weight"]`,
    );
    const unweighted = (b: ArrowTableLike, i: number) => {
      const m = features(b);
      return i === 1 ? { ...m, weights: undefined } : m;
    };
    expect(await reject([inputBatch(0, 3), inputBatch(3, 3)], unweighted)).toMatch(
      /^mapBatches: argument 'fn\(batch 1\)' must have the columns of batch 0 .*, got \["x_std", "city=Oslo", "city=Lima", "city=Pune"\]$/,
    );
  });
});
