/**
 * `jwks_uri` fetches (rule J10) under OpenTelemetry: a span `rfc7523.jwks_fetch`, child of the token
 * request that needed the keys, and `rfc7523.key_fetches` counted by result, against a real JWKS
 * endpoint on 127.0.0.1 that serves, fails, hangs, answers non-JSON, redirects or never ends.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AuthorizationServer } from '@rfc7523/core';
import { installOtel, type OtelHarness } from '../../../../test/support/otel.js';
import { frozenClock, grantClaims, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';
import { startJwksServer, type JwksMode, type JwksServer } from '../../../../test/support/jwks-server.js';

const clock = frozenClock();
let key: TestKey;
let jwksServer: JwksServer;
let otel: OtelHarness;

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
});

beforeEach(async () => {
  jwksServer = await startJwksServer([key.publicJwk]);
  otel = installOtel();
});

afterEach(async () => {
  await otel.uninstall();
  await jwksServer.close();
});

function serverWith(timeout: number): Promise<AuthorizationServer> {
  return makeServer({
    now: clock.now,
    jwksFetch: { timeout, maxBytes: 64 * 1024 },
    trustedIssuers: [{ issuer: 'ci', jwks_uri: jwksServer.uri, allow_any_subject: true }],
  });
}

it('a successful fetch: span with url, status and key count, child of the token request span; result ok counted', async () => {
  const server = await serverWith(5000);
  const response = await server.handleTokenRequest(jwtBearer(await sign(key, grantClaims(clock, 'ci', 'pod'))));
  expect(response.status).toBe(200);
  const [fetchSpan] = otel.spansNamed('rfc7523.jwks_fetch');
  const [requestSpan] = otel.spansNamed('rfc7523.token_request');
  expect(fetchSpan?.kind).toBe(SpanKind.INTERNAL);
  expect(fetchSpan?.attributes).toEqual({ 'url.full': jwksServer.uri, 'rfc7523.result': 'ok', 'http.response.status_code': 200, 'rfc7523.keys': 1 });
  expect(fetchSpan?.spanContext().traceId).toBe(requestSpan?.spanContext().traceId);
  expect(fetchSpan?.parentSpanContext?.spanId).toBe(requestSpan?.spanContext().spanId);
  expect(await otel.pointsOf('rfc7523.key_fetches')).toEqual([{ name: 'rfc7523.key_fetches', unit: '{fetch}', value: 1, attributes: { 'rfc7523.result': 'ok' } }]);
});

const failures: [JwksMode, string, Record<string, unknown>][] = [
  ['fail', 'http_error', { 'http.response.status_code': 500 }],
  ['not-json', 'invalid', {}],
  ['not-a-set', 'invalid', {}],
  ['redirect', 'network_error', {}],
  ['endless', 'too_large', {}],
  ['hang', 'timeout', {}],
];

it.each(failures)('mode %s: result %s, span status ERROR, the request answers 503', async (mode, result, extra) => {
  jwksServer.mode = mode;
  const server = await serverWith(mode === 'hang' ? 300 : 5000);
  const response = await server.handleTokenRequest(jwtBearer(await sign(key, grantClaims(clock, 'ci', 'pod'))));
  expect(response.status).toBe(503);
  const [fetchSpan] = otel.spansNamed('rfc7523.jwks_fetch');
  expect(fetchSpan?.attributes).toEqual({ 'url.full': jwksServer.uri, 'rfc7523.result': result, 'error.type': result, ...extra });
  expect(fetchSpan?.status).toEqual({ code: SpanStatusCode.ERROR, message: result });
  expect(await otel.pointsOf('rfc7523.key_fetches')).toMatchObject([{ value: 1, attributes: { 'rfc7523.result': result } }]);
  const [requestSpan] = otel.spansNamed('rfc7523.token_request');
  expect(requestSpan?.attributes).toMatchObject({ 'rfc7523.outcome': 'unavailable', 'rfc7523.reason': 'jwks_unavailable', 'error.type': 'temporarily_unavailable' });
});
