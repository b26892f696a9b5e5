import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Rfc7523Module, TokenEndpoint } from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, makeKeys, type TestKeys } from '../support/keys.js';
import { startApp, PLATFORMS } from '../support/nest-app.js';

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {}
}

/** An HTTP platform the suite does not know, as a third-party adapter would report itself. */
class UnknownPlatformAdapter extends ExpressAdapter {
  override getType(): string {
    return 'uwebsockets';
  }
}

describe('Rfc7523Module and the HTTP platform', () => {
  let keys: TestKeys;
  let AppModule: new () => object;

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys, { maxBodyLength: 2048 }))], controllers: [TokenController] })
    class TokenModule {}
    AppModule = TokenModule;
  });

  it('fails start-up on a platform other than Express or Fastify, saying what to use', async () => {
    const app = await NestFactory.create(AppModule, new UnknownPlatformAdapter(), { logger: false, abortOnError: false });
    await expect(app.init()).rejects.toThrow(/Express and Fastify platforms only; this app runs on "uwebsockets". Create it with ExpressAdapter/);
    await app.close();
  });

  it('on Fastify with bodyParser: false, the engine reads the form itself under maxBodyLength (413 beyond it, rule R8)', async () => {
    const t = await startApp(AppModule, PLATFORMS[1]!, false);
    try {
      const ok = await t.http().post('/token').set('content-type', 'application/x-www-form-urlencoded').send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
      expect(ok.status).toBe(200);
      const big = await t.http().post('/token').set('content-type', 'application/x-www-form-urlencoded').send(`grant_type=client_credentials&pad=${'a'.repeat(3000)}`);
      expect(big.status).toBe(413);
      expect(big.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large' });
    } finally {
      await t.close();
    }
  });

  it("on Fastify with Nest's body parser, keeps Nest's form parser: a repeated parameter arrives as an array and is refused (rule R3)", async () => {
    const t = await startApp(AppModule, PLATFORMS[1]!, true);
    try {
      const res = await t.http().post('/token').set('content-type', 'application/x-www-form-urlencoded').send('grant_type=client_credentials&grant_type=password');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'parameter grant_type must not be repeated' });
    } finally {
      await t.close();
    }
  });
});
