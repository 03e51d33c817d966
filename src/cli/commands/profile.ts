// `lockstep profile <data>`: the data's profile artifact (lockstep/stats), streamed batch by batch.
import type { ProfileArtifact } from '../../stats/index.js';
import {
  type CommandSpec,
  EXIT,
  formatTable,
  parseCommand,
  printHelp,
  runCommand,
  stringFlag,
  writeText,
} from '../common.js';
import type { CliIO } from '../main.js';
import { num, profileFile, READ_OPTIONS, readOptionsOf, toJson } from './data.js';

export const PROFILE: CommandSpec = {
  name: 'profile',
  usage: '<data> [-o profile.json] [options]',
  description:
    'Profiles a data file (CSV, JSON, JSON lines, Arrow IPC, Parquet) in streaming batches, as lockstep/stats\n' +
    'createProfiler does, and writes the profile artifact (JSON) to --out or stdout; a summary table goes to\n' +
    'stderr when the artifact goes to stdout, else to stdout.',
  options: {
    out: { type: 'string', short: 'o', description: 'write the profile artifact here (default: stdout)' },
    ...READ_OPTIONS,
  },
  examples: ['lockstep profile flights.csv -o flights.profile.json'],
  positionals: { min: 1, max: 1, names: '<data>' },
};

/** The profile as a short table: a line a feature. */
export function profileTable(p: ProfileArtifact): string {
  const rows = p.features.map((f) => {
    const numeric = f.numeric;
    const categorical = f.categorical;
    const summary = numeric
      ? `min ${num(numeric.min)}  mean ${num(numeric.mean)}  max ${num(numeric.max)}`
      : categorical
        ? `${categorical.distinct} distinct, top ${JSON.stringify(categorical.frequencies[0]?.[0] ?? '')}`
        : '';
    return [f.name, f.type, String(f.present), String(f.missing), summary];
  });
  return `${p.rows} rows, ${p.features.length} features\n${formatTable(['feature', 'type', 'present', 'missing', 'summary'], rows)}\n`;
}

export function profileCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('profile', io, argv, async () => {
    const parsed = parseCommand(PROFILE, argv);
    if (parsed.help) return printHelp(io, PROFILE);
    const p = await profileFile(io, parsed.positionals[0]!, readOptionsOf(parsed));
    const out = stringFlag(parsed, 'out');
    if (out !== undefined && out !== '-') writeText(io, out, toJson(p));
    if (parsed.json || out === undefined || out === '-') {
      io.stdout.write(toJson(p));
      if (!parsed.json) io.stderr.write(profileTable(p));
    } else io.stdout.write(profileTable(p));
    return EXIT.OK;
  });
}
