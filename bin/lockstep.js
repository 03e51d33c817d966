#!/usr/bin/env node
// The `lockstep` command (package.json#bin): the built CLI module's main, with this process's streams.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
