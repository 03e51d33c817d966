// Data files in, batches of rows (or Arrow record batches) out, in bounded memory. Every reader yields
// batches of at most `batchRows` rows as soon as they are read, so a file larger than memory is profiled or
// validated batch by batch; only one batch (and the parser's buffer) is held at a time.
//
// Formats, by extension unless `format` says otherwise: .csv (csv-parse), .json (one array of row
// objects), .jsonl / .ndjson (a row object a line), .arrow / .ipc / .feather (Arrow IPC, file or stream
// format, apache-arrow), .parquet (parquet-wasm, ZSTD and the other codecs it knows, into apache-arrow).
//
// Rules a user can rely on (docs/cli.md says the same):
// - Text is UTF-8; an invalid byte sequence is an error naming the byte offset, never a silent U+FFFD.
// - A record (a CSV record, a JSON line, one element of a JSON array) longer than `maxRecordChars`
//   (default 16 Mi characters) is an error as soon as the reader has seen that much of it, so a 1 GB line
//   fails after 16 MiB of reading (plus one 64 KiB chunk), not after filling memory.
// - CSV values are typed per value, never per column, so every batch is read the same whatever it holds:
//   an empty field is missing (null); a field that is a decimal number in JSON's syntax (`-12`, `3.5`,
//   `1e-3`) is a number; anything else stays a string (ISO dates included: the library reads a column of
//   ISO-8601 strings as timestamps, as it does for JSON). The first record is the header.
// - A CSV whose header is a single column whose name holds `;`, tab or `|` was almost certainly written
//   with another delimiter: an error says which, and `--delimiter` reads it.
import { extname } from 'node:path';
import type { ArrowTableLike } from '../../core/frame-types.js';
import { CliError } from '../common.js';
import { readArrowBatches, readParquetBatches } from './arrow.js';
import { readCsvBatches } from './csv.js';
import { readJsonArrayBatches, readJsonLinesBatches } from './json.js';

/** A batch as the library takes it: row objects, or an Arrow record batch (read without copying). */
export type Batch = readonly Record<string, unknown>[] | ArrowTableLike;

export type DataFormat = 'csv' | 'json' | 'jsonl' | 'arrow' | 'parquet';
export const FORMATS: readonly DataFormat[] = ['csv', 'json', 'jsonl', 'arrow', 'parquet'];

export interface ReadOptions {
  /** The format; by default from the file's extension. */
  readonly format?: DataFormat | undefined;
  /** Rows per batch. Default 65,536. */
  readonly batchRows?: number | undefined;
  /** The longest record (line, JSON element) in characters. Default 16 MiB. */
  readonly maxRecordChars?: number | undefined;
  /** CSV only: the delimiter. Default ','. */
  readonly delimiter?: string | undefined;
}

export const DEFAULT_BATCH_ROWS = 65_536;
export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;

const EXTENSIONS: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.arrow': 'arrow',
  '.ipc': 'arrow',
  '.feather': 'arrow',
  '.parquet': 'parquet',
};

/** The format of `path`: `format` if given, else from its extension; a `CliError` when neither says. */
export function formatOf(path: string, format?: string): DataFormat {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format))
      throw new CliError(`unknown format ${JSON.stringify(format)}; formats: ${FORMATS.join(', ')}`);
    return format as DataFormat;
  }
  const found = EXTENSIONS[extname(path).toLowerCase()];
  if (found === undefined)
    throw new CliError(
      `cannot tell the format of ${path} from its extension; use --format (${FORMATS.join(', ')})`,
    );
  return found;
}

/** The number of rows in a batch. */
export function batchLength(batch: Batch): number {
  return Array.isArray(batch) ? batch.length : (batch as ArrowTableLike).numRows;
}

/**
 * Reads `path` as batches of at most `batchRows` rows. Errors (unreadable, truncated or malformed files,
 * invalid UTF-8, an over-long record) are `CliError`s with one line naming the file and where.
 */
export async function* readBatches(path: string, options: ReadOptions = {}): AsyncGenerator<Batch> {
  const format = formatOf(path, options.format);
  const settings = {
    batchRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxRecordChars: options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS,
    delimiter: options.delimiter ?? ',',
  };
  if (options.delimiter !== undefined && format !== 'csv')
    throw new CliError('--delimiter applies to CSV files only');
  switch (format) {
    case 'csv':
      yield* readCsvBatches(path, settings);
      return;
    case 'json':
      yield* readJsonArrayBatches(path, settings);
      return;
    case 'jsonl':
      yield* readJsonLinesBatches(path, settings);
      return;
    case 'arrow':
      yield* readArrowBatches(path, settings);
      return;
    case 'parquet':
      yield* readParquetBatches(path, settings);
      return;
  }
}

/** Settings every reader gets. */
export interface ReaderSettings {
  readonly batchRows: number;
  readonly maxRecordChars: number;
  readonly delimiter: string;
}
