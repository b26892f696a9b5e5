/**
 * Test fixtures: the engine half (clock, keys, assertions, an engine) from test/support/engine-fixture.ts,
 * and a Fastify app driven with `inject()` from ./inject.ts (a loopback port: see there why not
 * fastify.inject).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { FORM } from '../../../../test/support/engine-fixture.js';
import { inject, type InjectResponse } from './inject.js';

export * from '../../../../test/support/engine-fixture.js';

/** Asserts the RFC 6749 §5.2 / RFC 6750 §3.1 JSON error shape and headers (rule P2). */
export function expectOAuthError(res: InjectResponse, status: number, error: string): void {
  expect({ status: res.statusCode, error: (res.json() as { error?: unknown }).error }).toEqual({ status, error });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
}

export type { InjectResponse } from './inject.js';

/** A Fastify app with the logger off, closed by the test. */
export function app(): FastifyInstance {
  return Fastify({ logger: false });
}

/** A form POST through `inject()`. */
export function postForm(fastify: FastifyInstance, url: string, body: string): Promise<InjectResponse> {
  return inject(fastify, { method: 'POST', url, headers: { 'content-type': FORM }, payload: body });
}
