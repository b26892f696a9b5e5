import { createClientAssertion, TokenClient, TokenRequestError, type FetchFunction } from '@rfc7523/client';
import { makeKey, type InteropKey } from './support/interop.js';
import { providerClient, startOidcProvider, type RunningOidcProvider } from './support/oidc-provider.js';

/** Our TokenClient's DPoP (RFC 9449) against oidc-provider 9 (panva), which requires a server nonce in every proof. */
describe('TokenClient with dpop against oidc-provider 9 (client_credentials + private_key_jwt + DPoP with nonces)', () => {
  let key: InteropKey;
  let issuer: string;
  let provider: RunningOidcProvider;

  beforeAll(async () => {
    key = await makeKey('ES256', 'op-dpop');
    provider = await startOidcProvider([providerClient('dpop-worker', key), providerClient('bound-only', key, { dpop_bound_access_tokens: true })], { dpop: true });
    issuer = provider.issuer;
  });
  afterAll(() => provider?.stop());

  /** The token's introspection (RFC 7662) by the same client: oidc-provider reports the binding as cnf.jkt. */
  async function introspect(clientId: string, token: string): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({
      token,
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await createClientAssertion({ clientId, issuer, key: key.privateJwk }),
    });
    const response = await fetch(`${issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    return (await response.json()) as Record<string, unknown>;
  }

  it('gets a DPoP-bound token (token_type DPoP, cnf.jkt = our key) after one use_dpop_nonce retry', async () => {
    const answers: { status: number; nonce: string | null }[] = [];
    const recording: FetchFunction = async (url, init) => {
      const response = await fetch(url, init);
      if (url.endsWith('/token')) answers.push({ status: response.status, nonce: response.headers.get('dpop-nonce') });
      return response;
    };
    const client = new TokenClient({ issuer, clientId: 'dpop-worker', key: key.privateJwk, dpop: true, fetch: recording });
    const token = await client.getToken({ scope: 'api:read' });
    expect(token.tokenType).toBe('DPoP');
    expect(answers.map((a) => a.status)).toEqual([400, 200]);
    expect(answers[0]!.nonce).toEqual(expect.any(String));
    const info = await introspect('dpop-worker', token.accessToken);
    expect(info).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: (await client.dpopKey())!.thumbprint } });
    // The nonce is remembered: the next token request needs no retry.
    await client.requestToken({ scope: 'api:write' });
    expect(answers.map((a) => a.status)).toEqual([400, 200, 200]);
  });

  it('a client registered with dpop_bound_access_tokens gets a token only with DPoP', async () => {
    const bearer = new TokenClient({ issuer, clientId: 'bound-only', key: key.privateJwk });
    const error = await bearer.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 });
    // oidc-provider's checkDpopRequired (lib/helpers/sender_constraints.js) throws InvalidGrant "DPoP proof JWT not provided".
    const dpop = new TokenClient({ issuer, clientId: 'bound-only', key: key.privateJwk, dpop: true });
    await expect(dpop.getToken()).resolves.toMatchObject({ tokenType: 'DPoP' });
  });
});
