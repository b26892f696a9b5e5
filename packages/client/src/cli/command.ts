import type { ParseArgsConfig } from 'node:util';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** One `rfc7523` command: its help, its options, and what it does. */
export interface Command {
  /** As typed after `rfc7523`, e.g. `keygen` or `assert client`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Its own options (besides `--help` and `--json`). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes. Default 0. */
  readonly positionals?: number;
  /** Runs it; resolves the exit code. Throws UsageError for command-line mistakes. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
