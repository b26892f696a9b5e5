#!/usr/bin/env node
// The `rfc7523` command (bin of @rfc7523/client). Everything testable lives in run.ts.
import { processIo } from './io.js';
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
