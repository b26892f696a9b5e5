/**
 * Property-based checks: whatever arrives at the token endpoint — random text, mutated valid JWTs,
 * random headers and claims (validly signed), random forms, methods and content types — the engine
 * answers with an OAuth error (400/401/405/413/503) or a token, never a 500 or another exception.
 */
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import {
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  OAuthError,
  type AuthorizationServer,
  type PlainRequest,
} from '@rfc7523/core';
import {
  b64u,
  clientClaims,
  clientCredentials,
  frozenClock,
  grantClaims,
  ISSUER,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  sign,
  TOKEN_ENDPOINT,
  type TestKey,
} from './support/fixtures.js';

const NUM_RUNS = 200;
const ERROR_STATUSES = [400, 401, 405, 413, 503];
const ERROR_CODES = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'temporarily_unavailable'];
const FORM = 'application/x-www-form-urlencoded';

const clock = frozenClock();
let server: AuthorizationServer;
let ecKey: TestKey;
let edKey: TestKey;
let ecSigner: KeyObject;
let edSigner: KeyObject;
let validTokens: string[];

beforeAll(async () => {
  ecKey = await makeKey('ES256', 'ec');
  edKey = await makeKey('EdDSA', 'ed');
  ecSigner = createPrivateKey({ key: ecKey.privateJwk as never, format: 'jwk' });
  edSigner = createPrivateKey({ key: edKey.privateJwk as never, format: 'jwk' });
  server = await makeServer({
    now: clock.now,
    clients: [
      { client_id: 'worker', jwks: jwks(ecKey, edKey), grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'read write' },
      { client_id: 'legacy', jwks: jwks(ecKey), legacy_token_endpoint_audience: true, require_explicit_typ: true },
    ],
    trustedIssuers: [
      { issuer: 'ci', jwks: jwks(ecKey, edKey), allow_any_subject: true, scope: 'read deploy' },
      { issuer: 'wif', jwks: jwks(ecKey), subjects: ['pod'], require_jti: false },
    ],
  });
  validTokens = await Promise.all([
    ...Array.from({ length: 8 }, () => sign(ecKey, grantClaims(clock, 'ci', 'alice'))),
    ...Array.from({ length: 4 }, () => sign(edKey, grantClaims(clock, 'wif', 'pod', { jti: undefined }))),
    ...Array.from({ length: 8 }, () => sign(ecKey, clientClaims(clock, 'worker'))),
    ...Array.from({ length: 4 }, () => sign(ecKey, clientClaims(clock, 'legacy', { aud: TOKEN_ENDPOINT }), { typ: 'client-authentication+jwt' })),
  ]);
});

/** Runs a request through every entry point and checks that only OAuth errors (or success) come out. */
async function onlyOAuthOutcomes(request: PlainRequest): Promise<void> {
  const res = await server.handleTokenRequest(request);
  expect(res.headers['cache-control']).toBe('no-store');
  if (res.status !== 200) {
    expect(ERROR_STATUSES).toContain(res.status);
    expect(ERROR_CODES).toContain(res.body.error);
    expect(String(res.body.error_description)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
  } else {
    expect(res.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  }
  for (const call of [() => server.exchange(request), () => server.authenticateClient(request), () => server.verifyGrant(request)]) {
    try {
      await call();
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      expect(ERROR_STATUSES).toContain(err.status);
    }
  }
}

/** Both uses of one token: as a grant and as a client assertion. */
async function asBothUses(token: string, scope?: string): Promise<void> {
  await onlyOAuthOutcomes(jwtBearer(token, { scope }));
  await onlyOAuthOutcomes(clientCredentials(token, { scope }));
}

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.base64String(),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,40}(\.[A-Za-z0-9_-]{0,40}){0,5}$/),
);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'delete'; at: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'drop'; segment: number }
  | { kind: 'append'; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.oneof(fc.constantFrom(...BASE64URL, '.', '=', '+', '/', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...BASE64URL, '.', '=') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({ kind: fc.constant('drop' as const), segment: fc.nat(2) }),
  fc.record({ kind: fc.constant('append' as const), text: fc.constantFrom('.', '.x', '..', `.${b64u('{}')}`, '.a.b') }),
);

function mutate(token: string, mutations: Mutation[]): string {
  let t = token;
  for (const m of mutations) {
    const at = t.length === 0 ? 0 : 'at' in m ? m.at % t.length : 0;
    const parts = t.split('.');
    switch (m.kind) {
      case 'flip':
        t = t.slice(0, at) + m.char + t.slice(at + 1);
        break;
      case 'insert':
        t = t.slice(0, at) + m.char + t.slice(at);
        break;
      case 'delete':
        t = t.slice(0, at) + t.slice(at + 1);
        break;
      case 'swap':
        [parts[m.a], parts[m.b]] = [parts[m.b] ?? '', parts[m.a] ?? ''];
        t = parts.join('.');
        break;
      case 'drop':
        parts.splice(m.segment, 1);
        t = parts.join('.');
        break;
      case 'append':
        t += m.text;
    }
  }
  return t;
}

const now = () => clock.seconds();
const numericDate = fc.oneof(
  fc.integer({ min: -7200, max: 7200 }).map((d) => now() + d),
  fc.double({ noNaN: false }),
  fc.constantFrom(null, '1', true, 0, -1, Number.MAX_SAFE_INTEGER),
  fc.jsonValue(),
);
const claimsArb = fc
  .tuple(
    fc.record(
      {
        iss: fc.oneof(fc.constantFrom('ci', 'wif', 'worker', 'legacy', 'nobody'), fc.jsonValue()),
        sub: fc.oneof(fc.constantFrom('alice', 'pod', 'worker', 'legacy'), fc.jsonValue()),
        aud: fc.oneof(fc.constantFrom(ISSUER, TOKEN_ENDPOINT, `${ISSUER}/`), fc.array(fc.constantFrom(ISSUER, TOKEN_ENDPOINT, 'x'), { maxLength: 3 }), fc.jsonValue()),
        exp: numericDate,
        nbf: numericDate,
        iat: numericDate,
        jti: fc.oneof(fc.uuid(), fc.constant(''), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));
const headerArb = fc
  .tuple(
    fc.record(
      {
        alg: fc.oneof(fc.constantFrom('ES256', 'EdDSA', 'Ed25519', 'RS256', 'none', 'HS256', 'ES384'), fc.jsonValue()),
        kid: fc.oneof(fc.constantFrom('ec', 'ed', 'nope'), fc.jsonValue()),
        typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt', 'client-authentication+jwt', 'application/client-authentication+jwt'), fc.jsonValue()),
        crit: fc.array(fc.string(), { maxLength: 2 }),
        b64: fc.boolean(),
        jwk: fc.constant({ kty: 'oct', k: 'AAAA' }),
        jku: fc.constant('http://127.0.0.1:9/jwks'),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** Signs any header and claims for real, bypassing the checks jose makes on the header. */
function signAnything(header: Record<string, unknown>, claims: unknown, key: 'ec' | 'ed' | 'garbage', rawClaims?: string): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(rawClaims ?? JSON.stringify(claims))}`;
  const data = Buffer.from(input);
  const signature =
    key === 'ec'
      ? cryptoSign('sha256', data, { key: ecSigner, dsaEncoding: 'ieee-p1363' })
      : key === 'ed'
        ? cryptoSign(null, data, edSigner)
        : Buffer.from('garbage signature');
  return `${input}.${signature.toString('base64url')}`;
}

describe('property: the engine answers only with OAuth errors', () => {
  it('random text as assertion, client_assertion and scope', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.option(anyText), async (text, scope) => {
        await asBothUses(text, scope ?? undefined);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('mutated valid JWTs (flipped, inserted, deleted characters, swapped or dropped segments)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...validTokens), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (token, mutations) => {
        await asBothUses(mutate(token, mutations));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('random JSON headers and claims, validly signed or not', async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, claimsArb, fc.constantFrom('ec', 'ed', 'garbage') as fc.Arbitrary<'ec' | 'ed' | 'garbage'>, async (header, claims, key) => {
        await asBothUses(signAnything(header, claims, key));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('plausible headers and claims around the valid ones, validly signed', async () => {
    const plausibleHeader = fc.record(
      { alg: fc.constantFrom('ES256', 'EdDSA', 'Ed25519'), kid: fc.constantFrom('ec', 'ed'), typ: fc.constantFrom('JWT', 'client-authentication+jwt', 'at+jwt') },
      { requiredKeys: ['alg'] },
    );
    const plausibleClaims = fc.record(
      {
        iss: fc.constantFrom('ci', 'wif', 'worker', 'legacy'),
        sub: fc.constantFrom('alice', 'pod', 'worker', 'legacy'),
        aud: fc.constantFrom(ISSUER, TOKEN_ENDPOINT, [ISSUER], [ISSUER, 'x']),
        exp: fc.integer({ min: -100, max: 4000 }).map((d) => now() + d),
        nbf: fc.integer({ min: -100, max: 100 }).map((d) => now() + d),
        iat: fc.integer({ min: -4000, max: 100 }).map((d) => now() + d),
        jti: fc.uuid(),
      },
      { requiredKeys: ['iss', 'sub'] },
    );
    await fc.assert(
      fc.asyncProperty(plausibleHeader, plausibleClaims, fc.option(fc.constantFrom('read', 'deploy', 'read write', 'admin')), async (header, claims, scope) => {
        const key = header.alg === 'ES256' ? 'ec' : 'ed';
        await asBothUses(signAnything(header, claims, key), scope ?? undefined);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('claims sets that are JSON but odd: duplicates, deep nesting, huge numbers, escapes', async () => {
    const odd = fc.oneof(
      fc.constant('{"iss":"ci","iss":"wif","sub":"alice"}'),
      fc.constant(`{"iss":"ci","sub":"alice","aud":"${ISSUER}","exp":1e400}`),
      fc.constant(`{"a":${'['.repeat(500)}${']'.repeat(500)}}`),
      fc.constant('{"\\u0069ss":"ci","iss":"x"}'),
      fc.json(),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(odd, async (rawClaims) => {
        await asBothUses(signAnything({ alg: 'ES256', kid: 'ec' }, null, 'ec', rawClaims));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('random forms: parameters, repeats, bodies, content types, methods and Authorization headers', async () => {
    const name = fc.oneof(
      fc.constantFrom('grant_type', 'assertion', 'client_assertion', 'client_assertion_type', 'client_id', 'client_secret', 'scope', 'code'),
      fc.string({ maxLength: 10 }),
    );
    const value = fc.oneof(
      fc.constantFrom(JWT_BEARER_GRANT_TYPE, 'client_credentials', JWT_BEARER_CLIENT_ASSERTION_TYPE, '', 'worker', 'legacy', 'read', 'read write'),
      fc.constantFrom(...validTokens),
      fc.string(),
    );
    const entries = fc.array(fc.tuple(name, value), { maxLength: 8 });
    const body = fc.oneof(
      entries.map((e) => new URLSearchParams(e).toString()),
      entries.map((e) => new TextEncoder().encode(new URLSearchParams(e).toString())),
      fc.dictionary(name, fc.oneof(value, fc.array(value, { maxLength: 2 }), fc.integer(), fc.constant(null), fc.object())),
      fc.string(),
      fc.constant(undefined),
      fc.constant(`grant_type=client_credentials&pad=${'x'.repeat(70_000)}`),
    );
    const contentType = fc.option(
      fc.oneof(fc.constantFrom(FORM, `${FORM}; charset=utf-8`, 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'text/plain', 'multipart/form-data'), fc.string()),
    );
    const method = fc.oneof(fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'post', 'OPTIONS'), fc.string({ maxLength: 8 }));
    const authorization = fc.option(fc.oneof(fc.constantFrom('Basic d29ya2VyOnM=', 'Bearer abc', 'Basic', '', ' '), fc.string()));
    await fc.assert(
      fc.asyncProperty(method, contentType, authorization, body, async (m, type, auth, b) => {
        const headers: Record<string, string> = {};
        if (type !== null) headers['content-type'] = type;
        if (auth !== null) headers.authorization = auth;
        await onlyOAuthOutcomes({ method: m, headers, body: b as PlainRequest['body'] });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
