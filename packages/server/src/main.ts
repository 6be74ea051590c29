#!/usr/bin/env node
import { runCli } from './cli/run-cli.js';

// `node dist/main.js serve` (npm start) and the `omotenashi` bin share one entry point.
process.exitCode = await runCli(process.argv.slice(2));
