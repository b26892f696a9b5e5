import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { CLIENT_ASSERTION_TYP, createClientAssertion } from '@rfc7523/client';
import { ConfigurationError } from '@rfc7523/core/validation';
import { decode, FakeClock, ISSUER, makeKey, type TestKey } from './support/fixtures.js';

const clock = new FakeClock();
let es256: TestKey;

beforeAll(async () => {
  es256 = await makeKey('ES256', 'client-key-1');
});

const mint = (extra: Record<string, unknown> = {}) =>
  createClientAssertion({ clientId: 'billing-worker', issuer: ISSUER, key: es256.privateJwk, now: clock.now, ...extra });

describe('createClientAssertion: rfc7523bis defaults', () => {
  it('sets typ client-authentication+jwt, the key alg and kid in the header', async () => {
    expect(decode(await mint()).header).toEqual({ alg: 'ES256', typ: CLIENT_ASSERTION_TYP, kid: 'client-key-1' });
  });

  it('sets iss and sub to the client ID and aud to the issuer identifier as a single string', async () => {
    const { claims } = decode(await mint());
    expect(claims).toMatchObject({ iss: 'billing-worker', sub: 'billing-worker', aud: ISSUER });
    expect(typeof claims.aud).toBe('string');
  });

  it('sets iat to now and exp to 60 seconds later', async () => {
    const { claims } = decode(await mint());
    expect(claims.iat).toBe(clock.seconds());
    expect(claims.exp).toBe(clock.seconds() + 60);
  });

  it('gives every assertion a fresh random jti', async () => {
    const jtis = new Set(await Promise.all(Array.from({ length: 20 }, async () => decode(await mint()).claims.jti)));
    expect(jtis.size).toBe(20);
  });

  it('honours lifetime, kid and typ null', async () => {
    const { header, claims } = decode(await mint({ lifetime: 300, kid: 'other', typ: null }));
    expect(claims.exp).toBe(clock.seconds() + 300);
    expect(header).toEqual({ alg: 'ES256', kid: 'other' });
  });

  it('verifies with the public key under jose jwtVerify with the expected aud, iss and typ', async () => {
    const { payload } = await jwtVerify(await mint(), es256.publicKey, {
      audience: ISSUER,
      issuer: 'billing-worker',
      subject: 'billing-worker',
      typ: CLIENT_ASSERTION_TYP,
      currentDate: new Date(clock.ms),
    });
    expect(payload.sub).toBe('billing-worker');
  });
});

describe('createClientAssertion: keys', () => {
  it.each([
    ['ES256', 'ES256'],
    ['ES384', 'ES384'],
    ['ES512', 'ES512'],
    ['RS256', 'RS256'],
    ['PS256', 'PS256'],
    ['EdDSA', 'EdDSA'],
  ])('signs with a %s private JWK (alg %s)', async (alg, expected) => {
    const key = await makeKey(alg);
    const jwt = await createClientAssertion({ clientId: 'c', issuer: ISSUER, key: { ...key.privateJwk, alg }, now: clock.now });
    expect(decode(jwt).header.alg).toBe(expected);
    await expect(jwtVerify(jwt, key.publicKey, { currentDate: new Date(clock.ms) })).resolves.toBeDefined();
  });

  it('defaults an RSA JWK without alg to RS256 (mandatory to implement, RFC 7523 §5)', async () => {
    const key = await makeKey('RS256');
    const { alg: _alg, ...jwk } = key.privateJwk;
    expect(decode(await createClientAssertion({ clientId: 'c', issuer: ISSUER, key: jwk })).header.alg).toBe('RS256');
  });

  it.each([
    ['ec', { namedCurve: 'P-256' }, 'ES256'],
    ['ec', { namedCurve: 'P-384' }, 'ES384'],
    ['rsa', { modulusLength: 2048 }, 'RS256'],
    ['ed25519', {}, 'EdDSA'],
  ] as const)('signs with a PKCS#8 PEM %s key %j as %s', async (type, params, alg) => {
    const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', params as { namedCurve: string });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const jwt = await createClientAssertion({ clientId: 'c', issuer: ISSUER, key: pem, now: clock.now });
    expect(decode(jwt).header.alg).toBe(alg);
    await expect(jwtVerify(jwt, publicKey, { currentDate: new Date(clock.ms) })).resolves.toBeDefined();
  });

  it('signs with a SEC1 PEM EC key and with a KeyObject', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    for (const key of [sec1, privateKey]) {
      const jwt = await createClientAssertion({ clientId: 'c', issuer: ISSUER, key, now: clock.now });
      await expect(jwtVerify(jwt, publicKey, { currentDate: new Date(clock.ms) })).resolves.toBeDefined();
    }
  });

  it('signs with a CryptoKey, taking the algorithm it is bound to', async () => {
    const key = await makeKey('PS256');
    const jwt = await createClientAssertion({ clientId: 'c', issuer: ISSUER, key: key.privateKey, kid: 'ps', now: clock.now });
    expect(decode(jwt).header).toMatchObject({ alg: 'PS256', kid: 'ps' });
  });

  it('signs an Ed25519 key as Ed25519 (RFC 9864) when asked', async () => {
    const key = await makeKey('EdDSA');
    const jwt = await createClientAssertion({ clientId: 'c', issuer: ISSUER, key: key.privateJwk, alg: 'Ed25519', now: clock.now });
    expect(decode(jwt).header.alg).toBe('Ed25519');
  });
});

describe('createClientAssertion: options are checked, naming the option', () => {
  const base = () => ({ clientId: 'c', issuer: ISSUER, key: es256.privateJwk });

  it.each([
    ['clientId missing', { clientId: undefined }, '"clientId" option must be a non-empty string'],
    ['issuer empty', { issuer: '' }, '"issuer" option must be a non-empty string'],
    ['lifetime zero', { lifetime: 0 }, '"lifetime" option must be a whole number of seconds from 1 to 86400'],
    ['lifetime fractional', { lifetime: 1.5 }, '"lifetime" option must be a whole number of seconds from 1 to 86400'],
    ['alg HS256', { alg: 'HS256' }, '"alg" option must be one of'],
    ['alg none', { alg: 'none' }, '"alg" option must be one of'],
    ['alg not fitting the key', { alg: 'ES384' }, '"alg" option is ES384 but the key is an EC P-256 key (ES256)'],
    ['kid empty', { kid: '' }, '"kid" option must be a non-empty string'],
    ['typ empty', { typ: '' }, '"typ" option must be a non-empty string or null'],
    ['now not a function', { now: 5 }, '"now" option must be a function'],
    ['an unknown option', { audience: 'x' }, '"audience" option is not a known option'],
  ])('%s', async (_name, change, message) => {
    const error = await createClientAssertion({ ...base(), ...change } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
  });

  it('a bad option is a ConfigurationError of the core validation kit, carrying the option as its field', async () => {
    const error = await createClientAssertion({ ...base(), lifetime: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ name: 'ConfigurationError', field: 'lifetime' });
  });

  it('options that are not an object are refused, naming the call', async () => {
    await expect(createClientAssertion('c' as never)).rejects.toThrow(new TypeError('"client assertion" options must be an object'));
  });

  it('a public JWK is refused as key', async () => {
    await expect(createClientAssertion({ ...base(), key: es256.publicJwk })).rejects.toThrow('"key" option must be a private key (this JWK has no "d")');
  });

  it('a public CryptoKey is refused as key', async () => {
    await expect(createClientAssertion({ ...base(), key: es256.publicKey })).rejects.toThrow('"key" option must be a private key');
  });

  it('a symmetric JWK is refused as key', async () => {
    await expect(createClientAssertion({ ...base(), key: { kty: 'oct', k: 'c2VjcmV0', d: 'x' } })).rejects.toThrow(
      '"key" option must be an RSA, EC or Ed25519 private key',
    );
  });

  it('an RSA key under 2048 bits is refused', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await expect(createClientAssertion({ ...base(), key: pem })).rejects.toThrow('"key" option must be an RSA key of at least 2048 bits');
  });

  it('a string that is not PEM is refused', async () => {
    await expect(createClientAssertion({ ...base(), key: 'not a key' })).rejects.toThrow('"key" option is a string but not a PEM private key');
  });
});
