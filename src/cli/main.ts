// The `lockstep` command line (issue 16): data and model checks for CI pipelines, on top of the library,
// computing nothing differently from it. `main(argv, io)` runs one command and resolves with its exit code
// (0 ok, 1 the check failed: anomalies, drift; 2 a usage or input error); bin/lockstep.js calls it with the
// process's streams. No side effect on import.

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

/**
 * Runs `lockstep <command> …` and resolves with the exit code; never throws (an error is one line on
 * stderr and exit code 2, with the stack only under `--debug`).
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write('usage: lockstep <command> [options]\n');
    return argv.length === 0 ? 2 : 0;
  }
  io.stderr.write(`lockstep: unknown command ${JSON.stringify(argv[0])}\n`);
  return 2;
}
