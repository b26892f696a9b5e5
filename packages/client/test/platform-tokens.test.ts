import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fileToken,
  githubActionsToken,
  gitlabToken,
  kubernetesToken,
  PlatformTokenError,
  PLATFORM_TOKEN_DEFAULTS,
  TokenClient,
  type FetchFunction,
} from '@rfc7523/client';
import { FakeServer, ISSUER, jsonResponse } from './support/fixtures.js';

/** Shaped like a JWT; the sources check the shape, never the signature (the server does). */
const JWT_A = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWE';
const JWT_B = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnbmF0dXJlLWI';
const REQUEST_URL = 'https://pipelines.actions.example/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0';
const GITHUB_ENV = { ACTIONS_ID_TOKEN_REQUEST_URL: REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token-123' };

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that records the request and answers `reply`. */
function recordingFetch(reply: () => Response | Promise<Response>): { fetch: FetchFunction; seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    fetch: async (url, init) => {
      seen.push({ url, init });
      return reply();
    },
  };
}

/** Catches the rejection of `promise` (which must reject). */
async function failure(promise: Promise<unknown>): Promise<PlatformTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformTokenError);
  return error as PlatformTokenError;
}

describe('githubActionsToken', () => {
  it('GETs the request URL with &audience= appended, the bearer request token and no redirect, and returns value', async () => {
    const { fetch, seen } = recordingFetch(() => jsonResponse(200, { count: 1, value: JWT_A }));
    const source = githubActionsToken({ audience: 'https://auth.example.com/a b', env: GITHUB_ENV, fetch });
    await expect(source()).resolves.toBe(JWT_A);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`${REQUEST_URL}&audience=https%3A%2F%2Fauth.example.com%2Fa%20b`);
    expect(seen[0]!.init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(new Headers(seen[0]!.init.headers).get('authorization')).toBe('Bearer request-token-123');
    expect(seen[0]!.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('asks again on every call (each token is used once)', async () => {
    let n = 0;
    const { fetch, seen } = recordingFetch(() => jsonResponse(200, { value: n++ === 0 ? JWT_A : JWT_B }));
    const source = githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch });
    expect([await source(), await source()]).toEqual([JWT_A, JWT_B]);
    expect(seen).toHaveLength(2);
  });

  it('uses ? when the URL has no query', async () => {
    const { fetch, seen } = recordingFetch(() => jsonResponse(200, { value: JWT_A }));
    await githubActionsToken({ audience: 'aud', env: { ...GITHUB_ENV, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x.example/idtoken' }, fetch })();
    expect(seen[0]!.url).toBe('https://x.example/idtoken?audience=aud');
  });

  it.each(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'])('names %s and id-token: write when it is not set, without a request', async (name) => {
    const { fetch, seen } = recordingFetch(() => jsonResponse(200, { value: JWT_A }));
    const env = { ...GITHUB_ENV, [name]: undefined };
    const error = await failure(githubActionsToken({ audience: 'aud', env, fetch })());
    expect(error.message).toContain(`the environment variable ${name} is not set`);
    expect(error.message).toContain('permissions: id-token: write');
    expect(error).toMatchObject({ code: 'ERR_PLATFORM_TOKEN_UNAVAILABLE', platform: 'github-actions' });
    expect(seen).toHaveLength(0);
  });

  it('refuses to send the request token over plain http to a remote host', async () => {
    const { fetch, seen } = recordingFetch(() => jsonResponse(200, { value: JWT_A }));
    const env = { ...GITHUB_ENV, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://pipelines.example/idtoken?api-version=2.0' };
    expect((await failure(githubActionsToken({ audience: 'aud', env, fetch })())).message).toContain('must be https');
    expect(seen).toHaveLength(0);
  });

  it('reports a refusal with its status and GitHub’s message, never the request token', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(403, { message: 'Forbidden for this repository' }));
    const error = await failure(githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch })());
    expect(error.message).toBe('the GitHub Actions ID-token request to pipelines.actions.example was refused: HTTP 403: Forbidden for this repository');
    expect(error.message).not.toContain('request-token-123');
  });

  it.each([
    ['not JSON', () => new Response('<html>', { status: 200 }), 'answered no token'],
    ['no value', () => jsonResponse(200, { count: 0 }), 'answered no token'],
    ['a value that is not a JWT', () => jsonResponse(200, { value: 'not a jwt' }), 'does not hold a JWT'],
  ])('refuses an answer with %s', async (_name, reply, message) => {
    const { fetch } = recordingFetch(reply);
    expect((await failure(githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch })())).message).toContain(message);
  });

  it('stops reading an endless body after maxBytes', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(0x61));
      },
    });
    const { fetch } = recordingFetch(() => new Response(endless, { status: 200 }));
    const error = await failure(githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch, maxBytes: 4096 })());
    expect(error.message).toContain('answered more than 4096 bytes');
    expect(pulled).toBeLessThan(10);
  });

  it('refuses a declared content-length over maxBytes without reading it', async () => {
    const { fetch } = recordingFetch(() => new Response('x'.repeat(100), { status: 200, headers: { 'content-length': '100000' } }));
    expect((await failure(githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch, maxBytes: 1024 })())).message).toContain('more than 1024 bytes');
  });

  it('gives up when there is no answer within the timeout', async () => {
    const fetch: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    const error = await failure(githubActionsToken({ audience: 'aud', env: GITHUB_ENV, fetch, timeout: 20 })());
    expect(error.message).toBe('the GitHub Actions ID-token request to pipelines.actions.example got no answer within 20 ms');
  });

  it.each([
    [{}, '"audience" option must be a non-empty string'],
    [{ audience: 'a', timeout: 0 }, '"timeout" option must be a whole number of milliseconds'],
    [{ audience: 'a', fetch: 'no' }, '"fetch" option must be a function'],
    [{ audience: 'a', bogus: 1 }, '"bogus" option is not a known option'],
  ])('validates its options: %j', (options, message) => {
    expect(() => githubActionsToken(options as never)).toThrow(message);
  });
});

describe('gitlabToken', () => {
  it('reads the id_tokens variable (default RFC7523_ID_TOKEN) on each call, trimmed', async () => {
    const env: Record<string, string> = { RFC7523_ID_TOKEN: `${JWT_A}\n` };
    const source = gitlabToken({ env });
    expect(PLATFORM_TOKEN_DEFAULTS.gitlabVariable).toBe('RFC7523_ID_TOKEN');
    await expect(source()).resolves.toBe(JWT_A);
    env.RFC7523_ID_TOKEN = JWT_B;
    await expect(source()).resolves.toBe(JWT_B);
    await expect(gitlabToken({ variable: 'VAULT_ID_TOKEN', env: { VAULT_ID_TOKEN: JWT_B } })()).resolves.toBe(JWT_B);
  });

  it('names the missing variable and the id_tokens: entry that provides it', async () => {
    const error = await failure(gitlabToken({ variable: 'AUTH_TOKEN', env: {} })());
    expect(error.message).toBe(
      "the environment variable AUTH_TOKEN is not set: declare it in the job of .gitlab-ci.yml as id_tokens: { AUTH_TOKEN: { aud: <your authorization server's issuer> } }",
    );
    expect(error.platform).toBe('gitlab');
  });

  it('refuses a value that is not a JWT without repeating it', async () => {
    const error = await failure(gitlabToken({ env: { RFC7523_ID_TOKEN: 'glpat-secret-value' } })());
    expect(error.message).toContain('the environment variable RFC7523_ID_TOKEN does not hold a JWT');
    expect(error.message).not.toContain('glpat-secret-value');
  });

  it('refuses a variable name that cannot be one', () => {
    expect(() => gitlabToken({ variable: 'NOT A NAME' })).toThrow('"variable" option must be a CI/CD variable name');
  });
});

describe('kubernetesToken and fileToken', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rfc7523-platform-'));
  });

  it('read the file again on every call, as the kubelet replaces it', async () => {
    const path = join(dir, 'token');
    await writeFile(path, JWT_A);
    const source = kubernetesToken({ path });
    await expect(source()).resolves.toBe(JWT_A);
    // The kubelet writes the new token elsewhere and swaps it in atomically.
    await writeFile(join(dir, 'token.next'), JWT_B);
    await rename(join(dir, 'token.next'), path);
    await expect(source()).resolves.toBe(JWT_B);
    await expect(fileToken({ path })()).resolves.toBe(JWT_B);
  });

  it('default to /var/run/secrets/tokens/rfc7523 and say what to mount when it is missing', async () => {
    expect(PLATFORM_TOKEN_DEFAULTS.kubernetesPath).toBe('/var/run/secrets/tokens/rfc7523');
    const error = await failure(kubernetesToken({ path: join(dir, 'absent') })());
    expect(error.message).toContain(`cannot read the token file ${join(dir, 'absent')}: ENOENT`);
    expect(error.message).toContain('projected serviceAccountToken volume');
    expect((await failure(fileToken({ path: join(dir, 'absent') })())).message).toBe(`cannot read the token file ${join(dir, 'absent')}: ENOENT`);
  });

  it('refuse a file larger than maxBytes, and an endless device, without reading it all', async () => {
    const big = join(dir, 'big');
    await writeFile(big, 'a'.repeat(5000));
    expect((await failure(fileToken({ path: big, maxBytes: 4096 })())).message).toBe(`the token file ${big} is larger than 4096 bytes`);
    expect((await failure(fileToken({ path: '/dev/zero' })())).message).toBe('the token file /dev/zero is larger than 65536 bytes');
  });

  it('refuse an empty file and one that holds no JWT', async () => {
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    expect((await failure(kubernetesToken({ path: empty })())).message).toBe(`the token file ${empty} is empty`);
    const pem = join(dir, 'pem');
    await writeFile(pem, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    expect((await failure(fileToken({ path: pem })())).message).toContain('does not hold a JWT');
  });

  it('fileToken needs a path', () => {
    expect(() => fileToken({} as never)).toThrow('"path" option must be a non-empty string');
  });
});

describe('a platform token source as the grantAssertion of TokenClient', () => {
  it('sends the platform token as the jwt-bearer assertion, fetching a fresh one for each token request', async () => {
    const server = new FakeServer();
    let n = 0;
    const { fetch: githubFetch } = recordingFetch(() => jsonResponse(200, { value: n++ === 0 ? JWT_A : JWT_B }));
    const client = new TokenClient({
      issuer: ISSUER,
      fetch: server.fetch,
      grantAssertion: githubActionsToken({ audience: ISSUER, env: GITHUB_ENV, fetch: githubFetch }),
    });
    await client.getToken({ scope: 'deploy' });
    await client.getToken({ scope: 'deploy' }); // cached: GitHub is not asked again
    client.invalidate();
    await client.getToken({ scope: 'deploy' });
    expect(server.tokenRequests.map((r) => r.form.get('assertion'))).toEqual([JWT_A, JWT_B]);
    expect(server.tokenRequests[0]!.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(n).toBe(2);
  });

  it('a source that fails fails the token request with its PlatformTokenError, and nothing is sent', async () => {
    const server = new FakeServer();
    const client = new TokenClient({ issuer: ISSUER, fetch: server.fetch, grantAssertion: gitlabToken({ env: {} }) });
    await failure(client.getToken());
    expect(server.tokenRequests).toHaveLength(0);
  });
});
