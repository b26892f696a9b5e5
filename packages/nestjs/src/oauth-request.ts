import type { IncomingMessage } from 'node:http';
import {
  plainRequestFromNode,
  type AccessTokenClaims,
  type AuthenticatedClient,
  type AuthorizationServer,
  type PlainRequest,
  type VerifiedGrant,
} from '@rfc7523/core';

/** The Node request as the guards see it, with what they put on it. */
export interface OAuthRequest extends IncomingMessage {
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
 * the server's `maxBodyLength` (default 65536 bytes; more is 413, rule R8). The text read is kept on
 * `request.body`, as a stream can be read only once.
 */
export async function readPlainRequest(server: AuthorizationServer, request: OAuthRequest): Promise<PlainRequest> {
  const plain = await plainRequestFromNode(request, request.body, server.maxBodyLength);
  if (request.body === undefined && plain.body !== undefined) request.body = plain.body;
  return plain;
}
