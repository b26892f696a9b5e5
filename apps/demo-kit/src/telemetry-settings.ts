import { ConfigurationError } from '@rfc7523/core';

/** Where spans go: the OTLP/HTTP exporter or the console (docs/operations.md). */
export type TracesExporter = 'otlp' | 'console';
/** Where metrics go: OTLP/HTTP, a Prometheus scrape endpoint, or the console. */
export type MetricsExporter = 'otlp' | 'prometheus' | 'console';
/** `OTEL_TRACES_SAMPLER` values of the OpenTelemetry specification. */
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

/** The demos' OpenTelemetry settings, read from the standard `OTEL_*` variables. */
export interface TelemetrySettings {
  traces: TracesExporter[];
  metrics: MetricsExporter[];
  sampler: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers, 0 to 1. Default 1. */
  samplerRatio: number;
  /** `OTEL_PROPAGATORS`: `tracecontext` and/or `baggage`; empty for `none`. Default `tracecontext,baggage`. */
  propagators: ('tracecontext' | 'baggage')[];
  /** `OTEL_METRIC_EXPORT_INTERVAL`, milliseconds. Default 60000. */
  metricInterval: number;
  /** `OTEL_METRIC_EXPORT_TIMEOUT`, milliseconds. Default 30000. */
  metricTimeout: number;
  /** `OTEL_BSP_SCHEDULE_DELAY`, milliseconds. Default 5000. */
  batchDelay: number;
  /** `OTEL_EXPORTER_PROMETHEUS_HOST`. Default `localhost`. */
  prometheusHost: string;
  /** `OTEL_EXPORTER_PROMETHEUS_PORT` (0 picks a free port). Default 9464. */
  prometheusPort: number;
  /** `OTEL_SERVICE_NAME`, else the demo's name. */
  serviceName: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Variables that turn the demos' OpenTelemetry SDK on; without any of them nothing is loaded. */
export const TELEMETRY_SWITCHES = Object.freeze([
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
]);

const SAMPLERS: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A comma-separated list of names from `allowed`; `none` alone means none; unset means `fallback`. */
function list<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T[]): T[] {
  const raw = set(env, name);
  if (raw === undefined) return fallback;
  const names = raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  for (const n of names) {
    if (n !== 'none' && !allowed.includes(n as T)) throw new ConfigurationError(name, `must be a comma-separated list of ${[...allowed, 'none'].join(', ')}; got ${JSON.stringify(n)}`);
  }
  return names.includes('none') ? [] : [...new Set(names as T[])];
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = set(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigurationError(name, `must be a number from ${min} to ${max}`);
  return value;
}

/** The demo's name for `service.name`: `express-demo` from …/apps/express-demo/dist/main.js, else `rfc7523-demo`. */
function demoName(argv: readonly string[]): string {
  const segment = (argv[1] ?? '').split(/[\\/]/).find((part) => /^[a-z]+-demo$/.test(part));
  return segment ?? 'rfc7523-demo';
}

/**
 * The OpenTelemetry settings of a demo, or `undefined` when no variable of {@link TELEMETRY_SWITCHES}
 * is set or `OTEL_SDK_DISABLED=true`. Each signal is exported only when asked: `OTEL_TRACES_EXPORTER` /
 * `OTEL_METRICS_EXPORTER`, or `otlp` when an OTLP endpoint is set. Throws a ConfigurationError naming the
 * variable when a value is not one the specification allows (or, for the OTLP protocol, one the demos
 * ship: `http/json`).
 */
export function telemetrySettings(env: Env, argv: readonly string[] = process.argv): TelemetrySettings | undefined {
  if (set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  if (!TELEMETRY_SWITCHES.some((name) => set(env, name) !== undefined)) return undefined;
  const otlp = set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  const traces = list<TracesExporter>(env, 'OTEL_TRACES_EXPORTER', ['otlp', 'console'], otlp || set(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ? ['otlp'] : []);
  const metrics = list<MetricsExporter>(env, 'OTEL_METRICS_EXPORTER', ['otlp', 'prometheus', 'console'], otlp || set(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ? ['otlp'] : []);
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL']) {
    const protocol = set(env, name);
    if (protocol !== undefined && protocol !== 'http/json') throw new ConfigurationError(name, 'the demos send OTLP as http/json only');
  }
  const sampler = (set(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) throw new ConfigurationError('OTEL_TRACES_SAMPLER', `must be one of ${SAMPLERS.join(', ')}`);
  return {
    traces,
    metrics,
    sampler,
    samplerRatio: number(env, 'OTEL_TRACES_SAMPLER_ARG', 1, 0, 1),
    propagators: list(env, 'OTEL_PROPAGATORS', ['tracecontext', 'baggage'] as const, ['tracecontext', 'baggage']),
    metricInterval: number(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000, 1, 86_400_000),
    metricTimeout: number(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000, 1, 86_400_000),
    batchDelay: number(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000, 0, 86_400_000),
    prometheusHost: set(env, 'OTEL_EXPORTER_PROMETHEUS_HOST') ?? 'localhost',
    prometheusPort: number(env, 'OTEL_EXPORTER_PROMETHEUS_PORT', 9464, 0, 65_535),
    serviceName: set(env, 'OTEL_SERVICE_NAME') ?? demoName(argv),
  };
}
