// `lockstep diff a.json b.json`: the changes between two artifacts of one kind: schemas
// (lockstep/schema diffSchemas) or fitted transforms (lockstep/transform diffTransforms).
import { diffSchemas, parseSchema } from '../../schema/index.js';
import { diffTransforms, parseTransform } from '../../transform/index.js';
import {
  CliError,
  type CommandSpec,
  EXIT,
  formatTable,
  parseCommand,
  printHelp,
  readJsonFile,
  runCommand,
} from '../common.js';
import type { CliIO } from '../main.js';
import { toJson } from './data.js';

export const DIFF: CommandSpec = {
  name: 'diff',
  usage: '<before.json> <after.json> [--fail-on-change]',
  description:
    'Lists the changes between two artifacts of one kind: two schemas (diffSchemas) or two fitted transforms\n' +
    '(diffTransforms). Exit code 0, or 1 with --fail-on-change when there is any change.',
  options: {
    'fail-on-change': { type: 'boolean', description: 'exit 1 when the artifacts differ' },
  },
  examples: ['lockstep diff champion.schema.json candidate.schema.json'],
  positionals: { min: 2, max: 2, names: '<before.json> <after.json>' },
};

const KINDS = ['lockstep.schema', 'lockstep.transform'];

export function diffCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('diff', io, argv, async () => {
    const parsed = parseCommand(DIFF, argv);
    if (parsed.help) return printHelp(io, DIFF);
    const [aFile, bFile] = parsed.positionals as [string, string];
    const a = readJsonFile(io, aFile, 'artifact');
    const b = readJsonFile(io, bFile, 'artifact');
    const kindOf = (json: unknown, file: string) => {
      const kind = (json as { kind?: unknown } | null)?.kind;
      if (typeof kind !== 'string' || !KINDS.includes(kind))
        throw new CliError(
          `${file} is not a schema or transform artifact (kind ${JSON.stringify(kind)}); diff knows ${KINDS.join(', ')}`,
        );
      return kind;
    };
    const kind = kindOf(a, aFile);
    if (kindOf(b, bFile) !== kind)
      throw new CliError(`${aFile} and ${bFile} are artifacts of different kinds`);
    const changes: readonly { code: string; message: string; severity?: string; feature?: string }[] =
      kind === 'lockstep.schema'
        ? diffSchemas(parseSchema(a), parseSchema(b))
        : diffTransforms(parseTransform(a), parseTransform(b));
    if (parsed.json) io.stdout.write(toJson(changes));
    else if (changes.length === 0) io.stdout.write('no changes\n');
    else
      io.stdout.write(
        `${changes.length} changes\n${formatTable(
          ['code', 'feature', 'message'],
          changes.map((c) => [c.code, c.feature ?? '', c.message]),
        )}\n`,
      );
    return parsed.values['fail-on-change'] === true && changes.length > 0 ? EXIT.FAILED : EXIT.OK;
  });
}
