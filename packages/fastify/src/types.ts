import type { AccessTokenClaims, AuthenticatedClient, AuthorizationServer, VerifiedGrant } from '@rfc7523/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client authenticated by `authenticateClient` or `verifyJwtBearerGrant` (RFC 7523 §2.2); null until then. */
    oauthClient: AuthenticatedClient | null;
    /** The grant verified by `verifyJwtBearerGrant` (RFC 7523 §2.1); null until then. */
    oauthGrant: VerifiedGrant | null;
    /** Claims of the access token checked by `requireAccessToken` (RFC 9068 §2.2); null until then. */
    accessToken: AccessTokenClaims | null;
  }

  interface FastifyInstance {
    /** The engine the `fastifyRfc7523` plugin was registered with, for hooks: `requireAccessToken(fastify.authorizationServer)`. */
    authorizationServer: AuthorizationServer;
  }
}

export {};
