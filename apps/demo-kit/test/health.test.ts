import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplayStore } from '@rfc7523/core';
import { replayStoreReadiness, withHealth, type Readiness } from '@rfc7523/demo-kit';

async function serve(listener: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('withHealth', () => {
  let readiness: Readiness = { ready: true };
  let draining = false;
  let server: Server;
  let url: string;
  const app: RequestListener = (_req, res) => res.end('app');

  beforeAll(async () => {
    ({ url, server } = await serve(withHealth(app, { readiness: async () => readiness, draining: () => draining })));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /readyz from the readiness check', async () => {
    readiness = { ready: true };
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ok' });
    readiness = { ready: false, reason: 'replay store unavailable' };
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'replay store unavailable' });
  });

  it('answers /readyz 503 while draining, /healthz 200 all the same', async () => {
    readiness = { ready: true };
    draining = true;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', reason: 'shutting down' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      draining = false;
    }
  });

  it('hands every other request to the app', async () => {
    expect(await (await fetch(`${url}/readyzz`)).text()).toBe('app');
    expect(await (await fetch(`${url}/`)).text()).toBe('app');
  });
});

describe('replayStoreReadiness', () => {
  it('is ready when the store remembers a probe key no assertion can produce, expiring within seconds', async () => {
    const calls: Array<[string, number]> = [];
    const store: ReplayStore = { remember: async (key, expiresAt) => (calls.push([key, expiresAt]), true) };
    expect(await replayStoreReadiness(store, () => 1_000_000)()).toEqual({ ready: true });
    expect(calls).toEqual([[expect.stringMatching(/^readyz:[0-9a-f-]{36}$/), 1001]]);
  });

  it('is not ready when the store rejects, and never rejects itself', async () => {
    const store: ReplayStore = { remember: () => Promise.reject(new Error('ECONNREFUSED')) };
    expect(await replayStoreReadiness(store)()).toEqual({ ready: false, reason: 'replay store unavailable' });
  });

  it('shares one probe between concurrent checks', async () => {
    let calls = 0;
    let release!: () => void;
    const store: ReplayStore = {
      remember: () => {
        calls += 1;
        return new Promise((resolve) => (release = () => resolve(true)));
      },
    };
    const check = replayStoreReadiness(store);
    const both = Promise.all([check(), check()]);
    release();
    expect(await both).toEqual([{ ready: true }, { ready: true }]);
    expect(calls).toBe(1);
    const third = check();
    release();
    await third;
    expect(calls).toBe(2);
  });
});
