/**
 * The engine's OpenTelemetry spans and metrics (docs/operations.md), read back from the SDK's in-memory
 * exporters: one span per token request, attributes from the engine's events, and metric points whose
 * attribute values all come from fixed sets whatever the requests carry.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JWT_BEARER_GRANT_TYPE, OAuthError, type AuthorizationServer, type ReplayStore } from '@rfc7523/core';
import { installOtel, total, type OtelHarness } from '../../../../test/support/otel.js';
import { timedReplayStore } from '../../src/telemetry/timed-replay-store.js';
import { clientClaims, clientCredentials, formRequest, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
let workerKey: TestKey;
let issuerKey: TestKey;
let otel: OtelHarness;

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  issuerKey = await makeKey('ES256', 'i1');
});

beforeEach(() => {
  otel = installOtel();
});

afterEach(() => otel.uninstall());

function serverWith(replayStore?: ReplayStore): Promise<AuthorizationServer> {
  return makeServer({
    now: clock.now,
    ...(replayStore === undefined ? {} : { replayStore }),
    clients: [{ client_id: 'worker', jwks: jwks(workerKey), scope: 'read', grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE] }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true, scope: 'deploy' }],
  });
}

const clientAssertion = () => sign(workerKey, clientClaims(clock, 'worker'));
const grantAssertion = (subject = 'pod') => sign(issuerKey, grantClaims(clock, 'ci', subject));

describe('token request span', () => {
  it('client_credentials with private_key_jwt: one INTERNAL span with grant type, outcome, use case and client id', async () => {
    const server = await serverWith();
    const response = await server.handleTokenRequest(clientCredentials(await clientAssertion()));
    expect(response.status).toBe(200);
    const [span, ...more] = otel.spansNamed('rfc7523.token_request');
    expect(more).toHaveLength(0);
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toEqual({
      'oauth.grant_type': 'client_credentials',
      'rfc7523.outcome': 'issued',
      'rfc7523.use_case': ['client_authentication'],
      'oauth.client_id': 'worker',
    });
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['rfc7523.assertion', { 'rfc7523.use_case': 'client_authentication', 'rfc7523.outcome': 'accepted' }],
    ]);
  });

  it('jwt-bearer grant with client authentication: both use cases, the grant issuer and the client on the span', async () => {
    const server = await serverWith();
    const request = formRequest({
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion: await grantAssertion(),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(),
    });
    expect((await server.handleTokenRequest(request)).status).toBe(200);
    const [span] = otel.spansNamed('rfc7523.token_request');
    expect(span?.attributes).toMatchObject({
      'oauth.grant_type': JWT_BEARER_GRANT_TYPE,
      'rfc7523.outcome': 'issued',
      'rfc7523.use_case': ['client_authentication', 'authorization_grant'],
      'oauth.client_id': 'worker',
      'rfc7523.issuer': 'ci',
    });
    const durations = await otel.pointsOf('rfc7523.assertion.verification.duration');
    expect(total(durations, { 'rfc7523.use_case': 'client_authentication', 'rfc7523.outcome': 'accepted' })).toBe(1);
    expect(total(durations, { 'rfc7523.use_case': 'authorization_grant', 'rfc7523.outcome': 'accepted' })).toBe(1);
    expect(durations.every((p) => p.unit === 's' && p.value >= 0)).toBe(true);
  });

  it('a refusal: outcome refused, reason and error.type on span and counter; span status stays UNSET (a client error)', async () => {
    const server = await serverWith();
    const expired = await sign(issuerKey, grantClaims(clock, 'ci', 'pod', { exp: clock.seconds() - 3600, iat: clock.seconds() - 3700 }));
    const response = await server.handleTokenRequest(jwtBearer(expired));
    expect(response.status).toBe(400);
    const [span] = otel.spansNamed('rfc7523.token_request');
    expect(span?.attributes).toMatchObject({
      'oauth.grant_type': JWT_BEARER_GRANT_TYPE,
      'rfc7523.outcome': 'refused',
      'rfc7523.reason': 'expired',
      'error.type': 'invalid_grant',
      'rfc7523.issuer': 'ci',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    const requests = await otel.pointsOf('rfc7523.token_requests');
    expect(requests).toEqual([
      {
        name: 'rfc7523.token_requests',
        unit: '{request}',
        value: 1,
        attributes: { 'oauth.grant_type': JWT_BEARER_GRANT_TYPE, 'rfc7523.outcome': 'refused', 'rfc7523.reason': 'expired', 'error.type': 'invalid_grant' },
      },
    ]);
  });

  it('exchange() rejects as before and is traced too; a request without grant_type counts as grant type none', async () => {
    const server = await serverWith();
    await expect(server.exchange(formRequest({ scope: 'x' }))).rejects.toMatchObject({ reason: 'missing_grant_type' });
    expect(await otel.pointsOf('rfc7523.token_requests')).toMatchObject([
      { value: 1, attributes: { 'oauth.grant_type': 'none', 'rfc7523.outcome': 'refused', 'rfc7523.reason': 'missing_grant_type', 'error.type': 'invalid_request' } },
    ]);
  });

  it('a replayed assertion: replay_detected span event, jti_replayed, and replay-store latency by result', async () => {
    const server = await serverWith();
    const token = await grantAssertion();
    expect((await server.handleTokenRequest(jwtBearer(token))).status).toBe(200);
    expect((await server.handleTokenRequest(jwtBearer(token))).status).toBe(400);
    const second = otel.spansNamed('rfc7523.token_request')[1];
    expect(second?.attributes['rfc7523.reason']).toBe('jti_replayed');
    expect(second?.events.map((e) => e.name)).toEqual(['rfc7523.replay_detected', 'rfc7523.assertion']);
    const store = await otel.pointsOf('rfc7523.replay_store.duration');
    expect(store.map((p) => [p.attributes, p.count]).sort()).toEqual([
      [{ 'rfc7523.result': 'new' }, 1],
      [{ 'rfc7523.result': 'replay' }, 1],
    ]);
    expect(await otel.pointsOf('rfc7523.replay_store.failures')).toEqual([]);
  });

  it('a replay store that fails: 503, outcome unavailable, span status ERROR, one failure counted', async () => {
    const down: ReplayStore = { remember: () => Promise.reject(new Error('connection refused')) };
    const server = await serverWith(down);
    const response = await server.handleTokenRequest(jwtBearer(await grantAssertion()));
    expect(response.status).toBe(503);
    const [span] = otel.spansNamed('rfc7523.token_request');
    expect(span?.attributes).toMatchObject({ 'rfc7523.outcome': 'unavailable', 'rfc7523.reason': 'replay_store_unavailable', 'error.type': 'temporarily_unavailable' });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'replay_store_unavailable' });
    expect(await otel.pointsOf('rfc7523.replay_store.failures')).toMatchObject([{ value: 1, unit: '{failure}' }]);
    expect(await otel.pointsOf('rfc7523.replay_store.duration')).toMatchObject([{ count: 1, attributes: { 'rfc7523.result': 'failed' } }]);
  });

  it('a grant handler that throws a plain Error: outcome error, reason server_error, exception recorded, grant type other', async () => {
    const server = await makeServer({
      now: clock.now,
      grants: { 'urn:example:custom': { requireClient: false, handle: () => Promise.reject(new Error('database on fire')) } },
    });
    const response = await server.handleTokenRequest(formRequest({ grant_type: 'urn:example:custom' }));
    expect(response.status).toBe(500);
    const [span] = otel.spansNamed('rfc7523.token_request');
    expect(span?.attributes).toMatchObject({ 'oauth.grant_type': 'other', 'rfc7523.outcome': 'error', 'rfc7523.reason': 'server_error', 'error.type': 'server_error' });
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('an OAuthError from a custom grant with an unknown reason counts as reason other', async () => {
    class Custom extends OAuthError {
      constructor() {
        super('invalid_grant', 400, 'made_up_reason' as never, 'no');
      }
    }
    const server = await makeServer({ now: clock.now, grants: { 'urn:example:custom': { requireClient: false, handle: () => Promise.reject(new Custom()) } } });
    await server.handleTokenRequest(formRequest({ grant_type: 'urn:example:custom' }));
    expect(await otel.pointsOf('rfc7523.token_requests')).toMatchObject([{ attributes: { 'rfc7523.reason': 'other', 'error.type': 'invalid_grant', 'rfc7523.outcome': 'refused' } }]);
  });
});

describe('no SDK, then an SDK', () => {
  it('an engine created before any SDK records nothing, then uses the SDK registered later', async () => {
    await otel.uninstall();
    const server = await serverWith();
    expect((await server.handleTokenRequest(clientCredentials(await clientAssertion()))).status).toBe(200);
    otel = installOtel();
    expect(otel.spans()).toEqual([]);
    expect(await otel.points()).toEqual([]);
    expect((await server.handleTokenRequest(clientCredentials(await clientAssertion()))).status).toBe(200);
    expect(otel.spansNamed('rfc7523.token_request')).toHaveLength(1);
    expect(total(await otel.pointsOf('rfc7523.token_requests'), { 'rfc7523.outcome': 'issued' })).toBe(1);
    expect(total(await otel.pointsOf('rfc7523.replay_store.duration'), { 'rfc7523.result': 'new' })).toBe(1);
  });

  it('without an SDK the replay store is called bare: its own promise comes back, untimed; with one, a timed promise', async () => {
    await otel.uninstall();
    const answer = Promise.resolve(true);
    const store = timedReplayStore({ remember: () => answer });
    expect(store.remember('k', 1)).toBe(answer);
    otel = installOtel();
    const timed = store.remember('k', 1);
    expect(timed).not.toBe(answer);
    expect(await timed).toBe(true);
    expect(total(await otel.pointsOf('rfc7523.replay_store.duration'), { 'rfc7523.result': 'new' })).toBe(1);
  });
});
