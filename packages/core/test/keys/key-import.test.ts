/**
 * When the keys of the configuration are imported (option `importKeys`): at start-up by default, where a
 * key node:crypto cannot import stops start-up with a ConfigurationError naming it; or on first use, where
 * the same key is refused when a request needs it (invalid_client, 401), never a 500.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { createAuthorizationServer, ConfigurationError, type Rfc7523Event } from '../../src/index.js';
import { createKeyResolver, KeyImportError, NoSingleKeyError } from '../../src/keys/local-key-set.js';
import { localKeySet } from '../../src/keys/remote-key-set.js';
import { clientClaims, clientCredentials, frozenClock, makeKey, sign, type TestKey } from '../support/fixtures.js';
import { startJwksServer } from '../../../../test/support/jwks-server.js';

const ISSUER = 'https://as.example.com';
const ec = (kid: string): JWK => ({ ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK), kid });

/** A P-256 JWK whose point is not on the curve: its `y` changed in its last byte. The key checks pass it (strings, known curve). */
function offCurve(kid: string, jwk: JWK = ec(kid)): JWK {
  const y = Buffer.from(jwk.y as string, 'base64url');
  y[y.length - 1] ^= 1;
  return { ...jwk, y: y.toString('base64url') };
}

/** What node:crypto itself says of a key, independently of the engine: whether it imports. */
const imports = (jwk: JWK): boolean => {
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
};

describe('a key set of the configuration', () => {
  it('the off-curve key of these tests is one node:crypto refuses, and its untouched twin imports', () => {
    const good = ec('good');
    expect(imports(good)).toBe(true);
    expect(imports(offCurve('bad'))).toBe(false);
  });

  it('asked to import at once, throws a KeyImportError naming the index of a key that does not import', () => {
    let thrown: unknown;
    try {
      createKeyResolver([ec('a'), offCurve('b')], true);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KeyImportError);
    expect((thrown as KeyImportError).index).toBe(1);
    // node:crypto's own error is kept as the cause and quoted in the message.
    const cause = (thrown as KeyImportError).cause as Error;
    expect(cause.message.length).toBeGreaterThan(0);
    expect((thrown as KeyImportError).message).toBe(`node:crypto cannot import it (${cause.message})`);
  });

  it('importing on first use, starts with the same key and refuses it only when a header selects it', () => {
    const resolve = createKeyResolver([ec('a'), offCurve('b')]);
    expect(resolve({ alg: 'ES256', kid: 'a' }).type).toBe('public');
    expect(() => resolve({ alg: 'ES256', kid: 'b' })).toThrow();
  });

  it('imports at once only keys that may verify: one whose key_ops allow more is still refused at each use', () => {
    const resolve = createKeyResolver([{ ...offCurve('ops'), key_ops: ['verify', 'sign'] }], true);
    expect(() => resolve({ alg: 'ES256', kid: 'ops' })).toThrow(new NoSingleKeyError('the key_ops of the key allow more than verify'));
  });

  it('imports at once only keys a header could select: not use "enc", nor key_ops that are not an array or lack verify, nor ext not a boolean', () => {
    expect(() => createKeyResolver([{ ...offCurve('enc'), use: 'enc' }], true)).not.toThrow();
    expect(() => createKeyResolver([{ ...offCurve('ext'), ext: 'true' } as unknown as JWK], true)).not.toThrow();
    expect(() => createKeyResolver([{ ...offCurve('ops'), key_ops: ['verify', 'verify'] }], true)).not.toThrow();
    expect(() => createKeyResolver([{ ...offCurve('ops'), key_ops: [] }], true)).not.toThrow();
    expect(() => createKeyResolver([{ ...offCurve('ops'), key_ops: 'verify' } as unknown as JWK], true)).not.toThrow();
    expect(() => createKeyResolver([{ ...offCurve('ops'), key_ops: null } as unknown as JWK], true)).not.toThrow();
    // The same off-curve key, selectable, is imported and refused.
    expect(() => createKeyResolver([{ ...offCurve('sig'), use: 'sig' }], true)).toThrow(KeyImportError);
    expect(() => createKeyResolver([{ ...offCurve('ops'), key_ops: ['verify'] }], true)).toThrow(KeyImportError);
    expect(() => createKeyResolver([{ ...offCurve('ext'), ext: true }], true)).toThrow(KeyImportError);
  });

  it('gives the key it imported at once, the same object on every use', () => {
    const jwk = ec('a');
    const resolve = createKeyResolver([jwk], true);
    const key = resolve({ alg: 'ES256', kid: 'a' });
    expect(key.export({ format: 'jwk' })).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
    expect(resolve({ alg: 'ES256', kid: 'a' })).toBe(key);
  });

  it('localKeySet names the place in the list it was given, keys it drops (a symmetric key) counted', () => {
    let thrown: unknown;
    try {
      localKeySet([{ kty: 'oct', k: 'c2VjcmV0' }, ec('a'), offCurve('b')], true);
    } catch (err) {
      thrown = err;
    }
    expect((thrown as KeyImportError).index).toBe(2);
    expect(() => localKeySet([{ kty: 'oct', k: 'c2VjcmV0' }, offCurve('b')])).not.toThrow();
  });
});

describe('createAuthorizationServer, option importKeys', () => {
  const client = (client_id: string, key: JWK) => ({ client_id, jwks: { keys: [key] }, scope: 'read' });

  async function startUpError(options: Parameters<typeof createAuthorizationServer>[0]): Promise<ConfigurationError> {
    try {
      await createAuthorizationServer(options);
    } catch (err) {
      return err as ConfigurationError;
    }
    throw new Error('the server started');
  }

  it('by default, a client key that does not import stops start-up, naming the key and the client', async () => {
    const err = await startUpError({ issuer: ISSUER, clients: [client('fine', ec('a')), client('broken', offCurve('b'))] });
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.field).toBe('clients[1].jwks.keys[0]');
    expect(err.message).toMatch(/^"clients\[1\]\.jwks\.keys\[0\]" of client "broken": node:crypto cannot import it \(.+\)$/);
  });

  it('by default, so does a trusted issuer key, named by the issuer', async () => {
    const err = await startUpError({ issuer: ISSUER, trustedIssuers: [{ issuer: 'https://ci.example.com', jwks: { keys: [ec('a'), offCurve('b')] }, scope: 'deploy', subjects: ['deployer'] }] });
    expect(err.field).toBe('trustedIssuers[0].jwks.keys[1]');
    expect(err.message).toContain('of issuer "https://ci.example.com"');
  });

  it('refuses an importKeys it does not know, naming the option', async () => {
    const err = await startUpError({ issuer: ISSUER, importKeys: 'lazily' as never });
    expect(err.field).toBe('importKeys');
    expect(err.message).toBe('"importKeys" must be "at-start-up" or "on-first-use"');
  });

  it('with on-first-use, starts, serves the good client and refuses the broken one with invalid_client (401)', async () => {
    const clock = frozenClock();
    const events: Rfc7523Event[] = [];
    const [good, broken] = await Promise.all([makeKey('ES256', 'g'), makeKey('ES256', 'b')]);
    const server = await createAuthorizationServer({
      issuer: ISSUER,
      now: clock.now,
      importKeys: 'on-first-use',
      // `broken` has the public key of `broken` spoiled; `twin` has it untouched.
      clients: [client('good', good.publicJwk as JWK), client('broken', offCurve('b', broken.publicJwk as JWK)), client('twin', broken.publicJwk as JWK)],
      onEvent: (event) => events.push(event),
    });
    const request = async (clientId: string, key: TestKey) => server.handleTokenRequest(clientCredentials(await sign(key, clientClaims(clock, clientId))));
    expect((await request('good', good)).status).toBe(200);
    const refused = await request('broken', broken);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client' });
    // Refused for the key, not the signature: the same signing key passes with its untouched twin.
    expect(events.filter((e) => e.type === 'assertion.rejected')).toEqual([expect.objectContaining({ issuer: 'broken', reason: 'key_not_found' })]);
    expect((await request('twin', broken)).status).toBe(200);
  });

  it('by default, imports nothing of a jwks_uri at start-up, and a fetched key that does not import spoils only itself', async () => {
    const clock = frozenClock();
    const events: Rfc7523Event[] = [];
    const [good, broken] = await Promise.all([makeKey('ES256', 'g'), makeKey('ES256', 'b')]);
    // The published set holds the spoiled key beside a good one; start-up never fetches it.
    const jwksServer = await startJwksServer([good.publicJwk as JWK, offCurve('b', broken.publicJwk as JWK)]);
    try {
      const server = await createAuthorizationServer({
        issuer: ISSUER,
        now: clock.now,
        jwksFetch: { timeout: 5000 },
        clients: [{ client_id: 'remote', jwks_uri: jwksServer.uri, scope: 'read' }],
        onEvent: (event) => events.push(event),
      });
      expect(jwksServer.requests).toBe(0);
      const request = async (key: TestKey) => server.handleTokenRequest(clientCredentials(await sign(key, clientClaims(clock, 'remote'))));
      expect((await request(good)).status).toBe(200);
      const refused = await request(broken);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: 'invalid_client' });
      expect(events.filter((e) => e.type === 'assertion.rejected')).toEqual([expect.objectContaining({ issuer: 'remote', reason: 'key_not_found' })]);
      // The good key still serves after the refusal, from the same fetch.
      expect((await request(good)).status).toBe(200);
      expect(jwksServer.requests).toBe(1);
    } finally {
      await jwksServer.close();
    }
  });
});
