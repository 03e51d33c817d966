// What the data commands share: the reading flags (--format, --batch-rows, --max-record, --delimiter),
// streaming a file into a profile with a progress bar, and JSON output that survives BigInt.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProfileArtifact } from '../../stats/index.js';
import { createProfiler, parseProfile } from '../../stats/index.js';
import { CliError, type CommandSpec, createProgress, type ParsedCommand, stringFlag } from '../common.js';
import type { CliIO } from '../main.js';
import {
  type Batch,
  batchLength,
  type DataFormat,
  DEFAULT_BATCH_ROWS,
  DEFAULT_MAX_RECORD_CHARS,
  formatOf,
  type ReadOptions,
  readBatches,
} from '../read/index.js';

/** The reading flags, for a command spec's `options`. */
export const READ_OPTIONS: CommandSpec['options'] = {
  format: { type: 'string', description: 'csv, json, jsonl, arrow or parquet (default: from the extension)' },
  'batch-rows': { type: 'string', description: `rows read per batch (default ${DEFAULT_BATCH_ROWS})` },
  'max-record': {
    type: 'string',
    description: `longest CSV record or JSON line/element, in characters (default ${DEFAULT_MAX_RECORD_CHARS})`,
  },
  delimiter: { type: 'string', description: "CSV delimiter (default ','; '\\t' for tab)" },
};

function positiveInt(parsed: ParsedCommand, name: string): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** The reading flags as readBatches options. */
export function readOptionsOf(parsed: ParsedCommand): ReadOptions {
  const format = stringFlag(parsed, 'format');
  return {
    format: format === undefined ? undefined : formatOf('', format),
    batchRows: positiveInt(parsed, 'batch-rows'),
    maxRecordChars: positiveInt(parsed, 'max-record'),
    delimiter: stringFlag(parsed, 'delimiter'),
  };
}

/** Reads `file` batch by batch, calling `each` with the batch and the rows read before it; returns the rows. */
export async function forEachBatch(
  io: CliIO,
  file: string,
  options: ReadOptions,
  label: string,
  each: (batch: Batch, offset: number) => void,
): Promise<number> {
  const path = resolve(io.cwd, file);
  const progress = createProgress(io, label);
  let rows = 0;
  try {
    for await (const batch of readBatches(path, options)) {
      each(batch, rows);
      rows += batchLength(batch);
      progress.update(rows);
    }
  } finally {
    progress.stop();
  }
  return rows;
}

/** A profile of `file`: streamed through `createProfiler`, batch by batch (the library's monoid). */
export async function profileFile(io: CliIO, file: string, options: ReadOptions): Promise<ProfileArtifact> {
  const profiler = createProfiler();
  await forEachBatch(io, file, options, `profiling ${file}`, (batch) => {
    profiler.update(batch as never);
  });
  return profiler.result();
}

/**
 * A profile artifact when `file` is one (a .json file holding `"kind": "lockstep.profile"`), else
 * undefined: so `compare` and `infer-schema` take a saved profile as well as data.
 */
export function savedProfile(
  io: CliIO,
  file: string,
  format: DataFormat | undefined,
): ProfileArtifact | undefined {
  if (format !== undefined || !file.toLowerCase().endsWith('.json')) return undefined;
  const path = resolve(io.cwd, file);
  // Only the first bytes are read to tell an object (an artifact) from an array (rows).
  const start = Buffer.alloc(256);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, start, 0, 256, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // the data reader reports the missing file
  }
  if (
    !start
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{')
  )
    return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`${file} is neither a JSON array of rows nor a profile artifact (not valid JSON)`);
  }
  return parseProfile(json);
}

/** JSON with BigInt values written as numbers when exact, else as strings. */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(
    value,
    (_key, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v),
    indent,
  )}\n`;
}

/** A number for a table cell: integers as they are, others to 4 significant digits. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}
