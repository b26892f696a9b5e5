import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { targets } from '../conformance/targets.js';
import { CI_ISSUER, CI_SUBJECT, interopDemo, type InteropKey } from './support/interop.js';

/** openid-client 6 (panva) as a third-party client of every demo app. */
describe.each(targets)('openid-client 6 against $name', (target) => {
  const world = interopDemo(target);
  const sent: string[] = [];

  /** openid-client's fetch, recording every client assertion it sends. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const body = init?.body instanceof URLSearchParams ? init.body : new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    const assertion = body.get('client_assertion');
    if (assertion !== null) sent.push(assertion);
    return fetch(input, init);
  };

  const configure = async (clientId: string, auth: oidc.ClientAuth) => {
    const config = await oidc.discovery(new URL(world.demo.issuer), clientId, undefined, auth, {
      algorithm: 'oauth2',
      execute: [oidc.allowInsecureRequests],
    });
    config[oidc.customFetch] = recordingFetch;
    return config;
  };
  const privateKeyJwt = (key: InteropKey) => oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
  const ciAssertion = () =>
    new SignJWT({ iss: CI_ISSUER, sub: CI_SUBJECT, aud: world.demo.issuer, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: world.keys.ci.kid })
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(world.keys.ci.privateKey);

  it('discovers the metadata at /.well-known/oauth-authorization-server', async () => {
    const config = await configure('es-client', privateKeyJwt(world.keys.es));
    expect(config.serverMetadata()).toMatchObject({
      issuer: world.demo.issuer,
      token_endpoint: `${world.demo.issuer}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
  });

  it.each([
    ['es', 'es-client', 'ES256'],
    ['rsa', 'rsa-client', 'RS256'],
    ['ed', 'ed-client', 'Ed25519'],
  ] as const)('gets a token with client_credentials + private_key_jwt (%s key: %s, alg %s)', async (name, clientId, alg) => {
    const config = await configure(clientId, privateKeyJwt(world.keys[name]));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });
    expect(tokens.expiresIn()).toBeGreaterThan(0);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: clientId, client_id: clientId, iss: world.demo.issuer });
    const assertion = sent.at(-1)!;
    // What openid-client sends, and the demo accepts: aud = the issuer identifier, no typ, its own alg name.
    expect(decodeProtectedHeader(assertion)).toEqual({ alg, kid: world.keys[name].kid });
    expect(decodeJwt(assertion)).toMatchObject({ iss: clientId, sub: clientId, aud: world.demo.issuer, jti: expect.any(String) });
  });

  it('gets a token for the whole allowed scope when it asks for none', async () => {
    const config = await configure('es-client', privateKeyJwt(world.keys.es));
    const tokens = await oidc.clientCredentialsGrant(config);
    expect((tokens.scope ?? decodeJwt(tokens.access_token).scope) as string).toBe('read write deploy');
  });

  it('gets a token with the jwt-bearer grant, authenticating with private_key_jwt (genericGrantRequest)', async () => {
    const config = await configure('es-client', privateKeyJwt(world.keys.es));
    const tokens = await oidc.genericGrantRequest(config, JWT_BEARER_GRANT_TYPE, { assertion: await ciAssertion(), scope: 'deploy' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: CI_SUBJECT, client_id: 'es-client', scope: 'deploy' });
  });

  it('gets a token with the jwt-bearer grant and no client authentication', async () => {
    const config = await configure('ci-runner', oidc.None());
    const tokens = await oidc.genericGrantRequest(config, JWT_BEARER_GRANT_TYPE, { assertion: await ciAssertion() });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ sub: CI_SUBJECT, scope: 'deploy' });
    expect(claims.client_id).toBeUndefined();
  });

  it('surfaces a refusal as openid-client ResponseBodyError with the RFC 6749 error (no WWW-Authenticate in the way)', async () => {
    const config = await configure('rsa-client', privateKeyJwt(world.keys.es));
    const error = await oidc.clientCredentialsGrant(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('a replayed jwt-bearer grant is refused with invalid_grant', async () => {
    const config = await configure('ci-runner', oidc.None());
    const assertion = await ciAssertion();
    await oidc.genericGrantRequest(config, JWT_BEARER_GRANT_TYPE, { assertion });
    await expect(oidc.genericGrantRequest(config, JWT_BEARER_GRANT_TYPE, { assertion })).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });
});
