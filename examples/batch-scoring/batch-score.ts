// Offline (static) inference: every flight of a Parquet or Arrow file scored by a registered model, record
// batch by record batch, into a lookup table of predictions (Arrow IPC file, and Parquet).
//
// One batch's path, in bounded memory whatever the file's size:
//   Parquet pages ──parquet-wasm──► Arrow RecordBatch ──applyBatch(transform)──► row-major Float32 features
//     ──score (tfjs predict, or the same dense network as a plain-JS loop)──► Float32 scores
//     ──► RecordBatch { row, date, origin, destination, score } ──► IPC file writer, Parquet stream writer
// The transform reads the Arrow batch's buffers directly (lockstep's toFrame: dates as epoch milliseconds,
// Int64 distances as numbers, strings dictionary-encoded), so no row object is ever built. The key columns
// are the input's own Arrow data, passed through without a copy; `row` is the flight's position in the file,
// the one key that is unique (date, origin and destination repeat).
import { createReadStream, createWriteStream, mkdirSync, openAsBlob } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Writable } from 'node:stream';
import * as tf from '@tensorflow/tfjs';
import {
  Float32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Table,
  tableFromIPC,
  tableToIPC,
  Uint32,
} from 'apache-arrow';
import type { ModelRegistry } from 'lockstep/registry';
import { type BackendName, useBackend } from 'lockstep/tfjs';
import { applyBatch, type TransformArtifact } from 'lockstep/transform';
import {
  Compression,
  ParquetFile,
  transformParquetStream,
  type RecordBatch as WasmRecordBatch,
  Table as WasmTable,
  WriterPropertiesBuilder,
} from 'parquet-wasm';
import { flights3mPath, streamFlights3mBatches } from '../flights-3m.js';
import { FLIGHTS_MODEL, loadFlightsModel } from '../shared/flights-model.js';

/** The input columns copied to the output next to the score. */
export const KEY_COLUMNS = ['date', 'origin', 'destination'] as const;
/** The columns read from the input: the keys and what the transform reads. */
const INPUT_COLUMNS = ['date', 'distance', 'origin', 'destination'];

export type ScorerName = 'tfjs' | 'js';

export interface BatchScoreOptions {
  /** The registry holding the model. */
  readonly registry: ModelRegistry;
  /** Default `flights-delay@champion`. */
  readonly ref?: string;
  /** A Parquet file or an Arrow IPC file or stream. Default: vega-datasets' flights-3m.parquet. */
  readonly input?: string;
  /** Where `scores.arrow` (and `scores.parquet`) go; created if missing. */
  readonly outDir: string;
  /** Score at most this many rows. */
  readonly limit?: number;
  /** Rows per record batch read from Parquet. Default 65,536. */
  readonly batchSize?: number;
  /** 'js' (default: the faster, see README) or 'tfjs' (predict on the WASM backend). */
  readonly scorer?: ScorerName;
  /** Also write scores.parquet (ZSTD). Default true. */
  readonly parquet?: boolean;
  /** Called after each batch is written. */
  readonly onBatch?: (progress: Progress) => void;
}

export interface Progress {
  readonly rows: number;
  readonly batches: number;
  readonly seconds: number;
}

export interface BatchScoreResult {
  /** The version scored with (`flights-delay/N`), resolved once at start. */
  readonly ref: string;
  readonly input: string;
  readonly rows: number;
  readonly batches: number;
  readonly scorer: ScorerName;
  readonly backend: BackendName;
  /** Wall time from the first read to the last byte written. */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Seconds spent in each stage (read = Parquet decoding and Arrow parsing). */
  readonly stages: {
    readonly read: number;
    readonly transform: number;
    readonly score: number;
    readonly write: number;
  };
  readonly files: { readonly arrow: string; readonly parquet?: string };
}

/** Scores a batch's row-major features: one Float32 score per row. */
type Scorer = (values: Float32Array, rows: number) => Float32Array;

/** tfjs's own forward pass on the current backend: one tensor a batch, disposed at once. */
export function tfjsScorer(model: tf.LayersModel, columns: number): Scorer {
  return (values, rows) =>
    tf.tidy(() => {
      // One call for the whole batch: predict's default batchSize (32) slices the batch into thousands of
      // small matrix products, which on the WASM backend costs more than the products themselves.
      const x = tf.tensor2d(values, [rows, columns]);
      return (model.predict(x, { batchSize: rows }) as tf.Tensor).dataSync() as Float32Array;
    });
}

/**
 * The same dense relu → sigmoid network as a plain-JS loop over the batch: float32 weights, float64 sums,
 * and only the nonzero inputs visited (the features are mostly one-hot: about 9 of 383 are nonzero). Within
 * float32 rounding of tfjs's scores (the sums run in another order and precision), not bit-identical.
 */
export function denseScorer(model: tf.LayersModel): Scorer {
  const [w1, b1, w2, b2] = model.getWeights().map((w) => w.dataSync() as Float32Array);
  if (!w1 || !b1 || !w2 || !b2 || b2.length !== 1 || w2.length !== b1.length)
    throw new Error('denseScorer: expected dense(relu) → dense(1, sigmoid) weights');
  const hidden = b1.length;
  const inputs = w1.length / hidden;
  const h = new Float64Array(hidden);
  return (values, rows) => {
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const base = r * inputs;
      for (let j = 0; j < hidden; j++) h[j] = b1[j]!;
      for (let i = 0; i < inputs; i++) {
        const x = values[base + i]!;
        if (x === 0) continue;
        const w = i * hidden;
        for (let j = 0; j < hidden; j++) h[j]! += x * w1[w + j]!;
      }
      let z = b2[0]!;
      for (let j = 0; j < hidden; j++) if (h[j]! > 0) z += h[j]! * w2[j]!;
      out[r] = 1 / (1 + Math.exp(-z));
    }
    return out;
  };
}

/** The input as a stream of Arrow record batches, at most `limit` rows. */
async function* readBatches(input: string, limit: number, batchSize: number): AsyncGenerator<RecordBatch> {
  if (resolvePath(input) === resolvePath(flights3mPath())) {
    yield* streamFlights3mBatches({ batchSize, limit, columns: INPUT_COLUMNS });
    return;
  }
  let remaining = limit;
  if (input.endsWith('.parquet')) {
    // examples/flights-3m.ts's reader, for any Parquet file.
    const file = await ParquetFile.fromFile(await openAsBlob(input));
    try {
      const stream = await file.stream({ batchSize, columns: INPUT_COLUMNS });
      for await (const wasmBatch of stream as unknown as AsyncIterable<WasmRecordBatch>) {
        for (const batch of tableFromIPC(wasmBatch.intoIPCStream()).batches) {
          if (remaining <= 0) return;
          const out = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
          remaining -= out.numRows;
          yield out;
        }
      }
    } finally {
      file.free();
    }
    return;
  }
  // Arrow IPC, file or stream format: read batch by batch as the bytes arrive.
  for await (const batch of await RecordBatchReader.from(createReadStream(input))) {
    if (remaining <= 0) return;
    const out = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
    remaining -= out.numRows;
    yield out;
  }
}

/** The single Data chunk of a record batch's column. */
function columnData(batch: RecordBatch, name: string) {
  const data = batch.getChild(name)?.data[0];
  if (!data) throw new Error(`batchScore: the input has no column '${name}'`);
  return data;
}

/**
 * Scores every row of `input` (at most `limit`) with the model and transform registered at `ref`, and
 * writes `scores.arrow` (an Arrow IPC file: row Uint32, date, origin, destination as in the input, score
 * Float32) and, unless `parquet` is false, the same table as `scores.parquet` (ZSTD), both streamed batch
 * by batch.
 */
export async function batchScore(options: BatchScoreOptions): Promise<BatchScoreResult> {
  const input = options.input ?? flights3mPath();
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const batchSize = options.batchSize ?? 65_536;
  const scorerName = options.scorer ?? 'js';
  const backend = await useBackend('wasm');
  const served = await loadFlightsModel(options.registry, options.ref ?? `${FLIGHTS_MODEL}@champion`);
  const transform: TransformArtifact = served.transform;
  const score =
    scorerName === 'tfjs' ? tfjsScorer(served.model, transform.columns.length) : denseScorer(served.model);

  mkdirSync(options.outDir, { recursive: true });
  const arrowPath = resolvePath(options.outDir, 'scores.arrow');
  const parquetPath = options.parquet === false ? undefined : resolvePath(options.outDir, 'scores.parquet');
  const arrowFile = createWriteStream(arrowPath);
  const arrowWriter = RecordBatchFileWriter.throughNode();
  const arrowDone = new Promise<void>((resolve, reject) => {
    arrowFile.on('finish', resolve).on('error', reject);
    arrowWriter.on('error', reject);
  });
  arrowWriter.pipe(arrowFile);

  // Parquet: parquet-wasm encodes a stream of its own record batches. It reads the first one before it
  // returns, so its promise is awaited only once batches flow.
  let parquetIn: WritableStreamDefaultWriter<WasmRecordBatch> | undefined;
  let parquetDone: Promise<void> | undefined;
  if (parquetPath) {
    const pipe = new TransformStream<WasmRecordBatch, WasmRecordBatch>();
    parquetIn = pipe.writable.getWriter();
    const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
    parquetDone = transformParquetStream(pipe.readable, properties).then((bytes) =>
      bytes.pipeTo(Writable.toWeb(createWriteStream(parquetPath)) as WritableStream),
    );
    parquetDone.catch(() => {}); // awaited below; an early failure is reported there
  }

  const stages = { read: 0, transform: 0, score: 0, write: 0 };
  let rows = 0;
  let batches = 0;
  const start = performance.now();
  let mark = start;
  const lap = (stage: keyof typeof stages) => {
    const now = performance.now();
    stages[stage] += (now - mark) / 1000;
    mark = now;
  };
  try {
    for await (const batch of readBatches(input, limit, batchSize)) {
      lap('read');
      const n = batch.numRows;
      const features = applyBatch(transform, batch);
      lap('transform');
      const scores = score(features.values, n);
      lap('score');
      const out = new RecordBatch({
        row: makeData({ type: new Uint32(), data: Uint32Array.from({ length: n }, (_, i) => rows + i) }),
        ...Object.fromEntries(KEY_COLUMNS.map((name) => [name, columnData(batch, name)])),
        score: makeData({ type: new Float32(), data: scores }),
      });
      // Wait for the file when the writer's buffer is full, so a slow disk cannot pile up batches in memory.
      if (!arrowWriter.write(out)) await new Promise((resume) => arrowWriter.once('drain', resume));
      if (parquetIn) {
        const wasm = WasmTable.fromIPCStream(tableToIPC(new Table(out), 'stream'));
        const wasmBatch = wasm.recordBatch(0)!;
        wasm.free();
        await parquetIn.ready;
        parquetIn.write(wasmBatch).catch(() => {}); // its failure fails parquetDone too
      }
      rows += n;
      batches += 1;
      lap('write');
      options.onBatch?.({ rows, batches, seconds: (performance.now() - start) / 1000 });
    }
    arrowWriter.end();
    await parquetIn?.close();
    await Promise.all([arrowDone, parquetDone]);
    lap('write');
  } catch (error) {
    arrowWriter.destroy();
    await parquetIn?.abort(error).catch(() => {});
    throw error;
  } finally {
    served.model.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    ref: served.ref,
    input,
    rows,
    batches,
    scorer: scorerName,
    backend,
    seconds,
    rowsPerSecond: rows / seconds,
    stages,
    files: parquetPath ? { arrow: arrowPath, parquet: parquetPath } : { arrow: arrowPath },
  };
}
