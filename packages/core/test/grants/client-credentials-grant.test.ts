import { JWT_BEARER_GRANT_TYPE, type AuthorizationServer, type GrantContext } from '@rfc7523/core';
import { ClientCredentialsGrant } from '../../src/grants/client-credentials-grant.js';
import { clientClaims, clientCredentials, formRequest, frozenClock, ISSUER, jwks, makeKey, makeServer, payloadOf, sign, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let logs: TestKey;
let grantOnly: TestKey;
let unscoped: TestKey;

beforeAll(async () => {
  logs = await makeKey('ES256', 'l1');
  grantOnly = await makeKey('ES256', 'g1');
  unscoped = await makeKey('EdDSA', 'u1');
  server = await makeServer({
    now: clock.now,
    accessTokenLifetime: 120,
    clients: [
      { client_id: 'log-aggregator', jwks: jwks(logs), token_endpoint_auth_method: 'private_key_jwt', scope: 'logs:read logs:write' },
      { client_id: 'grant-only', jwks: jwks(grantOnly), grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'x' },
      { client_id: 'unscoped', jwks: jwks(unscoped) },
    ],
  });
});

const assertion = (key: TestKey, clientId: string) => sign(key, clientClaims(clock, clientId));

describe('the client_credentials grant (RFC 6749 §4.4) with private_key_jwt', () => {
  it('issues a token whose sub and client_id are the client', async () => {
    const body = await server.exchange(clientCredentials(await assertion(logs, 'log-aggregator')));
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'logs:read logs:write' });
    expect(payloadOf(body.access_token)).toMatchObject({ iss: ISSUER, sub: 'log-aggregator', client_id: 'log-aggregator', scope: 'logs:read logs:write' });
  });

  it('P3 the token lifetime does not depend on the client assertion', async () => {
    const token = await sign(logs, clientClaims(clock, 'log-aggregator', { exp: clock.seconds() + 5 }));
    await expect(server.exchange(clientCredentials(token))).resolves.toMatchObject({ expires_in: 120 });
  });

  it('R10 grants a requested subset', async () => {
    const body = await server.exchange(clientCredentials(await assertion(logs, 'log-aggregator'), { scope: 'logs:read' }));
    expect(body.scope).toBe('logs:read');
  });

  it('R10 rejects a scope the client may not have', async () => {
    const req = clientCredentials(await assertion(logs, 'log-aggregator'), { scope: 'logs:read admin' });
    await expect(server.exchange(req)).rejects.toMatchObject({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
  });

  it('R10 a client without scope receives no scope', async () => {
    const body = await server.exchange(clientCredentials(await assertion(unscoped, 'unscoped')));
    expect(body.scope).toBeUndefined();
    expect(payloadOf(body.access_token).scope).toBeUndefined();
  });

  it('requires client authentication: invalid_client 401 without it', async () => {
    await expect(server.exchange(formRequest({ grant_type: 'client_credentials' }))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
      reason: 'client_auth_required',
    });
  });

  it('R11 a bare client_id is not client authentication', async () => {
    for (const client_id of ['log-aggregator', 'not-registered']) {
      await expect(server.exchange(formRequest({ grant_type: 'client_credentials', client_id }))).rejects.toMatchObject({
        error: 'invalid_client',
        reason: 'client_auth_required',
      });
    }
  });

  it('R9 refuses a client whose grant_types do not include client_credentials with unauthorized_client', async () => {
    await expect(server.exchange(clientCredentials(await assertion(grantOnly, 'grant-only')))).rejects.toMatchObject({
      error: 'unauthorized_client',
      status: 400,
      reason: 'grant_not_allowed',
    });
  });

  it('a grant_types default of ["client_credentials"] applies to clients that list none', async () => {
    await expect(server.exchange(clientCredentials(await assertion(unscoped, 'unscoped')))).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('the handler itself refuses a context without an authenticated, registered client', async () => {
    const handler = new ClientCredentialsGrant();
    const context = { grantType: 'client_credentials', params: new Map(), requestedScope: [], issueAccessToken: () => Promise.reject(new Error('unreachable')), requireDpopProof: () => {} };
    await expect(handler.handle({ ...context, client: null } as GrantContext)).rejects.toMatchObject({ error: 'invalid_client', status: 401, reason: 'client_auth_required' });
    const stranger = { clientId: 'gone', metadata: { client_id: 'gone' }, assertion: {} } as unknown as GrantContext['client'];
    await expect(handler.handle({ ...context, client: stranger } as GrantContext)).rejects.toMatchObject({ error: 'invalid_client', status: 401, reason: 'client_auth_required' });
  });

  it('the handler refuses a missing client with its own description', async () => {
    const context = { grantType: 'client_credentials', params: new Map(), requestedScope: [], issueAccessToken: () => Promise.reject(new Error('unreachable')), requireDpopProof: () => {}, client: null };
    await expect(new ClientCredentialsGrant().handle(context as GrantContext)).rejects.toThrow('client authentication is required');
  });
});
