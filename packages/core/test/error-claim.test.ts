import type { AuthorizationServer, OAuthError } from '@rfc7523/core';
import { clientClaims, clientCredentials, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, rawToken, sign, type TestKey } from './support/fixtures.js';

// OAuthError.claim names the claim or header parameter a refusal concerns, so that tools (the CLI's
// explain) tell apart refusals sharing a reason code without reading the log detail.

const clock = frozenClock();
let key: TestKey;
let other: TestKey;
let server: AuthorizationServer;

beforeAll(async () => {
  key = await makeKey('ES256', 'k');
  other = await makeKey('ES256', 'other');
  server = await makeServer({
    now: clock.now,
    clients: [{ client_id: 'worker', jwks: jwks(key) }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), subjects: ['alice'] }],
  });
});

const refusal = (promise: Promise<unknown>) => promise.then(() => ({}), (err: OAuthError) => ({ reason: err.reason, claim: err.claim }));
const now = () => clock.seconds();

describe('OAuthError.claim on refused client assertions', () => {
  const cases = [
    ['no iss', 'missing_claim', 'iss', () => sign(key, clientClaims(clock, 'worker', { iss: undefined }))],
    ['no sub', 'missing_claim', 'sub', () => sign(key, clientClaims(clock, 'worker', { sub: undefined }))],
    ['unknown sub', 'unknown_client', 'sub', () => sign(key, clientClaims(clock, 'nobody'))],
    ['iss differs from sub', 'iss_mismatch', 'iss', () => sign(key, clientClaims(clock, 'worker', { iss: 'ci' }))],
    ['typ not accepted', 'typ_not_allowed', 'typ', () => sign(key, clientClaims(clock, 'worker'), { typ: 'at+jwt' })],
    ['no aud', 'missing_claim', 'aud', () => sign(key, clientClaims(clock, 'worker', { aud: undefined }))],
    ['wrong aud', 'aud_mismatch', 'aud', () => sign(key, clientClaims(clock, 'worker', { aud: 'https://elsewhere' }))],
    ['exp not a number', 'invalid_claim', 'exp', () => sign(key, clientClaims(clock, 'worker', { exp: 'soon' as unknown as number }))],
    ['iat not a number', 'invalid_claim', 'iat', () => sign(key, clientClaims(clock, 'worker', { iat: 'now' as unknown as number }))],
    ['no exp', 'missing_claim', 'exp', () => sign(key, clientClaims(clock, 'worker', { exp: undefined }))],
    ['expired', 'expired', 'exp', () => sign(key, clientClaims(clock, 'worker', { iat: now() - 600, exp: now() - 300 }))],
    ['nbf ahead', 'not_yet_valid', 'nbf', () => sign(key, clientClaims(clock, 'worker', { nbf: now() + 300 }))],
    ['iat ahead', 'iat_in_future', 'iat', () => sign(key, clientClaims(clock, 'worker', { iat: now() + 300, exp: now() + 360 }))],
    ['lives too long', 'lifetime_too_long', 'exp', () => sign(key, clientClaims(clock, 'worker', { exp: now() + 7200 }))],
    ['no jti', 'missing_jti', 'jti', () => sign(key, clientClaims(clock, 'worker', { jti: undefined }))],
    ['empty jti', 'invalid_claim', 'jti', () => sign(key, clientClaims(clock, 'worker', { jti: '' }))],
    ['unknown kid', 'key_not_found', 'kid', () => sign(other, clientClaims(clock, 'worker'))],
    ['crit header', 'crit_not_understood', 'crit', async () => rawToken({ alg: 'ES256', kid: 'k', crit: ['exp'] }, clientClaims(clock, 'worker'))],
    ['b64 header', 'crit_not_understood', 'b64', async () => rawToken({ alg: 'ES256', kid: 'k', b64: false }, clientClaims(clock, 'worker'))],
    ['bad signature', 'signature_invalid', undefined, async () => (await sign(key, clientClaims(clock, 'worker'))).slice(0, -4) + 'AAAA'],
    ['not a JWT', 'malformed_jwt', undefined, async () => rawToken('{', '{}')],
  ] as [string, string, string | undefined, () => Promise<string>][];
  it.each(cases)('%s: reason %s, claim %s', async (_, reason, claim, mint) => {
    expect(await refusal(server.authenticateClient(clientCredentials(await mint())))).toEqual({ reason, claim });
  });

  it('client_id differing from sub concerns sub', async () => {
    const assertion = await sign(key, clientClaims(clock, 'worker'));
    expect(await refusal(server.authenticateClient(clientCredentials(assertion, { client_id: 'someone' })))).toEqual({ reason: 'client_id_mismatch', claim: 'sub' });
  });

  it('a replay concerns the jti', async () => {
    const assertion = await sign(key, clientClaims(clock, 'worker'));
    await server.authenticateClient(clientCredentials(assertion));
    expect(await refusal(server.authenticateClient(clientCredentials(assertion)))).toEqual({ reason: 'jti_replayed', claim: 'jti' });
  });
});

describe('OAuthError.claim on refused grant assertions', () => {
  it.each([
    ['untrusted iss', { iss: 'stranger' }, 'untrusted_issuer', 'iss'],
    ['subject not allowed', { sub: 'mallory' }, 'sub_not_allowed', 'sub'],
    ['wrong aud', { aud: 'https://elsewhere' }, 'aud_mismatch', 'aud'],
  ])('%s %j: reason %s, claim %s', async (_, extra, reason, claim) => {
    const assertion = await sign(key, grantClaims(clock, 'ci', 'alice', extra));
    expect(await refusal(server.exchange(jwtBearer(assertion)))).toEqual({ reason, claim });
  });

  it('alg outside the accepted list concerns alg', async () => {
    const assertion = rawToken({ alg: 'HS256', kid: 'k' }, grantClaims(clock, 'ci', 'alice'));
    expect(await refusal(server.exchange(jwtBearer(assertion)))).toEqual({ reason: 'alg_not_allowed', claim: 'alg' });
  });
});
