import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** The media type of token requests (RFC 6749 §3.2). */
const FORM = 'application/x-www-form-urlencoded';

/** The platforms the guards, the token endpoint and the filters read requests and write responses on. */
const SUPPORTED = ['express', 'fastify'];

/** The part of a Fastify instance used here. */
interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => void): void;
}

/**
 * Start-up checks and set-up of the HTTP platform, so that nothing fails at request time:
 * - an HTTP platform other than Express or Fastify fails start-up, saying what to use;
 * - on Fastify without a form parser (`bodyParser: false`), registers one that leaves the form unread,
 *   so that the engine reads it under its own `maxBodyLength` (default 65536 bytes; 413 beyond, rule R8)
 *   instead of Fastify refusing it with 415. With Nest's body parser on, its parser is kept.
 */
@Injectable()
export class Rfc7523PlatformSupport implements OnModuleInit {
  constructor(@Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    // No HTTP adapter: an application context or a microservice, where no request is ever read.
    if (adapter === undefined || adapter === null) return;
    const type = adapter.getType();
    if (!SUPPORTED.includes(type)) {
      throw new Error(
        `@rfc7523/nestjs reads requests and writes responses on the Express and Fastify platforms only; this app runs on "${type}". ` +
          'Create it with ExpressAdapter (the default) or FastifyAdapter.',
      );
    }
    if (type === 'fastify') this.registerFormParser(adapter.getInstance<FastifyLike>());
  }

  /** Registers the pass-through form parser on the Fastify instance unless it has one already. */
  protected registerFormParser(fastify: FastifyLike): void {
    if (fastify.hasContentTypeParser(FORM)) return;
    fastify.addContentTypeParser(FORM, function leaveFormForTheEngine(_request, _payload, done) {
      done(null, undefined);
    });
  }
}
