import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, createAuthorizationServer, loadTrustConfig, parseTrustConfig, type TrustConfig } from '@rfc7523/core';
import { frozenClock, grantClaims, ISSUER, jwtBearer, makeKey, sign, type TestKey } from '../support/fixtures.js';

let dir: string;
let ec: TestKey;
let rsa: TestKey;
let ed: TestKey;
let p384: TestKey;

beforeAll(async () => {
  ed = await makeKey('EdDSA', 'e1');
  p384 = await makeKey('ES384', 'p1');
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-trust-'));
  ec = await makeKey('ES256', 'k1');
  rsa = await makeKey('RS256', 'b1');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The example of docs/configuration.md, with real keys. */
const example = () => ({
  clients: [
    {
      client_id: 'log-aggregator',
      jwks: { keys: [ec.publicJwk] },
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      scope: 'logs:read logs:write',
    },
    {
      client_id: 'rotating-worker',
      jwks_uri: 'https://keys.example.com/worker.json',
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      scope: 'metrics:write',
    },
  ],
  trusted_issuers: [
    {
      issuer: 'https://ci.example.com',
      jwks_uri: 'https://ci.example.com/.well-known/jwks',
      subjects: ['repo:acme/api:ref:refs/heads/main'],
      scope: 'deploy',
      max_assertion_lifetime: 600,
    },
    { issuer: 'batch-signer', jwks: { keys: [rsa.publicJwk] }, allow_any_subject: true, scope: 'reports:read' },
  ],
  access_token_lifetime: 300,
  clock_tolerance: 30,
  max_assertion_lifetime: 3600,
});

type Json = Record<string, unknown>;
const mutate = (change: (config: Json & { clients: Json[]; trusted_issuers: Json[] }) => void) => {
  const config = example() as unknown as Json & { clients: Json[]; trusted_issuers: Json[] };
  change(config);
  return config;
};
const refusal = (value: unknown): ConfigurationError => {
  try {
    parseTrustConfig(value, 'trust.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err).toBeInstanceOf(TypeError);
    return err as ConfigurationError;
  }
  throw new Error('expected the configuration to be refused');
};

describe('parseTrustConfig (docs/configuration.md)', () => {
  it('accepts the documented example and maps it to engine options', () => {
    const config = parseTrustConfig(example());
    expect(config.clients.map((c) => c.client_id)).toEqual(['log-aggregator', 'rotating-worker']);
    expect(config.trustedIssuers.map((i) => i.issuer)).toEqual(['https://ci.example.com', 'batch-signer']);
    expect(config).toMatchObject({ accessTokenLifetime: 300, clockTolerance: 30, maxAssertionLifetime: 3600 });
  });

  it('everything is optional at the top level', () => {
    expect(parseTrustConfig({})).toEqual({ clients: [], trustedIssuers: [] });
  });

  it('feeds createAuthorizationServer, which then honours the file', async () => {
    const clock = frozenClock();
    const config: TrustConfig = parseTrustConfig(example());
    const server = await createAuthorizationServer({ issuer: ISSUER, now: clock.now, ...config });
    const token = await sign(rsa, grantClaims(clock, 'batch-signer', 'anyone'));
    await expect(server.exchange(jwtBearer(token))).resolves.toMatchObject({ scope: 'reports:read' });
  });

  it('the error names the source and the field', () => {
    const err = refusal(mutate((c) => (c.clients[1]!.jwks_uri = 'http://keys.example.com/worker.json')));
    expect(err.source).toBe('trust.json');
    expect(err.field).toBe('clients[1].jwks_uri');
    expect(err.message).toBe('trust.json: "clients[1].jwks_uri" must be an https URL (http only for 127.0.0.1, ::1 or localhost)');
  });

  it('uses a generic source name when none is given', () => {
    expect(() => parseTrustConfig([])).toThrow('trust configuration: "(root)" must be an object');
  });

  describe('unknown fields are errors', () => {
    it.each([
      ['(top level)', (c: Json) => (c.access_token_lifetme = 300), 'access_token_lifetme'],
      ['client', (c: { clients: Json[] }) => (c.clients[0]!.scopes = 'x'), 'clients[0].scopes'],
      ['issuer', (c: { trusted_issuers: Json[] }) => (c.trusted_issuers[1]!.allow_any_subjects = true), 'trusted_issuers[1].allow_any_subjects'],
      ['jwks', (c: { clients: Json[] }) => ((c.clients[0]!.jwks as Json).key = []), 'clients[0].jwks.key'],
    ] as Array<[string, (c: never) => void, string]>)('refuses an unknown field in %s', (_where, change, field) => {
      const err = refusal(mutate(change as (c: Json) => void));
      expect(err.field).toBe(field);
      expect(err.message).toContain('is not a known field');
    });
  });

  describe('keys', () => {
    it('refuses a client with both jwks and jwks_uri, or neither', () => {
      expect(refusal(mutate((c) => (c.clients[0]!.jwks_uri = 'https://k.example.com')))).toMatchObject({ field: 'clients[0]' });
      expect(refusal(mutate((c) => delete c.clients[0]!.jwks)).message).toBe('trust.json: "clients[0]" must have exactly one of "jwks" and "jwks_uri"');
      expect(refusal(mutate((c) => (c.trusted_issuers[0]!.jwks = { keys: [ec.publicJwk] })))).toMatchObject({ field: 'trusted_issuers[0]' });
      expect(refusal(mutate((c) => delete c.trusted_issuers[1]!.jwks))).toMatchObject({ field: 'trusted_issuers[1]' });
    });

    it('refuses an http jwks_uri to a host that is not loopback, and allows loopback', () => {
      for (const uri of ['http://ci.example.com/jwks', 'http://10.0.0.1/jwks', 'http://127.example.com/jwks', 'ftp://ci.example.com/jwks', 'file:///etc/jwks.json', 'not a url', '', 42]) {
        expect(refusal(mutate((c) => (c.trusted_issuers[0]!.jwks_uri = uri))).field).toBe('trusted_issuers[0].jwks_uri');
      }
      for (const uri of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:3000/jwks', 'http://127.1.2.3/jwks', 'https://ci.example.com/jwks']) {
        expect(() => parseTrustConfig(mutate((c) => (c.trusted_issuers[0]!.jwks_uri = uri)))).not.toThrow();
      }
    });

    it('refuses an empty key set, a private key, a symmetric key and a short RSA key', () => {
      expect(refusal(mutate((c) => (c.clients[0]!.jwks = { keys: [] })))).toMatchObject({ field: 'clients[0].jwks.keys' });
      expect(refusal(mutate((c) => (c.clients[0]!.jwks = {})))).toMatchObject({ field: 'clients[0].jwks.keys' });
      expect(refusal(mutate((c) => (c.clients[0]!.jwks = 'keys')))).toMatchObject({ field: 'clients[0].jwks' });
      expect(refusal(mutate((c) => (c.clients[0]!.jwks = { keys: [ec.privateJwk] })))).toMatchObject({ field: 'clients[0].jwks.keys[0]' });
      expect(refusal(mutate((c) => (c.clients[0]!.jwks = { keys: [ec.publicJwk, { kty: 'oct', k: 'c2VjcmV0' }] })))).toMatchObject({
        field: 'clients[0].jwks.keys[1]',
      });
      const shortRsa = { kty: 'RSA', n: Buffer.alloc(128, 0xff).toString('base64url'), e: 'AQAB' };
      expect(refusal(mutate((c) => (c.trusted_issuers[1]!.jwks = { keys: [shortRsa] }))).message).toContain('at least 2048 bits');
    });
  });

  describe('trusted issuers', () => {
    it('refuses both subjects and allow_any_subject, or neither (nor claim_conditions, rule W2)', () => {
      expect(refusal(mutate((c) => (c.trusted_issuers[0]!.allow_any_subject = true))).message).toBe(
        'trust.json: "trusted_issuers[0]" must not have both "subjects" and "allow_any_subject"',
      );
      expect(refusal(mutate((c) => delete c.trusted_issuers[1]!.allow_any_subject))).toMatchObject({ field: 'trusted_issuers[1]' });
    });

    it('refuses allow_any_subject other than true', () => {
      expect(refusal(mutate((c) => (c.trusted_issuers[1]!.allow_any_subject = false)))).toMatchObject({ field: 'trusted_issuers[1].allow_any_subject' });
      expect(refusal(mutate((c) => (c.trusted_issuers[1]!.allow_any_subject = 'yes')))).toMatchObject({ field: 'trusted_issuers[1].allow_any_subject' });
    });

    it('refuses subjects that are not an array of non-empty strings', () => {
      expect(refusal(mutate((c) => (c.trusted_issuers[0]!.subjects = 'repo:x')))).toMatchObject({ field: 'trusted_issuers[0].subjects' });
      expect(refusal(mutate((c) => (c.trusted_issuers[0]!.subjects = ['ok', '']))).field).toBe('trusted_issuers[0].subjects[1]');
    });

    it('refuses a missing issuer, a repeated issuer and a non-boolean require_jti', () => {
      expect(refusal(mutate((c) => delete c.trusted_issuers[0]!.issuer))).toMatchObject({ field: 'trusted_issuers[0].issuer' });
      expect(refusal(mutate((c) => (c.trusted_issuers[1]!.issuer = 'https://ci.example.com')))).toMatchObject({ field: 'trusted_issuers[1].issuer' });
      expect(refusal(mutate((c) => (c.trusted_issuers[1]!.require_jti = 'false')))).toMatchObject({ field: 'trusted_issuers[1].require_jti' });
      expect(() => parseTrustConfig(mutate((c) => (c.trusted_issuers[1]!.require_jti = false)))).not.toThrow();
    });

    it('refuses a max_assertion_lifetime that is not whole seconds from 1 to 86400', () => {
      for (const value of [0, -1, 1.5, '600', 86_401, null]) {
        expect(refusal(mutate((c) => (c.trusted_issuers[0]!.max_assertion_lifetime = value)))).toMatchObject({
          field: 'trusted_issuers[0].max_assertion_lifetime',
        });
      }
    });

    it('refuses trusted_issuers that is not an array, and entries that are not objects', () => {
      expect(refusal(mutate((c) => (c.trusted_issuers = {} as never)))).toMatchObject({ field: 'trusted_issuers' });
      expect(refusal(mutate((c) => (c.trusted_issuers = ['x'] as never)))).toMatchObject({ field: 'trusted_issuers[0]' });
    });
  });

  describe('clients', () => {
    it('refuses a missing or repeated client_id', () => {
      expect(refusal(mutate((c) => (c.clients[0]!.client_id = '')))).toMatchObject({ field: 'clients[0].client_id' });
      expect(refusal(mutate((c) => (c.clients[1]!.client_id = 'log-aggregator')))).toMatchObject({ field: 'clients[1].client_id' });
    });

    it('refuses a token_endpoint_auth_method other than private_key_jwt', () => {
      for (const method of ['client_secret_basic', 'none', 'client_secret_jwt']) {
        expect(refusal(mutate((c) => (c.clients[0]!.token_endpoint_auth_method = method)))).toMatchObject({ field: 'clients[0].token_endpoint_auth_method' });
      }
    });

    it('J9 refuses token_endpoint_auth_signing_alg none, HS256 and unknown values', () => {
      for (const alg of ['none', 'HS256', 'es256', 'RS1']) {
        expect(refusal(mutate((c) => (c.clients[0]!.token_endpoint_auth_signing_alg = alg)))).toMatchObject({
          field: 'clients[0].token_endpoint_auth_signing_alg',
        });
      }
      const edClient = (alg: string) => mutate((c) => Object.assign(c.clients[0]!, { jwks: { keys: [ed.publicJwk] }, token_endpoint_auth_signing_alg: alg }));
      expect(() => parseTrustConfig(edClient('Ed25519'))).not.toThrow();
      expect(() => parseTrustConfig(edClient('EdDSA'))).not.toThrow();
    });

    it('refuses a pinned token_endpoint_auth_signing_alg that no key in jwks can verify, naming the field', () => {
      const pinned = (alg: string, keys: object[]) => mutate((c) => Object.assign(c.clients[0]!, { jwks: { keys }, token_endpoint_auth_signing_alg: alg }));
      const locked = [
        ['RS256', [ec.publicJwk]], // RSA pin, EC-only client
        ['ES384', [ec.publicJwk]], // P-384 pin, P-256 key
        ['ES256', [p384.publicJwk, rsa.publicJwk]],
        ['EdDSA', [ec.publicJwk]],
        ['PS256', [{ ...rsa.publicJwk, alg: 'RS256' }]], // the key is labelled for another algorithm
        ['ES256', [{ ...ec.publicJwk, use: 'enc' }]],
        ['ES256', [{ ...ec.publicJwk, key_ops: ['encrypt'] }]],
        // What the key set refuses at each request, refused here too (keys/local-key-set.ts):
        ['ES256', [{ ...ec.publicJwk, key_ops: ['verify', 'sign'] }]], // more than verify
        ['ES256', [{ ...ec.publicJwk, key_ops: ['verify', 'verify'] }]], // repeated key_ops (RFC 7517 §4.3)
        ['ES256', [{ ...ec.publicJwk, ext: 'true' }]], // ext not a boolean
        ['Ed25519', [{ ...ed.publicJwk, alg: 'EdDSA' }]], // the key is labelled EdDSA; a header says Ed25519
        ['EdDSA', [{ ...ed.publicJwk, alg: 'Ed25519' }]],
      ] as const;
      for (const [alg, keys] of locked) {
        const err = refusal(pinned(alg, [...keys]));
        expect(err).toMatchObject({ field: 'clients[0].token_endpoint_auth_signing_alg' });
        expect(err.message).toContain(`no key in "jwks" can verify ${alg}`);
      }
      const usable = [
        ['PS256', [ec.publicJwk, rsa.publicJwk]],
        ['ES384', [ec.publicJwk, p384.publicJwk]],
        ['ES256', [{ ...ec.publicJwk, alg: 'ES256', use: 'sig', key_ops: ['verify'] }]],
        ['Ed25519', [{ ...ed.publicJwk, alg: 'Ed25519' }]],
        ['EdDSA', [{ ...ed.publicJwk, alg: 'EdDSA' }]],
        ['ES256', [{ ...ec.publicJwk, ext: true }]],
      ] as const;
      for (const [alg, keys] of usable) expect(() => parseTrustConfig(pinned(alg, [...keys]))).not.toThrow();
      // A jwks_uri client's keys are unknown at start-up: nothing to check then.
      expect(() => parseTrustConfig(mutate((c) => (c.clients[1]!.token_endpoint_auth_signing_alg = 'RS256')))).not.toThrow();
    });

    it('refuses two keys with one kid in a key set, naming the second', () => {
      const other = { ...rsa.publicJwk, kid: ec.kid };
      const client = refusal(mutate((c) => (c.clients[0]!.jwks = { keys: [ec.publicJwk, p384.publicJwk, other] })));
      expect(client).toMatchObject({ field: 'clients[0].jwks.keys[2].kid' });
      expect(client.message).toContain('duplicates the kid of clients[0].jwks.keys[0]');
      const issuer = refusal(mutate((c) => (c.trusted_issuers[1]!.jwks = { keys: [rsa.publicJwk, rsa.publicJwk] })));
      expect(issuer).toMatchObject({ field: 'trusted_issuers[1].jwks.keys[1].kid' });
      // Keys without kid, or with distinct kids, are fine.
      const { kid: _a, ...noKid1 } = ec.publicJwk;
      const { kid: _b, ...noKid2 } = p384.publicJwk;
      expect(() => parseTrustConfig(mutate((c) => (c.clients[0]!.jwks = { keys: [noKid1, noKid2, ec.publicJwk] })))).not.toThrow();
    });

    it('refuses a client_id equal to a trusted issuer (one replay namespace), naming the client_id', () => {
      const err = refusal(mutate((c) => (c.clients[1]!.client_id = 'batch-signer')));
      expect(err).toMatchObject({ field: 'clients[1].client_id' });
      expect(err.message).toContain('equals trusted_issuers[1].issuer');
    });

    it('refuses malformed grant_types, scope and flags', () => {
      expect(refusal(mutate((c) => (c.clients[0]!.grant_types = 'client_credentials')))).toMatchObject({ field: 'clients[0].grant_types' });
      expect(refusal(mutate((c) => (c.clients[0]!.grant_types = [1])))).toMatchObject({ field: 'clients[0].grant_types[0]' });
      for (const scope of ['a  b', ' a', 'a"b', '', 7]) {
        expect(refusal(mutate((c) => (c.clients[0]!.scope = scope)))).toMatchObject({ field: 'clients[0].scope' });
      }
      expect(refusal(mutate((c) => (c.trusted_issuers[0]!.scope = 'a\\b')))).toMatchObject({ field: 'trusted_issuers[0].scope' });
      expect(refusal(mutate((c) => (c.clients[0]!.legacy_token_endpoint_audience = 'yes')))).toMatchObject({
        field: 'clients[0].legacy_token_endpoint_audience',
      });
      expect(refusal(mutate((c) => (c.clients[0]!.require_explicit_typ = 1)))).toMatchObject({ field: 'clients[0].require_explicit_typ' });
      expect(refusal(mutate((c) => (c.clients[0]!.max_assertion_lifetime = 0)))).toMatchObject({ field: 'clients[0].max_assertion_lifetime' });
    });

    it('accepts the extensions of ours', () => {
      const config = parseTrustConfig(
        mutate((c) => Object.assign(c.clients[0]!, { legacy_token_endpoint_audience: true, require_explicit_typ: false, max_assertion_lifetime: 120 })),
      );
      expect(config.clients[0]).toMatchObject({ legacy_token_endpoint_audience: true, max_assertion_lifetime: 120 });
    });
  });

  describe('top-level durations', () => {
    it.each([
      ['access_token_lifetime', [0, 86_401, 1.5, '300']],
      ['clock_tolerance', [-1, 301, 0.5, '30']],
      ['max_assertion_lifetime', [0, 86_401, 2.5, null]],
    ] as Array<[string, unknown[]]>)('refuses an out-of-range %s', (field, values) => {
      for (const value of values) expect(refusal(mutate((c) => (c[field] = value)))).toMatchObject({ field });
    });

    it('J4 allows a clock tolerance of 0 and at most a few minutes', () => {
      expect(parseTrustConfig({ clock_tolerance: 0 }).clockTolerance).toBe(0);
      expect(parseTrustConfig({ clock_tolerance: 300 }).clockTolerance).toBe(300);
    });
  });
});

describe('loadTrustConfig', () => {
  it('reads and validates a file', async () => {
    const path = join(dir, 'good.json');
    await writeFile(path, JSON.stringify(example()));
    await expect(loadTrustConfig(path)).resolves.toMatchObject({ accessTokenLifetime: 300 });
  });

  it('names the file and the field of an invalid configuration', async () => {
    const path = join(dir, 'typo.json');
    await writeFile(path, JSON.stringify(mutate((c) => (c.clients[0]!.grant_type = ['client_credentials']))));
    await expect(loadTrustConfig(path)).rejects.toThrow(`${path}: "clients[0].grant_type" is not a known field`);
    await expect(loadTrustConfig(path)).rejects.toMatchObject({ name: 'ConfigurationError', source: path, field: 'clients[0].grant_type' });
  });

  it('names the file when it is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "clients": [ }');
    await expect(loadTrustConfig(path)).rejects.toMatchObject({ source: path, field: '(file)', message: expect.stringContaining('is not valid JSON') });
  });

  it('names the file when it cannot be read', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadTrustConfig(path)).rejects.toMatchObject({ source: path, field: '(file)', message: `${path}: "(file)" cannot be read: ENOENT` });
  });
});
