import type { AssertionPipeline, VerifiedAssertion } from './assertion/pipeline.js';
import type { ClientMetadata } from './config/metadata-types.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from './constants.js';
import { InvalidClientError, InvalidRequestError } from './errors.js';
import type { ClientRegistration, Registry } from './registry.js';
import { header, param } from './request/form.js';
import type { PlainRequest } from './request/plain-request.js';

/** A client that proved its identity with a `private_key_jwt` assertion (RFC 7523 §2.2, §3). */
export interface AuthenticatedClient {
  /** The client identifier (= the assertion's `iss` and `sub`). */
  readonly clientId: string;
  /** The client's registration. */
  readonly metadata: Readonly<ClientMetadata>;
  /** The verified client assertion. */
  readonly assertion: VerifiedAssertion;
  /** The registration it was verified against: keys, grant types, scope (RFC 7591 metadata, prepared). */
  readonly registration: ClientRegistration;
}

const USE = 'client_authentication';

/**
 * Client authentication with JWT assertions (RFC 7523 §2.2, §3; RFC 7521 §4.2): one mechanism per
 * request (R4, R6), then the assertion pipeline, which chooses the client by `sub` and checks `client_id`
 * (R5) along with every rule of the assertion itself.
 */
export class ClientAuthenticator {
  constructor(
    private readonly registry: Registry,
    private readonly pipeline: AssertionPipeline,
    private readonly issuer: string,
  ) {}

  /** Authenticates the client of a request; null when it carried no client credentials at all. */
  async authenticate(request: PlainRequest, params: ReadonlyMap<string, string>): Promise<AuthenticatedClient | null> {
    const assertion = param(params, 'client_assertion');
    const type = param(params, 'client_assertion_type');
    const authorization = header(request, 'authorization');
    const secret = param(params, 'client_secret');
    if (assertion === undefined) {
      if (type !== undefined) throw new InvalidRequestError('missing_client_assertion', 'client_assertion_type without client_assertion');
      if (authorization !== undefined) {
        const scheme = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(authorization)?.[0] ?? 'Basic';
        throw new InvalidClientError('unsupported_client_auth', 'only private_key_jwt client authentication is supported', {
          headers: { 'www-authenticate': `${scheme} realm="${this.issuer}"` },
        });
      }
      if (secret !== undefined) {
        throw new InvalidClientError('unsupported_client_auth', 'only private_key_jwt client authentication is supported');
      }
      return null;
    }
    if (type === undefined) throw new InvalidRequestError('missing_client_assertion_type', 'client_assertion without client_assertion_type');
    if (type !== JWT_BEARER_CLIENT_ASSERTION_TYPE) {
      throw new InvalidClientError('unsupported_client_assertion_type', 'the client_assertion_type is not supported');
    }
    if (secret !== undefined || authorization !== undefined) {
      throw new InvalidRequestError('multiple_client_auth', 'use exactly one client authentication method');
    }
    const clientId = param(params, 'client_id');
    const { assertion: verified, registration } = await this.pipeline.verify(USE, assertion, this.registry.clientFor, clientId === undefined ? {} : { clientId });
    return { clientId: registration.clientId, metadata: registration.metadata, assertion: verified, registration };
  }
}
