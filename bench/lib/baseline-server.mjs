// The baseline every demo is compared with: what a developer would write by hand in an afternoon.
// Bare Express 5, express.urlencoded, jose.jwtVerify against one static ES256 client key, a Map for
// used jti values, and an ES256 access token signed with jose's SignJWT. No RFC 7523 rules beyond that.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { CLIENT_ASSERTION_TYPE } from './assertions.mjs';

/** An Express app with POST /token for one client (`clientId`, `publicJwk`), issuer `issuer`. */
export async function baselineApp({ issuer, clientId, publicJwk }) {
  const clientKey = await importJWK(publicJwk, 'ES256');
  const { privateKey } = await generateKeyPair('ES256');
  const usedJti = new Map();
  const refuse = (res, status, error) => res.status(status).set('cache-control', 'no-store').json({ error });

  const app = express();
  app.disable('x-powered-by');
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const { grant_type, client_assertion_type, client_assertion } = req.body ?? {};
    if (grant_type !== 'client_credentials') return refuse(res, 400, 'unsupported_grant_type');
    if (client_assertion_type !== CLIENT_ASSERTION_TYPE || typeof client_assertion !== 'string') return refuse(res, 401, 'invalid_client');
    let payload;
    try {
      ({ payload } = await jwtVerify(client_assertion, clientKey, {
        issuer: clientId,
        subject: clientId,
        audience: issuer,
        algorithms: ['ES256'],
        requiredClaims: ['jti', 'exp'],
      }));
    } catch {
      return refuse(res, 401, 'invalid_client');
    }
    if (usedJti.has(payload.jti)) return refuse(res, 401, 'invalid_client');
    usedJti.set(payload.jti, payload.exp);
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ client_id: clientId, scope: 'read write' })
      .setProtectedHeader({ alg: 'ES256', kid: 'as-1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject(clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(privateKey);
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' }).json({ access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: 'read write' });
  });
  return app;
}
