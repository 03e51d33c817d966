// Arrow IPC (file or stream format) through apache-arrow's record-batch reader, and Parquet through
// parquet-wasm (the way examples/flights-3m.ts reads vega-datasets' ZSTD file): record batches go to the
// library as they are (toFrame reads Arrow columns without copying). Both packages are optional peers,
// loaded only when such a file is read.
import { openAsBlob } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ArrowTableLike } from '../../core/frame-types.js';
import { CliError } from '../common.js';
import type { Batch, ReaderSettings } from './index.js';

interface SliceableBatch extends ArrowTableLike {
  slice(begin: number, end: number): SliceableBatch;
}

/** An optional peer, imported by a literal specifier (so the design rules can check it) when a file needs it. */
async function load<T>(name: string, what: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch {
    throw new CliError(`reading ${what} needs the package ${name}: npm install ${name}`);
  }
}
// lockstep/arrow owns apache-arrow (DESIGN.md): the CLI reads IPC through it, loaded only when needed.
const arrowPackage = () => import('../../arrow/index.js');
const parquetPackage = () => import('parquet-wasm');

/** Cuts a record batch into pieces of at most `rows` rows (slices share the batch's buffers). */
function* pieces(batch: SliceableBatch, rows: number): Generator<Batch> {
  if (batch.numRows <= rows) {
    if (batch.numRows > 0) yield batch;
    return;
  }
  for (let i = 0; i < batch.numRows; i += rows) yield batch.slice(i, Math.min(i + rows, batch.numRows));
}

function message(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0] ?? 'unknown error';
}

export async function* readArrowBatches(path: string, s: ReaderSettings): AsyncGenerator<Batch> {
  const arrow = await load('apache-arrow', 'Arrow IPC files', arrowPackage);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CliError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : message(error)}`,
    );
  }
  try {
    let reader: AsyncIterable<unknown>;
    try {
      reader = arrow.readIpcBatches(handle) as AsyncIterable<unknown>;
    } catch (error) {
      throw new CliError(`${path} is not an Arrow IPC file: ${message(error)}`);
    }
    let seen = false;
    try {
      for await (const batch of reader) {
        seen = true;
        yield* pieces(batch as SliceableBatch, s.batchRows);
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${path}: cannot read the Arrow data (truncated or corrupt?): ${message(error)}`);
    }
    if (!seen) {
      const { size } = await handle.stat();
      if (size > 0 && size < 16) throw new CliError(`${path}: the Arrow file is truncated`);
    }
  } finally {
    await handle.close();
  }
}

interface WasmBatch {
  intoIPCStream(): Uint8Array;
  free(): void;
}

export async function* readParquetBatches(path: string, s: ReaderSettings): AsyncGenerator<Batch> {
  const arrow = await load('apache-arrow', 'Parquet files', arrowPackage);
  const wasm = await load('parquet-wasm', 'Parquet files', parquetPackage);
  let file: import('parquet-wasm').ParquetFile;
  try {
    file = await wasm.ParquetFile.fromFile(await openAsBlob(path));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new CliError(
      e?.code === 'ENOENT'
        ? `cannot read ${path}: no such file`
        : `${path} is not a Parquet file: ${message(error)}`,
    );
  }
  try {
    let stream: AsyncIterable<WasmBatch>;
    try {
      stream = (await file.stream({ batchSize: s.batchRows })) as unknown as AsyncIterable<WasmBatch>;
    } catch (error) {
      throw new CliError(`${path}: cannot read the Parquet data: ${message(error)}`);
    }
    for await (const wasmBatch of stream) {
      let table: { batches: readonly unknown[] };
      try {
        table = { batches: arrow.ipcBatches(wasmBatch.intoIPCStream()) };
      } catch (error) {
        throw new CliError(`${path}: cannot decode a Parquet batch: ${message(error)}`);
      }
      for (const batch of table.batches) yield* pieces(batch as SliceableBatch, s.batchRows);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path}: cannot read the Parquet data (truncated or corrupt?): ${message(error)}`);
  } finally {
    file.free();
  }
}
