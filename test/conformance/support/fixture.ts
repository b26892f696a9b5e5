import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import type { ConformanceTarget } from '../targets.js';
import { startJwksServer, type JwksServer } from '../../support/jwks-server.js';
import { TestClock } from '../../support/clock.js';
import { makeKey, type TestKey } from '../../support/keys.js';

/** The issuer identifier every conformance server uses. */
export const ISSUER = 'https://as.conformance.test';
/** Its token endpoint URL (ISSUER + /token, docs/demo-interface.md). */
export const TOKEN_ENDPOINT = `${ISSUER}/token`;

/** What the suite signs with: the part of the test kit's key pair minting needs. */
export type Signer = Pick<TestKey, 'alg' | 'kid' | 'privateKey' | 'publicJwk'>;

const signer = (alg: string, kid: string): Promise<Signer> => makeKey(alg, kid);

/** Keys, a trust configuration file and a JWKS server, made once per test file. */
export interface Keys {
  es: Signer;
  rsa: Signer;
  ed: Signer;
  legacy: Signer;
  rotatingA: Signer;
  rotatingB: Signer;
  issuer: Signer;
  anyIssuer: Signer;
  jwks: JwksServer;
  configPath: string;
  close(): Promise<void>;
}

/** Mints every key and writes the trust configuration the suite runs against. */
export async function makeKeys(): Promise<Keys> {
  const [es, rsa, ed, legacy, rotatingA, rotatingB, issuer, anyIssuer] = await Promise.all([
    signer('ES256', 'es-1'),
    signer('RS256', 'rsa-1'),
    signer('EdDSA', 'ed-1'),
    signer('PS256', 'legacy-1'),
    signer('ES256', 'rot-a'),
    signer('ES256', 'rot-b'),
    signer('ES256', 'iss-1'),
    signer('EdDSA', 'any-1'),
  ]);
  const jwks = await startJwksServer([rotatingA.publicJwk]);
  const config = {
    clients: [
      {
        client_id: 'es-client',
        jwks: { keys: [es.publicJwk] },
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE],
        scope: 'read write deploy',
      },
      { client_id: 'rsa-client', jwks: { keys: [rsa.publicJwk] }, scope: 'read' },
      { client_id: 'ed-client', jwks: { keys: [ed.publicJwk] }, scope: 'read', require_explicit_typ: true },
      { client_id: 'legacy-client', jwks: { keys: [legacy.publicJwk] }, scope: 'read', legacy_token_endpoint_audience: true },
      { client_id: 'rotating-client', jwks_uri: jwks.uri, scope: 'metrics:write' },
    ],
    trusted_issuers: [
      {
        issuer: 'https://ci.conformance.test',
        jwks: { keys: [issuer.publicJwk] },
        subjects: ['repo:acme/api:ref:refs/heads/main'],
        scope: 'deploy read',
        max_assertion_lifetime: 600,
      },
      { issuer: 'any-signer', jwks: { keys: [anyIssuer.publicJwk] }, allow_any_subject: true, scope: 'reports:read', require_jti: false },
    ],
  };
  const dir = await mkdtemp(join(tmpdir(), 'rfc7523-conformance-'));
  const configPath = join(dir, 'trust-config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { es, rsa, ed, legacy, rotatingA, rotatingB, issuer, anyIssuer, jwks, configPath, close: () => jwks.close() };
}

/** The test kit's clock, started at the real time (the demos also read real clocks: JWKS caching, Redis). */
export class Clock extends TestClock {
  constructor() {
    super(Date.now());
  }
}

/** Starts a demo on 127.0.0.1:0 with the suite's configuration and a fake clock. */
export function startTarget(target: ConformanceTarget, keys: Keys, clock: Clock): Promise<RunningDemo> {
  return runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath }, 0, target.build, {
    logEvents: false,
    overrides: { now: clock.now },
  });
}

export interface MintOptions {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Claims to remove after defaults are applied. */
  omit?: string[];
}

/** Signs a JWT with `signer`; defaults: iat now, exp now + 60 s, fresh jti. */
export async function mint(s: Signer, clock: Clock, base: Record<string, unknown>, options: MintOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    iat: clock.seconds(),
    exp: clock.seconds() + 60,
    jti: randomUUID(),
    ...base,
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: s.alg, kid: s.kid, ...options.header }).sign(s.privateKey);
}

/** A client assertion for `clientId` (iss = sub = client_id, aud = the issuer identifier). */
export function clientAssertion(s: Signer, clientId: string, clock: Clock, options?: MintOptions): Promise<string> {
  return mint(s, clock, { iss: clientId, sub: clientId, aud: ISSUER }, options);
}

/** Form fields of private_key_jwt client authentication. */
export function clientAuth(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion };
}

/** Signs any header and payload with an ES256 signer, bypassing jose's own header checks (e.g. crit). */
export async function signRawEs256(s: Signer, header: object, payload: object): Promise<string> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, s.privateKey as never, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/** A started demo with its keys and clock, as the tests of one describe block see it. */
export interface DemoContext {
  keys: Keys;
  demo: RunningDemo;
  clock: Clock;
}

/** Mints keys and starts `target` before the block's tests, stops both after them. */
export function useDemo(target: ConformanceTarget): DemoContext {
  const context = { clock: new Clock() } as DemoContext;
  beforeAll(async () => {
    context.keys = await makeKeys();
    context.demo = await startTarget(target, context.keys, context.clock);
  });
  afterAll(async () => {
    await context.demo?.close();
    await context.keys?.close();
  });
  return context;
}
