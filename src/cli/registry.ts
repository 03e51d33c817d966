// `lockstep registry …`: a stub until the registry subcommands land (owned by the registry helper).
import type { CliIO } from './main.js';

/** Runs `lockstep registry <subcommand> …` and resolves with the exit code. */
export async function registryCommand(_argv: readonly string[], io: CliIO): Promise<number> {
  io.stderr.write('lockstep registry: not built yet\n');
  return 2;
}
