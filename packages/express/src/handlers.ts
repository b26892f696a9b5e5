import {
  documentResponse,
  formFields,
  checkPublicUrl,
  plainRequestFromNode,
  resourceRequestFromNode,
  writeNodeResponse,
  type AuthorizationServer,
  type PlainRequest,
  type PublicUrl,
} from '@rfc7523/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import './types.js';

/**
 * The engine's request: the form read here (up to `server.maxBodyLength`, default 65536 bytes), or what a
 * body parser left — the text on `req.rawBody` when the app keeps it (body-parser's `verify` hook, Nest's
 * `rawBody: true`), so that the engine parses and measures the form itself and never takes a JSON body for
 * one (rule R7), else the parsed `req.body`, whose fields are counted against the limit (rule R8).
 */
function plain(server: AuthorizationServer, req: Request): Promise<PlainRequest> {
  return plainRequestFromNode(req, req.body, server.maxBodyLength);
}

/**
 * Once the engine accepted a request whose form it read itself (no body parser ran), keeps the fields on
 * `req.body`, as `express.urlencoded()` would, for the handler that follows (introspection's `token`).
 */
function keepForm(req: Request, request: PlainRequest): void {
  const fields = formFields(request.body, req.body);
  if (fields !== undefined) req.body = fields;
}

/** Runs `work`, answering any error itself as RFC 6749/6750 JSON so it never reaches finalhandler. */
function guarded(server: AuthorizationServer, work: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    work(req, res, next).catch((err: unknown) => writeNodeResponse(res, server.errorResponse(err)));
  };
}

/**
 * The token endpoint (RFC 6749 §3.2, RFC 7523 §2): reads the form body (up to the server's
 * `maxBodyLength`, default 64 KiB), runs the engine and writes the RFC 6749 §5.1/§5.2 response.
 * Mount with `app.all(path, ...)` so that a wrong method gets 405 rather than 404.
 */
export function tokenEndpoint(server: AuthorizationServer): RequestHandler {
  return guarded(server, async (req, res) => {
    writeNodeResponse(res, await server.handleTokenRequest(await plain(server, req)));
  });
}

/**
 * Client authentication for endpoints other than the token endpoint — introspection, revocation,
 * your own token endpoint (RFC 7523 §2.2). Puts the client on `req.oauthClient`, and the form's fields on
 * `req.body` when no body parser ran; refuses with 401.
 */
export function authenticateClient(server: AuthorizationServer): RequestHandler {
  return guarded(server, async (req, _res, next) => {
    const request = await plain(server, req);
    req.oauthClient = await server.authenticateClient(request);
    keepForm(req, request);
    next();
  });
}

/**
 * Verifies a jwt-bearer grant request (RFC 7523 §2.1) for servers that keep their own token endpoint.
 * Puts the grant on `req.oauthGrant` (and its client on `req.oauthClient`), and the form's fields on
 * `req.body` when no body parser ran; refuses with 400/401.
 */
export function verifyJwtBearerGrant(server: AuthorizationServer): RequestHandler {
  return guarded(server, async (req, _res, next) => {
    const request = await plain(server, req);
    const grant = await server.verifyGrant(request);
    keepForm(req, request);
    req.oauthGrant = grant;
    if (grant.client !== null) req.oauthClient = grant.client;
    next();
  });
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
 * Puts the claims on `req.accessToken`; refuses with 401 `invalid_token` / `invalid_dpop_proof` or 403
 * `insufficient_scope` and the `Bearer` or `DPoP` challenge.
 */
export function requireAccessToken(server: AuthorizationServer, options: RequireAccessTokenOptions = {}): RequestHandler {
  const scopes = Object.freeze([...(options.scopes ?? [])]);
  const publicUrl = checkPublicUrl(options.publicUrl);
  return guarded(server, async (req, _res, next) => {
    req.accessToken = await server.verifyAccessToken(resourceRequestFromNode(req, req.originalUrl, publicUrl), scopes);
    next();
  });
}

/** Serves the RFC 8414 metadata document. */
export function metadataHandler(server: AuthorizationServer): RequestHandler {
  const response = documentResponse(server.metadata);
  return (_req, res) => writeNodeResponse(res, response);
}

/** Serves the public keys that verify issued access tokens (RFC 7517 §5, `jwks_uri`). */
export function jwksHandler(server: AuthorizationServer): RequestHandler {
  const response = documentResponse(server.jwks);
  return (_req, res) => writeNodeResponse(res, response);
}
