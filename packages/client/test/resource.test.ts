import { TokenClient } from '@rfc7523/client';
import { FakeClock, FakeServer, ISSUER, makeKey, type TestKey } from './support/fixtures.js';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('ES256', 'worker-1');
});

describe('TokenClient: resource indicators (RFC 8707 §2)', () => {
  it('sends one resource parameter per resource, and caches per set of resources in any order', async () => {
    const server = new FakeServer();
    const client = new TokenClient({ issuer: ISSUER, clientId: 'worker', key: key.privateJwk, fetch: server.fetch, now: new FakeClock().now });
    const a = await client.getToken({ resource: ['https://b.example/api', 'https://a.example/api'] });
    const again = await client.getToken({ resource: ['https://a.example/api', 'https://b.example/api', 'https://a.example/api'] });
    const other = await client.getToken({ resource: 'https://a.example/api' });
    const none = await client.getToken();
    expect(again).toBe(a);
    expect(new Set([a.accessToken, other.accessToken, none.accessToken]).size).toBe(3);
    expect(server.tokenRequests.map((r) => r.form.getAll('resource'))).toEqual([['https://a.example/api', 'https://b.example/api'], ['https://a.example/api'], []]);
  });

  it('refuses a relative URI or one with a fragment, naming the option', async () => {
    const client = new TokenClient({ issuer: ISSUER, clientId: 'worker', key: key.privateJwk, fetch: new FakeServer().fetch });
    await expect(client.getToken({ resource: '/api' })).rejects.toThrow('"resource" option must be an absolute URI');
    await expect(client.getToken({ resource: ['https://a.example/api#x'] })).rejects.toThrow('"resource" option must not include a fragment (RFC 8707 §2)');
  });
});
