/**
 * OpenTelemetry SDK with in-memory exporters for tests: registers a tracer provider, a meter provider
 * and an AsyncLocalStorage context manager as the globals (what a host's SDK set-up does), and reads
 * back the finished spans and the metric points of one instrumentation scope.
 */
import { context, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** One metric point, flattened: instrument name, attributes, and the sum (counters) or count and sum (histograms). */
export interface Point {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Attributes;
  /** Counter value, or the histogram's sum. */
  readonly value: number;
  /** Histogram only: number of recordings. */
  readonly count?: number;
}

/** The installed SDK. */
export interface OtelHarness {
  /** Finished spans, oldest first. */
  spans(): ReadableSpan[];
  /** Finished spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** Cumulative metric points of `scope` (default `@rfc7523/core`), collected now. */
  points(scope?: string): Promise<Point[]>;
  /** Points of one instrument. */
  pointsOf(name: string, scope?: string): Promise<Point[]>;
  /** Forgets the spans seen so far (metric points are cumulative). */
  resetSpans(): void;
  /** Shuts the SDK down and unregisters the globals. */
  uninstall(): Promise<void>;
}

function flatten(metric: MetricData): Point[] {
  const { name, unit } = metric.descriptor;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.map((p) => ({ name, unit, attributes: p.attributes, value: p.value.sum ?? 0, count: p.value.count }));
  }
  return metric.dataPoints.map((p) => ({ name, unit, attributes: p.attributes, value: p.value as number }));
}

/** Registers a fresh SDK as the OpenTelemetry globals. */
export function installOtel(): OtelHarness {
  trace.disable();
  metrics.disable();
  context.disable();
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when the test asks (forceFlush): the interval is longer than any test.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const points = async (scope = '@rfc7523/core'): Promise<Point[]> => {
    metricExporter.reset();
    await reader.forceFlush();
    const latest = metricExporter.getMetrics().at(-1);
    return (latest?.scopeMetrics ?? []).filter((s) => s.scope.name === scope).flatMap((s) => s.metrics.flatMap(flatten));
  };
  return {
    spans: () => spanExporter.getFinishedSpans(),
    spansNamed: (name) => spanExporter.getFinishedSpans().filter((s) => s.name === name),
    points,
    pointsOf: async (name, scope) => (await points(scope)).filter((p) => p.name === name),
    resetSpans: () => spanExporter.reset(),
    uninstall: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}

/** Sum of the values of the points whose attributes include `match`. */
export function total(points: readonly Point[], match: Attributes = {}): number {
  return points.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v)).reduce((sum, p) => sum + (p.count ?? p.value), 0);
}
