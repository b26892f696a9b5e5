import { InvalidClientError } from '../errors.js';
import type { Registry } from '../registry.js';
import { grantScope } from '../scope.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-handler.js';

/** The client_credentials grant (RFC 6749 §4.4) for clients authenticated with `private_key_jwt`. */
export class ClientCredentialsGrant implements GrantHandler {
  readonly requireClient = true;

  constructor(private readonly registry: Registry) {}

  async handle(context: GrantContext): Promise<TokenResponseBody> {
    const client = context.client;
    const entry = client === null ? undefined : this.registry.clients.get(client.clientId);
    if (client === null || entry === undefined) {
      throw new InvalidClientError('client_auth_required', 'client authentication is required');
    }
    return context.issueAccessToken({
      subject: client.clientId,
      clientId: client.clientId,
      scope: grantScope(context.requestedScope, entry.scope),
    });
  }
}
