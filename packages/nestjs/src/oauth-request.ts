import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  plainRequestFromNode,
  type AccessTokenClaims,
  type AuthenticatedClient,
  type AuthorizationServer,
  type PlainRequest,
  type VerifiedGrant,
} from '@rfc7523/core';

/**
 * The request as the guards see it on either Nest platform — Express's request (a Node `IncomingMessage`)
 * or a Fastify request (with the Node request on `raw`) — with what they put on it.
 */
export interface OAuthRequest {
  /** HTTP method. */
  method?: string | undefined;
  /** Request headers, lower-case names. */
  headers: IncomingHttpHeaders;
  /** The Node request, on Fastify. */
  raw?: IncomingMessage;
  /** A body a parser already read, or the form text a guard read (kept so later steps can read it again). */
  body?: unknown;
  /** The client authenticated by `ClientAuthenticationGuard` or `JwtBearerGrantGuard` (RFC 7523 §2.2). */
  oauthClient?: AuthenticatedClient;
  /** The grant verified by `JwtBearerGrantGuard` (RFC 7523 §2.1). */
  oauthGrant?: VerifiedGrant;
  /** Claims of the access token checked by `AccessTokenGuard` (RFC 9068 §2.2). */
  accessToken?: AccessTokenClaims;
}

/**
 * The engine's view of a request: a body Nest already parsed, or else the raw form body read here up to
 * the server's `maxBodyLength` (default 65536 bytes; more is 413, rule R8) from the Node request (`raw` on
 * Fastify). The text read is kept on `request.body`, as a stream can be read only once.
 */
export async function readPlainRequest(server: AuthorizationServer, request: OAuthRequest): Promise<PlainRequest> {
  const node = request.raw ?? (request as unknown as IncomingMessage);
  const plain = await plainRequestFromNode(node, request.body, server.maxBodyLength);
  if (request.body === undefined && plain.body !== undefined) request.body = plain.body;
  return plain;
}
