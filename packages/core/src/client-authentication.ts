import { AssertionVerifier, type VerifiedAssertion } from './assertion/assertion-verifier.js';
import type { ClientMetadata } from './config/metadata-types.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from './constants.js';
import { InvalidClientError, InvalidRequestError } from './errors.js';
import { decoyVerification } from './keys/decoy-verification.js';
import type { Registry } from './registry.js';
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
}

const USE = 'client_authentication';

/**
 * Client authentication with JWT assertions (RFC 7523 §2.2, §3; RFC 7521 §4.2): one mechanism per
 * request (R4–R6), `client_id` consistent with `sub` (R5), then the rules of the assertion itself.
 */
export class ClientAuthenticator {
  constructor(
    private readonly registry: Registry,
    private readonly verifier: AssertionVerifier,
    private readonly issuer: string,
    private readonly maxAssertionLength: number,
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
    if (assertion.length > this.maxAssertionLength) {
      throw new InvalidRequestError('assertion_too_large', 'the client assertion is too large');
    }

    const jwt = this.verifier.decode(USE, assertion);
    const { iss, sub } = jwt.claims;
    if (typeof iss !== 'string' || typeof sub !== 'string') {
      throw this.verifier.reject(USE, 'missing_claim', 'iss and sub are required strings', { claim: typeof iss === 'string' ? 'sub' : 'iss' });
    }
    const clientId = param(params, 'client_id');
    if (clientId !== undefined && clientId !== sub) {
      throw this.verifier.reject(USE, 'client_id_mismatch', 'client_id differs from the assertion sub', { issuer: iss, claim: 'sub' });
    }
    const client = this.registry.clients.get(sub);
    if (client === undefined || iss !== sub) {
      // As slow as a registered client's bad signature, so timing does not reveal which client_ids exist.
      await decoyVerification(jwt, this.verifier.algorithms);
      if (client === undefined) throw this.verifier.reject(USE, 'unknown_client', 'sub names no registered client', { issuer: iss, claim: 'sub' });
      throw this.verifier.reject(USE, 'iss_mismatch', 'iss must equal sub and the client_id', { issuer: iss, claim: 'iss' });
    }

    const verified = await this.verifier.verify(USE, jwt, {
      issuer: client.clientId,
      resolveKey: client.resolveKey,
      algorithms: client.algorithms,
      maxLifetime: client.maxLifetime,
      requireJti: true,
      legacyAudience: client.legacyAudience,
      requireExplicitTyp: client.requireExplicitTyp,
    });
    return { clientId: client.clientId, metadata: client.metadata, assertion: verified };
  }
}
