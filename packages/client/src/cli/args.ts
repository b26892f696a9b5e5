import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command-line mistake: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** What a command's options parse into. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses with node:util parseArgs, strictly; any mistake becomes a UsageError. */
export function parseCommandArgs(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, maxPositionals: number): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true }) as ParsedArgs;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.values.help !== true && parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return parsed;
}

/** A string option that must be given. */
export function required(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

/** A string option, or undefined. */
export function optional(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} needs a value`);
  return value;
}

/** A whole number of seconds, or undefined. */
export function seconds(args: ParsedArgs, name: string): number | undefined {
  const text = optional(args, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number of seconds`);
  return Number(text);
}

/** One value among `choices`, or undefined. */
export function choice<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const value = optional(args, name);
  if (value !== undefined && !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
  }
  return value as T | undefined;
}
