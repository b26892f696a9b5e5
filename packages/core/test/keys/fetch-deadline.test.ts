import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AuthorizationServer, Rfc7523Event } from '@rfc7523/core';
import { frozenClock, grantClaims, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';

/**
 * J10: one deadline over the whole jwks_uri fetch — connect, headers and body. The endpoint here sends
 * its headers at once and then one byte a second, so no idle timer ever fires; only a deadline that
 * survives garbage collection can end the fetch (nodejs/node#55428: a signal given only to fetch can
 * be collected with undici's request).
 */

// A real gc() in the standard `npm test` run: --expose-gc set at run time applies to new contexts.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The fetch deadline, milliseconds. Long enough that a loaded CI machine still connects and sends the
 * request within it (at 500 ms a run saw the deadline fire before the server had even accepted the
 * connection), far shorter than the trickled body, which would take a minute.
 */
const TIMEOUT = 2000;
/**
 * Milliseconds of slack over the timeout. Not a performance bound: the defect held a request for 45–60 s,
 * so a few seconds separate "deadline enforced" from "no deadline" by an order of magnitude, even on a
 * loaded 2-core CI machine running other test files with forced GCs. The `reason: timeout` event and the
 * server-side close are the behavioural checks.
 */
const SLACK = 4000;
const COOLDOWN_SECONDS = 30;

let key: TestKey;
let jwksServer: JwksServer;
let events: Rfc7523Event[];
const clock = frozenClock();

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
});

beforeEach(async () => {
  jwksServer = await startJwksServer([key.publicJwk]);
  events = [];
});

afterEach(() => jwksServer.close());

const serverWith = (): Promise<AuthorizationServer> =>
  makeServer({
    now: clock.now,
    onEvent: (e) => events.push(e),
    jwksFetch: { timeout: TIMEOUT, cooldown: COOLDOWN_SECONDS * 1000 },
    trustedIssuers: [{ issuer: 'ci', jwks_uri: jwksServer.uri, allow_any_subject: true }],
  });

const grant = () => sign(key, grantClaims(clock, 'ci', 'alice'));
const unavailable = { error: 'temporarily_unavailable', status: 503, reason: 'jwks_unavailable' };

/**
 * Forces collections and allocates garbage while `work` runs: a full GC, then 100 ms of event loop, again.
 * Chained rather than on an interval: in a jest worker with a large heap one full GC takes a good part of
 * 100 ms, and the point is to collect, not to starve the timers under test.
 */
async function underGcPressure<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const collect = () => {
    // ~2 MB of short-lived objects, then a full collection.
    let junk: unknown[] = [];
    for (let i = 0; i < 250; i++) junk.push(new Array(1000).fill(i));
    junk = [];
    void junk;
    gc();
    if (!done) timer = setTimeout(collect, 100);
  };
  timer = setTimeout(collect, 20);
  try {
    return await work;
  } finally {
    done = true;
    clearTimeout(timer);
  }
}

/** Waits until `condition` holds, up to `ms` milliseconds (for effects on the server side of the socket). */
async function eventually(condition: () => boolean, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('J10 the jwks_uri fetch deadline covers the whole response', () => {
  it('J10 a body trickled a byte a second fails the request within seconds (the timeout, not 45-60 s), under forced GC', async () => {
    jwksServer.mode = 'trickle';
    const server = await serverWith();
    const token = await grant();
    const started = performance.now();
    await expect(underGcPressure(server.exchange(jwtBearer(token)))).rejects.toMatchObject(unavailable);
    expect(performance.now() - started).toBeLessThan(TIMEOUT + SLACK);
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'timeout' });
    // The download is abandoned, not left running: the client closed the connection.
    await underGcPressure(eventually(() => jwksServer.trickleClosed > 0));
    expect(jwksServer.trickleClosed).toBe(1);
  });

  it('J10 concurrent requests all fail within the deadline, sharing one fetch; the next fetch starts after the cooldown', async () => {
    jwksServer.mode = 'trickle';
    const server = await serverWith();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => grant()));
    const started = performance.now();
    const results = await underGcPressure(Promise.allSettled(tokens.map((t) => server.exchange(jwtBearer(t)))));
    expect(performance.now() - started).toBeLessThan(TIMEOUT + SLACK);
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: unavailable });
    expect(jwksServer.requests).toBe(1);

    // Within the cooldown: refused at once, no new fetch.
    jwksServer.mode = 'serve';
    await expect(server.exchange(jwtBearer(await grant()))).rejects.toMatchObject(unavailable);
    expect(jwksServer.requests).toBe(1);
    // After the cooldown (fake clock): a new fetch starts and the keys work.
    clock.advance(COOLDOWN_SECONDS);
    await expect(server.exchange(jwtBearer(await grant()))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 a key rotation is not blocked by an earlier trickling fetch', async () => {
    const server = await serverWith();
    await expect(server.exchange(jwtBearer(await grant()))).resolves.toBeDefined();
    // Rotation: an unknown kid forces a refetch, which trickles.
    const rotated = await makeKey('ES256', 'k2');
    jwksServer.mode = 'trickle';
    clock.advance(COOLDOWN_SECONDS);
    const rotatedToken = await sign(rotated, grantClaims(clock, 'ci', 'alice'));
    const started = performance.now();
    const refused = server.exchange(jwtBearer(rotatedToken));
    await expect(underGcPressure(refused)).rejects.toMatchObject({ error: 'invalid_grant', reason: 'key_not_found' });
    expect(performance.now() - started).toBeLessThan(TIMEOUT + SLACK);
    // The old key keeps answering meanwhile, and after the cooldown the new set is fetched.
    await expect(server.exchange(jwtBearer(await grant()))).resolves.toBeDefined();
    jwksServer.keys = [key.publicJwk, rotated.publicJwk];
    jwksServer.mode = 'serve';
    clock.advance(COOLDOWN_SECONDS);
    await expect(server.exchange(jwtBearer(await sign(rotated, grantClaims(clock, 'ci', 'alice'))))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(3);
  });
});
