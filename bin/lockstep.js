#!/usr/bin/env node
// The `lockstep` command (package.json#bin): the built CLI module's main, with this process's streams.
// In a checkout of the repository the module is built by `npm run build` (the published package ships it).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.url ?? error.message).includes('dist/cli.js'))
    throw error;
  process.stderr.write('lockstep: dist/cli.js is not built: run `npm run build` in this checkout first\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
