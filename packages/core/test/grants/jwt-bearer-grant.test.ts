import { JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE, type AuthorizationServer } from '@rfc7523/core';
import {
  clientClaims,
  formRequest,
  frozenClock,
  grantClaims,
  ISSUER,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  payloadOf,
  sign,
  TOKEN_ENDPOINT,
  type TestKey,
} from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let ciKey: TestKey;
let batchKey: TestKey;
let workerKey: TestKey;
let ccOnlyKey: TestKey;

const invalidGrant = (reason: string) => ({ error: 'invalid_grant', status: 400, reason });
const invalidClient = (reason: string) => ({ error: 'invalid_client', status: 401, reason });
const SUBJECT = 'repo:acme/api:ref:refs/heads/main';

beforeAll(async () => {
  ciKey = await makeKey('ES256', 'ci1');
  batchKey = await makeKey('EdDSA', 'b1');
  workerKey = await makeKey('ES256', 'w1');
  ccOnlyKey = await makeKey('ES256', 'c1');
  server = await makeServer({
    now: clock.now,
    trustedIssuers: [
      { issuer: 'https://ci.example.com', jwks: jwks(ciKey), subjects: [SUBJECT], scope: 'deploy read' },
      { issuer: 'batch-signer', jwks: jwks(batchKey), allow_any_subject: true, scope: 'reports:read reports:write' },
    ],
    clients: [
      { client_id: 'worker', jwks: jwks(workerKey), grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'deploy reports:read' },
      { client_id: 'cc-only', jwks: jwks(ccOnlyKey) },
    ],
  });
});

const ci = (extra: Record<string, unknown> = {}) => sign(ciKey, grantClaims(clock, 'https://ci.example.com', SUBJECT, extra));
const batch = (extra: Record<string, unknown> = {}, subject = 'anyone') => sign(batchKey, grantClaims(clock, 'batch-signer', subject, extra));
const clientAuth = async (key: TestKey, clientId: string, extra: Record<string, unknown> = {}) => ({
  client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
  client_assertion: await sign(key, clientClaims(clock, clientId, extra)),
});

describe('the jwt-bearer grant (RFC 7523 §2.1, §3.1)', () => {
  it('issues an access token for a valid assertion from a trusted issuer', async () => {
    const body = await server.exchange(jwtBearer(await ci()));
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'deploy read', expires_in: 60 });
    expect(payloadOf(body.access_token)).toMatchObject({ iss: ISSUER, sub: SUBJECT, aud: ISSUER, scope: 'deploy read' });
  });

  describe('R2 assertion parameter', () => {
    it('R2 rejects a grant request without assertion with invalid_request', async () => {
      await expect(server.exchange(formRequest({ grant_type: JWT_BEARER_GRANT_TYPE }))).rejects.toMatchObject({
        error: 'invalid_request',
        status: 400,
        reason: 'missing_assertion',
      });
    });

    it('R2 treats an empty assertion as missing', async () => {
      await expect(server.exchange(jwtBearer(''))).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'missing_assertion' });
    });

    it('R1 parameter names are case-sensitive: Assertion is not assertion', async () => {
      const req = formRequest({ grant_type: JWT_BEARER_GRANT_TYPE, Assertion: await ci() });
      await expect(server.exchange(req)).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'missing_assertion' });
    });

    it('R3 one value holds exactly one JWT: two tokens joined are malformed', async () => {
      const joined = `${await ci()}.${await ci()}`;
      await expect(server.exchange(jwtBearer(joined))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
      const spaced = `${await ci()} ${await ci()}`;
      await expect(server.exchange(jwtBearer(spaced))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
    });
  });

  describe('R8 size limit', () => {
    it('R8 refuses an assertion over 16 KiB before any crypto, even when validly signed', async () => {
      const big = await ci({ padding: 'x'.repeat(16_384) });
      await expect(server.exchange(jwtBearer(big))).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'assertion_too_large' });
    });

    it('R8 applies the same limit to client assertions', async () => {
      const req = formRequest({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
        client_assertion: 'a'.repeat(16_385),
      });
      await expect(server.exchange(req)).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'assertion_too_large' });
    });

    it('R8 the assertion limit is configurable', async () => {
      const small = await makeServer({
        now: clock.now,
        maxAssertionLength: 1024,
        trustedIssuers: [{ issuer: 'batch-signer', jwks: jwks(batchKey), allow_any_subject: true }],
      });
      await expect(small.exchange(jwtBearer(await batch({ padding: 'x'.repeat(1024) })))).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'assertion_too_large' });
      await expect(small.exchange(jwtBearer(await batch()))).resolves.toBeDefined();
    });

    it('R8 the limit is inclusive: an assertion of exactly maxAssertionLength characters passes, one more is refused', async () => {
      const token = await batch({ padding: 'x'.repeat(1024) });
      const limited = (maxAssertionLength: number) =>
        makeServer({ now: clock.now, maxAssertionLength, trustedIssuers: [{ issuer: 'batch-signer', jwks: jwks(batchKey), allow_any_subject: true }] });
      await expect((await limited(token.length)).exchange(jwtBearer(token))).resolves.toBeDefined();
      await expect((await limited(token.length - 1)).exchange(jwtBearer(token))).rejects.toMatchObject({
        error: 'invalid_request',
        status: 400,
        reason: 'assertion_too_large',
        description: 'the assertion is too large',
        detail: `the assertion has ${token.length} characters, more than ${token.length - 1}`,
      });
    });
  });

  describe('J1 trusted issuer', () => {
    it('J1 rejects an assertion from an issuer that is not trusted', async () => {
      const token = await sign(ciKey, grantClaims(clock, 'https://evil.example.com', SUBJECT));
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('untrusted_issuer'));
    });

    it('J1 compares iss by Simple String Comparison (no trailing slash, no case folding)', async () => {
      for (const iss of ['https://ci.example.com/', 'https://CI.example.com', 'Batch-signer']) {
        const token = await sign(ciKey, grantClaims(clock, iss, SUBJECT));
        await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('untrusted_issuer'));
      }
    });

    it('J1 rejects a grant without iss', async () => {
      await expect(server.exchange(jwtBearer(await ci({ iss: undefined })))).rejects.toMatchObject(invalidGrant('missing_claim'));
    });

    it("J1 a client's registration does not make it a trusted issuer of grants", async () => {
      const token = await sign(workerKey, grantClaims(clock, 'worker', 'worker'));
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('untrusted_issuer'));
    });
  });

  describe('J2 subject', () => {
    it('J2 rejects a subject the issuer may not assert', async () => {
      const token = await ci({ sub: 'repo:acme/api:ref:refs/heads/feature' });
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('sub_not_allowed'));
    });

    it('W5 refuses an allow_any_subject grant whose sub is a registered client_id, empty, over 255 characters or with control characters', async () => {
      for (const subject of ['worker', 'cc-only', '', 'a'.repeat(256), '😀'.repeat(256), 'bob\n', 'bob\u0000', 'bob\u007f', 'bob\u0085', '\tbob']) {
        const token = await batch({}, subject);
        await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject({ ...invalidGrant('sub_invalid'), claim: 'sub' });
        await expect(server.verifyGrant(jwtBearer(token))).rejects.toMatchObject(invalidGrant('sub_invalid'));
      }
    });

    it('W5 accepts a sub of exactly 255 characters (code points), and one that only resembles a client_id', async () => {
      for (const subject of ['a'.repeat(255), '😀'.repeat(255), 'Worker', 'worker ', 'bob smith', 'zoë']) {
        const body = await server.exchange(jwtBearer(await batch({}, subject)));
        expect(payloadOf(body.access_token).sub).toBe(subject);
      }
    });

    it('J2 rejects a grant without sub, or with a non-string sub', async () => {
      await expect(server.exchange(jwtBearer(await ci({ sub: undefined })))).rejects.toMatchObject(invalidGrant('missing_claim'));
      await expect(server.exchange(jwtBearer(await ci({ sub: 42 })))).rejects.toMatchObject(invalidGrant('missing_claim'));
    });

    it('J2 an issuer allowed any subject may assert any subject', async () => {
      for (const subject of ['alice', 'service:7', 'ünïcödé']) {
        const body = await server.exchange(jwtBearer(await batch({}, subject)));
        expect(payloadOf(body.access_token).sub).toBe(subject);
      }
    });
  });

  describe('J3 audience of grants', () => {
    it('J3 accepts the issuer identifier or the token endpoint URL', async () => {
      await expect(server.exchange(jwtBearer(await ci({ aud: ISSUER })))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(await ci({ aud: TOKEN_ENDPOINT })))).resolves.toBeDefined();
    });

    it('J3 accepts an array when one member identifies this server', async () => {
      await expect(server.exchange(jwtBearer(await ci({ aud: ['https://rs.example.com', TOKEN_ENDPOINT] })))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(await ci({ aud: [ISSUER, 'https://rs.example.com'] })))).resolves.toBeDefined();
    });

    it('J3 rejects an aud that does not identify this server', async () => {
      for (const aud of ['https://rs.example.com', `${ISSUER}/`, `${TOKEN_ENDPOINT}/`, ISSUER.toUpperCase(), ['https://rs.example.com'], [], 1]) {
        await expect(server.exchange(jwtBearer(await ci({ aud })))).rejects.toMatchObject(invalidGrant('aud_mismatch'));
      }
    });

    it('J3 rejects a grant without aud', async () => {
      await expect(server.exchange(jwtBearer(await ci({ aud: undefined })))).rejects.toMatchObject(invalidGrant('missing_claim'));
    });
  });

  describe('J7 jti on grants', () => {
    it('J7 requires jti by default', async () => {
      await expect(server.exchange(jwtBearer(await ci({ jti: undefined })))).rejects.toMatchObject(invalidGrant('missing_jti'));
    });

    it('J7 rejects a grant used twice', async () => {
      const token = await ci();
      await expect(server.exchange(jwtBearer(token))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('jti_replayed'));
    });
  });

  describe('R10 scope', () => {
    it('R10 grants the full allowed set when no scope is requested', async () => {
      await expect(server.exchange(jwtBearer(await ci()))).resolves.toMatchObject({ scope: 'deploy read' });
    });

    it('R10 grants a requested subset and says which scope was granted', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { scope: 'read' }))).resolves.toMatchObject({ scope: 'read' });
    });

    it('R10 ignores a repeated scope token', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { scope: 'read read' }))).resolves.toMatchObject({ scope: 'read' });
    });

    it('R10 rejects a scope beyond what the issuer allows with invalid_scope', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { scope: 'deploy admin' }))).rejects.toMatchObject({
        error: 'invalid_scope',
        status: 400,
        reason: 'scope_not_allowed',
      });
    });

    it('R10 scope tokens are case-sensitive', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { scope: 'Deploy' }))).rejects.toMatchObject({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
    });

    it('R10 rejects a malformed scope parameter', async () => {
      for (const scope of ['read  deploy', ' read', 'read ', 'a"b', 'a\\b', 'caf\u00e9']) {
        await expect(server.exchange(jwtBearer(await ci(), { scope }))).rejects.toMatchObject({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
      }
    });

    it('R10 an issuer without scope grants no scope at all', async () => {
      const bare = await makeServer({ now: clock.now, trustedIssuers: [{ issuer: 'batch-signer', jwks: jwks(batchKey), allow_any_subject: true }] });
      const body = await bare.exchange(jwtBearer(await batch()));
      expect(body.scope).toBeUndefined();
      expect(payloadOf(body.access_token).scope).toBeUndefined();
      await expect(bare.exchange(jwtBearer(await batch(), { scope: 'read' }))).rejects.toMatchObject({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
    });

    it('R10 a scope error neither burns the assertion nor comes before the signature check', async () => {
      const token = await ci();
      await expect(server.exchange(jwtBearer(token, { scope: 'admin' }))).rejects.toMatchObject({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
      await expect(server.exchange(jwtBearer(token, { scope: 'deploy' }))).resolves.toMatchObject({ scope: 'deploy' });
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('forged').toString('base64url')}`;
      await expect(server.exchange(jwtBearer(forged, { scope: 'admin' }))).rejects.toMatchObject(invalidGrant('signature_invalid'));
    });
  });

  describe('R9 R11 clients presenting grants', () => {
    it('R9 validates client credentials sent with a grant, and puts client_id in the token', async () => {
      const body = await server.exchange(jwtBearer(await ci(), await clientAuth(workerKey, 'worker')));
      expect(payloadOf(body.access_token)).toMatchObject({ sub: SUBJECT, client_id: 'worker' });
    });

    it("R9 R10 limits the grant's scope to what both the issuer and the client allow", async () => {
      await expect(server.exchange(jwtBearer(await ci(), await clientAuth(workerKey, 'worker')))).resolves.toMatchObject({ scope: 'deploy' });
      await expect(server.exchange(jwtBearer(await ci(), { scope: 'read', ...(await clientAuth(workerKey, 'worker')) }))).rejects.toMatchObject({
        error: 'invalid_scope',
      });
    });

    it('R0 R9 a grant request with a bad client assertion gets invalid_client before its assertion is looked at', async () => {
      const auth = await clientAuth(workerKey, 'worker', { aud: TOKEN_ENDPOINT });
      await expect(server.exchange(jwtBearer('not-a-jwt', auth))).rejects.toMatchObject(invalidClient('aud_mismatch'));
    });

    it('R9 a client whose registration does not allow the jwt-bearer grant gets unauthorized_client', async () => {
      await expect(server.exchange(jwtBearer(await ci(), await clientAuth(ccOnlyKey, 'cc-only')))).rejects.toMatchObject({
        error: 'unauthorized_client',
        status: 400,
        reason: 'grant_not_allowed',
      });
    });

    it('R11 refuses a bare client_id naming a registered client with invalid_client', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { client_id: 'worker' }))).rejects.toMatchObject(invalidClient('client_auth_required'));
    });

    it('R11 ignores a bare client_id naming no registered client, and never copies it into the token', async () => {
      const body = await server.exchange(jwtBearer(await ci(), { client_id: 'made-up' }));
      expect(payloadOf(body.access_token).client_id).toBeUndefined();
      expect(JSON.stringify(body)).not.toContain('made-up');
    });

    it('R11 treats an empty client_id as absent', async () => {
      await expect(server.exchange(jwtBearer(await ci(), { client_id: '' }))).resolves.toBeDefined();
    });
  });

  describe('P3 the access token does not outlive the grant', () => {
    it('P3 caps expires_in and exp at the assertion exp', async () => {
      const body = await server.exchange(jwtBearer(await ci({ exp: clock.seconds() + 45 })));
      expect(body.expires_in).toBe(45);
      expect(payloadOf(body.access_token).exp).toBe(clock.seconds() + 45);
    });

    it('P3 uses the access-token lifetime when the assertion lives longer', async () => {
      const body = await server.exchange(jwtBearer(await ci({ exp: clock.seconds() + 3000 })));
      expect(body.expires_in).toBe(300);
    });

    it('P3 an assertion inside its expiry tolerance yields a token of at most one second', async () => {
      const body = await server.exchange(jwtBearer(await ci({ iat: clock.seconds() - 100, exp: clock.seconds() - 10 })));
      expect(body.expires_in).toBe(1);
    });
  });

  describe('verifyGrant (for servers with their own token endpoint)', () => {
    it('returns the issuer, subject, scope and assertion without issuing a token', async () => {
      const grant = await server.verifyGrant(jwtBearer(await ci(), { scope: 'deploy' }));
      expect(grant).toMatchObject({ issuer: 'https://ci.example.com', subject: SUBJECT, scope: ['deploy'], client: null });
      expect(grant.assertion.claims.iss).toBe('https://ci.example.com');
    });

    it('returns the authenticated client when there is one', async () => {
      const grant = await server.verifyGrant(jwtBearer(await ci(), await clientAuth(workerKey, 'worker')));
      expect(grant.client?.clientId).toBe('worker');
      expect(grant.scope).toEqual(['deploy']);
    });

    it('R0 R1 refuses a request that is not a jwt-bearer grant', async () => {
      await expect(server.verifyGrant(formRequest({ assertion: 'x' }))).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'missing_grant_type' });
      await expect(server.verifyGrant(formRequest({ grant_type: 'client_credentials' }))).rejects.toMatchObject({
        error: 'unsupported_grant_type',
        reason: 'unsupported_grant_type',
      });
    });

    it('R9 R11 applies the client rules', async () => {
      await expect(server.verifyGrant(jwtBearer(await ci(), { client_id: 'worker' }))).rejects.toMatchObject(invalidClient('client_auth_required'));
      await expect(server.verifyGrant(jwtBearer(await ci(), await clientAuth(ccOnlyKey, 'cc-only')))).rejects.toMatchObject({ error: 'unauthorized_client', status: 400, reason: 'grant_not_allowed' });
    });
  });
});

describe('the jwt-bearer grant without an assertion', () => {
  it('says the assertion parameter is required', async () => {
    await expect(server.exchange(jwtBearer(''))).rejects.toThrow('the assertion parameter is required');
  });
});
