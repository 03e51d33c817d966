// Streaming: Arrow record batches in, Arrow record batches of features out, one batch at a time.
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { invalidArgument } from '../core/errors.js';
import { type ArrowTableLike, isArrowTable } from '../core/frame.js';
import { checkMatrix, checkWeightColumn, type MatrixLike, type WeightColumnOptions } from './matrix.js';
import { batchOf, fitsSchema, matrixSchema } from './to-arrow.js';

/** Options of {@link mapBatches}. */
export type MapBatchesOptions = WeightColumnOptions;

/** What {@link mapBatches} calls on each input batch: the feature matrix of that batch's rows, or a promise of it. */
export type BatchMapper<B> = (batch: B, index: number) => MatrixLike | PromiseLike<MatrixLike>;

function isIterable(value: object): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function' ||
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Transformed features of a stream of Arrow data, one record batch out for each batch in: `fn` turns each
 * input batch into a feature matrix (typically `(batch) => applyBatch(fitted, batch)`), and each matrix
 * becomes a record batch as {@link toRecordBatch} makes it. Every output batch has the same schema, so
 * the stream can go straight to a `RecordBatchStreamWriter`. The source is read lazily, one batch at
 * a time, so memory holds one input batch and its output, whatever the stream's length; breaking out of
 * the loop (or an error in `fn`) closes the source. A Table source maps its record batches; a record
 * batch source is one batch. O(rows × columns) copying on top of what `fn` costs.
 * @throws LockstepError `INVALID_ARGUMENT` at the call when `source` is not a RecordBatchReader, Table,
 * record batch or (async) iterable, or `fn` is not a function; and while iterating when the source yields
 * something other than a record batch or table, `fn` returns a malformed matrix (see toRecordBatch),
 * a matrix with a row count other than its input batch's, or a matrix whose names or weights differ from
 * the first batch's.
 * @example for await (const batch of mapBatches(reader, (b) => applyBatch(fitted, b))) writer.write(batch)
 */
export function mapBatches(
  source: Table | RecordBatch,
  fn: BatchMapper<RecordBatch>,
  options?: MapBatchesOptions,
): AsyncGenerator<RecordBatch, void, undefined>;
export function mapBatches<B extends ArrowTableLike>(
  source: Iterable<B> | AsyncIterable<B>,
  fn: BatchMapper<B>,
  options?: MapBatchesOptions,
): AsyncGenerator<RecordBatch, void, undefined>;
export function mapBatches(
  source: unknown,
  fn: BatchMapper<never>,
  options?: MapBatchesOptions,
): AsyncGenerator<RecordBatch, void, undefined> {
  const weightColumn = checkWeightColumn('mapBatches', options);
  if (typeof fn !== 'function') throw invalidArgument('mapBatches', 'fn', 'must be a function', fn);
  if (typeof source !== 'object' || source === null) throw notASource(source);
  let items: Iterable<unknown> | AsyncIterable<unknown>;
  // Tables and record batches are iterables of rows, so they are recognised before the iterable check.
  if (isArrowTable(source)) {
    const batches = (source as Partial<Table>).batches;
    items = Array.isArray(batches) ? batches : [source];
  } else if (isIterable(source)) items = source;
  else throw notASource(source);
  return run(items, fn as BatchMapper<ArrowTableLike>, weightColumn);
}

function notASource(source: unknown) {
  return invalidArgument(
    'mapBatches',
    'source',
    'must be a RecordBatchReader, a Table, a RecordBatch, or an iterable or async iterable of record batches or tables',
    source,
  );
}

async function* run(
  items: Iterable<unknown> | AsyncIterable<unknown>,
  fn: BatchMapper<ArrowTableLike>,
  weightColumn: string,
): AsyncGenerator<RecordBatch, void, undefined> {
  let schema: Schema | undefined;
  let index = 0;
  for await (const item of items) {
    if (typeof item !== 'object' || item === null || !isArrowTable(item)) {
      throw invalidArgument(
        'mapBatches',
        'source',
        `must yield Arrow record batches or tables, but item ${index} is not one`,
        item,
      );
    }
    const arg = `fn(batch ${index})`;
    const matrix = checkMatrix('mapBatches', arg, await fn(item, index), weightColumn);
    if (matrix.rows !== item.numRows) {
      throw invalidArgument(
        'mapBatches',
        `${arg}.rows`,
        `must equal the input batch's row count (${item.numRows}): one output row per input row`,
        matrix.rows,
      );
    }
    if (schema === undefined) schema = matrixSchema(matrix, weightColumn);
    else if (!fitsSchema(schema, matrix)) {
      const first = schema.fields.map((f) => f.name);
      throw invalidArgument(
        'mapBatches',
        arg,
        `must have the columns of batch 0 (${first.length} columns: ${first.slice(0, 8).join(', ')}${first.length > 8 ? ', ...' : ''}), names and weights alike`,
        matrix.weights === undefined ? matrix.names : [...matrix.names, weightColumn],
      );
    }
    yield batchOf(matrix, schema);
    index++;
  }
}
