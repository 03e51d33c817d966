// `lockstep validate <data> --schema s.json [--quarantine bad.jsonl]`: the anomaly table, exit code 1 when
// any anomaly is an error.
//
// Streaming and the library's answer: the file is read in batches of --batch-rows rows (65,536 by default)
// and each batch goes through lockstep/schema's `partitionValid` (or `validate` without --quarantine). A
// file of one batch gets exactly the library's report on all its rows. A file of several batches gets the
// batches' reports merged: row-level anomalies exactly (counts add up, fractions of all rows, the first
// examples with their row numbers in the file, value counts and ranges merged); the schema's row bounds
// judged on the whole file; presence and domain mass, which the schema checks per batch (as the library
// does for each batch it is given), merged as counts over the batches that fell short. The quarantine file
// is JSON lines `{ "row": <0-based row in the file>, "values": {…}, "reasons": [{ code, feature }] }`, one
// for every invalid row, so rows read = valid rows + quarantined rows (printed at the end).
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { toRows } from '../../core/frame.js';
import {
  type Anomaly,
  parseSchema,
  partitionValid,
  type SchemaArtifact,
  type ValidationReport,
  validate,
} from '../../schema/index.js';
import {
  CliError,
  type CommandSpec,
  EXIT,
  formatTable,
  parseCommand,
  printHelp,
  readJsonFile,
  runCommand,
  stringFlag,
  styles,
} from '../common.js';
import type { CliIO } from '../main.js';
import { forEachBatch, num, READ_OPTIONS, readOptionsOf, toJson } from './data.js';

export const VALIDATE: CommandSpec = {
  name: 'validate',
  usage: '<data> --schema <schema.json> [--quarantine bad.jsonl] [options]',
  description:
    'Validates a data file against a schema (lockstep/schema validate / partitionValid), in streaming batches,\n' +
    'and prints the anomaly table. Exit code 1 when any anomaly is an error, 0 otherwise. With --quarantine,\n' +
    'every invalid row is written as a JSON line { row, values, reasons }.',
  options: {
    schema: { type: 'string', short: 's', description: 'the schema artifact (required)' },
    quarantine: { type: 'string', short: 'q', description: 'write invalid rows here as JSON lines' },
    environment: { type: 'string', description: 'the schema environment to check (training, serving, …)' },
    ...READ_OPTIONS,
  },
  examples: ['lockstep validate data/new.csv --schema flights.schema.json --quarantine bad.jsonl'],
  positionals: { min: 1, max: 1, names: '<data>' },
};

type MutableAnomaly = { -readonly [K in keyof Anomaly]: Anomaly[K] };
const ROW_BOUNDS = new Set(['TOO_FEW_ROWS', 'TOO_MANY_ROWS']);
const MAX_EXAMPLES = 5;

/** Merges per-batch reports (see the file's comment); one batch's report is returned as it is. */
export function mergeReports(
  reports: readonly { report: ValidationReport; offset: number }[],
  schema: SchemaArtifact,
): ValidationReport {
  if (reports.length === 1) return reports[0]!.report;
  const rows = reports.reduce((n, r) => n + r.report.rows, 0);
  const merged = new Map<string, MutableAnomaly>();
  for (const { report, offset } of reports) {
    for (const a of report.anomalies) {
      if (ROW_BOUNDS.has(a.code)) continue;
      const key = `${a.code}\u0000${a.feature ?? ''}`;
      const examples = a.examples.map((e) => ({ row: e.row + offset, value: e.value }));
      const m = merged.get(key);
      if (!m) {
        merged.set(key, { ...a, examples: examples.slice(0, MAX_EXAMPLES) });
        continue;
      }
      m.count += a.count;
      m.examples = [...m.examples, ...examples].slice(0, MAX_EXAMPLES);
      if (a.values) {
        const counts = new Map((m.values ?? []).map((v) => [v.value, v.count]));
        for (const v of a.values) counts.set(v.value, (counts.get(v.value) ?? 0) + v.count);
        m.values = [...counts]
          .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
          .slice(0, 100)
          .map(([value, count]) => ({ value, count }));
      }
      if (a.range)
        m.range = m.range
          ? { min: Math.min(m.range.min, a.range.min), max: Math.max(m.range.max, a.range.max) }
          : a.range;
      if (a.observed && m.observed)
        m.observed = {
          present: m.observed.present + a.observed.present,
          rows: m.observed.rows + a.observed.rows,
        };
      if (a.observedMass && m.observedMass)
        m.observedMass = {
          inDomain: m.observedMass.inDomain + a.observedMass.inDomain,
          checked: m.observedMass.checked + a.observedMass.checked,
        };
    }
  }
  const anomalies: MutableAnomaly[] = [];
  const { minRows, maxRows } = schema.dataset;
  const bound = (code: 'TOO_FEW_ROWS' | 'TOO_MANY_ROWS', expected: string) =>
    anomalies.push({
      code,
      severity: 'error',
      message: `expected ${expected}, received ${rows} rows`,
      expected,
      received: `${rows} rows`,
      count: rows,
      fraction: 1,
      examples: [],
    });
  if (minRows !== undefined && rows < minRows) bound('TOO_FEW_ROWS', `at least ${minRows} rows`);
  if (maxRows !== undefined && rows > maxRows) bound('TOO_MANY_ROWS', `at most ${maxRows} rows`);
  for (const a of merged.values()) {
    a.fraction = rows === 0 ? 0 : a.count / rows;
    const where = a.feature !== undefined ? `${JSON.stringify(a.feature)}: ` : '';
    a.message = `${where}expected ${a.expected}, received ${a.received} in ${a.count} of ${rows} rows (merged over ${reports.length} batches)`;
    anomalies.push(a);
  }
  return { ok: !anomalies.some((a) => a.severity === 'error'), rows, anomalies };
}

export function anomalyTable(report: ValidationReport, io: CliIO): string {
  const s = styles(io.stdout, io.env);
  if (report.anomalies.length === 0) return `${report.rows} rows, ${s.green('no anomalies')}\n`;
  const rows = report.anomalies.map((a) => [
    a.severity === 'error' ? s.red('error') + ' '.repeat(2) : s.yellow('warning'),
    a.code,
    a.feature ?? '',
    String(a.count),
    num(a.fraction),
    a.received.length > 60 ? `${a.received.slice(0, 57)}...` : a.received,
  ]);
  const errors = report.anomalies.filter((a) => a.severity === 'error').length;
  return `${report.rows} rows, ${errors} errors, ${report.anomalies.length - errors} warnings\n${formatTable(['severity', 'code', 'feature', 'rows', 'fraction', 'received'], rows)}\n`;
}

export function validateCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('validate', io, argv, async () => {
    const parsed = parseCommand(VALIDATE, argv);
    if (parsed.help) return printHelp(io, VALIDATE);
    const schemaFile = stringFlag(parsed, 'schema');
    if (schemaFile === undefined) throw new CliError('--schema <schema.json> is required');
    const schema = parseSchema(readJsonFile(io, schemaFile, 'schema'));
    const environment = stringFlag(parsed, 'environment');
    const options = environment !== undefined ? { environment } : {};
    const quarantineFile = stringFlag(parsed, 'quarantine');
    let sink: WriteStream | undefined;
    let quarantined = 0;
    let writeError: unknown;
    if (quarantineFile !== undefined) {
      sink = createWriteStream(resolve(io.cwd, quarantineFile));
      sink.on('error', (e) => {
        writeError = e;
      });
    }
    const reports: { report: ValidationReport; offset: number }[] = [];
    let rows: number;
    try {
      rows = await forEachBatch(
        io,
        parsed.positionals[0]!,
        readOptionsOf(parsed),
        'validating',
        (batch, offset) => {
          if (!sink) {
            reports.push({ report: validate(batch as never, schema, options), offset });
            return;
          }
          const part = partitionValid(batch as never, schema, options);
          reports.push({ report: part.report, offset });
          const bad = toRows(part.quarantined);
          part.reasons.forEach((reason, i) => {
            sink!.write(toJson({ row: reason.row + offset, values: bad[i], reasons: reason.anomalies }, 0));
          });
          for (const r of part.rejected)
            sink.write(toJson({ row: r.row + offset, values: r.value, reasons: [{ code: 'BAD_ROW' }] }, 0));
          quarantined += part.reasons.length + part.rejected.length;
        },
      );
    } finally {
      if (sink) await new Promise<void>((done) => sink!.end(done));
    }
    if (writeError) throw new CliError(`cannot write ${quarantineFile}: ${(writeError as Error).message}`);
    const report = reports.length === 0 ? validate([], schema, options) : mergeReports(reports, schema);
    if (parsed.json) {
      io.stdout.write(toJson(sink ? { ...report, quarantined, valid: rows - quarantined } : report));
    } else {
      io.stdout.write(anomalyTable(report, io));
      if (sink)
        io.stdout.write(
          `${rows - quarantined} valid rows, ${quarantined} quarantined to ${quarantineFile}\n`,
        );
    }
    return report.ok ? EXIT.OK : EXIT.FAILED;
  });
}
