import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { telemetrySettings, type TelemetrySettings } from './telemetry-settings.js';

/** A demo's OpenTelemetry SDK, set up by {@link startTelemetry}. */
export interface DemoTelemetry {
  /** Exporters in use, e.g. `{ traces: ['console'], metrics: ['prometheus'] }`. */
  readonly settings: TelemetrySettings;
  /** `http://host:port/metrics` when `OTEL_METRICS_EXPORTER` includes `prometheus`. */
  readonly metricsUrl?: string;
  /**
   * Wraps the app's request listener: an HTTP server span per request (OpenTelemetry HTTP semantic
   * conventions; the engine's `rfc7523.token_request` span is its child, and an incoming `traceparent`
   * its parent) and the `http.server.request.duration` histogram.
   */
  traceRequests(listener: RequestListener): RequestListener;
  /** Flushes and stops the exporters and the scrape endpoint. */
  shutdown(): Promise<void>;
}

/** Request methods named as such on spans and metrics (RFC 9110 §9); any other is `_OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** Bucket boundaries of `http.server.request.duration`, seconds (the semantic conventions' advice). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Listens on `host:port` and answers `/metrics` with the Prometheus exporter; 404 elsewhere. */
async function scrapeServer(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?', 1)[0] === '/metrics') return handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Sets up the OpenTelemetry SDK of a demo from the standard `OTEL_*` variables (docs/operations.md) and
 * registers it as the global provider that `@rfc7523/core` reports to. Returns `undefined`, loading no
 * SDK module at all, when no `OTEL_*` switch is set. Throws a ConfigurationError naming the variable
 * for a value it cannot honour, or the scrape endpoint's listen error (port in use).
 */
export async function startTelemetry(env: Readonly<Record<string, string | undefined>>): Promise<DemoTelemetry | undefined> {
  const settings = telemetrySettings(env);
  if (settings === undefined) return undefined;
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { detectResources, envDetector, resourceFromAttributes } = await import('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const stops: (() => Promise<void>)[] = [];
  let metricsUrl: string | undefined;
  try {
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const propagators = settings.propagators.map((p) => (p === 'baggage' ? new W3CBaggagePropagator() : new W3CTraceContextPropagator()));
    api.propagation.setGlobalPropagator(new CompositePropagator({ propagators }));

    if (settings.traces.length > 0) {
      const trace = await import('@opentelemetry/sdk-trace');
      const processors = [];
      for (const name of settings.traces) {
        if (name === 'console') {
          processors.push(new trace.SimpleSpanProcessor({ exporter: new trace.ConsoleSpanExporter() }));
        } else {
          const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
          processors.push(new trace.BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: settings.batchDelay }));
        }
      }
      const ratio = new trace.TraceIdRatioBasedSampler(settings.samplerRatio);
      const root = { always_on: new trace.AlwaysOnSampler(), always_off: new trace.AlwaysOffSampler(), traceidratio: ratio }[settings.sampler.replace('parentbased_', '')]!;
      const sampler = settings.sampler.startsWith('parentbased_') ? new trace.ParentBasedSampler({ root }) : root;
      const provider = new trace.TracerProvider({ resource, sampler, spanProcessors: processors });
      api.trace.setGlobalTracerProvider(provider);
      stops.push(() => provider.shutdown());
    }

    if (settings.metrics.length > 0) {
      const sdk = await import('@opentelemetry/sdk-metrics');
      const readers = [];
      const periodic = { exportIntervalMillis: settings.metricInterval, exportTimeoutMillis: Math.min(settings.metricTimeout, settings.metricInterval) };
      for (const name of settings.metrics) {
        if (name === 'prometheus') {
          const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
          const exporter = new PrometheusExporter({ preventServerStart: true });
          const server = await scrapeServer((req, res) => exporter.getMetricsRequestHandler(req, res), settings.prometheusHost, settings.prometheusPort);
          const { address, port } = server.address() as AddressInfo;
          metricsUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`;
          stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
          readers.push(exporter);
        } else if (name === 'console') {
          readers.push(new sdk.PeriodicExportingMetricReader({ exporter: new sdk.ConsoleMetricExporter(), ...periodic }));
        } else {
          const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
          readers.push(new sdk.PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), ...periodic }));
        }
      }
      const provider = new sdk.MeterProvider({ resource, readers });
      api.metrics.setGlobalMeterProvider(provider);
      stops.unshift(() => provider.shutdown());
    }
  } catch (err) {
    // A half-built SDK (a scrape port in use): stop what started, so the process can exit.
    await Promise.allSettled(stops.map((stop) => stop()));
    throw err;
  }

  const tracer = api.trace.getTracer('@rfc7523/demo-kit', '0.1.0');
  const duration = api.metrics
    .getMeter('@rfc7523/demo-kit', '0.1.0')
    .createHistogram('http.server.request.duration', { unit: 's', description: 'Duration of HTTP server requests.', advice: { explicitBucketBoundaries: HTTP_BUCKETS } });

  const traceRequests = (listener: RequestListener): RequestListener => (req, res) => {
    const start = performance.now();
    const method = METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
    const parent = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      method,
      { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': (req.url ?? '/').split('?', 1)[0], 'url.scheme': 'http' } },
      parent,
    );
    res.once('close', () => {
      const status = res.statusCode;
      const attributes: Record<string, string | number> = { 'http.request.method': method, 'http.response.status_code': status, 'url.scheme': 'http' };
      if (status >= 500) attributes['error.type'] = String(status);
      if (!res.writableFinished) attributes['error.type'] = 'aborted';
      span.setAttributes(attributes);
      if (attributes['error.type'] !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR });
      span.end();
      duration.record((performance.now() - start) / 1000, attributes);
    });
    api.context.with(api.trace.setSpan(parent, span), () => listener(req, res));
  };

  return {
    settings,
    ...(metricsUrl === undefined ? {} : { metricsUrl }),
    traceRequests,
    async shutdown() {
      await Promise.allSettled(stops.map((stop) => stop()));
      // Unregister what this set up, so that a later start in the same process can register again.
      api.trace.disable();
      api.metrics.disable();
      api.propagation.disable();
      api.context.disable();
    },
  };
}
