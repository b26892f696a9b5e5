import { Controller, ForbiddenException, Get, HttpException, Module, UseFilters, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  InvalidRequestError,
  OAuthExceptionFilter,
  Rfc7523Module,
  TokenEndpoint,
  type Rfc7523Event,
} from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, makeKeys, type TestKeys } from '../support/keys.js';
import { PLATFORMS, startApp, type TestApp } from '../support/nest-app.js';

const SECRET = 'database password is hunter2';

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {}
}

@Controller('api')
@UseFilters(OAuthExceptionFilter)
@UseGuards(AccessTokenGuard)
class FailingController {
  @Get('bug')
  bug(): never {
    throw new Error(SECRET);
  }

  @Get('oauth')
  oauth(): never {
    throw new InvalidRequestError('malformed_body', 'the request could not be read', { detail: SECRET });
  }

  @Get('forbidden')
  forbidden(): never {
    throw new ForbiddenException('not your tenant');
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException('short and stout', 418);
  }
}

/** Filter bound without injection, as with app.useGlobalFilters(new OAuthExceptionFilter()). */
@Controller('plain')
@UseFilters(new OAuthExceptionFilter())
class PlainController {
  @Get('bug')
  bug(): never {
    throw new TypeError(SECRET);
  }
}

describe.each(PLATFORMS)('OAuthExceptionFilter on $name', (platform) => {
  let keys: TestKeys;
  let t: TestApp;
  let accessToken: string;
  const events: Rfc7523Event[] = [];

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({
      imports: [Rfc7523Module.forRoot(engineOptions(keys, { onEvent: (e) => events.push(e) }))],
      controllers: [TokenController, FailingController, PlainController],
    })
    class AppModule {}
    t = await startApp(AppModule, platform);
    const body = form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) });
    accessToken = (await t.http().post('/token').set('content-type', 'application/x-www-form-urlencoded').send(body)).body.access_token;
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http().get(path).set('authorization', `Bearer ${accessToken}`);

  it('answers a non-OAuth error thrown in a guarded route with 500 server_error and no detail (RFC 6749 §5.2)', async () => {
    events.length = 0;
    const res = await get('/api/bug');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
    expect(res.text).not.toContain('hunter2');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(events).toEqual([{ type: 'request.failed', error: 'server_error', reason: 'server_error', detail: SECRET }]);
  });

  it('answers an OAuthError with its status and public description, keeping the detail for onEvent', async () => {
    events.length = 0;
    const res = await get('/api/oauth');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request could not be read' });
    expect(events).toEqual([{ type: 'request.failed', error: 'invalid_request', reason: 'malformed_body', detail: SECRET }]);
  });

  it("keeps Nest's JSON for an HttpException the route throws on purpose", async () => {
    const forbidden = await get('/api/forbidden');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ statusCode: 403, message: 'not your tenant', error: 'Forbidden' });
    const teapot = await get('/api/teapot');
    expect(teapot.status).toBe(418);
    expect(teapot.body).toEqual({ statusCode: 418, message: 'short and stout' });
  });

  it('works without injection too, answering a non-OAuth error with 500 server_error', async () => {
    const res = await t.http().get('/plain/bug');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
  });
});
