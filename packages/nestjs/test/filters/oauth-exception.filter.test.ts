import { Controller, ForbiddenException, Get, HttpException, Module, UseFilters, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  InvalidRequestError,
  OAUTH_ERROR_MARK,
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

  @Get('parser-413')
  parser413(): never {
    // The shape body-parser and raw-body give a body over their limit.
    throw Object.assign(new Error('request entity too large: limit 100kb'), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large' });
  }

  @Get('marked')
  marked(): never {
    throw Object.assign(new Error('internal'), { [OAUTH_ERROR_MARK]: true, error: 'unsupported_token_type', status: 400, description: 'not supported' });
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

  it("answers a body reader's 413 as 413 invalid_request, as every adapter does (core oauthErrorResponse)", async () => {
    events.length = 0;
    const res = await get('/api/parser-413');
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large' });
    expect(res.text).not.toContain('100kb');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(events).toEqual([expect.objectContaining({ type: 'request.failed', error: 'invalid_request', reason: 'body_too_large' })]);
  });

  it('answers an error marked with OAUTH_ERROR_MARK as the OAuth error it describes', async () => {
    const res = await get('/api/marked');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_token_type', error_description: 'not supported' });
  });

  it('works without injection too, answering a non-OAuth error with 500 server_error', async () => {
    const res = await t.http().get('/plain/bug');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
  });
});
