/**
 * The explain option on every adapter (docs/explain.md): off by default (the path is 404), on it serves the
 * engine's page and dry run as they are — same body limit as /token (413), a readable answer to garbage —
 * and a bad option fails at start-up naming the field. Real HTTP through supertest.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import request from 'supertest';
import { authorizationServerRouter as expressRouter } from '@rfc7523/express';
import { fastifyRfc7523 } from '@rfc7523/fastify';
import { authorizationServerRouter as koaRouter } from '@rfc7523/koa';
import { Rfc7523Module } from '@rfc7523/nestjs';
import type { AuthorizationServer, ExplainOption } from '@rfc7523/core';
import { form, makeFixture, type Fixture } from '../support/engine-fixture.js';

interface Started {
  server: Server;
  close(): Promise<void>;
}

type Start = (engine: AuthorizationServer, explain?: ExplainOption) => Promise<Started>;

async function listen(handler: Parameters<typeof import('node:http').createServer>[1] & object): Promise<Started> {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function nestStart(platform: 'express' | 'fastify'): Start {
  return async (engine, explain) => {
    @Module({})
    class Root {
      static of(): DynamicModule {
        return { module: Root, imports: [Rfc7523Module.forRoot({ server: engine, ...(explain === undefined ? {} : { explain }) })] };
      }
    }
    const app = await NestFactory.create(Root.of(), platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false, bodyParser: false, abortOnError: false });
    await app.init();
    if (platform === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
    await app.listen(0, '127.0.0.1');
    return { server: app.getHttpServer() as Server, close: () => app.close() };
  };
}

const ADAPTERS: [string, Start][] = [
  ['Express', async (engine, explain) => listen(express().use(expressRouter(engine, explain === undefined ? {} : { explain })))],
  ['Koa', async (engine, explain) => listen(new Koa().use(koaRouter(engine, explain === undefined ? {} : { explain }).routes()).callback())],
  [
    'Fastify',
    async (engine, explain) => {
      const app = Fastify({ logger: false });
      await app.register(fastifyRfc7523, { server: engine, ...(explain === undefined ? {} : { explain }) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { server: app.server, close: () => app.close() };
    },
  ],
  ['Nest (Express)', nestStart('express')],
  ['Nest (Fastify)', nestStart('fastify')],
];

const FORM = 'application/x-www-form-urlencoded';

describe.each(ADAPTERS)('explain on %s', (_name, start) => {
  let fx: Fixture;
  let off: Started;
  let on: Started;

  beforeAll(async () => {
    fx = await makeFixture();
    off = await start(fx.server);
    on = await start(fx.server, { path: '/debug/explain', burst: 2, perClientPerMinute: 1, now: fx.clock.now });
  });
  afterAll(async () => {
    await off?.close();
    await on?.close();
  });

  it('off by default: GET and POST /explain are 404', async () => {
    expect((await request(off.server).get('/explain')).status).toBe(404);
    expect((await request(off.server).post('/explain').set('content-type', FORM).send(form({ assertion: 'x' }))).status).toBe(404);
  });

  it('on: the page with its CSP, a dry run as JSON, then 429 with Retry-After for the same address', async () => {
    const page = await request(on.server).get('/debug/explain');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('<label for="assertion">');

    const run = await request(on.server).post('/debug/explain').set('content-type', FORM).send(form({ assertion: await fx.clientAssertion(), use: 'client' }));
    expect(run.status).toBe(200);
    expect(run.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(run.body).toMatchObject({ verdict: 'pass', use: 'client_authentication' });

    const garbage = await request(on.server).post('/debug/explain').set('content-type', FORM).send(form({ assertion: 'not a token' }));
    expect(garbage.status).toBe(200);
    expect(garbage.body.steps[1]).toMatchObject({ id: 'compact', status: 'fail', reason: 'malformed_jwt' });

    const limited = await request(on.server).post('/debug/explain').set('content-type', FORM).send(form({ assertion: 'x' }));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.body).toEqual({ error: 'temporarily_unavailable', error_description: 'too many dry runs: retry in 60 s' });
    fx.clock.ms += 60_000;
  });

  it('on: a body over maxBodyLength is 413 as at /token, never read into a dry run', async () => {
    const res = await request(on.server).post('/debug/explain').set('content-type', FORM).send(form({ assertion: 'a'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
    fx.clock.ms += 60_000;
  });

  it('a bad explain option fails at start-up naming the field', async () => {
    await expect(start(fx.server, { burts: 3 } as never)).rejects.toThrow('"explain.burts" option is not a known field');
  });
});

describe('router options are checked', () => {
  it.each([
    ['Express', () => expressRouter({} as never, { explian: true } as never)],
    ['Koa', () => koaRouter({} as never, { explian: true } as never)],
  ])('%s: an unknown router option fails naming it', (_name, make) => {
    expect(make).toThrow('"explian" option is not a known field');
  });
});

describe('Nest forRootAsync', () => {
  it('takes explain beside the factory, like isGlobal', async () => {
    const fx = await makeFixture();
    @Module({})
    class Root {}
    const module: DynamicModule = { module: Root, imports: [Rfc7523Module.forRootAsync({ useFactory: () => ({ server: fx.server }), explain: true })] };
    const app = await NestFactory.create(module, new ExpressAdapter(), { logger: false, bodyParser: false });
    await app.listen(0, '127.0.0.1');
    try {
      const page = await request(app.getHttpServer() as Server).get('/explain');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Explain an assertion</h1>');
    } finally {
      await app.close();
    }
  });
});
