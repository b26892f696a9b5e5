import express from 'express';
import request from 'supertest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  authenticateClient,
  authorizationServerRouter,
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  oauthErrorHandler,
  requireAccessToken,
  tokenEndpoint,
  verifyJwtBearerGrant,
  type AuthorizationServer,
} from '@rfc7523/express';

const ISSUER = 'https://as.express.test';
let now = Date.now();
let key: CryptoKey;
let server: AuthorizationServer;

const seconds = () => Math.floor(now / 1000);
const assertion = (claims: Record<string, unknown>) =>
  new SignJWT({ aud: ISSUER, iat: seconds(), exp: seconds() + 60, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .sign(key);
const clientForm = async (extra: Record<string, string> = {}) => ({
  client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
  client_assertion: await assertion({ iss: 'svc', sub: 'svc' }),
  ...extra,
});

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  server = await createAuthorizationServer({
    issuer: ISSUER,
    now: () => now,
    clients: [{ client_id: 'svc', jwks: { keys: [jwk] }, grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'read write' }],
    trustedIssuers: [{ issuer: 'idp', jwks: { keys: [jwk] }, subjects: ['alice'], scope: 'read' }],
  });
});

function app(mount: (app: express.Express) => void): express.Express {
  const a = express();
  mount(a);
  a.use(oauthErrorHandler());
  return a;
}

describe('@rfc7523/express', () => {
  it('tokenEndpoint reads the raw form itself and answers RFC 6749 JSON', async () => {
    const a = app((x) => x.post('/token', tokenEndpoint(server)));
    const res = await request(a).post('/token').type('form').send({ grant_type: 'client_credentials', ...(await clientForm()) });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read write' });
  });

  it('R3 tokenEndpoint still refuses repeated parameters after express.urlencoded parsed them', async () => {
    const a = app((x) => x.use(express.urlencoded({ extended: false })).post('/token', tokenEndpoint(server)));
    const ok = await request(a).post('/token').type('form').send({ grant_type: 'client_credentials', ...(await clientForm()) });
    expect(ok.status).toBe(200);
    const res = await request(a).post('/token').type('form').send('grant_type=client_credentials&grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('R8 answers an oversized body with 413 JSON, also when a body parser refused it first', async () => {
    const own = app((x) => x.post('/token', tokenEndpoint(server)));
    const big = `grant_type=client_credentials&pad=${'a'.repeat(70_000)}`;
    const a = await request(own).post('/token').type('form').send(big);
    expect(a.status).toBe(413);
    expect(a.body.error).toBe('invalid_request');
    const parsed = app((x) => x.use(express.urlencoded({ extended: false, limit: 1000 })).post('/token', tokenEndpoint(server)));
    const b = await request(parsed).post('/token').type('form').send(big);
    expect(b.status).toBe(413);
    expect(b.body.error).toBe('invalid_request');
    expect(b.text).not.toContain('at ');
  });

  it('authenticateClient puts the client on req.oauthClient and refuses others with 401 JSON', async () => {
    const a = app((x) => x.post('/introspect', authenticateClient(server), (req, res) => res.json({ client: req.oauthClient?.clientId })));
    const ok = await request(a).post('/introspect').type('form').send({ token: 'x', ...(await clientForm()) });
    expect(ok.body).toEqual({ client: 'svc' });
    const none = await request(a).post('/introspect').type('form').send({ token: 'x' });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    expect(none.headers['www-authenticate']).toBeUndefined();
  });

  it('verifyJwtBearerGrant puts the grant on req.oauthGrant and refuses a bad one with invalid_grant', async () => {
    const a = app((x) =>
      x.post('/my-token', verifyJwtBearerGrant(server), (req, res) => res.json({ sub: req.oauthGrant?.subject, scope: req.oauthGrant?.scope })),
    );
    const good = await assertion({ iss: 'idp', sub: 'alice' });
    const ok = await request(a).post('/my-token').type('form').send({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: good });
    expect(ok.body).toEqual({ sub: 'alice', scope: ['read'] });
    const bad = await request(a).post('/my-token').type('form').send({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await assertion({ iss: 'idp', sub: 'bob' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');
  });

  it('requireAccessToken checks scopes: 401 invalid_token, 403 insufficient_scope, then next()', async () => {
    const a = app((x) => {
      x.use(authorizationServerRouter(server));
      x.get('/admin', requireAccessToken(server, { scopes: ['admin'] }), (_req, res) => res.json({ ok: true }));
      x.get('/read', requireAccessToken(server, { scopes: ['read'] }), (req, res) => res.json({ sub: req.accessToken?.sub }));
    });
    const token = (await request(a).post('/token').type('form').send({ grant_type: 'client_credentials', ...(await clientForm()) })).body.access_token;
    const read = await request(a).get('/read').set('authorization', `Bearer ${token}`);
    expect(read.body).toEqual({ sub: 'svc' });
    const admin = await request(a).get('/admin').set('authorization', `Bearer ${token}`);
    expect(admin.status).toBe(403);
    expect(admin.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="admin"/);
    const missing = await request(a).get('/read');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer, DPoP algs="ES256 [^"]*"$/);
  });

  it('authorizationServerRouter serves metadata and JWKS at the paths of the server URLs', async () => {
    const a = app((x) => x.use(authorizationServerRouter(server)));
    const meta = await request(a).get('/.well-known/oauth-authorization-server');
    expect(meta.body.token_endpoint).toBe(`${ISSUER}/token`);
    const jwks = await request(a).get('/jwks');
    expect(jwks.body.keys[0].kty).toBe('EC');
    const get = await request(a).get('/token');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});
