import { Controller, HttpCode, Module, Post, UseFilters, UseGuards } from '@nestjs/common';
import {
  JWT_BEARER_GRANT_TYPE,
  JwtBearerGrantGuard,
  OAuthClient,
  OAuthExceptionFilter,
  OAuthGrant,
  Rfc7523Module,
  type AuthenticatedClient,
  type VerifiedGrant,
} from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, GRANT_ISSUER, GRANT_SUBJECT, grantAssertion, makeKeys, makeSigner, type TestKeys } from '../support/keys.js';
import { PLATFORM_BODY_MODES, startApp, type TestApp } from '../support/nest-app.js';

@Controller()
@UseFilters(OAuthExceptionFilter)
class OwnTokenEndpointController {
  @Post('grant')
  @HttpCode(200)
  @UseGuards(JwtBearerGrantGuard)
  grant(@OAuthGrant() grant: VerifiedGrant, @OAuthClient() client: AuthenticatedClient | undefined) {
    return { issuer: grant.issuer, subject: grant.subject, scope: grant.scope, client_id: client?.clientId ?? null };
  }
}

describe.each(PLATFORM_BODY_MODES)('JwtBearerGrantGuard on $name', ({ platform, mode }) => {
  let keys: TestKeys;
  let t: TestApp;

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys))], controllers: [OwnTokenEndpointController] })
    class AppModule {}
    t = await startApp(AppModule, platform, mode.bodyParser);
  });
  afterAll(() => t.close());

  const post = (body: Record<string, string>) =>
    t.http().post('/grant').set('content-type', 'application/x-www-form-urlencoded').send(form({ grant_type: JWT_BEARER_GRANT_TYPE, ...body }));

  it('puts the verified grant on request.oauthGrant and hands it to @OAuthGrant() (RFC 7523 §2.1)', async () => {
    const res = await post({ assertion: await grantAssertion(keys) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ issuer: GRANT_ISSUER, subject: GRANT_SUBJECT, scope: ['deploy'], client_id: null });
  });

  it('validates client credentials sent with the grant and puts the client on request.oauthClient (RFC 7523 §3.1)', async () => {
    const res = await post({ assertion: await grantAssertion(keys), ...clientAuth(await clientAssertion(keys)) });
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe('worker');
  });

  it('refuses an assertion from an untrusted issuer with 400 invalid_grant (RFC 7523 §3.1)', async () => {
    const stranger = await makeSigner('ci-1');
    const res = await post({ assertion: await grantAssertion({ ...keys, grantIssuer: stranger }) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a subject the issuer may not assert with 400 invalid_grant (RFC 7523 §3.2)', async () => {
    const res = await post({ assertion: await grantAssertion(keys, { sub: 'repo:evil/api' }) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses bad client credentials with 401 invalid_client before looking at the grant (rule R0)', async () => {
    const res = await post({ assertion: 'not-even-a-jwt', ...clientAuth(await clientAssertion(keys, { aud: 'https://elsewhere.test' })) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a missing assertion with 400 invalid_request (RFC 7521 §4.1)', async () => {
    const res = await post({});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
