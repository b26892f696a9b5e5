/**
 * Every demo process started with OpenTelemetry on (docs/operations.md): OTEL_METRICS_EXPORTER=prometheus
 * serves the engine's metrics at a scrape endpoint after one token request, with outcome and reason
 * labels; OTEL_TRACES_EXPORTER=console prints the spans, continuing an incoming `traceparent`, and the
 * log lines of the request carry its trace id.
 */
import { exitCode, listeningUrl, startDemoProcess } from './support/demo-process.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { freePort } from '../support/ports.js';
import { targets } from './targets.js';

/** Per test: start-up, two requests, a scrape and a stop. */
const TEST_TIMEOUT = 90_000;


const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });

describe.each(targets)('$name with OpenTelemetry on', ({ name }) => {
  let keys: Keys;
  beforeAll(async () => (keys = await makeKeys()));
  afterAll(() => keys.close());

  it('serves rfc7523_token_requests with outcome and reason labels at the Prometheus endpoint, and prints the spans', async () => {
    const port = await freePort();
    const s = startDemoProcess(name, {
      PORT: '0',
      ISSUER,
      AS_CONFIG: keys.configPath,
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'console',
    });
    try {
      const url = await listeningUrl(s);
      const fields = { grant_type: 'client_credentials', scope: 'read', ...clientAuth(await clientAssertion(keys.es, 'es-client', new Clock())) };
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const first = await post(url, fields, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      expect(first.status).toBe(200);
      expect((await post(url, fields)).status).toBe(401); // the same assertion again: a replay

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const requests = metrics.split('\n').filter((l) => l.startsWith('rfc7523_token_requests_total{'));
      expect(requests).toHaveLength(2);
      expect(requests.find((l) => l.includes('rfc7523_outcome="issued"'))).toMatch(/oauth_grant_type="client_credentials".* 1$/);
      expect(requests.find((l) => l.includes('rfc7523_outcome="refused"'))).toMatch(/rfc7523_reason="jti_replayed",error_type="invalid_client".* 1$/);
      expect(metrics).toMatch(/^rfc7523_assertion_verification_duration_count\{[^}]*rfc7523_use_case="client_authentication"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^rfc7523_replay_store_duration_count\{rfc7523_result="new"[^}]*\} 1$/m);
      // No identifier from the requests reaches a metric.
      expect(metrics).not.toContain('es-client');

      // The console exporter printed the engine span in the trace the request carried, and the log line
      // of the issued token names that trace.
      const tokenLog = s.stdout.split('\n').find((l) => l.includes('"msg":"token issued"'));
      expect(JSON.parse(tokenLog!)).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(s.stdout).toContain("name: 'rfc7523.token_request'");
      expect(s.stdout).toContain(`traceId: '${traceId}'`);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await exitCode(s)).toBe(0);
  }, TEST_TIMEOUT);
});
