/**
 * The replay.detected event of an assertion without jti (rule J7, replay keyed by its signature) has
 * exactly its type, use and issuer: no jti member at all, not one holding undefined (a log pipeline
 * would print `"jti": null` or a stray key).
 */
import type { Rfc7523Event } from '@rfc7523/core';
import { frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign } from '../support/fixtures.js';

describe('J7 replay.detected for an assertion without jti', () => {
  it('carries use and issuer, and no jti member', async () => {
    const clock = frozenClock();
    const key = await makeKey('ES256', 'i1');
    const events: Rfc7523Event[] = [];
    const server = await makeServer({
      now: clock.now,
      onEvent: (e) => events.push(e),
      trustedIssuers: [{ issuer: 'wif', jwks: jwks(key), allow_any_subject: true, require_jti: false }],
    });
    const token = await sign(key, grantClaims(clock, 'wif', 'pod', { jti: undefined }));
    await server.exchange(jwtBearer(token));
    await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject({ reason: 'jti_replayed' });
    expect(events.filter((e) => e.type === 'replay.detected')).toStrictEqual([{ type: 'replay.detected', use: 'authorization_grant', issuer: 'wif' }]);
  });
});
