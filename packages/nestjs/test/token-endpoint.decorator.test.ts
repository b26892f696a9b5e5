import type { ServerResponse } from 'node:http';
import {
  Controller,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { AuthorizationServer, JWT_BEARER_GRANT_TYPE, Rfc7523Module, TokenEndpoint } from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, grantAssertion, makeKeys, type TestKeys } from './support/keys.js';
import { PLATFORM_BODY_MODES, startApp, type TestApp } from './support/nest-app.js';

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {
    throw new Error('the engine answers; the method must never run');
  }
}

@Controller('oauth2')
class PrefixedTokenController {
  @TokenEndpoint('v1/token')
  token(): void {}
}

const FORM = 'application/x-www-form-urlencoded';

/** Refuses every request (Nest answers 403). */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** What a guard of the app reads of the route: its handler's name and the `tag` metadata on it. */
const seen: Array<{ name: string; tag: unknown }> = [];

@Injectable()
class ReadingGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    seen.push({ name: context.getHandler().name, tag: this.reflector.get('tag', context.getHandler()) });
    return true;
  }
}

/** Nest decorators on either side of @TokenEndpoint(): written below it, they ran first. */
@Controller('decorated')
@UseGuards(ReadingGuard)
class DecoratedTokenController {
  @TokenEndpoint('denied-below')
  @UseGuards(DenyGuard)
  deniedBelow(): void {}

  @UseGuards(DenyGuard)
  @TokenEndpoint('denied-above')
  deniedAbove(): void {}

  @TokenEndpoint('tagged')
  @SetMetadata('tag', 'below')
  tagged(): void {}
}

/** Records each route it wraps, and what the route returned. */
const intercepted: Array<{ controller: string; result: unknown }> = [];

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const controller = context.getClass().name;
    return next.handle().pipe(tap((result) => intercepted.push({ controller, result })));
  }
}

/** A controller with its own constructor dependency and an interceptor of the app's around the token endpoint. */
@Controller('wrapped')
@UseInterceptors(RecordingInterceptor)
class WrappedTokenController {
  constructor(@Inject(AuthorizationServer) readonly server: AuthorizationServer) {}

  @TokenEndpoint()
  token(): void {}
}

describe.each(PLATFORM_BODY_MODES)('@TokenEndpoint() on $name', ({ platform, mode }) => {
  let keys: TestKeys;
  let t: TestApp;
  /** The status of every `res.end()` call, to prove that Nest writes nothing after the engine. */
  const ends: number[] = [];

  beforeAll(async () => {
    keys = await makeKeys();
    @Module({
      imports: [Rfc7523Module.forRoot(engineOptions(keys, { maxBodyLength: 4096 }))],
      controllers: [TokenController, PrefixedTokenController, WrappedTokenController, DecoratedTokenController],
    })
    class AppModule {}
    t = await startApp(AppModule, platform, mode.bodyParser, (app) =>
      app.use((_req: unknown, res: ServerResponse, next: () => void) => {
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => {
          ends.push(res.statusCode);
          return end(...args);
        }) as ServerResponse['end'];
        next();
      }),
    );
  });
  afterAll(() => t.close());

  const post = (body: string) => t.http().post('/token').set('content-type', FORM).send(body);

  it('issues an access token for client_credentials with a private_key_jwt assertion (RFC 7523 §2.2, RFC 6749 §5.1)', async () => {
    const res = await post(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'read write' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers.etag).toBeUndefined();
  });

  it('issues an access token for the jwt-bearer grant (RFC 7523 §2.1)', async () => {
    const res = await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(keys) }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'deploy' });
  });

  it('refuses a replayed client assertion with 401 invalid_client (RFC 7523 §3.7)', async () => {
    const body = form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) });
    expect((await post(body)).status).toBe(200);
    const replay = await post(body);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    expect(replay.headers['cache-control']).toBe('no-store');
  });

  it.each(['get', 'put', 'delete'] as const)('answers %s with the engine 405 JSON and Allow: POST (RFC 6749 §3.2)', async (method) => {
    const res = await t.http()[method]('/token');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the token endpoint accepts POST only' });
  });

  it('leaves the response to the engine: Nest ends nothing after it and never calls the method', async () => {
    ends.length = 0;
    await t.http().get('/token');
    await post(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect(ends).toEqual([405, 200]);
  });

  it('refuses a repeated parameter with 400 invalid_request (RFC 6749 §3.2)', async () => {
    const res = await post('grant_type=client_credentials&grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses another body type with 400 invalid_request (RFC 6749 §3.2)', async () => {
    const res = await t.http().post('/token').set('content-type', 'application/json').send('{"grant_type":"client_credentials"}');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers an unknown grant type with 400 unsupported_grant_type before client authentication (RFC 6749 §5.2)', async () => {
    const res = await post(form({ grant_type: 'password', username: 'u' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it("runs inside the app's own interceptors, in a controller with its own constructor dependencies", async () => {
    intercepted.length = 0;
    const res = await t.http().post('/wrapped/token').set('content-type', FORM).send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect([res.status, res.body]).toEqual([200, expect.objectContaining({ token_type: 'Bearer' })]);
    expect(intercepted).toEqual([{ controller: 'WrappedTokenController', result: undefined }]);
  });

  it.each(['denied-below', 'denied-above'])('keeps a guard written on either side of it (%s): the guard refuses before the engine runs', async (path) => {
    const res = await t.http().post(`/decorated/${path}`).set('content-type', FORM).send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.status).toBe(403);
  });

  it("keeps metadata written below it and the method's name, as the app's guards read them", async () => {
    seen.length = 0;
    const res = await t.http().post('/decorated/tagged').set('content-type', FORM).send(form({ grant_type: 'client_credentials', ...clientAuth(await clientAssertion(keys)) }));
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ name: 'tagged', tag: 'below' }]);
  });

  it('mounts the token endpoint at the given path under the controller prefix', async () => {
    const res = await t.http().post('/oauth2/v1/token').set('content-type', FORM).send(form({ grant_type: 'client_credentials' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  if (!mode.bodyParser) {
    it('refuses a body over maxBodyLength with 413 invalid_request, reading no further (rule R8)', async () => {
      const res = await post(`grant_type=client_credentials&pad=${'a'.repeat(5000)}`);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large' });
    });
  }
});

describe('@TokenEndpoint() on a method with parameters', () => {
  it('refuses it when the class is defined, naming the method', () => {
    expect(() => {
      class WithBody {
        @TokenEndpoint()
        token(_body: unknown): void {}
      }
      return WithBody;
    }).toThrow(new TypeError('@TokenEndpoint(): token() must be a method without parameters (the engine reads the request itself)'));
  });
});
