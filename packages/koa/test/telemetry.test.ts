/**
 * OpenTelemetry through the Koa adapter: real requests to `authorizationServerRouter` over HTTP produce
 * the engine's spans (children of the HTTP server span) and metric points (docs/operations.md).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { JWT_BEARER_GRANT_TYPE, authorizationServerRouter } from '@rfc7523/koa';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, postForm, traceHttpServer } from '../../../test/support/otel-http.js';
import { clientAuth, GRANT_ISSUER, makeFixture, type Fixture } from './support/fixture.js';

let fx: Fixture;
let otel: OtelHarness;
let http: Server;
let url: string;

beforeAll(async () => {
  otel = installOtel();
  fx = await makeFixture();
  const app = new Koa();
  app.use(authorizationServerRouter(fx.server).routes());
  http = app.listen(0, '127.0.0.1');
  await once(http, 'listening');
  traceHttpServer(http);
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  http.closeAllConnections();
  http.close();
  await otel.uninstall();
});

it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
  const clientForm = { grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) };
  expect(await postForm(url, clientForm)).toBe(200);
  expect(await postForm(url, clientForm)).toBe(401);
  expect(await postForm(url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() })).toBe(200);
  await expectThreeTokenRequests(otel, 'worker', GRANT_ISSUER);
});
