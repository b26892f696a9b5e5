import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { generateDpopKey, ID_JAG_TOKEN_TYPE, TokenClient, TokenRequestError, TokenResponseError } from '@rfc7523/client';
import { FakeServer, ISSUER, jsonResponse, makeKey, TOKEN_ENDPOINT, type TestKey } from './support/fixtures.js';

let clientKey: TestKey;
let signer: CryptoKey;
beforeAll(async () => {
  clientKey = await makeKey('ES256', 'agent-1');
  signer = (await generateKeyPair('ES256')).privateKey as CryptoKey;
});

const jwt = (header: Record<string, unknown>, claims: Record<string, unknown> = { iss: 'https://idp.example.com', sub: 'alice' }) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).sign(signer);

/** Leg 1 against a fake IdP whose token endpoint answers `body` (status 200 unless given). */
async function exchange(body: unknown, status = 200, dpop = false) {
  const server = new FakeServer();
  server.tokenReply = () => jsonResponse(status, body);
  const client = new TokenClient({ issuer: ISSUER, tokenEndpoint: TOKEN_ENDPOINT, clientId: 'agent', key: clientKey.privateJwk, fetch: server.fetch, ...(dpop ? { dpop: { key: await generateDpopKey() } } : {}) });
  return client.requestIdJag({ subjectToken: 'id-token', audience: 'https://as.example.com' });
}

const ok = async (overrides: Record<string, unknown> = {}) => ({
  access_token: await jwt({ typ: 'oauth-id-jag+jwt' }),
  issued_token_type: ID_JAG_TOKEN_TYPE,
  token_type: 'N_A',
  expires_in: 300,
  ...overrides,
});

describe('the token exchange answer is read strictly (draft §4.3.4, RFC 8693 §2.2)', () => {
  it('accepts the draft example shape, and typ with application/ in any case (RFC 7515 §4.1.9)', async () => {
    await expect(exchange(await ok())).resolves.toMatchObject({ issuedTokenType: ID_JAG_TOKEN_TYPE, tokenType: 'N_A', expiresIn: 300 });
    await expect(exchange(await ok({ access_token: await jwt({ typ: 'application/OAuth-ID-JAG+JWT' }) }))).resolves.toBeDefined();
  });

  it.each([
    ['issued_token_type missing', { issued_token_type: undefined }, 'issued_token_type undefined'],
    ['issued_token_type access_token', { issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }, 'not urn:ietf:params:oauth:token-type:id-jag'],
    ['token_type Bearer', { token_type: 'Bearer' }, 'token_type "Bearer", not N_A'],
    ['access_token not a JWT', { access_token: 'opaque-value' }, 'is not a JWT'],
  ])('%s → TokenResponseError', async (_name, overrides, message) => {
    const error = await exchange(await ok(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toContain(message);
  });

  it('refuses an ID-JAG typed JWT or untyped', async () => {
    await expect(exchange(await ok({ access_token: await jwt({ typ: 'JWT' }) }))).rejects.toThrow('typ "JWT", not oauth-id-jag+jwt');
    await expect(exchange(await ok({ access_token: await jwt({}) }))).rejects.toThrow('typ undefined');
  });

  it('accepts an encrypted (five-part) ID-JAG as opaque', async () => {
    await expect(exchange(await ok({ access_token: 'a.b.c.d.e' }))).resolves.toMatchObject({ idJag: 'a.b.c.d.e', jkt: undefined });
  });

  it('refuses an ID-JAG bound to another key than the DPoP key that asked, reports an unbound one as jkt undefined', async () => {
    const bound = await jwt({ typ: 'oauth-id-jag+jwt' }, { sub: 'alice', cnf: { jkt: 'someone-elses-thumbprint' } });
    await expect(exchange(await ok({ access_token: bound }), 200, true)).rejects.toThrow('bound (cnf.jkt) to a key other than the DPoP key');
    await expect(exchange(await ok(), 200, true)).resolves.toMatchObject({ jkt: undefined });
  });

  it('turns an RFC 6749 §5.2 error into a TokenRequestError', async () => {
    const error = await exchange({ error: 'invalid_grant', error_description: 'Audience validation failed' }, 400).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_grant', error_description: 'Audience validation failed', status: 400 });
  });

  it('refuses bad request options by name', async () => {
    const client = new TokenClient({ issuer: ISSUER, clientId: 'agent', key: clientKey.privateJwk, fetch: new FakeServer().fetch });
    await expect(client.requestIdJag({ subjectToken: 't', audience: '' })).rejects.toThrow('"audience" option must be a non-empty string');
    await expect(client.requestIdJag({ subjectToken: 't', audience: 'a', resource: 'https://r.example/#x' })).rejects.toThrow('"resource" option must not include a fragment');
    await expect(client.requestIdJag({ subjectToken: 't', audience: 'a', actor: 'x' } as never)).rejects.toThrow('"actor" option is not a known option');
  });
});
