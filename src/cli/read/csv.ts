// CSV through csv-parse's streaming parser: the header is the first record, values typed per value (see
// ./index.ts), records cut into batches as they are parsed.
import { Readable } from 'node:stream';
import { type CastingContext, parse } from 'csv-parse';
import { CliError } from '../common.js';
import type { Batch, ReaderSettings } from './index.js';
import { readUtf8Chunks } from './text.js';

/** A decimal number in JSON's syntax: what a CSV field must look like to be read as a number. */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The rule for one CSV field: empty (unquoted) is missing, a JSON-syntax number a number, else text. */
export function castCsvValue(value: string, quoted: boolean): unknown {
  if (quoted) return value;
  if (value === '') return null;
  return NUMBER.test(value) ? Number(value) : value;
}

const OTHER_DELIMITERS: readonly [string, string][] = [
  [';', 'semicolon'],
  ['\t', 'tab'],
  ['|', 'pipe'],
  [',', 'comma'],
];

/** A one-column header holding another delimiter: the file was written with that delimiter. */
function checkHeader(path: string, header: string[], delimiter: string): string[] {
  if (header.length === 1) {
    const found = OTHER_DELIMITERS.find(([d]) => d !== delimiter && (header[0] ?? '').includes(d));
    if (found)
      throw new CliError(
        `${path}: the header is one column ${JSON.stringify(header[0]?.slice(0, 60))} holding '${found[0] === '\t' ? '\\t' : found[0]}': the file looks ${found[1]}-delimited; read it with --delimiter '${found[0] === '\t' ? '\\t' : found[0]}'`,
      );
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name))
      throw new CliError(`${path}: the header names the column ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
  return header;
}

export async function* readCsvBatches(path: string, s: ReaderSettings): AsyncGenerator<Batch> {
  const delimiter = s.delimiter === '\\t' ? '\t' : s.delimiter;
  let headerError: unknown;
  const parser = parse({
    delimiter,
    columns: (header: string[]) => {
      try {
        return checkHeader(path, header, delimiter);
      } catch (error) {
        headerError = error;
        throw error;
      }
    },
    bom: true,
    max_record_size: s.maxRecordChars,
    cast: (value: string, context: CastingContext) =>
      context.header ? value : castCsvValue(value, context.quoting),
    skip_empty_lines: true,
  });
  const source = Readable.from(readUtf8Chunks(path), { objectMode: false });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let batch: Record<string, unknown>[] = [];
  try {
    for await (const record of parser as AsyncIterable<Record<string, unknown>>) {
      batch.push(record);
      if (batch.length >= s.batchRows) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (headerError) throw headerError;
    if (error instanceof CliError) throw error;
    const e = error as Error & { code?: string };
    if (e.code === 'CSV_MAX_RECORD_SIZE')
      throw new CliError(
        `${path}: a record is longer than ${s.maxRecordChars} characters (a line with no end, or the wrong file; --max-record to raise the limit)`,
      );
    throw new CliError(`${path}: not valid CSV: ${e.message}`);
  } finally {
    source.destroy();
  }
  if (batch.length > 0) yield batch;
}
