// `lockstep validate <data> --schema s.json [--quarantine bad.jsonl]`: the anomaly table, exit code 1 when
// any anomaly is an error.
//
// Streaming and the library's answer: the file is read in batches of --batch-rows rows (65,536 by default)
// and each batch goes to one lockstep/schema `createValidator`, whose report on a stream of batches is
// exactly `validate` on all their rows: row-level anomalies with their rows in the file, and presence, domain
// mass, row bounds and missing or new columns judged once on the whole file. So a file of any size gets the
// library's report, whatever --batch-rows is. With --quarantine, each batch also goes through
// `partitionValid` (row-level, so batch by batch is the same rows), and the quarantine file is JSON lines
// `{ "row": <0-based row in the file>, "values": {…}, "reasons": [{ code, feature }] }`, one for every
// invalid row, so rows read = valid rows + quarantined rows (printed at the end).
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { toRows } from '../../core/frame.js';
import { createValidator, parseSchema, partitionValid, type ValidationReport } from '../../schema/index.js';
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
    const validator = createValidator(schema, options);
    let rows: number;
    try {
      rows = await forEachBatch(
        io,
        parsed.positionals[0]!,
        readOptionsOf(parsed),
        'validating',
        (batch, offset) => {
          validator.add(batch as never);
          if (!sink) return;
          const part = partitionValid(batch as never, schema, options);
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
    const report = validator.report();
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
