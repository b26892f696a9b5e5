import { createRequire } from 'node:module';
import { ConfigurationError } from '@rfc7523/core';
import { ClientError, TokenRequestError } from '../errors.js';
import { parseCommandArgs, UsageError } from './args.js';
import type { Command } from './command.js';
import { assertClientCommand, assertGrantCommand } from './commands/assert.js';
import { callCommand } from './commands/call.js';
import { explainCommand } from './commands/explain.js';
import { ID_JAG_HELP, idJagExchangeCommand, idJagRequestCommand } from './commands/id-jag.js';
import { keygenCommand } from './commands/keygen.js';
import { tokenCommand } from './commands/token.js';
import { EXIT } from './exit-codes.js';
import { json } from './inputs.js';
import type { CliIo } from './io.js';

/** Every command, in the order `rfc7523 --help` lists them. */
export const COMMANDS: readonly Command[] = [
  keygenCommand,
  assertClientCommand,
  assertGrantCommand,
  tokenCommand,
  idJagRequestCommand,
  idJagExchangeCommand,
  callCommand,
  explainCommand,
];

const ASSERT_HELP = `Usage: rfc7523 assert client|grant [options]

  rfc7523 assert client   ${assertClientCommand.summary}
  rfc7523 assert grant    ${assertGrantCommand.summary}

Run "rfc7523 assert client --help" or "rfc7523 assert grant --help" for their options.`;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: rfc7523 <command> [options]

The workload side of RFC 7523: keys, assertions and tokens without any client secret.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Every command takes --help, and --json to print one JSON object for scripts.
Exit codes: 0 ok, 1 refused or failed, 2 usage.`;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/** Picks the command from the first words of `argv`; `rest` is what its options parser reads. */
function pick(argv: readonly string[]): { command?: Command; rest: readonly string[]; help?: string } {
  const [first, second] = argv;
  if (first === 'assert') {
    const sub = COMMANDS.find((c) => c.name === `assert ${second}`);
    if (sub !== undefined) return { command: sub, rest: argv.slice(2) };
    if (second === undefined || second === '--help' || second === '-h') return { help: ASSERT_HELP, rest: [] };
    throw new UsageError(`unknown assertion kind ${JSON.stringify(second)}: use "assert client" or "assert grant"`);
  }
  if (first === 'id-jag') {
    const sub = COMMANDS.find((c) => c.name === `id-jag ${second}`);
    if (sub !== undefined) return { command: sub, rest: argv.slice(2) };
    if (second === undefined || second === '--help' || second === '-h') return { help: ID_JAG_HELP, rest: [] };
    throw new UsageError(`unknown id-jag step ${JSON.stringify(second)}: use "id-jag request" or "id-jag exchange"`);
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(first)}${suggestion(first ?? '')}`);
  return { command, rest: argv.slice(1) };
}

/** The top-level command words: "assert" stands for both assertion kinds. */
const COMMAND_WORDS = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];

/** Levenshtein distance, for "did you mean". Inputs are short command words. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** `: did you mean "token"?` for a near miss, otherwise the list of commands. */
function suggestion(word: string): string {
  const near = COMMAND_WORDS.filter((name) => distance(word.toLowerCase(), name) <= 2);
  if (near.length > 0) return `: did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?`;
  return `; the commands are ${COMMAND_WORDS.join(', ')}`;
}

/**
 * The chain of causes of a failed request, innermost last: `fetch failed: connect ECONNREFUSED 127.0.0.1:1`.
 * Bounded to a few levels; only `message` and `code` are read, never a stack.
 */
function causes(err: unknown): string {
  const parts: string[] = [];
  let cause = (err as { cause?: unknown } | null)?.cause;
  // Duck-typed, not instanceof: errors from Node's own fetch may come from another realm.
  for (let depth = 0; depth < 4 && typeof (cause as { message?: unknown } | null)?.message === 'string'; depth++) {
    const { message, code } = cause as { message: string; code?: unknown };
    const text = typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
    if (text !== '' && !parts.includes(text)) parts.push(text);
    cause = (cause as { cause?: unknown }).cause;
  }
  return parts.length === 0 ? '' : ` (${parts.join(': ')})`;
}

/** A mistake in what the user gave: a bad option value, a key that is not a private key, an invalid configuration file. */
function isInputError(err: unknown): err is Error {
  return err instanceof UsageError || err instanceof ConfigurationError || (err instanceof TypeError && /^"[^"]+" option /.test(err.message));
}

function report(io: CliIo, jsonOutput: boolean, name: string, err: unknown): number {
  if (isInputError(err)) {
    if (jsonOutput) io.out(json({ error: 'usage', message: err.message }));
    io.err(`rfc7523 ${name}: ${err.message}`);
    if (err instanceof UsageError) io.err(`Run "rfc7523 ${COMMANDS.some((c) => c.name === name) ? `${name} ` : ''}--help" for usage.`);
    return EXIT.USAGE;
  }
  if (err instanceof TokenRequestError) {
    if (jsonOutput) io.out(json({ error: err.error, error_description: err.error_description, status: err.status }));
    io.err(`rfc7523 ${name}: refused: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}, HTTP ${err.status}`);
    return EXIT.FAILED;
  }
  const message = err instanceof Error ? `${err.message}${causes(err)}` : String(err);
  if (jsonOutput) io.out(json({ error: err instanceof ClientError ? err.code : 'failed', message }));
  io.err(`rfc7523 ${name}: ${message}`);
  return EXIT.FAILED;
}

/** Runs `rfc7523 …argv`; resolves the exit code (0 ok, 1 refused or failed, 2 usage). Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv.slice(1) : [];
    if (topic.length > 0) return runCli([...topic, '--help'], io);
    io.out(mainHelp());
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (first === '--version' || first === '-v') {
    io.out(version());
    return EXIT.OK;
  }
  let name = first;
  let jsonOutput = argv.includes('--json');
  try {
    const picked = pick(argv);
    if (picked.command === undefined) {
      io.out(picked.help!);
      return EXIT.OK;
    }
    const { command, rest } = picked;
    name = command.name;
    const args = parseCommandArgs(rest, command.options, command.positionals ?? 0);
    jsonOutput = args.values.json === true;
    if (args.values.help === true) {
      io.out(command.help);
      return EXIT.OK;
    }
    return await command.run(args, io);
  } catch (err) {
    return report(io, jsonOutput, name, err);
  }
}
