import { Controller, Get, Injectable, Module, UseFilters, UseGuards, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AccessTokenGuard,
  AuthorizationServer,
  createAuthorizationServer,
  OAuthExceptionFilter,
  REPLAY_STORE,
  Rfc7523Module,
  TokenEndpoint,
  type AuthorizationServerOptions,
  type ReplayStore,
} from '@rfc7523/nestjs';
import { clientAssertion, clientAuth, engineOptions, form, ISSUER, makeKeys, type TestKeys } from './support/keys.js';
import { PLATFORMS, startApp, type Platform, type TestApp } from './support/nest-app.js';

/** A replay store that remembers in memory and records every call. */
class RecordingReplayStore implements ReplayStore {
  readonly calls: { key: string; expiresAt: number }[] = [];
  readonly #seen = new Set<string>();

  async remember(key: string, expiresAt: number): Promise<boolean> {
    this.calls.push({ key, expiresAt });
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}

@Controller()
class TokenController {
  @TokenEndpoint()
  token(): void {}
}

/** A feature controller that injects the engine by type alone (decorator metadata), as users do. */
@Controller('engine')
class EngineController {
  constructor(private readonly server: AuthorizationServer) {}

  @Get()
  engine() {
    return { issuer: this.server.issuer };
  }
}

/** A config service, as `@nestjs/config` would provide. */
@Injectable()
class EngineConfig {
  static keys: TestKeys;
  options(): AuthorizationServerOptions {
    return engineOptions(EngineConfig.keys);
  }
}

@Module({ providers: [EngineConfig], exports: [EngineConfig] })
class EngineConfigModule {}

async function startOn(platform: Platform, ...imports: (DynamicModule | typeof EngineConfigModule)[]): Promise<TestApp> {
  @Module({ imports, controllers: [TokenController, EngineController] })
  class AppModule {}
  return startApp(AppModule, platform);
}

describe.each(PLATFORMS)('Rfc7523Module on $name', (platform) => {
  const start = (...imports: (DynamicModule | typeof EngineConfigModule)[]) => startOn(platform, ...imports);
  let keys: TestKeys;
  const apps: TestApp[] = [];
  const track = async (app: Promise<TestApp>): Promise<TestApp> => {
    apps.push(await app);
    return apps[apps.length - 1]!;
  };
  const tokenRequest = async (t: TestApp, assertion?: string) =>
    t
      .http()
      .post('/token')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(form({ grant_type: 'client_credentials', ...clientAuth(assertion ?? (await clientAssertion(keys))) }));

  beforeAll(async () => {
    keys = await makeKeys();
    EngineConfig.keys = keys;
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  it('forRoot creates the engine once from the engine options and exports it under the AuthorizationServer class', async () => {
    const t = await track(start(Rfc7523Module.forRoot(engineOptions(keys))));
    expect(t.app.get(AuthorizationServer)).toBeInstanceOf(AuthorizationServer);
    expect((await t.http().get('/engine')).body).toEqual({ issuer: ISSUER });
    expect((await tokenRequest(t)).status).toBe(200);
  });

  it('forRootAsync builds the engine options with useFactory and inject from a config service', async () => {
    const t = await track(
      start(
        Rfc7523Module.forRootAsync({
          imports: [EngineConfigModule],
          useFactory: (config: EngineConfig) => config.options(),
          inject: [EngineConfig],
        }),
      ),
    );
    expect((await t.http().get('/engine')).body).toEqual({ issuer: ISSUER });
    expect((await tokenRequest(t)).status).toBe(200);
  });

  it('forRootAsync takes a useClass options factory with create()', async () => {
    @Injectable()
    class OptionsFactory {
      create(): AuthorizationServerOptions {
        return engineOptions(keys);
      }
    }
    const t = await track(start(Rfc7523Module.forRootAsync({ useClass: OptionsFactory })));
    expect((await tokenRequest(t)).status).toBe(200);
  });

  it('isGlobal makes the engine injectable in modules that do not import Rfc7523Module', async () => {
    @Module({ controllers: [EngineController] })
    class FeatureModule {}
    @Module({ imports: [Rfc7523Module.forRoot({ ...engineOptions(keys), isGlobal: true }), FeatureModule] })
    class AppModule {}
    const t = await track(startApp(AppModule, platform));
    expect((await t.http().get('/engine')).body).toEqual({ issuer: ISSUER });
  });

  it('without isGlobal the engine stays inside the modules that import Rfc7523Module', async () => {
    @Module({ controllers: [EngineController] })
    class FeatureModule {}
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys)), FeatureModule] })
    class AppModule {}
    await expect(NestFactory.create(AppModule, platform.adapter(), { logger: false, abortOnError: false })).rejects.toThrow(/AuthorizationServer/);
  });

  it('the server option adopts an engine created elsewhere as it is', async () => {
    const server = await createAuthorizationServer(engineOptions(keys));
    const t = await track(start(Rfc7523Module.forRoot({ server })));
    expect(t.app.get(AuthorizationServer)).toBe(server);
    expect((await tokenRequest(t)).status).toBe(200);
  });

  it('the engine options are validated at start-up with the engine TypeError naming the option', async () => {
    const bad = start(Rfc7523Module.forRoot({ ...engineOptions(keys), clockTolerance: -1 }));
    await expect(bad).rejects.toThrow(/clockTolerance/);
  });

  describe('REPLAY_STORE (RFC 7523 §3.7)', () => {
    it('a REPLAY_STORE provider in a global module becomes the engine replay store, so its answer decides a replay', async () => {
      const store = new RecordingReplayStore();
      @Module({ providers: [{ provide: REPLAY_STORE, useValue: store }], exports: [REPLAY_STORE] })
      class ReplayModule {}
      const t = await track(start({ module: ReplayModule, global: true }, Rfc7523Module.forRoot(engineOptions(keys))));
      const assertion = await clientAssertion(keys);
      expect((await tokenRequest(t, assertion)).status).toBe(200);
      expect(store.calls).toHaveLength(1);
      expect(store.calls[0]!.key).toContain('worker');
      const replay = await tokenRequest(t, assertion);
      expect(replay.status).toBe(401);
      expect(replay.body.error).toBe('invalid_client');
      expect(store.calls).toHaveLength(2);
    });

    it('a REPLAY_STORE provider from a module in forRootAsync imports is used too', async () => {
      const store = new RecordingReplayStore();
      @Module({ providers: [{ provide: REPLAY_STORE, useValue: store }], exports: [REPLAY_STORE] })
      class ReplayModule {}
      const t = await track(
        start(Rfc7523Module.forRootAsync({ imports: [ReplayModule, EngineConfigModule], useFactory: (c: EngineConfig) => c.options(), inject: [EngineConfig] })),
      );
      expect((await tokenRequest(t)).status).toBe(200);
      expect(store.calls).toHaveLength(1);
    });

    it('the replayStore option works without a provider, and the same store given both ways is accepted', async () => {
      const store = new RecordingReplayStore();
      const byOption = await track(start(Rfc7523Module.forRoot(engineOptions(keys, { replayStore: store }))));
      expect((await tokenRequest(byOption)).status).toBe(200);
      @Module({ providers: [{ provide: REPLAY_STORE, useValue: store }], exports: [REPLAY_STORE] })
      class ReplayModule {}
      const both = await track(
        start(
          Rfc7523Module.forRootAsync({
            imports: [ReplayModule],
            useFactory: (s: ReplayStore) => engineOptions(keys, { replayStore: s }),
            inject: [REPLAY_STORE],
          }),
        ),
      );
      expect((await tokenRequest(both)).status).toBe(200);
      expect(store.calls).toHaveLength(2);
    });

    it('without a REPLAY_STORE provider the engine keeps its in-memory store and still refuses a replay', async () => {
      const t = await track(start(Rfc7523Module.forRoot(engineOptions(keys))));
      const assertion = await clientAssertion(keys);
      expect((await tokenRequest(t, assertion)).status).toBe(200);
      expect((await tokenRequest(t, assertion)).status).toBe(401);
    });

    it('two different stores, or a provider next to an existing engine, fail start-up with a TypeError', async () => {
      @Module({ providers: [{ provide: REPLAY_STORE, useValue: new RecordingReplayStore() }], exports: [REPLAY_STORE] })
      class ReplayModule {}
      const global = { module: ReplayModule, global: true };
      await expect(start(global, Rfc7523Module.forRoot(engineOptions(keys, { replayStore: new RecordingReplayStore() })))).rejects.toThrow(
        /"replayStore" option and a REPLAY_STORE provider/,
      );
      const server = await createAuthorizationServer(engineOptions(keys));
      await expect(start(global, Rfc7523Module.forRoot({ server }))).rejects.toThrow(/"server" option cannot be combined with a REPLAY_STORE provider/);
    });
  });

  it('guards bound in a module that imports Rfc7523Module get the engine by injection', async () => {
    @Controller('guarded')
    @UseFilters(OAuthExceptionFilter)
    class GuardedController {
      @Get()
      @UseGuards(AccessTokenGuard)
      guarded() {
        return { ok: true };
      }
    }
    @Module({ imports: [Rfc7523Module.forRoot(engineOptions(keys))], controllers: [GuardedController] })
    class FeatureModule {}
    const t = await track(startApp(FeatureModule, platform));
    expect((await t.http().get('/guarded')).status).toBe(401);
  });
});
