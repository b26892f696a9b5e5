import { InvalidClientError } from '../errors.js';
import { grantScope } from '../scope.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-handler.js';

/** The client_credentials grant (RFC 6749 §4.4) for clients authenticated with `private_key_jwt`. */
export class ClientCredentialsGrant implements GrantHandler {
  // Stryker disable next-line BooleanLiteral: handle refuses a missing client itself, with the same error and description
  readonly requireClient = true;

  async handle(context: GrantContext): Promise<TokenResponseBody> {
    const client = context.client;
    // A client the engine authenticated carries its registration; anything else is refused.
    if (client === null || client.registration?.kind !== 'client') {
      throw new InvalidClientError('client_auth_required', 'client authentication is required');
    }
    return context.issueAccessToken({
      subject: client.clientId,
      clientId: client.clientId,
      scope: grantScope(context.requestedScope, client.registration.scope),
    });
  }
}
