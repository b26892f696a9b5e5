/**
 * Explain options checked at start-up (docs/explain.md): a path the token endpoint, metadata or JWKS
 * already answers is refused naming `explain.path`; `explain` is true, false or a plain object; the
 * Fastify plugin and Nest `forRoot({ server })` refuse an unknown top-level option, naming it.
 */
import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import Fastify from 'fastify';
import { ConfigurationError, createExplainHandler, resolveExplainOptions } from '@rfc7523/core';
import { authorizationServerRouter as expressRouter } from '@rfc7523/express';
import { fastifyRfc7523 } from '@rfc7523/fastify';
import { authorizationServerRouter as koaRouter } from '@rfc7523/koa';
import { Rfc7523Module } from '@rfc7523/nestjs';
import { inject } from '../../packages/fastify/test/support/inject.js';
import { makeFixture, type Fixture } from '../support/engine-fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});

function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('explain.path may not be a path the server already answers', () => {
  it.each(['/token', '/TOKEN', '/token/', '/jwks', '/.well-known/oauth-authorization-server'])('%j: ConfigurationError naming explain.path, on every adapter', (path) => {
    for (const make of [() => createExplainHandler(fx.server, { path }), () => expressRouter(fx.server, { explain: { path } }), () => koaRouter(fx.server, { explain: { path } })]) {
      const err = thrown(make);
      expect(err).toBeInstanceOf(ConfigurationError);
      expect((err as ConfigurationError).field).toBe('explain.path');
    }
  });

  it('Nest forRoot with server refuses it when forRoot is called', () => {
    const err = thrown(() => Rfc7523Module.forRoot({ server: fx.server, explain: { path: '/jwks' } }));
    expect((err as ConfigurationError).field).toBe('explain.path');
  });

  it.each(['/..', '/a/../token', '/./explain'])('%j: a . or .. segment is refused naming explain.path', (path) => {
    expect((thrown(() => resolveExplainOptions({ path })) as ConfigurationError).field).toBe('explain.path');
  });

  it('Fastify refuses it at registration', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(fastifyRfc7523, { server: fx.server, explain: { path: '/token' } }).ready()).rejects.toThrow(/explain\.path/);
    await app.close();
  });

  it('another path is fine', () => {
    expect(createExplainHandler(fx.server, { path: '/token-explain' })?.path).toBe('/token-explain');
  });
});

describe('explain is true, false or a plain object', () => {
  class Options {
    burst = 3;
  }
  it.each<[string, unknown]>([
    ['a Date', new Date()],
    ['an array', []],
    ['a class instance', new Options()],
    ['an object inheriting a field', Object.create({ burts: 1 }) as object],
    ['an object literal with a __proto__', { __proto__: { burst: 1 } }],
    ['an own __proto__ member', JSON.parse('{"__proto__": {"burst": 1}}')],
  ])('%s is refused naming explain', (_name, value) => {
    const err = thrown(() => resolveExplainOptions(value));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).field).toMatch(/^explain(\.__proto__)?$/);
  });

  it('a null-prototype object is a plain object', () => {
    const value = Object.assign(Object.create(null) as object, { burst: 3 });
    expect(resolveExplainOptions(value)?.burst).toBe(3);
  });
});

describe('unknown top-level options are refused, naming them', () => {
  it('the Fastify plugin', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(fastifyRfc7523, { server: fx.server, explian: true } as never).ready()).rejects.toThrow('"explian" option is not a known field');
    await app.close();
  });

  it('the Fastify plugin still takes a prefix', async () => {
    const app = Fastify({ logger: false });
    await app.register(fastifyRfc7523, { server: fx.server, explain: true, prefix: '/as' } as never).ready();
    expect((await inject(app, { method: 'GET', url: '/explain' })).statusCode).toBe(200);
    await app.close();
  });

  it('Nest forRoot with server: when forRoot is called', () => {
    expect(() => Rfc7523Module.forRoot({ server: fx.server, explian: true } as never)).toThrow('"explian" option is not a known field');
    expect(() => Rfc7523Module.forRoot({ server: fx.server, issuer: 'https://other.example' } as never)).toThrow('"issuer" option is not a known field');
  });

  it('Nest forRootAsync with server: when the app is created', async () => {
    @Module({})
    class Root {
      static of(): DynamicModule {
        return { module: Root, imports: [Rfc7523Module.forRootAsync({ useFactory: () => ({ server: fx.server, explian: true }) as never })] };
      }
    }
    await expect(NestFactory.create(Root.of(), new ExpressAdapter(express()), { logger: false, abortOnError: false })).rejects.toThrow('"explian" option is not a known field');
  });

  it('Nest forRoot with server and the module extras (isGlobal, explain) starts', async () => {
    @Module({})
    class Root {
      static of(): DynamicModule {
        return { module: Root, imports: [Rfc7523Module.forRoot({ server: fx.server, isGlobal: true, explain: true })] };
      }
    }
    const app = await NestFactory.create(Root.of(), new ExpressAdapter(express()), { logger: false, abortOnError: false });
    await app.close();
  });
});
