import { Controller, Get, Module, UseFilters, UseGuards } from '@nestjs/common';
import {
  AccessTokenClaims,
  AccessTokenGuard,
  OAuthExceptionFilter,
  RequireScopes,
  Rfc7523Module,
  TokenEndpoint,
} from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, ISSUER, makeKeys, type TestKeys } from '../support/keys.js';
import { PLATFORMS, startApp, type TestApp } from '../support/nest-app.js';

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {}
}

@Controller('api')
@UseFilters(OAuthExceptionFilter)
class ApiController {
  @Get('me')
  @UseGuards(AccessTokenGuard)
  me(@AccessTokenClaims() claims: AccessTokenClaims) {
    return claims;
  }

  @Get('write')
  @UseGuards(AccessTokenGuard)
  @RequireScopes('write')
  write() {
    return { ok: true };
  }
}

@Controller('admin')
@UseFilters(OAuthExceptionFilter)
@UseGuards(AccessTokenGuard)
@RequireScopes('read')
class AdminController {
  @Get('read')
  read() {
    return { ok: true };
  }

  @Get('write')
  @RequireScopes('write')
  write() {
    return { ok: true };
  }
}

/** No @UseFilters: the module's app-wide OAuthErrorFilter must still answer in RFC 6750 JSON. */
@Controller('bare')
class BareController {
  @Get()
  @UseGuards(AccessTokenGuard)
  @RequireScopes('write')
  bare() {
    return { ok: true };
  }
}

describe.each(PLATFORMS)('AccessTokenGuard and @RequireScopes() on $name', (platform) => {
  let keys: TestKeys;
  let t: TestApp;
  let readToken: string;
  let readWriteToken: string;

  const token = async (scope: string): Promise<string> => {
    const body = form({ grant_type: 'client_credentials', scope, ...clientAuth(await clientAssertion(keys)) });
    const res = await t.http().post('/token').set('content-type', 'application/x-www-form-urlencoded').send(body);
    return res.body.access_token as string;
  };
  const get = (path: string, accessToken?: string) => {
    const req = t.http().get(path);
    return accessToken === undefined ? req : req.set('authorization', `Bearer ${accessToken}`);
  };

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({
      imports: [Rfc7523Module.forRoot(engineOptions(keys))],
      controllers: [TokenController, ApiController, AdminController, BareController],
    })
    class AppModule {}
    t = await startApp(AppModule, platform);
    readToken = await token('read');
    readWriteToken = await token('read write');
  });
  afterAll(() => t.close());

  it('puts the verified claims on request.accessToken and hands them to @AccessTokenClaims() (RFC 9068 §2.2)', async () => {
    const res = await get('/api/me', readToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ iss: ISSUER, sub: 'worker', client_id: 'worker', scope: 'read' });
  });

  it('answers a request without a token with 401 invalid_token and WWW-Authenticate: Bearer (RFC 6750 §3.1)', async () => {
    const res = await get('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a token it did not issue with 401 invalid_token and a Bearer challenge (RFC 6750 §3.1)', async () => {
    const res = await get('/api/me', await clientAssertion(keys));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers 403 insufficient_scope with a Bearer challenge when @RequireScopes names a scope the token lacks (RFC 6750 §3.1)', async () => {
    const res = await get('/api/write', readToken);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
    expect(res.body.error).toBe('insufficient_scope');
    expect((await get('/api/write', readWriteToken)).status).toBe(200);
  });

  it('requires every scope named on the controller and on the method', async () => {
    expect((await get('/admin/read', readToken)).status).toBe(200);
    expect((await get('/admin/write', readToken)).status).toBe(403);
    expect((await get('/admin/write', readWriteToken)).status).toBe(200);
  });

  it('answers in RFC 6750 JSON even where no @UseFilters is bound (the module registers OAuthErrorFilter)', async () => {
    const none = await get('/bare');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body.error).toBe('invalid_token');
    const scope = await get('/bare', readToken);
    expect(scope.status).toBe(403);
    expect(scope.body.error).toBe('insufficient_scope');
  });
});
