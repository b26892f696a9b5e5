import type { ServerResponse } from 'node:http';
import { Controller, Get, Inject, Res, type Type } from '@nestjs/common';
import { AuthorizationServer, documentResponse, TokenEndpoint, writeNodeResponse, type EndpointPaths } from '@rfc7523/nestjs';

/**
 * The token endpoint, the RFC 8414 metadata and the JWKS (docs/demo-interface.md), at the paths of the server's URLs
 * (`/token`, `/.well-known/oauth-authorization-server`, `/jwks` for an issuer without a path), as the
 * Express demo mounts them. Metadata and JWKS may be cached for 300 seconds.
 */
export function authorizationServerController(paths: EndpointPaths): Type {
  @Controller()
  class AuthorizationServerController {
    constructor(@Inject(AuthorizationServer) private readonly server: AuthorizationServer) {}

    @TokenEndpoint(paths.token)
    token(): void {}

    @Get(paths.metadata)
    metadata(@Res() res: ServerResponse): void {
      writeNodeResponse(res, documentResponse(this.server.metadata));
    }

    @Get(paths.jwks)
    jwks(@Res() res: ServerResponse): void {
      writeNodeResponse(res, documentResponse(this.server.jwks));
    }
  }
  return AuthorizationServerController;
}
