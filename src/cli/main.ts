// The `lockstep` command line (issue 16): data and model checks for CI pipelines, on top of the library,
// computing nothing differently from it. `main(argv, io)` runs one command and resolves with its exit code
// (0 ok, 1 the check failed: anomalies, drift; 2 a usage or input error); bin/lockstep.js calls it with the
// process's streams. No side effect on import. Shared conventions (errors, colours, progress, exit codes)
// live in ./common.ts; each data command in ./commands/<name>.ts; `lockstep registry` in ./registry.ts.

import { compareCommand } from './commands/compare.js';
import { diffCommand } from './commands/diff.js';
import { fitCommand } from './commands/fit.js';
import { inferSchemaCommand } from './commands/infer-schema.js';
import { profileCommand } from './commands/profile.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, formatError } from './common.js';
import { registryCommand } from './registry.js';

/** Where a command writes, and what it may know of its environment (injected, so tests need no process). */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The process's streams, environment and working directory. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

interface CommandEntry {
  readonly run: Command;
  readonly summary: string;
}

function commands(): Readonly<Record<string, CommandEntry>> {
  return {
    profile: { run: profileCommand, summary: 'profile a data file: a profile artifact and a table' },
    'infer-schema': {
      run: inferSchemaCommand,
      summary: "infer a schema artifact, with each feature's reason",
    },
    validate: {
      run: validateCommand,
      summary: 'check data against a schema; exit 1 on errors; quarantine bad rows',
    },
    compare: {
      run: compareCommand,
      summary: 'drift and skew between two data files; HTML report; exit 1 on drift',
    },
    fit: { run: fitCommand, summary: 'fit a transform spec (JSON) on data: a transform artifact' },
    diff: { run: diffCommand, summary: 'the changes between two schemas or two transforms' },
    registry: {
      run: registryCommand,
      summary: 'models, versions and aliases in a registry (see lockstep registry --help)',
    },
  };
}

function usage(): string {
  const table = commands();
  const width = Math.max(...Object.keys(table).map((n) => n.length));
  return [
    'usage: lockstep <command> [options]',
    '',
    'commands:',
    ...Object.entries(table).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `lockstep <command> --help` for a command's options and an example.",
    'Exit codes: 0 ok, 1 the check failed (anomalies, drift), 2 a usage or input error.',
    '',
  ].join('\n');
}

/**
 * Runs `lockstep <command> …` and resolves with the exit code; never throws (an error is one line on
 * stderr and exit code 2, with the stack only under `--debug`).
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(usage());
    return EXIT.ERROR;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return EXIT.OK;
  }
  const entry = Object.hasOwn(commands(), name) ? commands()[name] : undefined;
  if (entry === undefined) {
    io.stderr.write(
      `lockstep: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(commands()).join(', ')}\n`,
    );
    return EXIT.ERROR;
  }
  try {
    return await entry.run(rest, io);
  } catch (error) {
    // Commands catch their own errors; this is the last net, so main never throws.
    io.stderr.write(`${formatError(name, error, io)}\n`);
    if (rest.includes('--debug') && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return EXIT.ERROR;
  }
}
