// Arrow IPC in: record batches read one at a time from an IPC stream or file, so a file larger than
// memory is read batch by batch. The command line reads `.arrow` files, and Parquet files through
// parquet-wasm (which hands each batch over as IPC bytes), with these: apache-arrow stays in this module.
import { type RecordBatch, RecordBatchReader, tableFromIPC } from 'apache-arrow';

/** What {@link readIpcBatches} reads: IPC bytes, chunks of them, or a Node `FileHandle`. */
export type IpcSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | object;

/**
 * The record batches of an Arrow IPC stream or file, read incrementally (apache-arrow's
 * RecordBatchReader: a Node `fs.promises` FileHandle is read in pieces, not all at once). O(one batch) of
 * memory beyond the batch the caller holds. Errors are apache-arrow's (a truncated or corrupt file).
 * @example for await (const batch of readIpcBatches(await open('flights.arrow'))) console.log(batch.numRows);
 */
export async function* readIpcBatches(source: IpcSource): AsyncGenerator<RecordBatch> {
  const reader = await RecordBatchReader.from(source as Parameters<typeof RecordBatchReader.from>[0]);
  for await (const batch of reader as AsyncIterable<RecordBatch>) yield batch;
}

/**
 * The record batches of one IPC message sequence held in memory (as parquet-wasm's `intoIPCStream()`
 * gives a Parquet batch). O(bytes).
 * @example ipcBatches(tableToIPC(table)).length // the table's batch count
 */
export function ipcBatches(bytes: Uint8Array): readonly RecordBatch[] {
  return tableFromIPC(bytes).batches;
}
