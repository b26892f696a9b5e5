/**
 * Start-up messages of the demos (issue 11 item 7, issue 18): a bad Redis variable names the
 * variable, a missing relative AS_CONFIG names the absolute path looked for, and an ISSUER with a
 * trailing slash is warned about (audiences are compared exactly, RFC 7523 §3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigurationError } from '@rfc7523/core';
import { demoSettings, redisTargetFromEnv } from '../src/settings.js';

const BASE = { PORT: '0', HOST: '127.0.0.1' };

/** The ConfigurationError `promise` rejects with. */
async function configurationError(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (docs/demo-interface.md)', () => {
  it('REDIS_URL=notaurl names the variable REDIS_URL, not an option of the package', async () => {
    const error = await configurationError(demoSettings({ ...BASE, REDIS_URL: 'notaurl' }, 0, { logEvents: false }));
    expect(error.field).toBe('REDIS_URL');
    expect(error.message).toMatch(/^"REDIS_URL" must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(error.message).not.toMatch(/"url"/);
  });

  it.each(['http://127.0.0.1:6379', 'redis://', '127.0.0.1:6379'])('REDIS_URL=%j is refused, naming REDIS_URL', (value) => {
    expect(() => redisTargetFromEnv({ REDIS_URL: value })).toThrow(/^"REDIS_URL" must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('reads each of the three forms into the store target', () => {
    expect(redisTargetFromEnv({})).toBeUndefined();
    expect(redisTargetFromEnv({ REDIS_URL: '' })).toBeUndefined();
    expect(redisTargetFromEnv({ REDIS_URL: 'rediss://user:pw@redis.example:6380/2' })).toBe('rediss://user:pw@redis.example:6380/2');
    expect(redisTargetFromEnv({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000,' })).toEqual({
      cluster: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'],
    });
    expect(redisTargetFromEnv({ REDIS_SENTINELS: 'sentinel-a:26379,[::1]:26380', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual({
      sentinels: ['sentinel-a:26379', '[::1]:26380'],
      name: 'mymaster',
    });
  });

  it.each<[Record<string, string>, string, RegExp]>([
    [{ REDIS_CLUSTER_NODES: 'redis://a:7000,b:7001' }, 'REDIS_CLUSTER_NODES', /"b:7001" is not one/],
    [{ REDIS_CLUSTER_NODES: ' , ' }, 'REDIS_CLUSTER_NODES', /at least one/],
    [{ REDIS_SENTINELS: 'a:26379' }, 'REDIS_SENTINEL_NAME', /must name the master group/],
    [{ REDIS_SENTINELS: 'a:26379,b', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /"b" is not one/],
    [{ REDIS_SENTINELS: 'a:99999', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /host:port/],
    [{ REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME', /needs REDIS_SENTINELS/],
    [{ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'redis://b:2' }, 'REDIS_CLUSTER_NODES', /set only one of/],
    [{ REDIS_URL: 'redis://a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /set only one of/],
  ])('%j is refused, naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      redisTargetFromEnv(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).field).toBe(variable);
    expect((error as Error).message).toMatch(problem);
  });
});

describe('AS_CONFIG', () => {
  it('a missing relative AS_CONFIG names the resolved absolute path and the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfc7523-as-config-'));
    try {
      const absolute = join(dir, 'missing-trust.json');
      const given = relative(process.cwd(), absolute);
      expect(given.startsWith('/')).toBe(false);
      const error = await configurationError(demoSettings({ ...BASE, AS_CONFIG: given }, 0, { logEvents: false }));
      expect(error.field).toBe('AS_CONFIG');
      expect(error.message).toContain(absolute);
      expect(error.message).toContain(resolve(given));
      expect(error.message).toContain(process.cwd());
      expect(error.message).toContain('ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ISSUER', () => {
  it('warns once at start-up when ISSUER ends with a slash, naming the exact aud and token endpoint', async () => {
    const warnings: string[] = [];
    const settings = await demoSettings({ ...BASE, ISSUER: 'https://as.example.com/' }, 0, { logEvents: false, warn: (m) => warnings.push(m) });
    expect(settings.options.issuer).toBe('https://as.example.com/');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ISSUER "https:\/\/as\.example\.com\/" ends with "\/"/);
    expect(warnings[0]).toMatch(/compared exactly/);
    expect(warnings[0]).toContain('"https://as.example.com//token"');
  });

  it('does not warn for an ISSUER without a trailing slash', async () => {
    const warnings: string[] = [];
    await demoSettings({ ...BASE, ISSUER: 'https://as.example.com' }, 0, { logEvents: false, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });
});
