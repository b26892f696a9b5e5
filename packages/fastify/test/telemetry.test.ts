/**
 * OpenTelemetry through the Fastify plugin: real requests to `fastifyRfc7523` over HTTP produce the
 * engine's spans (children of the HTTP server span) and metric points (docs/operations.md).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { JWT_BEARER_GRANT_TYPE, fastifyRfc7523 } from '@rfc7523/fastify';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, postForm, traceHttpServer } from '../../../test/support/otel-http.js';
import { app, clientAuth, GRANT_ISSUER, makeFixture, type Fixture } from './support/fixture.js';

let fx: Fixture;
let otel: OtelHarness;
let fastify: FastifyInstance;
let url: string;

beforeAll(async () => {
  otel = installOtel();
  fx = await makeFixture();
  fastify = app();
  await fastify.register(fastifyRfc7523, { server: fx.server });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  traceHttpServer(fastify.server);
  url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  await fastify.close();
  await otel.uninstall();
});

it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
  const clientForm = { grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) };
  expect(await postForm(url, clientForm)).toBe(200);
  expect(await postForm(url, clientForm)).toBe(401);
  expect(await postForm(url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() })).toBe(200);
  await expectThreeTokenRequests(otel, 'worker', GRANT_ISSUER);
});
