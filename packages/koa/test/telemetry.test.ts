/**
 * OpenTelemetry through the Koa adapter: real requests to `authorizationServerRouter` over HTTP produce
 * the engine's spans (children of the HTTP server span) and metric points (docs/operations.md).
 */
import type { Server } from 'node:http';
import Koa from 'koa';
import { authorizationServerRouter } from '@rfc7523/koa';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, tracedTokenUrl } from '../../../test/support/otel-http.js';
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
  url = await tracedTokenUrl(http);
});

afterAll(async () => {
  http.closeAllConnections();
  http.close();
  await otel.uninstall();
});

it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
  const clientForm = { grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) };
  await expectThreeTokenRequests(otel, url, { clientForm, clientId: 'worker', grantAssertion: await fx.grantAssertion(), grantIssuer: GRANT_ISSUER });
});
