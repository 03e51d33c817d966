// Real data: vega-datasets' flights-200k.arrow (delay Int16, distance Int16, time Float32), streamed in record
// batches through mapBatches, written as Arrow IPC and read back, against features computed from the whole
// table with Arrow's own accessors.
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordBatchReader, RecordBatchStreamWriter, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrowTable, type MatrixLike, mapBatches, toArrowTable } from '../../src/arrow/index.js';
import { type ArrowTableLike, toFrame } from '../../src/core/frame.js';

const path = join(import.meta.dirname, '../../node_modules/vega-datasets/data/flights-200k.arrow');
const flights = tableFromIPC(readFileSync(path));
const NAMES = ['delay', 'log1p_distance', 'time', 'late'];

/** Features of a batch, read through core's toFrame as the transform module reads it. */
function features(batch: ArrowTableLike): MatrixLike {
  const frame = toFrame(batch);
  const col = (name: string) => {
    const c = frame.columns.get(name)!;
    if (c.kind !== 'numeric') throw new Error(`${name} is ${c.kind}`);
    return c.values;
  };
  const [delay, distance, time] = [col('delay'), col('distance'), col('time')];
  const rows = frame.length;
  const values = new Float32Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    values[i * 4] = delay[i]!;
    values[i * 4 + 1] = Math.log1p(distance[i]!);
    values[i * 4 + 2] = time[i]!;
    values[i * 4 + 3] = delay[i]! > 15 ? 1 : 0;
  }
  return { values, rows, columns: 4, names: NAMES };
}

/** The same features of the whole table, from Arrow's own typed arrays (not through toFrame). */
function expected(): Float32Array {
  const delay = flights.getChild('delay')!.toArray() as Int16Array;
  const distance = flights.getChild('distance')!.toArray() as Int16Array;
  const time = flights.getChild('time')!.toArray() as Float32Array;
  const out = new Float32Array(flights.numRows * 4);
  for (let i = 0; i < flights.numRows; i++) {
    out[i * 4] = delay[i]!;
    out[i * 4 + 1] = Math.log1p(distance[i]!);
    out[i * 4 + 2] = time[i]!;
    out[i * 4 + 3] = delay[i]! > 15 ? 1 : 0;
  }
  return out;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Index of the first float whose bits differ, -1 when all agree (a deep toEqual of 800k items is slow). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const [x, y] = [bits(a), bits(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('flights-200k through lockstep/arrow', () => {
  it('streams 200,000 rows in record batches of 16,384 and writes them as Arrow IPC, bit for bit', async () => {
    expect(flights.numRows).toBe(200_000);
    // The file holds one batch: cut it into a stream of record batches, as a large file would arrive.
    const BATCH = 16_384;
    const whole = flights.batches[0]!;
    const slices = Array.from({ length: Math.ceil(whole.numRows / BATCH) }, (_, k) =>
      whole.slice(k * BATCH, Math.min(whole.numRows, (k + 1) * BATCH)),
    );
    const reader = RecordBatchReader.from(tableToIPC(new Table(slices), 'stream'));

    const inputRows: number[] = [];
    const writer = new RecordBatchStreamWriter();
    const bytes = writer.toUint8Array();
    const outputRows: number[] = [];
    for await (const batch of mapBatches(reader, (b) => {
      inputRows.push(b.numRows);
      return features(b);
    })) {
      outputRows.push(batch.numRows);
      writer.write(batch);
    }
    writer.finish();

    expect(inputRows).toEqual([...Array(12).fill(BATCH), 200_000 - 12 * BATCH]);
    expect(outputRows).toEqual(inputRows);

    const written = tableFromIPC(await bytes);
    expect(written.numRows).toBe(200_000);
    expect(written.batches.map((b) => b.numRows)).toEqual(inputRows);
    expect(written.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(
      NAMES.map((n) => `${n}: Float32`),
    );
    const back = fromArrowTable(written);
    expect(back.rows).toBe(200_000);
    expect(back.names).toEqual(NAMES);
    expect(firstDifference(back.values, expected())).toBe(-1);
    // Spot values, from the file itself: row 199,999 flew 1452 miles at 23.98 (time) with no delay.
    expect(Array.from(back.values.subarray(4 * 199_999))).toEqual([
      0,
      Math.fround(Math.log1p(1452)),
      Math.fround(23.983333587646484),
      0,
    ]);
    // Some flights are late, most are not.
    const late = written.getChild('late')!.toArray() as Float32Array;
    const lateCount = late.reduce((a, b) => a + b, 0);
    expect(lateCount).toBeGreaterThan(10_000);
    expect(lateCount).toBeLessThan(100_000);
  });

  it('runs the docs/arrow.md pipeline: an IPC file on disk in, an IPC file of features out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-arrow-'));
    try {
      const whole = flights.batches[0]!;
      const slices = [0, 50_000, 100_000, 150_000].map((a) => whole.slice(a, a + 50_000));
      writeFileSync(join(dir, 'flights.arrows'), tableToIPC(new Table(slices), 'stream'));

      const reader = await RecordBatchReader.from(createReadStream(join(dir, 'flights.arrows')));
      await pipeline(
        Readable.from(mapBatches(reader, (batch) => features(batch))),
        RecordBatchStreamWriter.throughNode(),
        createWriteStream(join(dir, 'features.arrows')),
      );

      const written = tableFromIPC(readFileSync(join(dir, 'features.arrows')));
      expect(written.batches.map((b) => b.numRows)).toEqual([50_000, 50_000, 50_000, 50_000]);
      expect(firstDifference(fromArrowTable(written).values, expected())).toBe(-1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('toArrowTable of the whole table equals the streamed result', () => {
    const table = toArrowTable(features(flights));
    expect(table.numRows).toBe(200_000);
    expect(firstDifference(fromArrowTable(table).values, expected())).toBe(-1);
    const time = (t: Table) => t.getChild('time')!.toArray() as Float32Array;
    expect(firstDifference(time(table), time(flights))).toBe(-1);
    expect(firstDifference(time(table), new Float32Array(200_000))).toBe(24); // rows 0–23 have time 0
  });
});
