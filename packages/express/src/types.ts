import type { AccessTokenClaims, AuthenticatedClient, VerifiedGrant } from '@rfc7523/core';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The client authenticated by `authenticateClient` (RFC 7523 §2.2). */
      oauthClient?: AuthenticatedClient;
      /** The grant verified by `verifyJwtBearerGrant` (RFC 7523 §2.1). */
      oauthGrant?: VerifiedGrant;
      /** Claims of the access token checked by `requireAccessToken` (RFC 9068 §2.2). */
      accessToken?: AccessTokenClaims;
    }
  }
}

export {};
