import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import * as oidc from 'openid-client';
import { TokenClient } from '@rfc7523/client';
import { targets } from '../conformance/targets.js';
import { interopDemo } from './support/interop.js';

/** DPoP (RFC 9449, rules D1–D2) with two independent clients against every demo: openid-client 6 and our TokenClient. */
describe.each(targets)('DPoP clients against $name', (target) => {
  const world = interopDemo(target);

  it('openid-client 6: clientCredentialsGrant with a DPoP handle gets a bound token, fetchProtectedResource calls /api/whoami with it', async () => {
    const config = await oidc.discovery(new URL(world.demo.issuer), 'es-client', undefined, oidc.PrivateKeyJwt({ key: world.keys.es.privateKey, kid: world.keys.es.kid }), {
      algorithm: 'oauth2',
      execute: [oidc.allowInsecureRequests],
    });
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(config, keyPair);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt });

    const url = new URL(`${world.demo.issuer}/api/whoami`);
    const ok = await oidc.fetchProtectedResource(config, tokens.access_token, url, 'GET', undefined, undefined, { DPoP });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ sub: 'es-client', scope: 'read' });
    // Without the handle openid-client sends the token as Bearer: the demo refuses a bound token that way.
    const bearer = await oidc.fetchProtectedResource(config, tokens.access_token, url, 'GET').catch((e: unknown) => e);
    expect(bearer).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((bearer as oidc.WWWAuthenticateChallengeError).response?.status).toBe(401);
    expect((bearer as oidc.WWWAuthenticateChallengeError).cause).toEqual([
      expect.objectContaining({ scheme: 'dpop', parameters: expect.objectContaining({ error: 'invalid_token' }) }),
    ]);
  });

  it('our TokenClient with dpop: true gets a bound token and tokens.fetch calls /api/whoami with a proof', async () => {
    const client = new TokenClient({ issuer: world.demo.issuer, clientId: 'rsa-client', key: world.keys.rsa.privateJwk, dpop: true });
    const token = await client.getToken({ scope: 'read' });
    expect(token.tokenType).toBe('DPoP');
    expect(decodeJwt(token.accessToken).cnf).toEqual({ jkt: (await client.dpopKey())!.thumbprint });
    const res = await client.fetch(`${world.demo.issuer}/api/whoami`, { method: 'GET' }, { scope: 'read' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'rsa-client', client_id: 'rsa-client' });
    // The same token as Bearer is refused (RFC 9449 §7.2).
    const stolen = await fetch(`${world.demo.issuer}/api/whoami`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(stolen.status).toBe(401);
  });
});
