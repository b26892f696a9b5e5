import { checkPublicUrl, documentResponse, resourceRequestFromNode, type AuthorizationServer, type PublicUrl } from '@rfc7523/core';
import type { Middleware } from 'koa';
import { ANSWERED, keepForm, orAnswer, plainRequest, respond } from './respond.js';
import './state.js';

/**
 * The token endpoint (RFC 6749 §3.2, RFC 7523 §2): reads the form body (up to the server's
 * `maxBodyLength`, default 64 KiB), runs the engine and answers with the RFC 6749 §5.1/§5.2 JSON.
 * Mount on every method (`router.all(path, ...)`) so that a wrong method gets 405 rather than 404.
 */
export function tokenEndpoint(server: AuthorizationServer): Middleware {
  return async function oauthTokenEndpoint(ctx) {
    const response = await orAnswer(server, ctx, async () => server.handleTokenRequest(await plainRequest(server, ctx)));
    if (response !== ANSWERED) respond(ctx, response);
  };
}

/**
 * Client authentication for endpoints other than the token endpoint — introspection, revocation,
 * your own token endpoint (RFC 7523 §2.2). Puts the client on `ctx.state.oauthClient`, and the form's
 * fields on `ctx.request.body` when no body parser ran; refuses with 401 `invalid_client` (RFC 6749 §5.2).
 * Default: client authentication required.
 */
export function authenticateClient(server: AuthorizationServer): Middleware {
  return async function oauthAuthenticateClient(ctx, next) {
    const client = await orAnswer(server, ctx, async () => {
      const request = await plainRequest(server, ctx);
      const authenticated = await server.authenticateClient(request);
      keepForm(ctx, request);
      return authenticated;
    });
    if (client === ANSWERED) return;
    ctx.state.oauthClient = client;
    await next();
  };
}

/**
 * Verifies a jwt-bearer grant request (RFC 7523 §2.1) for servers that keep their own token endpoint.
 * Puts the grant on `ctx.state.oauthGrant` (and its client, when one authenticated, on
 * `ctx.state.oauthClient`), and the form's fields on `ctx.request.body` when no body parser ran; refuses
 * with 400 `invalid_grant` or 401 `invalid_client` (RFC 7523 §3).
 */
export function verifyJwtBearerGrant(server: AuthorizationServer): Middleware {
  return async function oauthVerifyJwtBearerGrant(ctx, next) {
    const grant = await orAnswer(server, ctx, async () => {
      const request = await plainRequest(server, ctx);
      const verified = await server.verifyGrant(request);
      keepForm(ctx, request);
      return verified;
    });
    if (grant === ANSWERED) return;
    ctx.state.oauthGrant = grant;
    if (grant.client !== null) ctx.state.oauthClient = grant.client;
    await next();
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
 * Protects a route with access tokens issued by this server (RFC 6750 §2.1, RFC 9068, RFC 9449 §7):
 * `Authorization: Bearer`, or `Authorization: DPoP` with a `DPoP` proof for a DPoP-bound token (rule D2).
 * Puts the claims on `ctx.state.accessToken`; refuses with 401 `invalid_token` / `invalid_dpop_proof` or
 * 403 `insufficient_scope` and the `Bearer` or `DPoP` challenge. Default: no scope required.
 */
export function requireAccessToken(server: AuthorizationServer, options: RequireAccessTokenOptions = {}): Middleware {
  const scopes = Object.freeze([...(options.scopes ?? [])]);
  const publicUrl = checkPublicUrl(options.publicUrl);
  return async function oauthRequireAccessToken(ctx, next) {
    // The raw headers, so that an absent one stays undefined (Koa's ctx.get would give "").
    const claims = await orAnswer(server, ctx, () => server.verifyAccessToken(resourceRequestFromNode(ctx.req, ctx.originalUrl, publicUrl), scopes));
    if (claims === ANSWERED) return;
    ctx.state.accessToken = claims;
    await next();
  };
}

/** Serves the RFC 8414 §3 metadata document; caches may keep it 300 seconds. */
export function metadataHandler(server: AuthorizationServer): Middleware {
  const response = documentResponse(server.metadata);
  return async function oauthMetadata(ctx) {
    respond(ctx, response);
  };
}

/** Serves the public keys that verify issued access tokens (RFC 7517 §5, `jwks_uri`); cacheable 300 seconds. */
export function jwksHandler(server: AuthorizationServer): Middleware {
  const response = documentResponse(server.jwks);
  return async function oauthJwks(ctx) {
    respond(ctx, response);
  };
}
