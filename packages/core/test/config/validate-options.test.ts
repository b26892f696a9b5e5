import { ConfigurationError, createAuthorizationServer, DEFAULTS, parseTrustConfig, MAX_ACCESS_TOKEN_LIFETIME, MAX_CLOCK_TOLERANCE, type AuthorizationServerOptions } from '@rfc7523/core';
import { validateServerOptions } from '../../src/config/validate-options.js';
import { ISSUER } from '../support/fixtures.js';

const refusal = (options: unknown): ConfigurationError => {
  try {
    validateServerOptions(options as AuthorizationServerOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected the options to be refused');
};

describe('createAuthorizationServer options', () => {
  it('fills the defaults and freezes the result', () => {
    const resolved = validateServerOptions({ issuer: ISSUER });
    expect(resolved).toMatchObject({
      issuer: ISSUER,
      tokenEndpoint: `${ISSUER}/token`,
      jwksUri: `${ISSUER}/jwks`,
      accessTokenAudience: ISSUER,
      accessTokenLifetime: 300,
      clockTolerance: 30,
      maxAssertionLifetime: 3600,
      maxAssertionLength: 16_384,
      maxBodyLength: 65_536,
      jwksFetch: { timeout: 5000, cooldown: 30_000, cacheMaxAge: 600_000, maxBytes: 524_288 },
      clients: [],
      trustedIssuers: [],
      now: Date.now,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(DEFAULTS).toEqual({ accessTokenLifetime: 300, clockTolerance: 30, maxAssertionLifetime: 3600, maxAssertionLength: 16_384, maxBodyLength: 65_536 });
    expect(MAX_CLOCK_TOLERANCE).toBe(300);
    expect(MAX_ACCESS_TOKEN_LIFETIME).toBe(86_400);
  });

  it('derives the token endpoint and jwks_uri from an issuer with a path and a trailing slash', () => {
    const resolved = validateServerOptions({ issuer: 'https://as.example.com/tenant/' });
    expect(resolved.tokenEndpoint).toBe('https://as.example.com/tenant/token');
    expect(resolved.jwksUri).toBe('https://as.example.com/tenant/jwks');
  });

  it('takes explicit URLs and an http issuer on loopback', () => {
    const resolved = validateServerOptions({ issuer: 'http://localhost:3000', tokenEndpoint: 'http://127.0.0.1:3000/oauth/token', jwksUri: 'https://cdn.example.com/keys' });
    expect(resolved).toMatchObject({ tokenEndpoint: 'http://127.0.0.1:3000/oauth/token', jwksUri: 'https://cdn.example.com/keys' });
  });

  it('refuses options that are not an object', () => {
    expect(refusal(undefined).field).toBe('options');
    expect(refusal('https://as.example.com').field).toBe('options');
  });

  it.each([
    [{}, 'issuer', 'must be a non-empty string'],
    [{ issuer: '' }, 'issuer', 'must be a non-empty string'],
    [{ issuer: 'as.example.com' }, 'issuer', 'must be an absolute URL'],
    [{ issuer: 'http://as.example.com' }, 'issuer', 'https URL'],
    [{ issuer: 'https://as.example.com?tenant=1' }, 'issuer', 'no query or fragment'],
    [{ issuer: 'https://as.example.com#x' }, 'issuer', 'no query or fragment'],
    [{ issuer: ISSUER, tokenEndpoint: 'http://as.example.com/token' }, 'tokenEndpoint', 'https URL'],
    [{ issuer: ISSUER, jwksUri: 5 }, 'jwksUri', 'non-empty string'],
    [{ issuer: ISSUER, accessTokenAudience: '' }, 'accessTokenAudience', 'non-empty string'],
    [{ issuer: ISSUER, accessTokenLifetime: 0 }, 'accessTokenLifetime', 'whole number of seconds from 1 to 86400'],
    [{ issuer: ISSUER, accessTokenLifetime: 86_401 }, 'accessTokenLifetime', 'from 1 to 86400'],
    [{ issuer: ISSUER, clockTolerance: 301 }, 'clockTolerance', 'from 0 to 300'],
    [{ issuer: ISSUER, clockTolerance: -1 }, 'clockTolerance', 'from 0 to 300'],
    [{ issuer: ISSUER, clockTolerance: '30' }, 'clockTolerance', 'whole number'],
    [{ issuer: ISSUER, maxAssertionLifetime: 1.5 }, 'maxAssertionLifetime', 'whole number'],
    [{ issuer: ISSUER, maxAssertionLength: 100 }, 'maxAssertionLength', 'from 1024 to 1048576'],
    [{ issuer: ISSUER, maxBodyLength: 2_000_000 }, 'maxBodyLength', 'from 1024 to 1048576'],
    [{ issuer: ISSUER, maxBodyLength: '65536' }, 'maxBodyLength', 'bytes'],
    [{ issuer: ISSUER, replayStore: {} }, 'replayStore', 'remember(key, expiresAt)'],
    [{ issuer: ISSUER, replayStore: null }, 'replayStore', 'remember'],
    [{ issuer: ISSUER, onEvent: 'console.log' }, 'onEvent', 'must be a function'],
    [{ issuer: ISSUER, now: 0 }, 'now', 'must be a function'],
    [{ issuer: ISSUER, grants: [] }, 'grants', 'must be an object'],
    [{ issuer: ISSUER, grants: { authorization_code: {} } }, 'grants.authorization_code', 'handle(context)'],
    [{ issuer: ISSUER, grants: { authorization_code: null } }, 'grants.authorization_code', 'handle(context)'],
    [{ issuer: ISSUER, jwksFetch: 5000 }, 'jwksFetch', 'must be an object'],
    [{ issuer: ISSUER, jwksFetch: { timeOut: 5000 } }, 'jwksFetch.timeOut', 'not a known field'],
    [{ issuer: ISSUER, jwksFetch: { timeout: -1 } }, 'jwksFetch.timeout', 'milliseconds from 0 to 3600000'],
    [{ issuer: ISSUER, jwksFetch: { cooldown: 1.5 } }, 'jwksFetch.cooldown', 'milliseconds'],
    [{ issuer: ISSUER, jwksFetch: { cacheMaxAge: 3_600_001 } }, 'jwksFetch.cacheMaxAge', 'milliseconds'],
    [{ issuer: ISSUER, jwksFetch: { maxBytes: 1023 } }, 'jwksFetch.maxBytes', 'bytes from 1024 to 16777216'],
    [{ issuer: ISSUER, jwksFetch: { maxBytes: '1mb' } }, 'jwksFetch.maxBytes', 'bytes'],
    [{ issuer: ISSUER, clients: {} }, 'clients', 'must be an array'],
    [{ issuer: ISSUER, clients: [{ client_id: 'c' }] }, 'clients[0]', 'exactly one of "jwks" and "jwks_uri"'],
    [{ issuer: ISSUER, trustedIssuers: [{ issuer: 'i', jwks_uri: 'http://keys.example.com', subjects: [] }] }, 'trustedIssuers[0].jwks_uri', 'https'],
  ] as Array<[object, string, string]>)('refuses %j naming %s', (options, field, problem) => {
    const err = refusal(options);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`"${field}"`);
    expect(err.message).toContain(problem);
    expect(err.source).toBeUndefined();
  });

  it('throws the TypeError from createAuthorizationServer before doing anything else', async () => {
    await expect(createAuthorizationServer({ issuer: ISSUER, clockTolerance: 3600 })).rejects.toMatchObject({ name: 'ConfigurationError', field: 'clockTolerance' });
  });

  it('does not keep a reference to the caller’s client list', async () => {
    const clients = [{ client_id: 'c', jwks_uri: 'https://keys.example.com/c.json', scope: 'a' }];
    const server = await createAuthorizationServer({ issuer: ISSUER, clients });
    clients[0]!.scope = 'a admin';
    expect(server.metadata.scopes_supported).toEqual(['a']);
  });

  describe('configuration that would silently lock out or confuse', () => {
    const key = { kty: 'EC', crv: 'P-256', x: 'WuRsi81WEHCvcvTizxlwyOEvKnyYDCYIUskbEjmEGx4', y: 'WVo2FlmnMNRMi1HF4D-ggPKCQy8iB1JvtD9UCODyPrw' };
    const client = (extra: object = {}) => ({ client_id: 'worker', jwks: { keys: [key] }, ...extra });

    it('refuses an unknown grant_types value, naming it', () => {
      const err = refusal({ issuer: ISSUER, clients: [client({ grant_types: ['client_credentials', 'client_credential'] })] });
      expect(err).toMatchObject({ field: 'clients[0].grant_types[1]' });
      expect(err.message).toContain('is not a grant type this server serves');
      expect(refusal({ issuer: ISSUER, clients: [client({ grant_types: ['authorization_code'] })] })).toMatchObject({ field: 'clients[0].grant_types[0]' });
    });

    it('accepts the built-in grant types and those of the grants option', () => {
      const grant_types = ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'authorization_code'];
      const grants = { authorization_code: { handle: async () => ({ access_token: 'x', token_type: 'Bearer' as const, expires_in: 1 }) } };
      expect(() => validateServerOptions({ issuer: ISSUER, clients: [client({ grant_types })], grants })).not.toThrow();
    });

    it('refuses a client_id equal to a trusted issuer, naming the client_id', () => {
      const err = refusal({ issuer: ISSUER, clients: [client({ client_id: 'ci' })], trustedIssuers: [{ issuer: 'ci', jwks: { keys: [key] }, allow_any_subject: true }] });
      expect(err).toMatchObject({ field: 'clients[0].client_id' });
      expect(err.message).toContain('equals trustedIssuers[0].issuer');
    });

    it('refuses a pinned algorithm no registered key can verify (RS256 on an EC-only client)', () => {
      expect(refusal({ issuer: ISSUER, clients: [client({ token_endpoint_auth_signing_alg: 'RS256' })] })).toMatchObject({
        field: 'clients[0].token_endpoint_auth_signing_alg',
      });
    });
  });

  describe('unknown options', () => {
    it('refuses an unknown option, naming it, in the style of the trust file', async () => {
      const options = { issuer: ISSUER, clokTolerance: 5 } as unknown as AuthorizationServerOptions;
      await expect(createAuthorizationServer(options)).rejects.toMatchObject({ name: 'ConfigurationError', field: 'clokTolerance', message: '"clokTolerance" is not a known field' });
      let fileError: unknown;
      try {
        parseTrustConfig({ clock_tolerence: 5 }, 'trust.json');
      } catch (err) {
        fileError = err;
      }
      expect(fileError).toMatchObject({ field: 'clock_tolerence', message: 'trust.json: "clock_tolerence" is not a known field' });
    });

    it('names the first unknown option among known ones, and accepts every documented option', () => {
      expect(refusal({ issuer: ISSUER, clockTolerance: 5, maxBodyLenght: 2048 })).toMatchObject({ field: 'maxBodyLenght' });
      const all: Required<Omit<AuthorizationServerOptions, 'signingKey' | 'replayStore'>> = {
        issuer: ISSUER,
        tokenEndpoint: `${ISSUER}/token`,
        jwksUri: `${ISSUER}/jwks`,
        clients: [],
        trustedIssuers: [],
        accessTokenAudience: ISSUER,
        resources: ['https://mcp.example.com/mcp'],
        accessTokenLifetime: 60,
        clockTolerance: 5,
        maxAssertionLifetime: 60,
        maxAssertionLength: 4096,
        maxBodyLength: 4096,
        dpop: { nonces: true, maxAge: 30, algorithms: ['ES256'], maxJtiLength: 64 },
        importKeys: 'on-first-use',
        jwksFetch: {},
        grants: {},
        onEvent: () => {},
        now: Date.now,
      };
      expect(() => validateServerOptions(all)).not.toThrow();
    });
  });
});
