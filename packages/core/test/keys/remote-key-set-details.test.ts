/**
 * The details of a `jwks_uri` key set (rule J10; rule W1 for discovery) that the server-level tests leave
 * unchecked: the exact refusals, the request it sends, what counts as a failed fetch and its reason, the
 * cache and cooldown boundaries (on a fake clock), discovery keys dropped once stale, the timer of the
 * deadline, and the `alg` labels of Ed25519 keys. Against a real HTTP endpoint on 127.0.0.1.
 */
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { jest } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import { KeyNotFoundError, localKeySet, REMOTE_KEY_SET_DEFAULTS, RemoteKeySet, type RemoteKeySetOptions } from '../../src/keys/remote-key-set.js';
import type { Rfc7523Event } from '../../src/events.js';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';
import { installOtel } from '../../../../test/support/otel.js';

const publicJwk = (kid: string, type: 'ec' | 'ed25519' | 'rsa' = 'ec'): JWK => {
  const { publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid };
};

const k1 = publicJwk('k1');
const k2 = publicJwk('k2');
const es256 = (kid: string) => ({ alg: 'ES256', kid });

/** A server error for every request. */
const fail500 = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');

let endpoint: JwksServer;
let events: Rfc7523Event[];
/** The fake clock, milliseconds: far from 0, so that `now + fetchedAt` is never mistaken for an age. */
let t: number;
const now = () => t;

beforeEach(async () => {
  endpoint = await startJwksServer([k1]);
  events = [];
  t = 1_767_225_600_000;
});

afterEach(() => endpoint.close());

/** Generous fetch timeout (real clock): these fetches must succeed or fail for their own reason. */
const options = (o: RemoteKeySetOptions = {}): Required<RemoteKeySetOptions> => ({ ...REMOTE_KEY_SET_DEFAULTS, timeout: 10_000, ...o });
const keySet = (o: RemoteKeySetOptions = {}, uri = endpoint.uri, discoveryIssuer?: string) =>
  new RemoteKeySet(uri, options(o), now, (e) => events.push(e), discoveryIssuer);

/** The KeyNotFoundError a resolve rejects with, as `{ unavailable, message }`. */
async function refusal(p: Promise<unknown>): Promise<{ unavailable: boolean; message: string }> {
  const err = await p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyNotFoundError);
  const { unavailable, message } = err as KeyNotFoundError;
  return { unavailable, message };
}

const failures = () => events.filter((e) => e.type === 'keys.fetch_failed');

/** Resolves once `count` events of `type` have been emitted (a background fetch ending). */
async function eventCount(type: Rfc7523Event['type'], count: number): Promise<void> {
  while (events.filter((e) => e.type === type).length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('J10 refusals of a jwks_uri key set', () => {
  it('J10 a key set that could not be fetched: unavailable, "could not fetch <uri>: <problem>"', async () => {
    endpoint.reply = fail500;
    expect(await refusal(keySet().resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.uri}: HTTP 500` });
    expect(events).toEqual([{ type: 'keys.fetch_failed', uri: endpoint.uri, reason: 'HTTP 500' }]);
  });

  it('J10 an unknown kid within the cooldown: "no matching key in <uri>", not unavailable, no fetch', async () => {
    const set = keySet();
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    t += REMOTE_KEY_SET_DEFAULTS.cooldown - 1;
    expect(await refusal(set.resolve(es256('k2')))).toEqual({ unavailable: false, message: `no matching key in ${endpoint.uri}` });
    expect(endpoint.log).toHaveLength(1);
  });

  it('J10 an unknown kid still unknown after the refetch: "no matching key in <uri> after refetch"', async () => {
    const set = keySet();
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    t += REMOTE_KEY_SET_DEFAULTS.cooldown;
    expect(await refusal(set.resolve(es256('k2')))).toEqual({ unavailable: false, message: `no matching key in ${endpoint.uri} after refetch` });
    expect(endpoint.log).toHaveLength(2);
  });

  it('J10 a clock that reads NaN never starts a fetch: "could not fetch <uri>", with no problem to tell', async () => {
    const set = new RemoteKeySet(endpoint.uri, options(), () => Number.NaN, (e) => events.push(e));
    expect(await refusal(set.resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.uri}` });
    expect(endpoint.log).toHaveLength(0);
  });
});

describe('J10 the request and what counts as a failed fetch', () => {
  it('J10 asks for JSON or a JWK Set in its Accept header', async () => {
    await expect(keySet().resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    expect(endpoint.log).toEqual([{ path: '/jwks.json', accept: 'application/json, application/jwk-set+json' }]);
  });

  it('J10 refuses a redirect, even to a good key set: the target is never requested', async () => {
    endpoint.reply = (req, res) => {
      if (req.url === '/moved.json') res.writeHead(302, { location: '/jwks.json' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [k1] }));
    };
    const set = keySet({}, `${endpoint.base}/moved.json`);
    expect(await refusal(set.resolve(es256('k1')))).toMatchObject({ unavailable: true });
    expect(endpoint.log.map((r) => r.path)).toEqual(['/moved.json']);
    expect(failures()).toHaveLength(1);
  });

  it('J10 an error status without a body (304) is a failed fetch "HTTP 304"', async () => {
    endpoint.reply = (_req, res) => void res.writeHead(304).end();
    expect(await refusal(keySet().resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.uri}: HTTP 304` });
    expect(events).toEqual([{ type: 'keys.fetch_failed', uri: endpoint.uri, reason: 'HTTP 304' }]);
  });

  it.each(['null', '[]', '5', '"keys"', 'true', '{"keys":{}}', '{"keys":null}'])('J10 a body of %s is not a JWK Set: a failed fetch', async (body) => {
    endpoint.reply = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    expect(await refusal(keySet().resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.uri}: not a JWK Set` });
    expect(events).toEqual([{ type: 'keys.fetch_failed', uri: endpoint.uri, reason: 'not a JWK Set' }]);
  });

  it('J10 a listener that throws a non-Error on keys.fetched: the fetch never rejects, reason "failed", the keys read are used', async () => {
    const set = new RemoteKeySet(endpoint.uri, options(), now, (e) => {
      events.push(e);
      if (e.type === 'keys.fetched') throw 42;
    });
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    expect(events).toEqual([
      { type: 'keys.fetched', uri: endpoint.uri, keys: 1 },
      { type: 'keys.fetch_failed', uri: endpoint.uri, reason: 'failed' },
    ]);
  });

  it('J10 a completed fetch leaves no timer running (its deadline is cleared)', async () => {
    // Every timer the fetch sets is tracked until it fires or is cleared. Counting the process's timers
    // instead would also count other tests' timers that happen to end during the fetch (a CI run saw 3 → 2).
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const created: Array<{ timer: unknown; ms: number | undefined }> = [];
    const settled = new Set<unknown>();
    const set = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const timer = realSetTimeout((...a: unknown[]) => {
        settled.add(timer);
        fn(...a);
      }, ms, ...args);
      created.push({ timer, ms });
      return timer;
    }) as never);
    const clear = jest.spyOn(globalThis, 'clearTimeout').mockImplementation(((timer: Parameters<typeof clearTimeout>[0]) => {
      settled.add(timer);
      realClearTimeout(timer);
    }) as never);
    try {
      await expect(keySet({ timeout: 60_000 }).resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
    expect(created.filter(({ ms }) => ms === 60_000)).toHaveLength(1); // the deadline was set
    expect(created.filter(({ timer }) => !settled.has(timer))).toEqual([]);
  });
});

describe('J10 cache and cooldown boundaries (fake clock)', () => {
  it('J10 the background refresh starts only once the keys are older than cacheMaxAge, not at it', async () => {
    const age = 60_000;
    const set = keySet({ cacheMaxAge: age, cooldown: age });
    const fetchedAt = t;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    endpoint.keys = [k1, k2];

    // Exactly cacheMaxAge old, cooldown over: still fresh, nothing fetched.
    t = fetchedAt + age;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    // Had a fetch started, an unknown kid would wait for it; with none in flight and the clock a
    // millisecond back inside the cooldown, it is refused at once without a fetch.
    t = fetchedAt + age - 1;
    expect(await refusal(set.resolve(es256('k2')))).toEqual({ unavailable: false, message: `no matching key in ${endpoint.uri}` });
    expect(endpoint.log).toHaveLength(1);

    // A millisecond older: the cached key answers at once and a refresh runs in the background.
    t = fetchedAt + age + 1;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    await eventCount('keys.fetched', 2);
    await expect(set.resolve(es256('k2'))).resolves.toBeInstanceOf(KeyObject);
    expect(endpoint.log).toHaveLength(2);
  });

  it('J10 fresh keys are not refetched once the cooldown has passed', async () => {
    const set = keySet({ cacheMaxAge: 600_000, cooldown: 30_000 });
    const fetchedAt = t;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    t = fetchedAt + 30_000;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    // No fetch in flight (see above): an unknown kid just inside the cooldown is refused at once.
    t = fetchedAt + 30_000 - 1;
    expect(await refusal(set.resolve(es256('k2')))).toEqual({ unavailable: false, message: `no matching key in ${endpoint.uri}` });
    expect(endpoint.log).toHaveLength(1);
  });

  it('J10 a request arriving while a refetch is in flight waits for it (one fetch), even inside the cooldown', async () => {
    const set = keySet();
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    endpoint.keys = [k1, k2];
    t += REMOTE_KEY_SET_DEFAULTS.cooldown;
    // The first starts the refetch; the second finds it in flight, its cooldown just restarted.
    const [first, second] = await Promise.allSettled([set.resolve(es256('k2')), set.resolve(es256('k2'))]);
    expect(first).toMatchObject({ status: 'fulfilled' });
    expect(second).toMatchObject({ status: 'fulfilled' });
    expect(endpoint.log).toHaveLength(2);
  });
});

describe('W1 keys found through discovery', () => {
  const discoveryKeySet = (o: RemoteKeySetOptions) => keySet(o, endpoint.discoveryUri, endpoint.base);

  it('W1 a failed fetch drops the keys only once they are older than cacheMaxAge, not at it', async () => {
    const age = 60_000;
    const cooldown = 10_000;
    const set = discoveryKeySet({ cacheMaxAge: age, cooldown });
    const fetchedAt = t;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    endpoint.reply = fail500;

    // Exactly cacheMaxAge old: the refetch for an unknown kid fails, the keys are kept.
    t = fetchedAt + age;
    expect(await refusal(set.resolve(es256('k2')))).toEqual({ unavailable: false, message: `no matching key in ${endpoint.discoveryUri} after refetch` });
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);

    // Older: the (background) refresh fails and the keys are dropped.
    t = fetchedAt + age + cooldown;
    await expect(set.resolve(es256('k1'))).resolves.toBeInstanceOf(KeyObject);
    await eventCount('keys.fetch_failed', 2);
    expect(await refusal(set.resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.discoveryUri}: HTTP 500` });
    expect(endpoint.log.map((r) => r.path)).toEqual([
      '/.well-known/openid-configuration',
      '/jwks.json',
      '/.well-known/openid-configuration',
      '/.well-known/openid-configuration',
    ]);
  });

  it('W1 a discovery document naming another issuer: failed fetch with its problem as reason, telemetry result invalid', async () => {
    const otel = installOtel();
    try {
      endpoint.reply = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: 'https://other.example', jwks_uri: endpoint.uri }));
      const problem = `the discovery document names issuer "https://other.example", not ${JSON.stringify(endpoint.base)}`;
      const set = discoveryKeySet({});
      expect(await refusal(set.resolve(es256('k1')))).toEqual({ unavailable: true, message: `could not fetch ${endpoint.discoveryUri}: ${problem}` });
      expect(events).toEqual([{ type: 'keys.fetch_failed', uri: endpoint.discoveryUri, reason: problem }]);
      const [span] = otel.spansNamed('rfc7523.jwks_fetch');
      expect(span?.attributes).toEqual({ 'url.full': endpoint.discoveryUri, 'rfc7523.result': 'invalid', 'error.type': 'invalid' });
      expect(endpoint.log.map((r) => r.path)).toEqual(['/.well-known/openid-configuration']);
    } finally {
      await otel.uninstall();
    }
  });
});

describe('J9 alg labels of fetched keys', () => {
  const resolves = async (jwk: JWK, alg: string) => localKeySet([jwk])({ alg, kid: jwk.kid as string });

  it.each([
    ['EdDSA', 'Ed25519'],
    ['Ed25519', 'EdDSA'],
    ['EdDSA', 'EdDSA'],
    ['Ed25519', 'Ed25519'],
  ])('J9 an Ed25519 key labelled %s serves tokens under %s', async (label, alg) => {
    await expect(resolves({ ...publicJwk('ed', 'ed25519'), alg: label }, alg)).resolves.toBeInstanceOf(KeyObject);
  });

  it('J9 an Ed25519 key labelled with another algorithm keeps that label: it serves neither name', async () => {
    const jwk = { ...publicJwk('ed', 'ed25519'), alg: 'ES256' };
    await expect(resolves(jwk, 'EdDSA')).rejects.toThrow();
    await expect(resolves(jwk, 'Ed25519')).rejects.toThrow();
  });

  it('J9 an RSA key keeps its alg label: an RS256 key does not verify RS384 or PS256', async () => {
    const jwk = { ...publicJwk('rsa', 'rsa'), alg: 'RS256' };
    await expect(resolves(jwk, 'RS256')).resolves.toBeInstanceOf(KeyObject);
    await expect(resolves(jwk, 'RS384')).rejects.toThrow();
    await expect(resolves(jwk, 'PS256')).rejects.toThrow();
  });

  it('J9 an EC key keeps its alg label, even one naming an Ed25519 algorithm', async () => {
    await expect(resolves({ ...k1, alg: 'ES256' }, 'ES256')).resolves.toBeInstanceOf(KeyObject);
    await expect(resolves({ ...k1, alg: 'EdDSA' }, 'ES256')).rejects.toThrow();
  });
});
