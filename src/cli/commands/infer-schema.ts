// `lockstep infer-schema <data | profile.json>`: a schema artifact (lockstep/schema inferSchema) from the
// data's streamed profile, with each feature's reason printed.
import { inferSchema, type SchemaArtifact } from '../../schema/index.js';
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
import { profileFile, READ_OPTIONS, readOptionsOf, savedProfile, toJson } from './data.js';

export const INFER_SCHEMA: CommandSpec = {
  name: 'infer-schema',
  usage: '<data | profile.json> [-o schema.json] [options]',
  description:
    'Infers a schema (lockstep/schema inferSchema) from a data file, profiled in streaming batches, or from a\n' +
    'saved profile artifact; writes the schema artifact to --out or stdout and each feature with the reason\n' +
    'for its type and domain (to stderr when the schema goes to stdout).',
  options: {
    out: { type: 'string', short: 'o', description: 'write the schema artifact here (default: stdout)' },
    'infer-ranges': { type: 'boolean', description: 'infer numeric ranges from the observed min and max' },
    'max-domain-size': {
      type: 'string',
      description: 'largest categorical domain to infer (inferSchema maxDomainSize)',
    },
    environment: {
      type: 'string',
      multiple: true,
      description: "the schema's environments (repeat: --environment training --environment serving)",
    },
    ...READ_OPTIONS,
  },
  examples: ['lockstep infer-schema flights.csv -o flights.schema.json'],
  positionals: { min: 1, max: 1, names: '<data | profile.json>' },
};

export function schemaTable(schema: SchemaArtifact): string {
  const rows = schema.features.map((f) => [f.name, f.type, f.nullable ? 'yes' : 'no', f.reason ?? '']);
  return `${schema.features.length} features\n${formatTable(['feature', 'type', 'nullable', 'reason'], rows)}\n`;
}

export function inferSchemaCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('infer-schema', io, argv, async () => {
    const parsed = parseCommand(INFER_SCHEMA, argv);
    if (parsed.help) return printHelp(io, INFER_SCHEMA);
    const file = parsed.positionals[0]!;
    const read = readOptionsOf(parsed);
    const profile = savedProfile(io, file, read.format) ?? (await profileFile(io, file, read));
    const maxDomain = stringFlag(parsed, 'max-domain-size');
    const environments = parsed.values.environment as string[] | undefined;
    const schema = inferSchema(profile, {
      ...(parsed.values['infer-ranges'] === true ? { inferRanges: true } : {}),
      ...(maxDomain !== undefined ? { maxDomainSize: Number(maxDomain) } : {}),
      ...(environments ? { environments } : {}),
    });
    const out = stringFlag(parsed, 'out');
    if (out !== undefined && out !== '-') writeText(io, out, toJson(schema));
    if (parsed.json || out === undefined || out === '-') {
      io.stdout.write(toJson(schema));
      if (!parsed.json) io.stderr.write(schemaTable(schema));
    } else io.stdout.write(schemaTable(schema));
    return EXIT.OK;
  });
}
