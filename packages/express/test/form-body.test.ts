import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { authenticateClient, JWT_BEARER_GRANT_TYPE, oauthErrorHandler, tokenEndpoint, verifyJwtBearerGrant } from '@rfc7523/express';
import { expectOAuthError, form, FORM, makeFixture, postRaw, type Fixture } from './support/fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture({ maxBodyLength: 4096 });
});

/** An RFC 7662-style introspection route: the handler reads `token` after client authentication. */
function introspection(before: express.RequestHandler[] = []): express.Express {
  const a = express();
  a.post('/introspect', ...before, authenticateClient(fx.server), (req, res) => {
    res.json({ client: req.oauthClient?.clientId, token: (req.body as Record<string, unknown> | undefined)?.token ?? null });
  });
  a.use(oauthErrorHandler());
  return a;
}

describe('the form stays readable after the middleware (no body parser in front)', () => {
  test('authenticateClient leaves the fields on req.body: an introspection handler reads `token`', async () => {
    const res = await request(introspection()).post('/introspect').type('form').send(await fx.clientForm({ token: 'opaque-token-1' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ client: 'svc', token: 'opaque-token-1' });
  });

  test('verifyJwtBearerGrant leaves the fields on req.body too', async () => {
    const a = express();
    a.post('/my-token', verifyJwtBearerGrant(fx.server), (req, res) => {
      res.json({ sub: req.oauthGrant?.subject, resource: (req.body as Record<string, string>).resource });
    });
    const res = await request(a)
      .post('/my-token')
      .type('form')
      .send({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion(), resource: 'https://api.example.com' });
    expect(res.body).toEqual({ sub: 'alice', resource: 'https://api.example.com' });
  });

  test('a body parser’s req.body is left as the parser made it', async () => {
    const res = await request(introspection([express.urlencoded({ extended: true })]))
      .post('/introspect')
      .type('form')
      .send(await fx.clientForm({ token: 'opaque-token-2' }));
    expect(res.body).toEqual({ client: 'svc', token: 'opaque-token-2' });
  });
});

describe('maxBodyLength holds behind a body parser (rule R8)', () => {
  test('a parsed form larger than maxBodyLength (4096 bytes) is refused with 413, though the parser (100 kB) let it through', async () => {
    const res = await request(introspection([express.urlencoded({ extended: false })]))
      .post('/introspect')
      .type('form')
      .send(await fx.clientForm({ token: 'x'.repeat(6000) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body.error_description).toBe('the request body is too large');
  });

  test('a gzip body of a few hundred bytes that the parser inflated past maxBodyLength is refused with 413', async () => {
    const body = gzipSync(form(await fx.clientForm({ token: 'x'.repeat(20_000) })));
    expect(body.length).toBeLessThan(4096);
    const res = await postRaw(introspection([express.urlencoded({ extended: false })]), '/introspect', { 'content-type': FORM, 'content-encoding': 'gzip' }, body);
    expectOAuthError(res, 413, 'invalid_request');
  });

  test('a parsed form within maxBodyLength still passes', async () => {
    const res = await request(introspection([express.urlencoded({ extended: false })]))
      .post('/introspect')
      .type('form')
      .send(await fx.clientForm({ token: 'x'.repeat(2000) }));
    expect(res.status).toBe(200);
  });
});

describe('a JSON body is never taken for the form (rule R7)', () => {
  /** A JSON parser that ignores Content-Type and keeps the text, as body-parser's `verify` hook allows. */
  const jsonAnyType = express.json({
    type: () => true,
    verify: (req: IncomingMessage, _res, buf: Buffer) => {
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
    },
  });

  test('JSON sent as application/x-www-form-urlencoded and parsed by that parser is refused by the token endpoint', async () => {
    const a = express();
    a.post('/token', jsonAnyType, tokenEndpoint(fx.server));
    a.use(oauthErrorHandler());
    const json = JSON.stringify({ grant_type: 'client_credentials', ...(await fx.clientForm()) });
    const res = await request(a).post('/token').set('content-type', FORM).send(json);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.access_token).toBeUndefined();
  });

  test('…and by authenticateClient', async () => {
    const json = JSON.stringify({ token: 't', ...(await fx.clientForm()) });
    const res = await request(introspection([jsonAnyType])).post('/introspect').set('content-type', FORM).send(json);
    expect(res.status).not.toBe(200);
    expect(res.body.client).toBeUndefined();
  });

  test('a JSON body sent as application/json is refused by type, whatever parsed it', async () => {
    const a = express();
    a.post('/token', express.json(), tokenEndpoint(fx.server));
    const res = await request(a)
      .post('/token')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ grant_type: 'client_credentials', ...(await fx.clientForm()) }));
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toBe('the body must be application/x-www-form-urlencoded');
  });
});
