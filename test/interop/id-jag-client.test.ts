import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import {
  exchangeIdentityAssertion,
  generateDpopKey,
  ID_JAG_TOKEN_TYPE,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  TokenClient,
  TokenRequestError,
  TokenResponseError,
} from '@rfc7523/client';
import { startTestIdp, TOKEN_EXCHANGE, ID_TOKEN_TYPE, type TestIdp } from '../support/idp/test-idp.js';
import { startStubAs, type StubAs } from './support/stub-as.js';

interface Key {
  privateJwk: JWK;
  publicJwk: JWK;
}
async function key(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

const RESOURCE = 'https://mcp.example.com/mcp';

describe('ID-JAG client, both legs (draft-ietf-oauth-identity-assertion-authz-grant §4.3, §4.4) against a test IdP', () => {
  let idp: TestIdp;
  let as: StubAs;
  let atIdp: Key;
  let atAs: Key;

  beforeAll(async () => {
    [atIdp, atAs] = await Promise.all([key('agent-idp'), key('agent-as')]);
    as = await startStubAs();
    idp = await startTestIdp({
      clients: [{ clientId: 'agent', jwks: [atIdp.publicJwk], resourceClients: { [as.issuer]: 'agent-at-as' }, scope: 'tools:read tools:write' }],
    });
  });
  afterAll(async () => {
    await Promise.all([idp?.close(), as?.close()]);
  });
  beforeEach(() => {
    idp.faults = {};
    idp.requests.length = 0;
    as.requests.length = 0;
  });

  const idpClient = (extra: Partial<ConstructorParameters<typeof TokenClient>[0]> = {}) =>
    new TokenClient({ issuer: idp.issuer, clientId: 'agent', key: atIdp.privateJwk, ...extra });
  const idToken = () => idp.mintIdToken({ subject: 'alice', clientId: 'agent', claims: { email: 'alice@example.com' } });

  it('leg 1: token exchange sends the draft §4.3 parameters with private_key_jwt and returns the ID-JAG', async () => {
    const subjectToken = await idToken();
    const result = await idpClient().requestIdJag({ subjectToken, audience: as.issuer, resource: RESOURCE, scope: 'tools:read admin' });
    const { form } = idp.requests[0]!;
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: TOKEN_EXCHANGE,
      requested_token_type: ID_JAG_TOKEN_TYPE,
      subject_token: subjectToken,
      subject_token_type: ID_TOKEN_TYPE,
      audience: as.issuer,
      resource: RESOURCE,
      scope: 'admin tools:read',
      client_id: 'agent',
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
    });
    // The client assertion's aud is the IdP's issuer (discovered through OpenID Connect discovery).
    expect(decodeJwt(form.get('client_assertion')!)).toMatchObject({ iss: 'agent', sub: 'agent', aud: idp.issuer });
    expect(result).toMatchObject({ issuedTokenType: ID_JAG_TOKEN_TYPE, tokenType: 'N_A', expiresIn: 300, scope: 'tools:read', jkt: undefined });
    const { payload, protectedHeader } = await jwtVerify(result.idJag, createLocalJWKSet(idp.jwks), { issuer: idp.issuer, audience: as.issuer, typ: 'oauth-id-jag+jwt' });
    expect(protectedHeader.typ).toBe('oauth-id-jag+jwt');
    expect(payload).toEqual({
      iss: idp.issuer,
      sub: 'alice',
      aud: as.issuer,
      client_id: 'agent-at-as',
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: (payload.iat as number) + 300,
      resource: RESOURCE,
      scope: 'tools:read',
      email: 'alice@example.com',
    });
  });

  it('both legs in one call: the ID-JAG is the assertion of the jwt-bearer grant at the resource AS, with resource and scope', async () => {
    const result = await exchangeIdentityAssertion({
      idp: { issuer: idp.issuer, clientId: 'agent', key: atIdp.privateJwk },
      resourceServer: { issuer: as.issuer, clientId: 'agent-at-as', key: atAs.privateJwk },
      subjectToken: await idToken(),
      resource: RESOURCE,
      scope: ['tools:read'],
    });
    expect(result.token).toMatchObject({ accessToken: 'at-1', tokenType: 'Bearer', scope: 'tools:read' });
    expect(result.dpopKey).toBeUndefined();
    expect(idp.requests[0]!.form.get('audience')).toBe(as.issuer);
    const { form, headers } = as.requests[0]!;
    expect(headers.dpop).toBeUndefined();
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion: result.idJag.idJag,
      resource: RESOURCE,
      scope: 'tools:read',
      client_id: 'agent-at-as',
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
    });
    // Leg 2 client authentication is the client's own key AT THE AS, aud = the AS issuer.
    const { payload } = await jwtVerify(form.get('client_assertion')!, createLocalJWKSet({ keys: [atAs.publicJwk] }), {
      issuer: 'agent-at-as',
      subject: 'agent-at-as',
      audience: as.issuer,
      typ: 'client-authentication+jwt',
    });
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('leg 2 alone: TokenClient.requestToken with the ID-JAG, several resources', async () => {
    const idJag = await idp.mintIdJag({ subject: 'alice', audience: as.issuer, clientId: 'agent-at-as', resource: RESOURCE });
    const client = new TokenClient({ issuer: as.issuer, clientId: 'agent-at-as', key: atAs.privateJwk });
    await client.requestToken({ grant: 'jwt-bearer', assertion: idJag, resource: [RESOURCE, 'https://b.example/api'], scope: 'tools:read' });
    expect(as.requests[0]!.form.getAll('resource')).toEqual(['https://b.example/api', RESOURCE]);
    expect(as.requests[0]!.form.get('assertion')).toBe(idJag);
  });

  it('DPoP: one key proves both legs; the IdP binds the ID-JAG to it (cnf.jkt) and the AS sees a proof for its token endpoint', async () => {
    const dpopKey = await generateDpopKey();
    const result = await exchangeIdentityAssertion({
      idp: { issuer: idp.issuer, clientId: 'agent', key: atIdp.privateJwk },
      resourceServer: { issuer: as.issuer, clientId: 'agent-at-as', key: atAs.privateJwk },
      subjectToken: await idToken(),
      dpop: { key: dpopKey },
    });
    expect(result.idJag.jkt).toBe(dpopKey.thumbprint);
    expect(decodeJwt(result.idJag.idJag).cnf).toEqual({ jkt: dpopKey.thumbprint });
    expect(result.token.tokenType).toBe('DPoP');
    expect(result.dpopKey!.thumbprint).toBe(dpopKey.thumbprint);
    const { payload, protectedHeader } = await jwtVerify(String(as.requests[0]!.headers.dpop), EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(payload).toMatchObject({ htm: 'POST', htu: as.tokenEndpoint });
    expect(await calculateJwkThumbprint(protectedHeader.jwk!)).toBe(dpopKey.thumbprint);
  });

  it('dpop: true generates one key for both legs', async () => {
    const result = await exchangeIdentityAssertion({
      idp: { issuer: idp.issuer, clientId: 'agent', key: atIdp.privateJwk },
      resourceServer: { issuer: as.issuer, clientId: 'agent-at-as', key: atAs.privateJwk },
      subjectToken: await idToken(),
      dpop: true,
    });
    const idpProof = decodeProtectedHeader(String(idp.requests[0]!.headers.dpop));
    const asProof = decodeProtectedHeader(String(as.requests[0]!.headers.dpop));
    expect(await calculateJwkThumbprint(idpProof.jwk!)).toBe(result.dpopKey!.thumbprint);
    expect(asProof.jwk).toEqual(idpProof.jwk);
    expect(result.idJag.jkt).toBe(result.dpopKey!.thumbprint);
  });

  it('refusals from the IdP are TokenRequestErrors: unknown audience, an ID Token issued to another client, no client authentication', async () => {
    const audience = await idpClient().requestIdJag({ subjectToken: await idToken(), audience: 'https://other-as.example.com' }).catch((e: unknown) => e);
    expect(audience).toBeInstanceOf(TokenRequestError);
    expect(audience).toMatchObject({ error: 'invalid_grant', error_description: 'Audience validation failed', status: 400 });

    const foreign = await idp.mintIdToken({ subject: 'alice', clientId: 'someone-else' });
    await expect(idpClient().requestIdJag({ subjectToken: foreign, audience: as.issuer })).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });

    const other = await key('not-registered');
    await expect(idpClient({ key: other.privateJwk }).requestIdJag({ subjectToken: await idToken(), audience: as.issuer })).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('a client without a key cannot run leg 1 (the IdP must authenticate it)', async () => {
    const client = new TokenClient({ issuer: idp.issuer, tokenEndpoint: idp.tokenEndpoint });
    await expect(client.requestIdJag({ subjectToken: 'x', audience: as.issuer })).rejects.toThrow('"key" option and "clientId" are required for the token exchange');
  });

  it('refuses to forward an ID-JAG the IdP typed wrongly (typ JWT): TokenResponseError, no leg 2', async () => {
    idp.faults = { typ: 'JWT' };
    const error = await exchangeIdentityAssertion({
      idp: { issuer: idp.issuer, clientId: 'agent', key: atIdp.privateJwk },
      resourceServer: { issuer: as.issuer, clientId: 'agent-at-as', key: atAs.privateJwk },
      subjectToken: await idToken(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toContain('typ "JWT", not oauth-id-jag+jwt');
    expect(as.requests).toHaveLength(0);
  });

  it('retries leg 1 once when the IdP asks for a DPoP nonce', async () => {
    const strict = await startTestIdp({
      clients: [{ clientId: 'agent', jwks: [atIdp.publicJwk], resourceClients: { [as.issuer]: 'agent-at-as' } }],
      dpopNonce: 'idp-nonce-1',
    });
    try {
      const client = new TokenClient({ issuer: strict.issuer, clientId: 'agent', key: atIdp.privateJwk, dpop: true });
      const subjectToken = await strict.mintIdToken({ subject: 'bob', clientId: 'agent' });
      const result = await client.requestIdJag({ subjectToken, audience: as.issuer });
      expect(strict.requests.map((r) => [r.status, r.body.error])).toEqual([
        [400, 'use_dpop_nonce'],
        [200, undefined],
      ]);
      expect(decodeJwt(String(strict.requests[1]!.headers.dpop)).nonce).toBe('idp-nonce-1');
      expect(result.jkt).toBe((await client.dpopKey())!.thumbprint);
    } finally {
      await strict.close();
    }
  });
});

describe('test IdP faults (for the resource AS refusal tests)', () => {
  let idp: TestIdp;
  const AS = 'https://as.example.com';
  beforeAll(async () => {
    idp = await startTestIdp({ clients: [] });
  });
  afterAll(() => idp.close());

  const mint = (faults: Parameters<TestIdp['mintIdJag']>[0]['faults']) => idp.mintIdJag({ subject: 'alice', audience: AS, clientId: 'agent-at-as', scope: 'a', faults });
  const claims = async (faults: Parameters<TestIdp['mintIdJag']>[0]['faults']): Promise<JWTPayload> => decodeJwt(await mint(faults));

  it('registers clients after start and describes itself as a trusted issuer', async () => {
    idp.registerClient({ clientId: 'late', jwks: [], resourceClients: {} });
    expect(idp.trustedIssuer({ scope: 'a b' })).toEqual({ issuer: idp.issuer, discovery: true, id_jag: true, allow_any_subject: true, scope: 'a b' });
    expect(idp.trustedIssuer({ discovery: undefined, jwks_uri: idp.jwksUri })).toEqual({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks`, id_jag: true, allow_any_subject: true });
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: idp.issuer, jwks_uri: idp.jwksUri, identity_chaining_requested_token_types_supported: [ID_JAG_TOKEN_TYPE] });
    await expect((await fetch(idp.jwksUri)).json()).resolves.toEqual(idp.jwks);
  });

  it('mints a correct ID-JAG by default, verifiable with its JWKS', async () => {
    const { payload, protectedHeader } = await jwtVerify(await mint(undefined), createLocalJWKSet(idp.jwks), { issuer: idp.issuer, audience: AS });
    expect(protectedHeader).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'ES256', kid: 'idp-1' });
    expect(payload).toMatchObject({ sub: 'alice', aud: AS, client_id: 'agent-at-as', jti: expect.any(String), scope: 'a' });
  });

  it('wrong typ, no typ, missing claims, aud of two, wrong client_id, replaced claims, unknown key', async () => {
    expect(decodeProtectedHeader(await mint({ typ: 'JWT' })).typ).toBe('JWT');
    expect(decodeProtectedHeader(await mint({ typ: null })).typ).toBeUndefined();
    expect(await claims({ omit: ['jti', 'client_id'] })).not.toHaveProperty('jti');
    expect(await claims({ omit: ['client_id'] })).not.toHaveProperty('client_id');
    expect((await claims({ aud: [AS, 'https://other.example'] })).aud).toEqual([AS, 'https://other.example']);
    expect((await claims({ clientId: 'someone-else' })).client_id).toBe('someone-else');
    expect((await claims({ claims: { exp: 1 } })).exp).toBe(1);
    const unknown = await mint({ unknownKey: true });
    await expect(jwtVerify(unknown, createLocalJWKSet(idp.jwks))).rejects.toThrow();
  });
});
