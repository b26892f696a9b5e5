/**
 * For the adapters' telemetry tests: a SERVER span around each HTTP request, as a host's HTTP
 * instrumentation makes one (the engine's span must be its child), and the checks every adapter shares.
 */
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { total, type OtelHarness } from './otel.js';

/** Wraps every `request` event of `server` in an active SERVER span named `METHOD path`. */
export function traceHttpServer(server: Server): void {
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if (event !== 'request') return emit(event, ...args);
    const [req, res] = args as [IncomingMessage, ServerResponse];
    const span = trace.getTracer('test-http').startSpan(`${req.method} ${req.url}`, { kind: SpanKind.SERVER });
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    return context.with(trace.setSpan(context.active(), span), () => emit(event, ...args));
  }) as Server['emit'];
}

/** Waits until `server` listens, traces its requests (traceHttpServer) and answers its `/token` URL. */
export async function tracedTokenUrl(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  traceHttpServer(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
}

/** POSTs a form to `url` and answers the status. */
export async function postForm(url: string, fields: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  await res.arrayBuffer();
  return res.status;
}

/** What one adapter test sends, and who it is: a client's form (client_credentials) and a grant assertion. */
export interface ThreeRequests {
  readonly clientForm: Record<string, string>;
  readonly clientId: string;
  readonly grantAssertion: string;
  readonly grantIssuer: string;
}

/**
 * Sends a client_credentials request (200), the same body again (401, a replay), then a jwt-bearer grant
 * (200) to `url`; checks the three engine spans, their HTTP parents, and the metric points.
 */
export async function expectThreeTokenRequests(otel: OtelHarness, url: string, sent: ThreeRequests): Promise<void> {
  const { clientForm, clientId, grantAssertion, grantIssuer } = sent;
  expect(await postForm(url, clientForm)).toBe(200);
  expect(await postForm(url, clientForm)).toBe(401);
  expect(await postForm(url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: grantAssertion })).toBe(200);
  const servers = otel.spans().filter((s) => s.kind === SpanKind.SERVER);
  const engine = otel.spansNamed('rfc7523.token_request');
  expect(servers.map((s) => s.attributes['http.response.status_code'])).toEqual([200, 401, 200]);
  expect(engine).toHaveLength(3);
  engine.forEach((span, i) => {
    // The engine's span is the child of the HTTP server span of the same request.
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.spanContext().traceId).toBe(servers[i]?.spanContext().traceId);
    expect(span.parentSpanContext?.spanId).toBe(servers[i]?.spanContext().spanId);
  });
  expect(engine.map((s) => s.attributes)).toEqual([
    { 'oauth.grant_type': 'client_credentials', 'rfc7523.outcome': 'issued', 'rfc7523.use_case': ['client_authentication'], 'oauth.client_id': clientId },
    {
      'oauth.grant_type': 'client_credentials',
      'rfc7523.outcome': 'refused',
      'rfc7523.reason': 'jti_replayed',
      'error.type': 'invalid_client',
      'rfc7523.use_case': ['client_authentication'],
    },
    { 'oauth.grant_type': JWT_BEARER_GRANT_TYPE, 'rfc7523.outcome': 'issued', 'rfc7523.use_case': ['authorization_grant'], 'rfc7523.issuer': grantIssuer },
  ]);
  const requests = await otel.pointsOf('rfc7523.token_requests');
  expect(requests.map((p) => [p.attributes, p.value])).toEqual([
    [{ 'oauth.grant_type': 'client_credentials', 'rfc7523.outcome': 'issued' }, 1],
    [{ 'oauth.grant_type': 'client_credentials', 'rfc7523.outcome': 'refused', 'rfc7523.reason': 'jti_replayed', 'error.type': 'invalid_client' }, 1],
    [{ 'oauth.grant_type': JWT_BEARER_GRANT_TYPE, 'rfc7523.outcome': 'issued' }, 1],
  ]);
  const durations = await otel.pointsOf('rfc7523.assertion.verification.duration');
  expect(total(durations, { 'rfc7523.use_case': 'client_authentication', 'rfc7523.outcome': 'accepted' })).toBe(1);
  expect(total(durations, { 'rfc7523.use_case': 'client_authentication', 'rfc7523.outcome': 'rejected', 'rfc7523.reason': 'jti_replayed' })).toBe(1);
  expect(total(durations, { 'rfc7523.use_case': 'authorization_grant', 'rfc7523.outcome': 'accepted' })).toBe(1);
  const store = await otel.pointsOf('rfc7523.replay_store.duration');
  expect(total(store, { 'rfc7523.result': 'new' })).toBe(2);
  expect(total(store, { 'rfc7523.result': 'replay' })).toBe(1);
}
