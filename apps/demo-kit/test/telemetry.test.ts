/**
 * The demos' OpenTelemetry set-up (docs/operations.md): the standard OTEL_* variables, failing at
 * start-up naming the variable; nothing loaded without them; a Prometheus scrape endpoint serving the
 * engine's metrics with bounded labels.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { expressDemo } from 'express-demo';
import { telemetrySettings } from '../src/telemetry-settings.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

describe('telemetrySettings (OTEL_* variables)', () => {
  it('is off without any OTEL_* switch, and with OTEL_SDK_DISABLED=true', () => {
    expect(telemetrySettings({})).toBeUndefined();
    expect(telemetrySettings({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'console', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('an OTLP endpoint turns both signals on over OTLP; the defaults of the specification apply', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, ['node', '/x/apps/koa-demo/dist/main.js'])).toEqual({
      traces: ['otlp'],
      metrics: ['otlp'],
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      propagators: ['tracecontext', 'baggage'],
      metricInterval: 60_000,
      metricTimeout: 30_000,
      batchDelay: 5000,
      prometheusHost: 'localhost',
      prometheusPort: 9464,
      serviceName: 'koa-demo',
    });
  });

  it('each signal only when asked: console traces alone export no metrics; none means none', () => {
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ traces: ['console'], metrics: [] });
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'prometheus, console' })).toMatchObject({ traces: [], metrics: ['prometheus', 'console'] });
    expect(telemetrySettings({ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_SERVICE_NAME: 'as-1' })).toMatchObject({ serviceName: 'as-1' });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_METRICS_EXPORTER: 'statsd' }, 'OTEL_METRICS_EXPORTER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: 'ninety' }, 'OTEL_EXPORTER_PROMETHEUS_PORT'],
    [{ OTEL_METRICS_EXPORTER: 'otlp', OTEL_PROPAGATORS: 'b3' }, 'OTEL_PROPAGATORS'],
  ])('%j fails naming %s', (env, name) => {
    expect(() => telemetrySettings(env)).toThrow(name);
  });

  it('the SDK modules are imported lazily only: no static import of an SDK or exporter in demo-kit', async () => {
    for (const file of await readdir(src)) {
      const text = await readFile(join(src, file), 'utf8');
      expect([file, /^import[^;]*from '@opentelemetry\/(?!api')/m.test(text)]).toEqual([file, false]);
    }
  });
});

describe('a demo with OTEL_METRICS_EXPORTER=prometheus', () => {
  let demo: RunningDemo;

  beforeAll(async () => {
    demo = await runDemo(
      { PORT: '0', HOST: '127.0.0.1', OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
      0,
      expressDemo,
      { logEvents: false },
    );
  });

  afterAll(() => demo.close());

  it('serves the token requests and HTTP durations at /metrics with bounded labels, and nothing on other paths', async () => {
    const token = await fetch(`${demo.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(token.status).toBe(401);
    expect(demo.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(demo.metricsUrl!)).text();
    const line = text.split('\n').find((l) => l.startsWith('rfc7523_token_requests_total{'));
    expect(line).toContain('oauth_grant_type="client_credentials"');
    expect(line).toContain('rfc7523_outcome="refused"');
    expect(line).toContain('rfc7523_reason="client_auth_required"');
    expect(line).toContain('error_type="invalid_client"');
    expect(line).toMatch(/ 1$/);
    expect(text).toMatch(/^http_server_request_duration_count\{[^}]*http_response_status_code="401"[^}]*\} 1$/m);
    expect((await fetch(demo.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
  });
});
