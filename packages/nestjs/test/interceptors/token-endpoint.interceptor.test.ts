/**
 * `TokenEndpointInterceptor`, the exchange as an interceptor (`@TokenEndpoint()` answers in the route
 * method instead): a route that binds it answers as the token endpoint, and a subclass can wrap the
 * engine's answer through `exchange`.
 */
import { All, Controller, Injectable, Module, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { OAuthExceptionFilter, Rfc7523Module, TokenEndpointInterceptor, type HttpResponse } from '@rfc7523/nestjs';
import type { PlainRequest } from '@rfc7523/core';
import { clientAssertion, clientAuth, engineOptions, form, makeKeys, type TestKeys } from '../support/keys.js';
import { PLATFORMS, startApp, type TestApp } from '../support/nest-app.js';

/** Adds a header to every answer of the engine. */
@Injectable()
class TaggedTokenEndpoint extends TokenEndpointInterceptor {
  protected override async exchange(request: PlainRequest): Promise<HttpResponse> {
    const response = await super.exchange(request);
    return { ...response, headers: { ...response.headers, 'x-exchange': 'tagged' } };
  }
}

@Controller()
class InterceptedController {
  @All('plain/token')
  @UseFilters(OAuthExceptionFilter)
  @UseInterceptors(TokenEndpointInterceptor)
  plain(@Res() _res: unknown): void {
    throw new Error('the interceptor answers; the method must never run');
  }

  @All('tagged/token')
  @UseFilters(OAuthExceptionFilter)
  @UseInterceptors(TaggedTokenEndpoint)
  tagged(@Res() _res: unknown): void {}
}

const FORM = 'application/x-www-form-urlencoded';

describe.each(PLATFORMS.map((platform) => ({ platform, name: platform.name })))('TokenEndpointInterceptor on $name', ({ platform }) => {
  let keys: TestKeys;
  let t: TestApp;

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys))], controllers: [InterceptedController] })
    class AppModule {}
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());

  it('answers a token request as the engine does (RFC 7523 §2.2, RFC 6749 §5.1)', async () => {
    const res = await t.http().post('/plain/token').set('content-type', FORM).send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'read write' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers another method with the engine 405 and Allow: POST (RFC 6749 §3.2)', async () => {
    const res = await t.http().get('/plain/token');
    expect([res.status, res.headers.allow, res.body.error]).toEqual([405, 'POST', 'invalid_request']);
  });

  it('a subclass wraps the answer through exchange, refusals included', async () => {
    const ok = await t.http().post('/tagged/token').set('content-type', FORM).send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect([ok.status, ok.headers['x-exchange']]).toEqual([200, 'tagged']);
    const refused = await t.http().post('/tagged/token').set('content-type', FORM).send(form({ grant_type: 'client_credentials' }));
    expect([refused.status, refused.body.error, refused.headers['x-exchange']]).toEqual([401, 'invalid_client', 'tagged']);
  });
});
