/**
 * Rule A1 on every demo: per-client `audience_policy`. `warn` accepts the token endpoint URL as the sole
 * `aud` of a client assertion and reports each one (`client_assertion.audience_deprecated`); `strict`
 * refuses it; `legacy` (and its old name) accepts it silently.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rfc7523Event } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { makeKey } from '../support/keys.js';
import { targets } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, TOKEN_ENDPOINT, type Signer } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

const POLICIES: [string, Record<string, unknown>][] = [
  ['strict-client', {}],
  ['warn-client', { audience_policy: 'warn' }],
  ['legacy-client', { audience_policy: 'legacy' }],
  ['alias-client', { legacy_token_endpoint_audience: true }],
];

describe.each(targets)('A1 audience_policy on $name', (target) => {
  const clock = new Clock();
  const events: Rfc7523Event[] = [];
  const signers: Record<string, Signer> = {};
  let demo: RunningDemo;

  beforeAll(async () => {
    for (const [id] of POLICIES) {
      signers[id] = await makeKey('ES256', `${id}-1`);
    }
    const config = { clients: POLICIES.map(([id, extra]) => ({ client_id: id, jwks: { keys: [signers[id]!.publicJwk] }, scope: 'read', ...extra })) };
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-a1-'));
    await writeFile(join(dir, 'trust.json'), JSON.stringify(config));
    demo = await runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: join(dir, 'trust.json') }, 0, target.build, {
      logEvents: false,
      overrides: { now: clock.now, onEvent: (e) => events.push(e) },
    });
  });
  afterAll(async () => {
    await demo?.close();
  });
  beforeEach(() => {
    events.length = 0;
  });

  const cc = async (id: string, aud: unknown) =>
    postToken(demo.url, { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(signers[id]!, id, clock, { claims: { aud } })) });
  const deprecations = () => events.filter((e) => e.type === 'client_assertion.audience_deprecated');

  it('strict (the default) refuses the token endpoint URL: 401 invalid_client, no deprecation event', async () => {
    expectOAuthError(await cc('strict-client', TOKEN_ENDPOINT), 401, 'invalid_client');
    expect(deprecations()).toEqual([]);
  });

  it('warn accepts it and emits one event per assertion naming the client and the aud', async () => {
    expect((await cc('warn-client', TOKEN_ENDPOINT)).status).toBe(200);
    expect((await cc('warn-client', [TOKEN_ENDPOINT])).status).toBe(200);
    expect(deprecations()).toEqual([
      { type: 'client_assertion.audience_deprecated', clientId: 'warn-client', audience: TOKEN_ENDPOINT },
      { type: 'client_assertion.audience_deprecated', clientId: 'warn-client', audience: TOKEN_ENDPOINT },
    ]);
  });

  it('warn: the issuer identifier emits nothing, and two values are still refused', async () => {
    expect((await cc('warn-client', ISSUER)).status).toBe(200);
    expectOAuthError(await cc('warn-client', [ISSUER, TOKEN_ENDPOINT]), 401, 'invalid_client');
    expect(deprecations()).toEqual([]);
  });

  it.each(['legacy-client', 'alias-client'])('%s accepts it silently', async (id) => {
    expect((await cc(id, TOKEN_ENDPOINT)).status).toBe(200);
    expect(deprecations()).toEqual([]);
  });
});
