import { jwtVerify } from 'jose';
import { createGrantAssertion } from '@rfc7523/client';
import { decode, FakeClock, ISSUER, makeKey, TOKEN_ENDPOINT, type TestKey } from './support/fixtures.js';

const clock = new FakeClock();
let key: TestKey;

beforeAll(async () => {
  key = await makeKey('EdDSA', 'batch-1');
});

const base = () => ({ issuer: 'batch-signer', subject: 'report-job-7', audience: ISSUER, key: key.privateJwk, now: clock.now });

describe('createGrantAssertion', () => {
  it('sets iss, sub and aud as given, iat now, exp 60 s later, a jti, and typ JWT', async () => {
    const { header, claims } = decode(await createGrantAssertion(base()));
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'batch-1' });
    expect(claims).toEqual({
      iss: 'batch-signer',
      sub: 'report-job-7',
      aud: ISSUER,
      iat: clock.seconds(),
      exp: clock.seconds() + 60,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('takes several audiences, a scope claim, extra claims and a lifetime', async () => {
    const { claims } = decode(
      await createGrantAssertion({ ...base(), audience: [ISSUER, TOKEN_ENDPOINT], scope: ['b', 'a', 'b'], claims: { repository: 'acme/api' }, lifetime: 120 }),
    );
    expect(claims).toMatchObject({ aud: [ISSUER, TOKEN_ENDPOINT], scope: 'a b', repository: 'acme/api', exp: clock.seconds() + 120 });
  });

  it('verifies with plain jose jwtVerify', async () => {
    const jwt = await createGrantAssertion(base());
    const { payload } = await jwtVerify(jwt, key.publicKey, { issuer: 'batch-signer', audience: ISSUER, typ: 'JWT', currentDate: new Date(clock.ms) });
    expect(payload.sub).toBe('report-job-7');
  });

  it.each([
    ['subject missing', { subject: undefined }, '"subject" option must be a non-empty string'],
    ['audience empty array', { audience: [] }, '"audience" option must not be an empty array'],
    ['audience with an empty member', { audience: [ISSUER, ''] }, '"audience[1]" option must be a non-empty string'],
    ['claims setting a registered claim', { claims: { exp: 1 } }, '"claims" option must not set "exp"'],
    ['typ client-authentication+jwt', { typ: 'client-authentication+jwt' }, '"typ" option must not be client-authentication+jwt on a grant'],
    ['scope with a quote', { scope: 'a"b' }, '"scope" option must be space-separated scope tokens'],
  ])('refuses %s with a TypeError naming the option', async (_name, change, message) => {
    const error = await createGrantAssertion({ ...base(), ...change } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
  });
});
