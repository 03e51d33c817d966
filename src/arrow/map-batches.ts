// Streaming: Arrow record batches in, Arrow record batches of features out, one batch at a time.
//
// The source is walked by hand rather than with `for await`, so that what lockstep reads from it is checked
// as data: an iterator that breaks the protocol (a `next` that is not a function, a result that is not an
// object, a getter that throws) is an INVALID_ARGUMENT naming `source`, not a TypeError. What the caller's
// own code throws (their iterator's `next` or `return`, `fn`) reaches the loop unchanged, as with
// `for await`. The walk keeps `for await`'s other rules: values of a sync iterable are awaited, an async
// iterator's are not; an early stop or an error closes the source (its `return`), an error thrown by the
// source itself does not.
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { checkFunction } from '../core/check.js';
import { invalidArgument, type LockstepError } from '../core/errors.js';
import { type ArrowTableLike, isArrowTable } from '../core/frame.js';
import { readFields } from '../core/read-fields.js';
import {
  checkMatrix,
  MAX_CHUNKS,
  type MatrixLike,
  readList,
  readWeightColumn,
  type WeightColumnOptions,
} from './matrix.js';
import { batchOf, fitsSchema, matrixSchema } from './to-arrow.js';

/** Options of {@link mapBatches}. */
export type MapBatchesOptions = WeightColumnOptions;

/** What {@link mapBatches} calls on each input batch: the feature matrix of that batch's rows, or a promise of it. */
export type BatchMapper<B> = (batch: B, index: number) => MatrixLike | PromiseLike<MatrixLike>;

const FN = 'mapBatches';

/**
 * Transformed features of a stream of Arrow data, one record batch out for each batch in: `fn` turns each
 * input batch into a feature matrix (typically `(batch) => applyBatch(fitted, batch)`), and each matrix
 * becomes a record batch as {@link toRecordBatch} makes it. Every output batch has the same schema, so
 * the stream can go straight to a `RecordBatchStreamWriter`. The source is read lazily, one batch at
 * a time, so memory holds one input batch and its output, whatever the stream's length; breaking out of
 * the loop (or an error in `fn`) closes the source. A Table source maps its record batches (at most 2^24
 * of them); a record batch source is one batch. Each matrix has the bounds toRecordBatch states (2^32 − 1
 * rows, 2^24 columns, names of at most 65,536 characters). O(rows × columns) copying on top of what `fn`
 * costs. Errors thrown by the source's own iterator or by `fn` reject the loop unchanged.
 * @throws LockstepError `INVALID_ARGUMENT` at the call when `source` is not a RecordBatchReader, Table,
 * record batch or (async) iterable, `fn` is not a function, or `options` is not an object of known keys
 * (`weightColumn`, a non-empty string; a misspelled key is named with the key meant); and while iterating
 * when the source breaks the iterator protocol or yields something other than a record batch or table,
 * `fn` returns a malformed matrix (see toRecordBatch), a matrix with a row count other than its input
 * batch's, or a matrix whose names or weights differ from the first batch's.
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
  const weightColumn = readWeightColumn(FN, options);
  const mapper = checkFunction<BatchMapper<ArrowTableLike>>(FN, 'fn', fn);
  if (typeof source !== 'object' || source === null) throw notASource(source);
  return run(sourceOf(source), mapper, weightColumn);
}

function notASource(source: unknown): LockstepError {
  return invalidArgument(
    FN,
    'source',
    'must be a RecordBatchReader, a Table, a RecordBatch, or an iterable or async iterable of record batches or tables',
    source,
  );
}

/** How a source is read: the batches of a table (a snapshot), or an iterable's iterator method. */
type Source =
  | { readonly kind: 'items'; readonly items: readonly unknown[] }
  | {
      readonly kind: 'iterable';
      readonly target: object;
      readonly method: (this: object) => unknown;
      readonly async: boolean;
    };

function unreadable(arg: string, what = 'reading it threw'): LockstepError {
  return invalidArgument(FN, arg, `must be readable (${what})`);
}

/** Checks a source at the call, reading what decides its kind once. */
function sourceOf(source: object): Source {
  let table: boolean;
  try {
    table = isArrowTable(source);
  } catch {
    throw unreadable('source');
  }
  // Tables and record batches are iterables of rows, so they are recognised before the iterable check.
  if (table) {
    const { batches } = readFields(FN, 'source', source, ['batches']);
    if (!Array.isArray(batches)) return { kind: 'items', items: [source] };
    return { kind: 'items', items: readList(FN, 'source.batches', batches, MAX_CHUNKS, 'must be an array') };
  }
  let asyncMethod: unknown;
  let syncMethod: unknown;
  try {
    asyncMethod = (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
    if (typeof asyncMethod !== 'function')
      syncMethod = (source as Partial<Iterable<unknown>>)[Symbol.iterator];
  } catch {
    throw unreadable('source');
  }
  if (typeof asyncMethod === 'function') {
    return {
      kind: 'iterable',
      target: source,
      method: asyncMethod as (this: object) => unknown,
      async: true,
    };
  }
  if (typeof syncMethod === 'function') {
    return {
      kind: 'iterable',
      target: source,
      method: syncMethod as (this: object) => unknown,
      async: false,
    };
  }
  throw notASource(source);
}

/**
 * A value, or what it settles to when it is a thenable, in a box: `then` is read once (a throwing read is
 * an INVALID_ARGUMENT naming `arg`), and what it resolves with is taken as is, never adopted again (the box
 * keeps a promise from adopting a thenable, which could leave the loop waiting on a `then` that never
 * calls back).
 */
async function settle(arg: string, value: unknown): Promise<{ readonly value: unknown }> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return { value };
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch {
    throw unreadable(arg, 'reading its then threw');
  }
  if (typeof then !== 'function') return { value };
  return new Promise<{ value: unknown }>((resolve, reject) => {
    (then as (this: unknown, ok: (v: unknown) => void, fail: (e: unknown) => void) => void).call(
      value,
      (v) => resolve({ value: v }),
      reject,
    );
  });
}

/** One step of a source: its next item, or done. */
type Step = { readonly done: true } | { readonly done: false; readonly item: unknown };

interface Cursor {
  /** The next step; errors thrown by the caller's iterator propagate unchanged. */
  next(): Promise<Step>;
  /** Closes the source early (its iterator's `return`); with `quiet`, whatever that throws is dropped. */
  close(quiet: boolean): Promise<void>;
}

/** A method of the source's iterator, read once. */
function readIterator(iterator: object, key: 'next' | 'return'): unknown {
  try {
    return (iterator as Record<string, unknown>)[key];
  } catch {
    throw unreadable('source', `reading its iterator's ${key} threw`);
  }
}

function open(source: Source): Cursor {
  if (source.kind === 'items') {
    const { items } = source;
    let at = 0;
    return {
      next: async () => (at < items.length ? { done: false, item: items[at++] } : { done: true }),
      close: async () => {},
    };
  }
  const { target, method, async } = source;
  const protocol = `must follow the ${async ? 'async ' : ''}iterator protocol`;
  const iterator = method.call(target);
  if ((typeof iterator !== 'object' && typeof iterator !== 'function') || iterator === null) {
    throw invalidArgument(FN, 'source', `${protocol}: its iterator must be an object`, iterator);
  }
  const next = readIterator(iterator, 'next');
  if (typeof next !== 'function') {
    throw invalidArgument(FN, 'source', `${protocol}: its iterator must have a next method`, next);
  }
  return {
    async next() {
      let result = next.call(iterator);
      if (async) result = (await settle('source', result)).value;
      if (typeof result !== 'object' || result === null) {
        throw invalidArgument(FN, 'source', `${protocol}: next() must give objects { done, value }`, result);
      }
      const { done, value } = readFields(FN, 'source', result, ['done', 'value']);
      if (done) return { done: true };
      return { done: false, item: async ? value : (await settle('source', value)).value };
    },
    async close(quiet) {
      try {
        const close = readIterator(iterator, 'return');
        if (typeof close !== 'function') return;
        const result = close.call(iterator);
        if (async) await settle('source', result);
      } catch (error) {
        if (!quiet) throw error;
      }
    },
  };
}

async function* run(
  source: Source,
  fn: BatchMapper<ArrowTableLike>,
  weightColumn: string,
): AsyncGenerator<RecordBatch, void, undefined> {
  const cursor = open(source);
  let schema: Schema | undefined;
  // `live` is true while the source may hold resources: not after it said done, nor after it threw.
  let live = true;
  let failing = false;
  try {
    for (let index = 0; ; index++) {
      live = false;
      const step = await cursor.next();
      if (step.done) return;
      live = true;
      const item = step.item;
      let numRows: unknown;
      try {
        numRows = typeof item === 'object' && item !== null && isArrowTable(item) ? item.numRows : undefined;
      } catch {
        throw invalidArgument(FN, 'source', `must yield readable items, but reading item ${index} threw`);
      }
      if (numRows === undefined) {
        throw invalidArgument(
          FN,
          'source',
          `must yield Arrow record batches or tables, but item ${index} is not one`,
          item,
        );
      }
      const arg = `fn(batch ${index})`;
      const { value: out } = await settle(arg, fn(item as ArrowTableLike, index));
      const matrix = checkMatrix(FN, arg, out, weightColumn);
      if (matrix.rows !== numRows) {
        throw invalidArgument(
          FN,
          `${arg}.rows`,
          `must equal the input batch's row count (${numRows}): one output row per input row`,
          matrix.rows,
        );
      }
      if (schema === undefined) schema = matrixSchema(matrix, weightColumn);
      else if (!fitsSchema(schema, matrix)) {
        const first = schema.fields.map((f) => f.name);
        throw invalidArgument(
          FN,
          arg,
          `must have the columns of batch 0 (${first.length} columns: ${first.slice(0, 8).join(', ')}${first.length > 8 ? ', ...' : ''}), names and weights alike`,
          matrix.weights === undefined ? matrix.names : [...matrix.names, weightColumn],
        );
      }
      yield batchOf(matrix, schema);
    }
  } catch (error) {
    failing = true;
    throw error;
  } finally {
    if (live) await cursor.close(failing);
  }
}
