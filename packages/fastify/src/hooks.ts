import {
  checkPublicUrl,
  documentResponse,
  formFields,
  resourceRequestFromNode,
  type AuthorizationServer,
  type PlainRequest,
  type PublicUrl,
} from '@rfc7523/core';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { plainRequest, sendResponse } from './reply.js';
import './types.js';

/** A `preHandler` hook: resolves to continue, or answers the request itself and resolves to the reply. */
export type OAuthPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * Runs `work` against the engine; on any error answers it as RFC 6749 §5.2 / RFC 6750 §3.1 JSON itself
 * (so it never reaches an error handler that would word it otherwise) and returns the reply, which stops
 * Fastify's hook chain.
 */
async function orAnswer(server: AuthorizationServer, reply: FastifyReply, work: () => Promise<void>): Promise<FastifyReply | undefined> {
  try {
    await work();
    return undefined;
  } catch (err) {
    return sendResponse(reply, server.errorResponse(err));
  }
}

/**
 * Once the engine accepted a request, replaces the raw form text the parser kept on `request.body` by its
 * fields (`{ token: '…' }`), as a form body parser would, for the handler that follows (introspection's
 * `token`, RFC 7662 §2.1). A body another parser made into an object is left as it is.
 */
function keepForm(request: FastifyRequest): void {
  const fields = formFields(request.body as PlainRequest['body']);
  if (fields !== undefined) request.body = fields;
}

/**
 * The token endpoint handler (RFC 6749 §3.2, RFC 7523 §2): runs the engine on the form the content-type
 * parser read (up to `maxBodyLength`, default 64 KiB) and sends the RFC 6749 §5.1/§5.2 JSON. Route it for
 * every method so that a wrong one gets the engine's 405; `authorizationServerRoutes` does.
 */
export function tokenEndpoint(server: AuthorizationServer): RouteHandlerMethod {
  return async function oauthTokenEndpoint(request, reply) {
    return sendResponse(reply, await server.handleTokenRequest(plainRequest(request)));
  };
}

/**
 * `preHandler` hook authenticating the client of a request to endpoints other than the token endpoint —
 * introspection, revocation, your own token endpoint (RFC 7523 §2.2). Sets `request.oauthClient` and leaves
 * the form's fields on `request.body`; refuses with 401 `invalid_client` (RFC 6749 §5.2). Needs the form parser of `fastifyRfc7523`.
 */
export function authenticateClient(server: AuthorizationServer): OAuthPreHandler {
  return async function oauthAuthenticateClient(request, reply) {
    return orAnswer(server, reply, async () => {
      request.oauthClient = await server.authenticateClient(plainRequest(request));
      keepForm(request);
    });
  };
}

/**
 * `preHandler` hook verifying a jwt-bearer grant request (RFC 7523 §2.1) for servers that keep their own
 * token endpoint. Sets `request.oauthGrant` (and `request.oauthClient` when a client authenticated
 * alongside) and leaves the form's fields on `request.body`; refuses with 400 `invalid_grant` or 401 `invalid_client` (RFC 7523 §3).
 */
export function verifyJwtBearerGrant(server: AuthorizationServer): OAuthPreHandler {
  return async function oauthVerifyJwtBearerGrant(request, reply) {
    return orAnswer(server, reply, async () => {
      const grant = await server.verifyGrant(plainRequest(request));
      request.oauthGrant = grant;
      if (grant.client !== null) request.oauthClient = grant.client;
      keepForm(request);
    });
  };
}

/** Options of {@link requireAccessToken}. */
export interface RequireAccessTokenOptions {
  /** Scopes the token must grant, all of them (RFC 6750 §3.1). Default none. */
  scopes?: readonly string[];
  /**
   * The public URL a DPoP proof's `htu` must name (RFC 9449 §4.3 item 9), for servers behind a proxy: the
   * base URL the clients use (`https://api.example.com`), to which the request path is appended, or a
   * function returning a request's whole URL. Default: the connection's scheme and the `Host` header.
   */
  publicUrl?: PublicUrl;
}

/**
 * `preHandler` hook protecting a route with access tokens issued by this server (RFC 6750 §2.1, RFC 9068,
 * RFC 9449 §7): `Authorization: Bearer`, or `Authorization: DPoP` with a `DPoP` proof for a DPoP-bound
 * token (rule D2). Sets `request.accessToken`; refuses with 401 `invalid_token` / `invalid_dpop_proof` or
 * 403 `insufficient_scope` and the `Bearer` or `DPoP` challenge. Default: no scope required.
 */
export function requireAccessToken(server: AuthorizationServer, options: RequireAccessTokenOptions = {}): OAuthPreHandler {
  const scopes = Object.freeze([...(options.scopes ?? [])]);
  const publicUrl = checkPublicUrl(options.publicUrl);
  return async function oauthRequireAccessToken(request, reply) {
    return orAnswer(server, reply, async () => {
      request.accessToken = await server.verifyAccessToken(resourceRequestFromNode(request.raw, request.url, publicUrl), scopes);
    });
  };
}

/** Handler serving the RFC 8414 §3 metadata document; caches may keep it 300 seconds. */
export function metadataHandler(server: AuthorizationServer): RouteHandlerMethod {
  const response = documentResponse(server.metadata);
  return async function oauthMetadata(_request, reply) {
    return sendResponse(reply, response);
  };
}

/** Handler serving the public keys that verify issued access tokens (RFC 7517 §5, `jwks_uri`); cacheable 300 seconds. */
export function jwksHandler(server: AuthorizationServer): RouteHandlerMethod {
  const response = documentResponse(server.jwks);
  return async function oauthJwks(_request, reply) {
    return sendResponse(reply, response);
  };
}
