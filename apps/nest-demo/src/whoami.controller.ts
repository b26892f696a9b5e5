import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { AccessTokenClaims, AccessTokenGuard, OAuthExceptionFilter } from '@rfc7523/nestjs';

/** A protected resource (docs/demo-interface.md): who the access token speaks for. */
@Controller('api')
@UseFilters(OAuthExceptionFilter)
export class WhoAmIController {
  @Get('whoami')
  @UseGuards(AccessTokenGuard)
  whoami(@AccessTokenClaims() claims: AccessTokenClaims) {
    const { sub, client_id, scope, iss, exp } = claims;
    return { sub, client_id, scope: scope ?? '', iss, exp };
  }
}
