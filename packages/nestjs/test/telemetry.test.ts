/**
 * OpenTelemetry through the Nest module: real requests to a `@TokenEndpoint()` controller over HTTP,
 * on both platforms, produce the engine's spans (children of the HTTP server span) and metric points
 * (docs/operations.md).
 */
import type { Server } from 'node:http';
import { Controller, Module } from '@nestjs/common';
import { Rfc7523Module, TokenEndpoint } from '@rfc7523/nestjs';
import { installOtel, type OtelHarness } from '../../../test/support/otel.js';
import { expectThreeTokenRequests, tracedTokenUrl } from '../../../test/support/otel-http.js';
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
    url = await tracedTokenUrl(t.app.getHttpServer() as Server);
  });

  afterAll(async () => {
    await t.close();
    await otel.uninstall();
  });

  it('a token issued, a replay refused and a grant issued: three engine spans under the HTTP spans, and their metric points', async () => {
    const clientForm = { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) };
    await expectThreeTokenRequests(otel, url, { clientForm, clientId: 'worker', grantAssertion: await grantAssertion(keys), grantIssuer: GRANT_ISSUER });
  });
});
