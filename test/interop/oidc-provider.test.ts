import { TokenClient, TokenRequestError } from '@rfc7523/client';
import { makeKey, type InteropKey } from './support/interop.js';
import { providerClient, startOidcProvider, type RunningOidcProvider } from './support/oidc-provider.js';

/** Our TokenClient against oidc-provider 9 (panva), a certified OpenID provider, as a third-party server. */
describe('TokenClient against oidc-provider 9 (client_credentials + private_key_jwt)', () => {
  let es: InteropKey;
  let ed: InteropKey;
  let issuer: string;
  let provider: RunningOidcProvider;

  beforeAll(async () => {
    [es, ed] = await Promise.all([makeKey('ES256', 'op-es'), makeKey('Ed25519', 'op-ed')]);
    provider = await startOidcProvider([providerClient('es-worker', es), providerClient('ed-worker', ed)]);
    issuer = provider.issuer;
  });
  afterAll(() => provider?.stop());

  it('discovers the token endpoint from its RFC 8414 metadata', async () => {
    const client = new TokenClient({ issuer, clientId: 'es-worker', key: es.privateJwk });
    await expect(client.tokenEndpoint()).resolves.toBe(`${issuer}/token`);
  });

  it.each([
    ['ES256', 'es-worker', () => es.privateJwk],
    ['EdDSA', 'ed-worker', () => ed.privateJwk],
  ] as const)('gets a token with an %s client assertion (typ client-authentication+jwt, aud = issuer)', async (alg, clientId, key) => {
    const client = new TokenClient({ issuer, clientId, key: key(), alg });
    const token = await client.getToken({ scope: 'api:read' });
    expect(token).toMatchObject({ tokenType: 'Bearer', scope: 'api:read', expiresIn: expect.any(Number) });
    expect(token.accessToken.length).toBeGreaterThan(20);
  });

  it('caches the token: more callers, any scope order, one token request', async () => {
    const urls: string[] = [];
    const client = new TokenClient({
      issuer,
      clientId: 'es-worker',
      key: es.privateJwk,
      fetch: (input, init) => (urls.push(input), fetch(input, init)),
    });
    const first = await client.getToken({ scope: 'api:read api:write' });
    const again = await Promise.all([client.getToken({ scope: 'api:write api:read' }), client.getToken({ scope: ['api:read', 'api:write'] })]);
    expect(again.map((t) => t.accessToken)).toEqual([first.accessToken, first.accessToken]);
    expect(urls).toEqual([`${issuer}/.well-known/oauth-authorization-server`, `${issuer}/token`]);
  });

  it("surfaces oidc-provider's refusal as a TokenRequestError", async () => {
    const client = new TokenClient({ issuer, clientId: 'es-worker', key: ed.privateJwk });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});
