// vega-datasets flights-3m (3 M US flights of 2001: date, delay, distance, origin, destination) read with
// parquet-wasm into apache-arrow, for the benchmarks. The file is written by Polars with ZSTD pages, 11 row
// groups of 272,727 rows; parquet-wasm's Node build decodes it in WebAssembly.
//
// Streaming: `ParquetFile.fromFile(blob)` reads byte ranges from a Blob on demand, and Node's
// `fs.openAsBlob(path)` gives a Blob backed by the file, so neither the file nor the decoded table has to be
// in memory at once. `parquetFile.stream({ batchSize })` yields WebAssembly record batches (never spanning a
// row group); each is consumed by `intoIPCStream()` (which frees its WebAssembly memory) and parsed with
// apache-arrow's `tableFromIPC`. Streaming all 3 M rows keeps WebAssembly memory at about 27 MB; reading the
// whole file with `readParquet(bytes)` grows it to about 660 MB (WebAssembly memory never shrinks).
//
// Run `npx tsx examples/flights-3m.ts` to print the schema and row count.
//
// Types as apache-arrow sees them (Polars wrote them so): date Timestamp<MICROSECOND>, delay Int64,
// distance Int64, origin LargeUtf8, destination LargeUtf8; no nulls. Int64 columns arrive as
// BigInt64Array, not as numbers.

import { openAsBlob } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import { ParquetFile, type RecordBatch as WasmRecordBatch } from 'parquet-wasm';
import { vegaDataPath } from './data.js';

export const FLIGHTS_3M_ROWS = 3_000_000;
export const FLIGHTS_3M_COLUMNS = ['date', 'delay', 'distance', 'origin', 'destination'] as const;
/** The columns a profile treats as numeric: delay and distance (date is a timestamp, the rest strings). */
export const FLIGHTS_3M_NUMERIC_COLUMNS = ['delay', 'distance'] as const;

export function flights3mPath(): string {
  return vegaDataPath('flights-3m.parquet');
}

export interface StreamOptions {
  /** Rows per record batch (a batch never spans a parquet row group). Default 65,536. */
  readonly batchSize?: number;
  /** Stop after this many rows (the last batch is sliced). parquet-wasm 0.8's stream ignores its own `limit`. */
  readonly limit?: number;
  /** Only these columns. */
  readonly columns?: readonly string[];
}

async function openFlights3m(): Promise<ParquetFile> {
  return ParquetFile.fromFile(await openAsBlob(flights3mPath()));
}

/**
 * Yields apache-arrow record batches of flights-3m one at a time, decoding the parquet file as it goes:
 * memory stays bounded by one row group's pages and one batch, whatever the row count.
 */
export async function* streamFlights3mBatches(options: StreamOptions = {}): AsyncGenerator<RecordBatch> {
  const { batchSize = 65_536, limit = Number.POSITIVE_INFINITY, columns } = options;
  const file = await openFlights3m();
  const stream = await file.stream({ batchSize, ...(columns ? { columns: [...columns] } : {}) });
  let remaining = limit;
  try {
    // The stream's items are parquet-wasm RecordBatches; Node's ReadableStream is async-iterable.
    for await (const wasmBatch of stream as unknown as AsyncIterable<WasmRecordBatch>) {
      if (remaining <= 0) {
        wasmBatch.free();
        break;
      }
      for (const batch of tableFromIPC(wasmBatch.intoIPCStream()).batches) {
        if (remaining <= 0) break;
        const out = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
        remaining -= out.numRows;
        yield out;
      }
      if (remaining <= 0) break;
    }
  } finally {
    file.free();
  }
}

/**
 * The whole of flights-3m as one apache-arrow Table (3 M rows in batches of `batchSize`), built from the
 * stream above: faster and lighter than `readParquet(bytes)` followed by one big IPC round trip.
 */
export async function loadFlights3m(options: StreamOptions = {}): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of streamFlights3mBatches(options)) batches.push(batch);
  return new Table(batches);
}

/** The flights of one parquet row group (272,727 rows, in date order: group 6 is 10 to 26 April 2001). */
export async function readFlights3mRowGroup(index: number): Promise<Table> {
  const file = await openFlights3m();
  try {
    return tableFromIPC((await file.read({ rowGroups: [index] })).intoIPCStream());
  } finally {
    file.free();
  }
}

/** A numeric Arrow column (Int64 as BigInt64Array, or any number column) as one Float64Array. */
export function columnAsFloat64(table: Table, name: string, limit = table.numRows): Float64Array {
  const column = table.getChild(name);
  if (!column) throw new Error(`columnAsFloat64: no column '${name}'`);
  const out = new Float64Array(Math.min(limit, table.numRows));
  let o = 0;
  for (const chunk of column.data) {
    const values = chunk.values as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length && o < out.length; i++) out[o++] = Number(values[i]);
    if (o === out.length) break;
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const start = performance.now();
  const table = await loadFlights3m();
  const ms = performance.now() - start;
  console.log(
    `${flights3mPath()}: ${table.numRows} rows, ${table.batches.length} batches, ${ms.toFixed(0)} ms`,
  );
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name)!;
    const storage = column.data[0]?.values?.constructor.name ?? '?';
    console.log(`  ${field.name}: ${field.type} (${storage}, ${column.nullCount} nulls)`);
  }
  console.log('  first row:', table.get(0)?.toJSON());
}
