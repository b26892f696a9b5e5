import { JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE, type AuthorizationServer } from '@rfc7523/core';
import {
  clientClaims,
  clientCredentials,
  formRequest,
  frozenClock,
  ISSUER,
  jwks,
  makeKey,
  makeServer,
  sign,
  TOKEN_ENDPOINT,
  type TestKey,
} from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let worker: TestKey;
let workerEd: TestKey;
let legacy: TestKey;
let strict: TestKey;
let stranger: TestKey;

const invalidClient = (reason: string) => ({ error: 'invalid_client', status: 401, reason });
const invalidRequest = (reason: string) => ({ error: 'invalid_request', status: 400, reason });

beforeAll(async () => {
  worker = await makeKey('ES256', 'w1');
  workerEd = await makeKey('EdDSA', 'w2');
  legacy = await makeKey('ES256', 'l1');
  strict = await makeKey('ES256', 's1');
  stranger = await makeKey('ES256', 'w1');
  server = await makeServer({
    now: clock.now,
    clients: [
      { client_id: 'worker', jwks: jwks(worker, workerEd), grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'a b' },
      { client_id: 'legacy', jwks: jwks(legacy), legacy_token_endpoint_audience: true },
      {
        client_id: 'strict',
        jwks: jwks(strict, workerEd),
        token_endpoint_auth_signing_alg: 'ES256',
        require_explicit_typ: true,
        max_assertion_lifetime: 120,
      },
    ],
  });
});

const assertion = (extra = {}, header = {}, key: TestKey = worker, clientId = 'worker') =>
  sign(key, clientClaims(clock, clientId, extra), header);

describe('client authentication with a JWT assertion (private_key_jwt)', () => {
  it('accepts a valid client assertion and issues a token', async () => {
    const body = await server.exchange(clientCredentials(await assertion()));
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'a b' });
  });

  describe('R4 client_assertion_type', () => {
    it('R4 rejects client_assertion without client_assertion_type with invalid_request', async () => {
      const req = formRequest({ grant_type: 'client_credentials', client_assertion: await assertion() });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidRequest('missing_client_assertion_type'));
    });

    it('R4 rejects client_assertion_type without client_assertion with invalid_request', async () => {
      const req = formRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidRequest('missing_client_assertion'));
    });

    it('R4 treats an empty client_assertion as missing', async () => {
      const req = formRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: '' });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidRequest('missing_client_assertion'));
    });

    it('R4 rejects another client_assertion_type', async () => {
      const req = clientCredentials(await assertion(), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidClient('unsupported_client_assertion_type'));
    });

    it('R1 R4 compares client_assertion_type case-sensitively', async () => {
      const req = clientCredentials(await assertion(), { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE.toUpperCase() });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidClient('unsupported_client_assertion_type'));
    });
  });

  describe('R5 client_id', () => {
    it('R5 accepts a client_id equal to the assertion sub', async () => {
      await expect(server.exchange(clientCredentials(await assertion(), { client_id: 'worker' }))).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    it('R5 rejects a client_id that differs from the assertion sub', async () => {
      const req = clientCredentials(await assertion(), { client_id: 'legacy' });
      await expect(server.exchange(req)).rejects.toMatchObject({ ...invalidClient('client_id_mismatch'), detail: 'client_id differs from the assertion sub' });
    });
  });

  describe('R6 one client-authentication mechanism', () => {
    it('R6 rejects client_assertion together with client_secret', async () => {
      const req = clientCredentials(await assertion(), { client_secret: 's3cret' });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidRequest('multiple_client_auth'));
    });

    it('R6 rejects client_assertion together with an Authorization header', async () => {
      const req = clientCredentials(await assertion());
      const withHeader = { ...req, headers: { ...req.headers, authorization: 'Basic d29ya2VyOnNlY3JldA==' } };
      await expect(server.exchange(withHeader)).rejects.toMatchObject(invalidRequest('multiple_client_auth'));
    });

    it('rejects client_secret alone as an unsupported method, without a WWW-Authenticate challenge (P2)', async () => {
      const req = formRequest({ grant_type: 'client_credentials', client_id: 'worker', client_secret: 's3cret' });
      await expect(server.exchange(req)).rejects.toMatchObject(invalidClient('unsupported_client_auth'));
      const res = await server.handleTokenRequest(req);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('P2 answers Authorization-header authentication with 401 and a matching WWW-Authenticate', async () => {
      const res = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials' }, { authorization: 'Basic d29ya2VyOnNlY3JldA==' }));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
      expect(res.headers['www-authenticate']).toBe(`Basic realm="${ISSUER}"`);
      const bearer = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials' }, { authorization: 'Bearer abc' }));
      expect(bearer.headers['www-authenticate']).toBe(`Bearer realm="${ISSUER}"`);
    });
  });

  describe('the error_description a client reads for each request-shape refusal (R4, R6, P2)', () => {
    it.each([
      ['type without assertion', { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE }, {}, 400, 'client_assertion_type without client_assertion'],
      ['assertion without type', { client_assertion: 'x.y.z' }, {}, 400, 'client_assertion without client_assertion_type'],
      ['another assertion type', { client_assertion: 'x.y.z', client_assertion_type: 'urn:other' }, {}, 401, 'the client_assertion_type is not supported'],
      ['assertion and secret', { client_assertion: 'x.y.z', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_secret: 's' }, {}, 400, 'use exactly one client authentication method'],
      ['a secret alone', { client_id: 'worker', client_secret: 's' }, {}, 401, 'only private_key_jwt client authentication is supported'],
      ['an Authorization header alone', {}, { authorization: 'Basic d29ya2VyOnNlY3JldA==' }, 401, 'only private_key_jwt client authentication is supported'],
    ])('%s', async (_name, params, headers, status, description) => {
      const res = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials', ...params }, headers));
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ error_description: description });
    });

    it('P2 challenges with Basic when the Authorization header starts with no scheme token', async () => {
      for (const authorization of [' Bearer abc', '"quoted"']) {
        const res = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials' }, { authorization }));
        expect(res.headers['www-authenticate']).toBe(`Basic realm="${ISSUER}"`);
      }
    });
  });

  describe('J1 J2 iss and sub', () => {
    it('J1 rejects an assertion whose iss differs from sub', async () => {
      const token = await assertion({ iss: 'legacy' });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('iss_mismatch'));
    });

    it('J1 rejects an assertion without iss', async () => {
      const token = await assertion({ iss: undefined });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('missing_claim'));
    });

    it('J1 rejects an iss that is not a string', async () => {
      const token = await assertion({ iss: 42 });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('missing_claim'));
    });

    it('J2 rejects an assertion without sub', async () => {
      const token = await assertion({ sub: undefined });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('missing_claim'));
    });

    it('J2 rejects a sub that names no registered client', async () => {
      const token = await assertion({ iss: 'nobody', sub: 'nobody' });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('unknown_client'));
    });

    it('J1 compares client_id by Simple String Comparison (no case folding)', async () => {
      const token = await assertion({ iss: 'Worker', sub: 'Worker' });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('unknown_client'));
    });

    it("J1 J10 rejects an assertion signed with a key that is not the client's own (same kid)", async () => {
      const token = await sign(stranger, clientClaims(clock, 'worker'));
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('signature_invalid'));
    });

    it("J10 rejects an assertion whose kid is not among the client's keys", async () => {
      const token = await assertion({}, { kid: 'unknown' });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('key_not_found'));
    });

    it("J1 rejects a client's assertion signed with another client's key", async () => {
      const token = await sign(legacy, clientClaims(clock, 'worker'));
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('key_not_found'));
    });
  });

  describe('J3 audience of client assertions (rfc7523bis-10 §4)', () => {
    it('J3 accepts the issuer identifier as sole aud, as a string or a one-member array', async () => {
      await expect(server.exchange(clientCredentials(await assertion({ aud: ISSUER })))).resolves.toBeDefined();
      await expect(server.exchange(clientCredentials(await assertion({ aud: [ISSUER] })))).resolves.toBeDefined();
    });

    it('J3 rejects the token endpoint URL as client-assertion audience', async () => {
      const token = await assertion({ aud: TOKEN_ENDPOINT });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('aud_mismatch'));
    });

    it('J3 rejects an aud array that holds the issuer and any other member', async () => {
      for (const aud of [[ISSUER, 'https://other.example.com'], [ISSUER, TOKEN_ENDPOINT], [ISSUER, ISSUER]]) {
        const token = await assertion({ aud });
        await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('aud_mismatch'));
      }
    });

    it('J3 forgives neither a trailing slash nor letter case', async () => {
      for (const aud of [`${ISSUER}/`, ISSUER.toUpperCase(), 'https://AS.example.com']) {
        const token = await assertion({ aud });
        await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('aud_mismatch'));
      }
    });

    it('J3 rejects an assertion without aud', async () => {
      const token = await assertion({ aud: undefined });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('missing_claim'));
    });

    it('J3 rejects an empty aud array and a non-string aud', async () => {
      for (const aud of [[], 7, { issuer: ISSUER }]) {
        const token = await assertion({ aud });
        await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('aud_mismatch'));
      }
    });

    it('J3 accepts the token endpoint URL as sole aud only for a client with the compatibility switch', async () => {
      await expect(server.exchange(clientCredentials(await assertion({ aud: TOKEN_ENDPOINT }, {}, legacy, 'legacy')))).resolves.toBeDefined();
      await expect(server.exchange(clientCredentials(await assertion({ aud: [TOKEN_ENDPOINT] }, {}, legacy, 'legacy')))).resolves.toBeDefined();
      await expect(server.exchange(clientCredentials(await assertion({ aud: ISSUER }, {}, legacy, 'legacy')))).resolves.toBeDefined();
    });

    it('J3 still rejects the token endpoint next to another member for a legacy-audience client', async () => {
      const token = await assertion({ aud: [TOKEN_ENDPOINT, ISSUER] }, {}, legacy, 'legacy');
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('aud_mismatch'));
    });
  });

  describe('J9 algorithm registered for the client', () => {
    it('J9 accepts any asymmetric algorithm from a client without token_endpoint_auth_signing_alg', async () => {
      await expect(server.exchange(clientCredentials(await assertion({}, {}, workerEd)))).resolves.toBeDefined();
    });

    it('J9 accepts only the registered token_endpoint_auth_signing_alg', async () => {
      const ok = await sign(strict, clientClaims(clock, 'strict'), { typ: 'client-authentication+jwt' });
      await expect(server.authenticateClient(clientCredentials(ok))).resolves.toMatchObject({ clientId: 'strict' });
      const other = await sign(workerEd, clientClaims(clock, 'strict'), { typ: 'client-authentication+jwt' });
      await expect(server.authenticateClient(clientCredentials(other))).rejects.toMatchObject(invalidClient('alg_not_allowed'));
    });

    it('J9 a client pinned to EdDSA accepts Ed25519 for the same key, and one pinned to Ed25519 accepts EdDSA (RFC 9864)', async () => {
      const edKey = await makeKey('EdDSA', 'ed');
      const ecKey = await makeKey('ES256', 'ec');
      const pinned = await makeServer({
        now: clock.now,
        clients: [
          { client_id: 'eddsa', jwks: jwks(edKey, ecKey), token_endpoint_auth_signing_alg: 'EdDSA' },
          { client_id: 'ed25519', jwks: jwks(edKey, ecKey), token_endpoint_auth_signing_alg: 'Ed25519' },
        ],
      });
      for (const clientId of ['eddsa', 'ed25519']) {
        for (const alg of ['EdDSA', 'Ed25519']) {
          const token = await sign(edKey, clientClaims(clock, clientId), { alg });
          await expect(pinned.authenticateClient(clientCredentials(token))).resolves.toMatchObject({ clientId });
        }
        // The pin still refuses every other algorithm.
        const es256 = await sign(ecKey, clientClaims(clock, clientId));
        await expect(pinned.authenticateClient(clientCredentials(es256))).rejects.toMatchObject(invalidClient('alg_not_allowed'));
      }
    });
  });

  describe('J12 explicit typing', () => {
    it('J12 accepts typ JWT, client-authentication+jwt and application/client-authentication+jwt in any case', async () => {
      for (const typ of ['JWT', 'jwt', 'application/jwt', 'client-authentication+jwt', 'application/client-authentication+jwt', 'Client-Authentication+JWT']) {
        await expect(server.exchange(clientCredentials(await assertion({}, { typ })))).resolves.toBeDefined();
      }
    });

    it('J12 rejects other typ values (at+jwt, dpop+jwt, a non-string)', async () => {
      for (const typ of ['at+jwt', 'dpop+jwt', 'secevent+jwt', 'JWS', '']) {
        const token = await assertion({}, { typ });
        await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('typ_not_allowed'));
      }
      const token = await assertion({}, { typ: 1 as unknown as string });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('typ_not_allowed'));
    });

    it('J12 a client that requires the explicit type refuses typ JWT and an absent typ', async () => {
      for (const header of [{}, { typ: 'JWT' }]) {
        const token = await sign(strict, clientClaims(clock, 'strict'), header);
        await expect(server.authenticateClient(clientCredentials(token))).rejects.toMatchObject({
          ...invalidClient('explicit_typ_required'),
          detail: 'typ must be client-authentication+jwt',
        });
      }
      const token = await sign(strict, clientClaims(clock, 'strict'), { typ: 'application/Client-Authentication+JWT' });
      await expect(server.authenticateClient(clientCredentials(token))).resolves.toMatchObject({ clientId: 'strict' });
    });
  });

  describe('J6 J7 client assertions', () => {
    it('J7 requires jti on client assertions', async () => {
      const token = await assertion({ jti: undefined });
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('missing_jti'));
    });

    it('J7 rejects a jti that is not a non-empty string', async () => {
      for (const jti of ['', 12, ['a']]) {
        const token = await assertion({ jti });
        await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('invalid_claim'));
      }
    });

    it('J7 a client assertion is used only once', async () => {
      const token = await assertion();
      await expect(server.exchange(clientCredentials(token))).resolves.toBeDefined();
      await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject(invalidClient('jti_replayed'));
    });

    it('J6 applies a per-client maximum assertion lifetime', async () => {
      const now = clock.seconds();
      const long = await sign(strict, clientClaims(clock, 'strict', { iat: now, exp: now + 121 }), { typ: 'client-authentication+jwt' });
      await expect(server.authenticateClient(clientCredentials(long))).rejects.toMatchObject(invalidClient('lifetime_too_long'));
      const fine = await sign(strict, clientClaims(clock, 'strict', { iat: now, exp: now + 120 }), { typ: 'client-authentication+jwt' });
      await expect(server.authenticateClient(clientCredentials(fine))).resolves.toMatchObject({ clientId: 'strict' });
    });
  });

  describe('authenticateClient (introspection, revocation and other endpoints)', () => {
    it('returns the client, its registration and the verified assertion', async () => {
      const token = await assertion();
      const req = formRequest({ token: 'opaque', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: token });
      const client = await server.authenticateClient(req);
      expect(client.clientId).toBe('worker');
      expect(client.metadata.client_id).toBe('worker');
      expect(client.assertion.claims).toMatchObject({ iss: 'worker', sub: 'worker', aud: ISSUER });
      expect(client.assertion.header).toMatchObject({ alg: 'ES256', kid: 'w1' });
    });

    it('refuses a request without client credentials with invalid_client', async () => {
      await expect(server.authenticateClient(formRequest({ token: 'opaque' }))).rejects.toMatchObject(invalidClient('client_auth_required'));
    });

    it('R11 does not take a bare client_id as authentication', async () => {
      await expect(server.authenticateClient(formRequest({ token: 'x', client_id: 'worker' }))).rejects.toMatchObject(
        invalidClient('client_auth_required'),
      );
    });

    it('applies the request-shape checks (R7) too', async () => {
      await expect(server.authenticateClient({ method: 'GET', headers: {} })).rejects.toMatchObject({ status: 405, reason: 'method_not_allowed' });
    });
  });

  it('P2 refuses Authorization-header authentication as an unsupported method (the reason in logs)', async () => {
    await expect(server.exchange(formRequest({ grant_type: 'client_credentials' }, { authorization: 'Basic d29ya2VyOnNlY3JldA==' }))).rejects.toMatchObject(invalidClient('unsupported_client_auth'));
  });
});
