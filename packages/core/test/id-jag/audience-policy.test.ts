import {
  createAuthorizationServer,
  parseTrustConfig,
  type AuthorizationServer,
  type ClientMetadata,
  type Rfc7523Event,
} from '@rfc7523/core';
import { clientClaims, clientCredentials, frozenClock, ISSUER, jwks, makeKey, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';

// Rule A1: the RFC 10070 rollout, per client audience_policy strict | warn | legacy.
const clock = frozenClock();
const events: Rfc7523Event[] = [];
let server: AuthorizationServer;
const keys: Record<string, TestKey> = {};
const CLIENTS: [string, Partial<ClientMetadata>][] = [
  ['strict-default', {}],
  ['strict', { audience_policy: 'strict' }],
  ['warn', { audience_policy: 'warn' }],
  ['legacy', { audience_policy: 'legacy' }],
  ['legacy-alias', { legacy_token_endpoint_audience: true }],
  ['legacy-both', { legacy_token_endpoint_audience: true, audience_policy: 'legacy' }],
];

beforeAll(async () => {
  for (const [id] of CLIENTS) keys[id] = await makeKey('ES256', `${id}-1`);
  server = await createAuthorizationServer({
    issuer: ISSUER,
    now: clock.now,
    onEvent: (e) => events.push(e),
    clients: CLIENTS.map(([id, extra]) => ({ client_id: id, jwks: jwks(keys[id] as TestKey), scope: 'read', ...extra })),
  });
});
beforeEach(() => {
  events.length = 0;
});

async function authenticate(id: string, aud: unknown) {
  return server.exchange(clientCredentials(await sign(keys[id] as TestKey, clientClaims(clock, id, { aud: aud as string }))));
}
const deprecations = () => events.filter((e) => e.type === 'client_assertion.audience_deprecated');

describe('A1 audience_policy', () => {
  it.each(['strict-default', 'strict'])('%s refuses the token endpoint URL as aud: invalid_client', async (id) => {
    await expect(authenticate(id, TOKEN_ENDPOINT)).rejects.toMatchObject({ error: 'invalid_client', status: 401, reason: 'aud_mismatch' });
    expect(deprecations()).toEqual([]);
  });

  it('warn accepts the token endpoint URL as sole aud and emits one event per assertion, naming the client', async () => {
    await authenticate('warn', TOKEN_ENDPOINT);
    await authenticate('warn', [TOKEN_ENDPOINT]);
    expect(deprecations()).toEqual([
      { type: 'client_assertion.audience_deprecated', clientId: 'warn', audience: TOKEN_ENDPOINT },
      { type: 'client_assertion.audience_deprecated', clientId: 'warn', audience: TOKEN_ENDPOINT },
    ]);
  });

  it('warn emits nothing for the issuer identifier', async () => {
    await authenticate('warn', ISSUER);
    expect(deprecations()).toEqual([]);
  });

  it('warn still refuses the token endpoint among other values, and emits nothing for a refused assertion', async () => {
    await expect(authenticate('warn', [ISSUER, TOKEN_ENDPOINT])).rejects.toMatchObject({ error: 'invalid_client', reason: 'aud_mismatch' });
    const bad = await sign(keys.warn as TestKey, clientClaims(clock, 'warn', { aud: TOKEN_ENDPOINT }), { kid: 'unknown' });
    await expect(server.exchange(clientCredentials(bad))).rejects.toMatchObject({ error: 'invalid_client' });
    expect(deprecations()).toEqual([]);
  });

  it.each(['legacy', 'legacy-alias', 'legacy-both'])('%s accepts the token endpoint URL silently', async (id) => {
    expect((await authenticate(id, TOKEN_ENDPOINT)).access_token).toBeDefined();
    expect(deprecations()).toEqual([]);
  });

  it('a dry run (explain) under warn emits nothing', async () => {
    const token = await sign(keys.warn as TestKey, clientClaims(clock, 'warn', { aud: TOKEN_ENDPOINT }));
    expect((await server.traceAssertion('client_authentication', token)).verdict).toBe('pass');
    expect(deprecations()).toEqual([]);
  });
});

describe('A1 trust file', () => {
  const client = (extra: object) => ({ clients: [{ client_id: 'c', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] }, ...extra }] });

  it.each([
    [{ audience_policy: 'lenient' }],
    [{ audience_policy: 'warn', legacy_token_endpoint_audience: true }],
    [{ audience_policy: 'strict', legacy_token_endpoint_audience: true }],
    [{ audience_policy: 'legacy', legacy_token_endpoint_audience: false }],
  ])('refuses %p, naming clients[0].audience_policy', (extra) => {
    expect(() => parseTrustConfig(client(extra), 'trust.json')).toThrow(expect.objectContaining({ field: 'clients[0].audience_policy' }));
  });

  it.each([[{ audience_policy: 'warn', legacy_token_endpoint_audience: false }], [{ audience_policy: 'legacy', legacy_token_endpoint_audience: true }]])('accepts the consistent %p', (extra) => {
    expect(() => parseTrustConfig(client(extra), 'trust.json')).not.toThrow();
  });
});
