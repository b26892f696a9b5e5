import { Controller, HttpCode, Injectable, Module, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import {
  ClientAuthenticationGuard,
  OAuthClient,
  OAuthExceptionFilter,
  Rfc7523Module,
  type AuthenticatedClient,
  type OAuthRequest,
  type PlainRequest,
} from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, ISSUER, makeKeys, type TestKeys } from '../support/keys.js';
import { PLATFORM_BODY_MODES, formParam, startApp, type TestApp } from '../support/nest-app.js';

const seen: string[] = [];

/** A subclass overriding a protected hook, as users may. */
@Injectable()
class AuditedClientAuthenticationGuard extends ClientAuthenticationGuard {
  protected override async authenticate(request: PlainRequest): Promise<AuthenticatedClient> {
    const client = await super.authenticate(request);
    seen.push(client.clientId);
    return client;
  }
}

@Controller()
@UseFilters(OAuthExceptionFilter)
class IntrospectionController {
  @Post('introspect')
  @HttpCode(200)
  @UseGuards(ClientAuthenticationGuard)
  introspect(@OAuthClient() client: AuthenticatedClient, @Req() req: OAuthRequest) {
    return { client_id: client.clientId, same_as_request: req.oauthClient === client, token: formParam(req.body, 'token') };
  }

  @Post('audited')
  @HttpCode(200)
  @UseGuards(AuditedClientAuthenticationGuard)
  audited(@OAuthClient() client: AuthenticatedClient) {
    return { client_id: client.clientId };
  }
}

describe.each(PLATFORM_BODY_MODES)('ClientAuthenticationGuard on $name', ({ platform, mode }) => {
  let keys: TestKeys;
  let t: TestApp;

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys))], controllers: [IntrospectionController] })
    class AppModule {}
    t = await startApp(AppModule, platform, mode.bodyParser);
  });
  afterAll(() => t.close());

  const post = (path: string, body: string) => t.http().post(path).set('content-type', 'application/x-www-form-urlencoded').send(body);

  it('puts the authenticated client on request.oauthClient and hands it to @OAuthClient() (RFC 7523 §2.2)', async () => {
    const res = await post('/introspect', form({ token: 'abc', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ client_id: 'worker', same_as_request: true, token: 'abc' });
  });

  it('leaves the form readable on request.body for the route after reading it', async () => {
    const res = await post('/introspect', form({ token: 'still-here', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.body.token).toBe('still-here');
  });

  it('refuses a request without client authentication with 401 invalid_client and no challenge (RFC 6749 §5.2)', async () => {
    const res = await post('/introspect', form({ token: 'abc' }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication is required' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses an assertion whose aud is the token endpoint URL with 401 invalid_client (rfc7523bis §4)', async () => {
    const res = await post('/introspect', form(clientAuth(await clientAssertion(keys, { aud: `${ISSUER}/token` }))));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a replayed client assertion with 401 invalid_client (RFC 7523 §3.7)', async () => {
    const body = form(clientAuth(await clientAssertion(keys)));
    expect((await post('/introspect', body)).status).toBe(200);
    const replay = await post('/introspect', body);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  it('refuses a repeated parameter with 400 invalid_request (RFC 6749 §3.2)', async () => {
    const assertion = await clientAssertion(keys);
    const res = await post('/introspect', `${form(clientAuth(assertion))}&client_assertion=${assertion}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('lets a subclass override the protected authenticate hook, with the same injection', async () => {
    seen.length = 0;
    const res = await post('/audited', form(clientAuth(await clientAssertion(keys))));
    expect(res.body).toEqual({ client_id: 'worker' });
    expect(seen).toEqual(['worker']);
  });
});
