/**
 * The registry: what a client's registration holds once the server has started (RFC 7591 metadata,
 * RFC 7523 §2.2), read through the public API (authenticateClient). Keys are minted here.
 */
import type { AuthenticatedClient, AuthorizationServer, ClientMetadata } from '@rfc7523/core';
import { clientClaims, clientCredentials, frozenClock, makeKey, makeServer, sign, type TestKey } from './support/fixtures.js';

const clock = frozenClock();
let alice: TestKey;
let bob: TestKey;
let mallory: TestKey;

beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([makeKey('ES256', 'a1'), makeKey('ES256', 'b1'), makeKey('ES256', 'a1')]);
});

const client = (id: string, key: TestKey, extra: Partial<ClientMetadata> = {}): ClientMetadata => ({
  client_id: id,
  jwks: { keys: [{ ...key.publicJwk }] },
  scope: 'read write',
  token_endpoint_auth_signing_alg: 'ES256',
  ...extra,
});

/** The same client without `token_endpoint_auth_signing_alg`: every algorithm accepted (rule J9). */
function unpinned({ token_endpoint_auth_signing_alg: _alg, ...rest }: ClientMetadata): ClientMetadata {
  return rest;
}

async function authenticate(server: AuthorizationServer, id: string, key: TestKey): Promise<AuthenticatedClient> {
  return server.authenticateClient(clientCredentials(await sign(key, clientClaims(clock, id))));
}

describe('client registrations', () => {
  it("refuse writes to their sets, so that a write through one client's registration cannot widen another's", async () => {
    const server = await makeServer({ now: clock.now, clients: [client('alice', alice), client('bob', bob)] });
    const a = await authenticate(server, 'alice', alice);
    const b = await authenticate(server, 'bob', bob);
    for (const set of [a.registration.scope, a.registration.grantTypes, a.registration.algorithms] as Set<string>[]) {
      expect(() => set.add('admin')).toThrow(TypeError);
      expect(() => set.delete('read')).toThrow(TypeError);
      expect(() => set.clear()).toThrow(TypeError);
    }
    expect([...b.registration.scope]).toEqual(['read', 'write']);
    expect([...b.registration.grantTypes]).toEqual(['client_credentials']);
    expect([...b.registration.algorithms]).toEqual(['ES256']);
    expect([...a.registration.scope]).toEqual(['read', 'write']);
  });

  it('hold the values each client registered, whatever the other clients registered', async () => {
    const server = await makeServer({
      now: clock.now,
      clients: [
        client('alice', alice, { scope: 'write read write', grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'] }),
        unpinned(client('bob', bob, { scope: 'write', audience_policy: 'warn' })),
      ],
    });
    const a = (await authenticate(server, 'alice', alice)).registration;
    const b = (await authenticate(server, 'bob', bob)).registration;
    expect([...a.scope]).toEqual(['write', 'read']);
    expect([...a.grantTypes]).toEqual(['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
    expect([...a.algorithms]).toEqual(['ES256']);
    expect(a.audience).toEqual({ sole: true, tokenEndpoint: false, warn: false });
    expect([...b.scope]).toEqual(['write']);
    expect([...b.grantTypes]).toEqual(['client_credentials']);
    expect(b.algorithms.has('ES256') && b.algorithms.has('RS256') && b.algorithms.has('EdDSA')).toBe(true);
    expect(b.audience).toEqual({ sole: true, tokenEndpoint: true, warn: true });
    expect(Object.isFrozen(a.audience) && Object.isFrozen(b.audience)).toBe(true);
  });

  it.each(['at-start-up', 'on-first-use'] as const)(
    'keep the keys configured at start-up when the caller later changes its configuration objects (importKeys %s)',
    async (importKeys) => {
      const clients = [client('alice', alice)];
      const server = await makeServer({ now: clock.now, importKeys, clients });
      // The caller swaps the key for an attacker's with the same kid, in the objects it passed in.
      Object.assign(clients[0]!.jwks!.keys[0]!, mallory.publicJwk);
      clients[0]!.scope = 'admin';
      await expect(authenticate(server, 'alice', mallory)).rejects.toMatchObject({ error: 'invalid_client' });
      const a = await authenticate(server, 'alice', alice);
      expect([...a.registration.scope]).toEqual(['read', 'write']);
      expect(a.metadata.jwks?.keys[0]).toEqual(alice.publicJwk);
    },
  );
});
