import { JWT_BEARER_CLIENT_ASSERTION_TYPE, type Rfc7523Event } from '@rfc7523/core';
import { safeSink } from '../src/events.js';
import { clientClaims, clientCredentials, formRequest, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from './support/fixtures.js';
import { startJwksServer, type JwksServer } from '../../../test/support/jwks-server.js';

const clock = frozenClock();
let workerKey: TestKey;
let issuerKey: TestKey;
let remote: JwksServer;

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  issuerKey = await makeKey('ES256', 'i1');
  remote = await startJwksServer([issuerKey.publicJwk]);
});

afterAll(() => remote.close());

const serverWith = (onEvent: (e: Rfc7523Event) => void) =>
  makeServer({
    now: clock.now,
    onEvent,
    clients: [{ client_id: 'worker', jwks: jwks(workerKey), scope: 'read' }],
    trustedIssuers: [
      { issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true, scope: 'deploy' },
      { issuer: 'remote', jwks_uri: remote.uri, allow_any_subject: true },
    ],
  });

describe('events (audit and metrics)', () => {
  it('assertion.accepted and token.issued for a client assertion', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    await server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker', { jti: 'j1' }))));
    expect(events).toEqual([
      { type: 'assertion.accepted', use: 'client_authentication', issuer: 'worker', subject: 'worker', jti: 'j1' },
      { type: 'token.issued', grantType: 'client_credentials', subject: 'worker', clientId: 'worker', scope: 'read' },
    ]);
  });

  it('assertion.accepted for a grant without jti carries no jti', async () => {
    const events: Rfc7523Event[] = [];
    const server = await makeServer({
      now: clock.now,
      onEvent: (e) => events.push(e),
      trustedIssuers: [{ issuer: 'wif', jwks: jwks(issuerKey), allow_any_subject: true, require_jti: false }],
    });
    const token = await sign(issuerKey, grantClaims(clock, 'wif', 'pod', { jti: undefined }));
    await server.exchange(jwtBearer(token));
    await server.exchange(jwtBearer(token)).catch(() => undefined);
    expect(events[0]).toEqual({ type: 'assertion.accepted', use: 'authorization_grant', issuer: 'wif', subject: 'pod' });
    expect(events).toContainEqual({ type: 'replay.detected', use: 'authorization_grant', issuer: 'wif' });
  });

  it('assertion.rejected carries the use, error, reason, detail, claim concerned and claimed issuer', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    await server.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'a', { aud: 'https://elsewhere' })))).catch(() => undefined);
    expect(events[0]).toEqual({
      type: 'assertion.rejected',
      use: 'authorization_grant',
      error: 'invalid_grant',
      reason: 'aud_mismatch',
      detail: 'aud must name this server',
      claim: 'aud',
      issuer: 'ci',
    });
    await server.exchange(clientCredentials('x.y.z')).catch(() => undefined);
    expect(events.at(-1)).toMatchObject({ type: 'assertion.rejected', use: 'client_authentication', error: 'invalid_client', reason: 'malformed_jwt' });
  });

  it('replay.detected names the issuer and jti', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    const token = await sign(issuerKey, grantClaims(clock, 'ci', 'a', { jti: 'twice' }));
    await server.exchange(jwtBearer(token));
    await server.exchange(jwtBearer(token)).catch(() => undefined);
    expect(events).toContainEqual({ type: 'replay.detected', use: 'authorization_grant', issuer: 'ci', jti: 'twice' });
    expect(events.at(-1)).toMatchObject({ type: 'assertion.rejected', reason: 'jti_replayed' });
  });

  it('keys.fetched reports a jwks_uri fetch', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    await server.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'remote', 'a'))));
    expect(events).toContainEqual({ type: 'keys.fetched', uri: remote.uri, keys: 1 });
  });

  it('request.failed comes from handleTokenRequest', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    await server.handleTokenRequest(formRequest({ grant_type: 'password' }));
    expect(events).toEqual([{ type: 'request.failed', error: 'unsupported_grant_type', reason: 'unsupported_grant_type' }]);
    await server.handleTokenRequest(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'a')), { scope: 'admin' }));
    expect(events.at(-1)).toEqual({ type: 'request.failed', error: 'invalid_scope', reason: 'scope_not_allowed', detail: 'not allowed: admin' });
  });

  it('never contains the token text, a signature or a key', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    const tokens: string[] = [];
    const grant = await sign(issuerKey, grantClaims(clock, 'ci', 'a'));
    tokens.push(grant);
    const issued = await server.handleTokenRequest(jwtBearer(grant));
    tokens.push(issued.body.access_token as string);
    await server.handleTokenRequest(jwtBearer(grant));
    const forged = `${grant.slice(0, grant.lastIndexOf('.'))}.${Buffer.alloc(64).toString('base64url')}`;
    tokens.push(forged);
    await server.handleTokenRequest(jwtBearer(forged));
    const client = await sign(workerKey, clientClaims(clock, 'worker', { aud: 'nope' }), { typ: 'dpop+jwt' });
    tokens.push(client);
    await server.handleTokenRequest(clientCredentials(client));
    await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: client, client_secret: 'hunter2' }));
    const text = JSON.stringify(events);
    expect(events.length).toBeGreaterThan(6);
    for (const token of tokens) for (const part of token.split('.')) expect(text).not.toContain(part);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(workerKey.publicJwk.x as string);
  });

  it('R11 a bare client_id is never reported as the identity of a request', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith((e) => events.push(e));
    await server.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'alice')), { client_id: 'claimed-client' }));
    expect(events.find((e) => e.type === 'token.issued')).toEqual({ type: 'token.issued', grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', subject: 'alice', scope: 'deploy' });
    expect(JSON.stringify(events)).not.toContain('claimed-client');
  });

  it('a throwing listener does not break a request', async () => {
    const server = await serverWith(() => {
      throw new Error('listener bug');
    });
    await expect(server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker'))))).resolves.toMatchObject({ token_type: 'Bearer' });
    await expect(server.exchange(jwtBearer('x.y.z'))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'malformed_jwt' });
    await expect(server.handleTokenRequest(formRequest({}))).resolves.toMatchObject({ status: 400 });
  });

  it('safeSink ignores a missing listener and swallows listener errors', () => {
    expect(() => safeSink(undefined)({ type: 'keys.fetch_failed', uri: 'u', reason: 'r' })).not.toThrow();
    expect(() =>
      safeSink(() => {
        throw new Error('x');
      })({ type: 'keys.fetch_failed', uri: 'u', reason: 'r' }),
    ).not.toThrow();
  });
});
