// `lockstep compare <reference> <current>`: drift and skew per feature (lockstep/drift compare) between
// two data files (or saved profiles), each profiled in streaming batches; the HTML report from
// lockstep/report; exit code 1 with --fail-on-drift when any feature drifted.
import { compare, type DriftReport } from '../../drift/index.js';
import { renderReport } from '../../report/index.js';
import { parseSchema } from '../../schema/index.js';
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
  writeText,
} from '../common.js';
import type { CliIO } from '../main.js';
import { num, profileFile, READ_OPTIONS, readOptionsOf, savedProfile, toJson } from './data.js';

export const COMPARE: CommandSpec = {
  name: 'compare',
  usage: '<reference> <current> [--schema s.json] [--html report.html] [--fail-on-drift] [options]',
  description:
    'Compares two data files (or saved profile artifacts) feature by feature with lockstep/drift compare, on\n' +
    "their streamed profiles, with the schema's comparators when --schema is given. Prints the table; writes\n" +
    'the self-contained HTML report of lockstep/report with --html. Exit code 1 with --fail-on-drift when any\n' +
    'feature drifted, else 0.',
  options: {
    schema: {
      type: 'string',
      short: 's',
      description: 'a schema artifact: its skew and drift comparators and environments',
    },
    html: { type: 'string', description: 'write the HTML report here' },
    'fail-on-drift': { type: 'boolean', description: 'exit 1 when any feature drifted' },
    mode: {
      type: 'string',
      description: "compare (default), skew or drift: which of the schema's comparators",
    },
    ...READ_OPTIONS,
  },
  examples: ['lockstep compare train.parquet today.csv --html drift.html --fail-on-drift'],
  positionals: { min: 2, max: 2, names: '<reference> <current>' },
};

export function driftTable(report: DriftReport, io: CliIO): string {
  const s = styles(io.stdout, io.env);
  const rows = report.features.map((f) => [
    f.feature,
    f.type,
    f.method,
    num(f.statistic),
    f.pValue === undefined ? '' : num(f.pValue),
    num(f.threshold),
    f.drifted ? s.red('DRIFT') : 'ok',
  ]);
  const d = report.dataset;
  return `${d.drifted} of ${d.compared} features drifted${d.datasetDrift ? ' (data set drift)' : ''}\n${formatTable(['feature', 'type', 'method', 'statistic', 'p-value', 'threshold', 'result'], rows)}\n`;
}

export function compareCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('compare', io, argv, async () => {
    const parsed = parseCommand(COMPARE, argv);
    if (parsed.help) return printHelp(io, COMPARE);
    const read = readOptionsOf(parsed);
    const [refFile, curFile] = parsed.positionals as [string, string];
    const reference = savedProfile(io, refFile, read.format) ?? (await profileFile(io, refFile, read));
    const current = savedProfile(io, curFile, read.format) ?? (await profileFile(io, curFile, read));
    const schemaFile = stringFlag(parsed, 'schema');
    const mode = stringFlag(parsed, 'mode');
    if (mode !== undefined && !['compare', 'skew', 'drift'].includes(mode))
      throw new CliError(`--mode must be compare, skew or drift, got ${JSON.stringify(mode)}`);
    const report = compare(reference, current, {
      ...(schemaFile !== undefined ? { schema: parseSchema(readJsonFile(io, schemaFile, 'schema')) } : {}),
      ...(mode !== undefined ? { mode: mode as 'compare' } : {}),
    });
    const html = stringFlag(parsed, 'html');
    if (html !== undefined) writeText(io, html, renderReport(report, { title: `${refFile} → ${curFile}` }));
    io.stdout.write(parsed.json ? toJson(report) : driftTable(report, io));
    return parsed.values['fail-on-drift'] === true && report.dataset.drifted > 0 ? EXIT.FAILED : EXIT.OK;
  });
}
