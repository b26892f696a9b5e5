/**
 * OpenTelemetry through the Nest module: real requests to a `@TokenEndpoint()` controller over HTTP,
 * on both platforms, produce the engine's spans (children of the HTTP server span) and metric points
 * (docs/operations.md).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Module } from '@nestjs/common';
import { JWT_BEARER_GRANT_TYPE, Rfc7523Module, TokenEndpoint } from '@rfc7523/nestjs';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, postForm, traceHttpServer } from '../../../test/support/otel-http.js';
import { clientAssertion, clientAuth, engineOptions, GRANT_ISSUER, grantAssertion, makeKeys, type TestKeys } from './support/keys.js';
import { PLATFORMS, startApp, type TestApp } from './support/nest-app.js';

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {}
}

let keys: TestKeys;

beforeAll(async () => {
  keys = await makeKeys();
});

describe.each(PLATFORMS)('on $name', (platform) => {
  let otel: OtelHarness;
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    otel = installOtel();
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys))], controllers: [TokenController] })
    class AppModule {}
    t = await startApp(AppModule, platform);
    const server = t.app.getHttpServer() as Server;
    traceHttpServer(server);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });

  afterAll(async () => {
    await t.close();
    await otel.uninstall();
  });

  it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
    const clientForm = { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) };
    expect(await postForm(url, clientForm)).toBe(200);
    expect(await postForm(url, clientForm)).toBe(401);
    expect(await postForm(url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(keys) })).toBe(200);
    await expectThreeTokenRequests(otel, 'worker', GRANT_ISSUER);
  });
});
