import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import type { ConformanceTarget } from '../../conformance/targets.js';
import { makeKey as makeTestKey, type TestKey } from '../../support/keys.js';
import { freePort } from '../../support/ports.js';

export { freePort };

/** A key pair with its JWKs; the private JWK names its `alg`, as a key file does. */
export type InteropKey = TestKey;

export const makeKey = (alg: string, kid: string): Promise<InteropKey> => makeTestKey(alg, kid, { jwkAlg: true });


/** The trusted issuer and subject every interop file uses for jwt-bearer grants. */
export const CI_ISSUER = 'https://ci.interop.test';
export const CI_SUBJECT = 'repo:acme/api:ref:refs/heads/main';

/** Keys for three clients (ES256, RSA, Ed25519) and one trusted issuer, and the trust configuration naming them. */
export interface InteropKeys {
  es: InteropKey;
  rsa: InteropKey;
  ed: InteropKey;
  ci: InteropKey;
  configPath: string;
}

export async function makeInteropKeys(): Promise<InteropKeys> {
  const [es, rsa, ed, ci] = await Promise.all([makeKey('ES256', 'es-1'), makeKey('RS256', 'rsa-1'), makeKey('Ed25519', 'ed-1'), makeKey('ES256', 'ci-1')]);
  const config = {
    clients: [
      { client_id: 'es-client', jwks: { keys: [es.publicJwk] }, grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'read write deploy' },
      { client_id: 'rsa-client', jwks: { keys: [rsa.publicJwk] }, token_endpoint_auth_signing_alg: 'RS256', scope: 'read' },
      { client_id: 'ed-client', jwks: { keys: [ed.publicJwk] }, scope: 'read' },
    ],
    trusted_issuers: [{ issuer: CI_ISSUER, jwks: { keys: [ci.publicJwk] }, subjects: [CI_SUBJECT], scope: 'deploy', max_assertion_lifetime: 600 }],
  };
  return { es, rsa, ed, ci, configPath: await writeTrustConfig(config) };
}

/** Writes a trust configuration to `trust-config.json` in a new temporary folder; answers its path. */
export async function writeTrustConfig(config: object): Promise<string> {
  const configPath = join(await mkdtemp(join(tmpdir(), 'rfc7523-interop-')), 'trust-config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return configPath;
}

/** GET `/api/whoami` of `demo` with a Bearer access token; expects 200 and answers the JSON body. */
export async function whoamiAt(demo: { issuer: string }, accessToken: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${demo.issuer}/api/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Starts a demo in-process on a free loopback port chosen first, with ISSUER = http://127.0.0.1:PORT,
 * so that the issuer in its metadata is the discovery URL itself (RFC 8414 §3.3, which openid-client checks).
 */
export async function startDemo(target: ConformanceTarget, configPath: string): Promise<RunningDemo & { issuer: string }> {
  // Another test file may take the port between choosing and binding it: then try a fresh one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    try {
      const demo = await runDemo({ PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, AS_CONFIG: configPath }, 0, target.build, { logEvents: false });
      return Object.assign(demo, { issuer });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw err;
    }
  }
}

/** An interop world: the keys of makeInteropKeys and a demo started with their trust file. */
export interface InteropWorld {
  readonly keys: InteropKeys;
  readonly demo: RunningDemo & { issuer: string };
}

/**
 * For a `describe` block: makes the interop keys and starts `target` with them before its tests, closes it
 * after. Read the members inside tests (they are set once beforeAll has run).
 */
export function interopDemo(target: ConformanceTarget): InteropWorld {
  const world = {} as { keys: InteropKeys; demo: RunningDemo & { issuer: string } };
  beforeAll(async () => {
    world.keys = await makeInteropKeys();
    world.demo = await startDemo(target, world.keys.configPath);
  });
  afterAll(async () => {
    await world.demo?.close();
  });
  return world;
}
