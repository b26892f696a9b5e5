import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { ConfigurationError } from '@rfc7523/core';

export type { Logger } from 'pino';

const LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Fields of a JSON log line that the human-readable form shows in its own way or not at all. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'trace_flags']);

const COLOUR: Record<string, string> = { trace: '90', debug: '90', info: '32', warn: '33', error: '31', fatal: '35' };

/**
 * One JSON log line as a human reads it: `07:40:02.123 INFO  express-demo listening on … key=value`,
 * coloured by level when `colour`. Lines that are not JSON pass unchanged.
 */
export function formatLogLine(line: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '');
  const label = level.toUpperCase().padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/[\s"=]/.test(value) ? value : JSON.stringify(value)}`);
  const head = colour && COLOUR[level] ? `\x1b[${COLOUR[level]}m${label}\x1b[0m` : label;
  return `${time} ${head} ${String(entry.msg ?? '')}${fields.length ? ' ' + fields.join(' ') : ''}\n`;
}

/**
 * `trace_id`, `span_id` and `trace_flags` of the active OpenTelemetry span (W3C Trace Context §3.2, the
 * field names of OpenTelemetry's pino instrumentation), so a log line finds its trace; none when no
 * span is active (always, unless an `OTEL_*` variable turned the SDK on: docs/operations.md).
 */
export function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId, trace_flags: context.traceFlags.toString(16).padStart(2, '0') };
}

/** A stream that writes each JSON line through {@link formatLogLine} to `target`. */
function humanReadable(target: NodeJS.WritableStream & { isTTY?: boolean }): DestinationStream {
  return { write: (line: string) => void target.write(formatLogLine(line, target.isTTY === true)) };
}

/** Options of {@link demoLogger}. */
export interface DemoLoggerOptions {
  /** `name` field of every line, e.g. `express-demo`. */
  name: string;
  /** `LOG_LEVEL`: trace, debug, info, warn, error, fatal or silent. Default `info`. */
  level?: string | undefined;
  /** Where info and warn lines go. Default `process.stdout`. */
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where error and fatal lines go. Default `process.stderr`. */
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Human-readable lines instead of JSON. Default: when `stdout` is a TTY. */
  pretty?: boolean;
}

/**
 * The demos' logger: pino, one JSON object per line (`level` as a label, `time` in ISO 8601 UTC), written
 * synchronously so nothing is lost at exit; info and warn to stdout, error and fatal to stderr; a short
 * human-readable form when stdout is a TTY. Throws a ConfigurationError naming `LOG_LEVEL` for an
 * unknown level.
 */
export function demoLogger(options: DemoLoggerOptions): Logger {
  const level = (options.level || 'info') as LevelWithSilent;
  if (!LEVELS.includes(level)) throw new ConfigurationError('LOG_LEVEL', `must be one of ${LEVELS.join(', ')}`);
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const pretty = options.pretty ?? (stdout as { isTTY?: boolean }).isTTY === true;
  const out: DestinationStream = pretty ? humanReadable(stdout) : { write: (line: string) => void stdout.write(line) };
  const err: DestinationStream = pretty ? humanReadable(stderr) : { write: (line: string) => void stderr.write(line) };
  return pino(
    {
      name: options.name,
      level,
      base: { name: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    pino.multistream(
      [
        { level: 'trace', stream: out },
        { level: 'error', stream: err },
      ],
      { dedupe: true },
    ),
  );
}
