/**
 * OpenTelemetry through the Fastify plugin: real requests to `fastifyRfc7523` over HTTP produce the
 * engine's spans (children of the HTTP server span) and metric points (docs/operations.md).
 */
import type { FastifyInstance } from 'fastify';
import { fastifyRfc7523 } from '@rfc7523/fastify';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, tracedTokenUrl } from '../../../test/support/otel-http.js';
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
  url = await tracedTokenUrl(fastify.server);
});

afterAll(async () => {
  await fastify.close();
  await otel.uninstall();
});

it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
  const clientForm = { grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) };
  await expectThreeTokenRequests(otel, url, { clientForm, clientId: 'worker', grantAssertion: await fx.grantAssertion(), grantIssuer: GRANT_ISSUER });
});
