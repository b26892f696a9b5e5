import { decodeJwt } from 'jose';
import { createGrantAssertion, TokenClient, TokenRequestError } from '@rfc7523/client';
import { targets } from '../conformance/targets.js';
import { CI_ISSUER, CI_SUBJECT, interopDemo } from './support/interop.js';

/** Our TokenClient against every demo app, over HTTP, discovering the token endpoint. */
describe.each(targets)('TokenClient against $name', (target) => {
  const world = interopDemo(target);

  const ciGrant = () => createGrantAssertion({ issuer: CI_ISSUER, subject: CI_SUBJECT, audience: world.demo.issuer, key: world.keys.ci.privateJwk });

  it.each([
    ['es', 'es-client'],
    ['rsa', 'rsa-client'],
    ['ed', 'ed-client'],
  ] as const)('gets a client_credentials token with its %s key (%s) and calls /api/whoami with it', async (name, clientId) => {
    const client = new TokenClient({ issuer: world.demo.issuer, clientId, key: world.keys[name].privateJwk });
    const token = await client.getToken({ scope: 'read' });
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const res = await fetch(`${world.demo.issuer}/api/whoami`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(await res.json()).toMatchObject({ sub: clientId, client_id: clientId, scope: 'read' });
  });

  it('reuses the cached token and sends one request for many concurrent callers', async () => {
    const client = new TokenClient({ issuer: world.demo.issuer, clientId: 'es-client', key: world.keys.es.privateJwk });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => client.getToken({ scope: 'write' })));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
  });

  it('gets a jwt-bearer token from a grant assertion, with and without client authentication', async () => {
    const authenticated = new TokenClient({ issuer: world.demo.issuer, clientId: 'es-client', key: world.keys.es.privateJwk, grantAssertion: ciGrant });
    const a = await authenticated.getToken({ grant: 'jwt-bearer', scope: 'deploy' });
    expect(decodeJwt(a.accessToken)).toMatchObject({ sub: CI_SUBJECT, client_id: 'es-client', scope: 'deploy' });
    const anonymous = new TokenClient({ issuer: world.demo.issuer, grantAssertion: ciGrant });
    const b = await anonymous.getToken();
    expect(decodeJwt(b.accessToken)).toMatchObject({ sub: CI_SUBJECT, scope: 'deploy' });
  });

  it('surfaces a refusal as a TokenRequestError with the demo error, description and status', async () => {
    const client = new TokenClient({ issuer: world.demo.issuer, clientId: 'es-client', key: world.keys.es.privateJwk });
    const error = await client.getToken({ scope: 'admin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_scope', status: 400, error_description: expect.any(String) });
  });
});
