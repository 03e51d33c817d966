// JSON lines and JSON arrays, streamed: each record's text is cut out of the UTF-8 chunks as they arrive
// and parsed on its own, so memory holds one batch and one record, never the file.
import { CliError } from '../common.js';
import type { Batch, ReaderSettings } from './index.js';
import { readUtf8Chunks } from './text.js';

function tooLong(path: string, what: string, at: number, limit: number): CliError {
  return new CliError(
    `${path}: ${what} ${at} is longer than ${limit} characters (--max-record to raise the limit)`,
  );
}

function parseRecord(path: string, text: string, what: string, at: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path}: ${what} ${at} is not valid JSON: ${(error as Error).message}`);
  }
}

/** JSON lines: one JSON value (a row object) a line; blank lines are skipped. */
export async function* readJsonLinesBatches(path: string, s: ReaderSettings): AsyncGenerator<Batch> {
  let batch: unknown[] = [];
  let pending = '';
  let line = 0;
  const take = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed !== '') batch.push(parseRecord(path, trimmed, 'line', line));
  };
  for await (const chunk of readUtf8Chunks(path)) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      const text = pending + chunk.slice(start, nl);
      pending = '';
      if (text.length > s.maxRecordChars) throw tooLong(path, 'line', line + 1, s.maxRecordChars);
      take(text);
      start = nl + 1;
      if (batch.length >= s.batchRows) {
        yield batch as Batch;
        batch = [];
      }
    }
    pending += chunk.slice(start);
    if (pending.length > s.maxRecordChars) throw tooLong(path, 'line', line + 1, s.maxRecordChars);
  }
  if (pending.trim() !== '') take(pending);
  if (batch.length > 0) yield batch as Batch;
}

/**
 * A JSON array of rows, `[{…}, {…}]`, cut into its elements by a small scanner (strings, escapes and
 * nesting depth), each element parsed with JSON.parse. A file that ends before the array closes is an error.
 */
export async function* readJsonArrayBatches(path: string, s: ReaderSettings): AsyncGenerator<Batch> {
  let batch: unknown[] = [];
  let state: 'start' | 'between' | 'element' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let index = 0;
  for await (const chunk of readUtf8Chunks(path)) {
    let from = -1; // where the current element starts in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          if (depth === 0) {
            // `]` closes the array right after a scalar element.
            element += chunk.slice(from < 0 ? 0 : from, i);
            if (element.trim() !== '') batch.push(parseRecord(path, element, 'element', index++));
            element = '';
            from = -1;
            state = 'end';
            continue;
          }
          depth--;
        } else if (c === 44 && depth === 0) {
          element += chunk.slice(from < 0 ? 0 : from, i);
          batch.push(parseRecord(path, element, 'element', index++));
          element = '';
          from = -1;
          state = 'between';
          if (batch.length >= s.batchRows) {
            yield batch as Batch;
            batch = [];
          }
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (state === 'start') {
        if (c !== 91)
          throw new CliError(
            `${path} is not a JSON array of rows (it does not start with '['); JSON lines need the .jsonl extension or --format jsonl`,
          );
        state = 'between';
      } else if (state === 'between') {
        if (c === 93 && batch.length === 0 && index === 0) {
          state = 'end';
          continue;
        }
        state = 'element';
        from = i;
        depth = 0;
        i--; // read this character as the element's first
      } else {
        throw new CliError(`${path}: unexpected text after the JSON array's end`);
      }
    }
    if (state === 'element') {
      element += chunk.slice(from < 0 ? 0 : from);
      if (element.length > s.maxRecordChars) throw tooLong(path, 'element', index, s.maxRecordChars);
    }
  }
  if ((state as string) !== 'end')
    throw new CliError(`${path}: the JSON array is not closed (the file is truncated or not JSON)`);
  if (batch.length > 0) yield batch as Batch;
}
