// What every `lockstep` command shares, so each behaves the same in a pipeline and on a terminal.
//
// Exports (for command authors: the data commands in ./commands/ and `lockstep registry` in ./registry.ts):
// - `EXIT`: the exit codes. 0 ok; 1 the check failed (anomalies with errors, drift with --fail-on-drift);
//   2 a usage or input error (bad flag, unreadable file, malformed artifact).
// - `CliError`: throw it for a usage or input error; `runCommand` prints its message as one line, exit 2.
// - `parseCommand(spec, argv)`: `node:util` parseArgs with the shared flags (`--help`, `--json`, `--debug`)
//   and one-line errors for unknown or malformed flags; returns `{ values, positionals, help, json, debug }`.
// - `runCommand(name, io, argv, body)`: runs a command body and turns any thrown error into one line on
//   stderr, `lockstep <name>: <message>`, with exit code 2; the stack only with `--debug`.
// - `styles(stream, env)`: ANSI colours that are the identity unless `stream.isTTY` and no `NO_COLOR`.
// - `createProgress(io, label, total?)`: a cli-progress bar on stderr when stderr is a terminal, a no-op
//   otherwise (so pipelines and tests see no control codes).
// - `formatTable(headers, rows)`: a plain aligned text table.
// - `writeText(io, file, text)`: writes to a file (relative to `io.cwd`) or, with no file, to stdout.
// - `readJsonFile(io, file, what)`: reads and parses a JSON file, with one-line errors naming the file.
// - `printHelp(io, spec)`: the help text (usage, description, options, example) on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isLockstepError } from '../core/errors.js';
import type { CliIO } from './main.js';

/** Exit codes: 0 ok; 1 the check failed (the data or model did not pass); 2 a usage or input error. */
export const EXIT = { OK: 0, FAILED: 1, ERROR: 2 } as const;

/** A usage or input error: printed as one line (`lockstep <command>: <message>`), exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** A command's flags and help: what `parseCommand` parses and `printHelp` prints. */
export interface CommandSpec {
  /** The command as typed after `lockstep`: `validate`, `registry promote`. */
  readonly name: string;
  /** One line after the command name: `<data> --schema <schema.json> [options]`. */
  readonly usage: string;
  /** A sentence or two on what it does and what it writes. */
  readonly description: string;
  /** Flags besides the shared --help, --json, --debug; `description` is shown in the help. */
  readonly options: Readonly<Record<string, OptionSpec[string] & { readonly description: string }>>;
  /** One or more example invocations, shown under "Example". */
  readonly examples: readonly string[];
  /** Fewest and most positional arguments (defaults: 0 and 0). */
  readonly positionals?: { readonly min: number; readonly max: number; readonly names: string };
}

/** What `parseCommand` returns: the parsed flags and the shared ones. */
export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
  readonly json: boolean;
  readonly debug: boolean;
}

const SHARED: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
};

/**
 * Parses a command's arguments with `node:util` parseArgs (strict: an unknown flag is an error), adding
 * the shared `--help`, `--json` and `--debug`. Throws `CliError` on a bad flag or a wrong number of
 * positional arguments (unless `--help` was given).
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const options: OptionSpec = { ...SHARED };
  for (const [name, o] of Object.entries(spec.options)) {
    const { description: _, ...rest } = o;
    options[name] = rest as OptionSpec[string];
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs's messages are one sentence already ("Unknown option '--x'"); keep the first line.
    throw new CliError(`${firstLine(error)} (see lockstep ${spec.name} --help)`);
  }
  const help = parsed.values.help === true;
  const { min = 0, max = 0 } = spec.positionals ?? {};
  if (!help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new CliError(
      `expected ${want} argument${max === 1 ? '' : 's'} (${spec.positionals?.names ?? 'none'}), got ${parsed.positionals.length}; usage: lockstep ${spec.name} ${spec.usage}`,
    );
  }
  return {
    values: parsed.values as ParsedCommand['values'],
    positionals: parsed.positionals,
    help,
    json: parsed.values.json === true,
    debug: parsed.values.debug === true,
  };
}

/** Prints a command's help on stdout (usage, description, options with the shared ones, examples); returns 0. */
export function printHelp(io: CliIO, spec: CommandSpec): number {
  const rows: [string, string][] = [];
  for (const [name, o] of Object.entries(spec.options)) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    rows.push([flag, o.description]);
  }
  rows.push(['    --json', 'machine-readable output (JSON on stdout)']);
  rows.push(['    --debug', 'print the stack trace of an error']);
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  const lines = [
    `usage: lockstep ${spec.name} ${spec.usage}`,
    '',
    spec.description,
    '',
    'options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
    spec.examples.length > 1 ? 'examples:' : 'example:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return EXIT.OK;
}

/**
 * Runs a command body, returning its exit code. Any error becomes one line on stderr,
 * `lockstep <name>: <message>`, and exit code 2; with `--debug` in `argv` the stack follows.
 */
export async function runCommand(
  name: string,
  io: CliIO,
  argv: readonly string[],
  body: () => Promise<number> | number,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    io.stderr.write(`${formatError(name, error, io)}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
    return EXIT.ERROR;
  }
}

/** One line for an error: `lockstep <command>: <message>`, with the library's message as it is. */
export function formatError(command: string, error: unknown, io?: CliIO): string {
  let message = firstLine(error);
  const prefix = `${command}: `;
  // The library's messages start with the function's name ("validate: argument …"); keep them whole.
  if (message.startsWith(prefix)) message = message.slice(prefix.length);
  const s = io ? styles(io.stderr, io.env) : undefined;
  const label = `lockstep ${command}:`;
  return `${s ? s.red(label) : label} ${message}`;
}

function firstLine(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    text = isLockstepError(error) || error instanceof CliError ? error.message : error.message || error.name;
  } else text = String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.trim();
}

/** ANSI styles: each is the identity unless the stream is a terminal and `NO_COLOR` is unset (or empty). */
export interface Styles {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** Colours for `stream`: only on a terminal, never with `NO_COLOR` (https://no-color.org). */
export function styles(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): Styles {
  const enabled = stream.isTTY === true && !env.NO_COLOR;
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/** A progress indicator: `update(done)` and `stop()`; a no-op when stderr is not a terminal. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

interface CliProgressBar {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr when stderr is a terminal; otherwise (a pipe, a file, a CI log) a no-op, so
 * no control codes reach a log. `total` unknown shows a row count without a bar's end.
 */
export function createProgress(io: CliIO, label: string, total?: number): Progress {
  if (io.stderr.isTTY !== true) return { update() {}, stop() {} };
  // Loaded only on a terminal: cli-progress is CommonJS without types of its own.
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as {
    SingleBar: new (options: object) => CliProgressBar;
  };
  const known = total !== undefined && total > 0;
  const bar = new SingleBar({
    stream: io.stderr,
    format: known
      ? `${label} [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted}`
      : `${label} {value} rows`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
  });
  bar.start(known ? total : 0, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal > 0) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}

/** A plain text table: headers, a rule, then the rows, columns padded to their widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Writes `text` to `file` (resolved against `io.cwd`), or to stdout when `file` is undefined or `-`. */
export function writeText(io: CliIO, file: string | undefined, text: string): void {
  if (file === undefined || file === '-') {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, file), text);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${firstLine(error)}`);
  }
}

/** Reads and parses a JSON file (resolved against `io.cwd`); a missing file or bad JSON is a `CliError`. */
export function readJsonFile(io: CliIO, file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${what} ${file}: ${firstLine(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} ${file} is not valid JSON: ${firstLine(error)}`);
  }
}

/** A string flag's value, or undefined. */
export function stringFlag(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}
