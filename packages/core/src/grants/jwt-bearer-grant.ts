import type { AssertionVerifier, VerifiedAssertion } from '../assertion/assertion-verifier.js';
import type { AuthenticatedClient } from '../client-authentication.js';
import { InvalidRequestError } from '../errors.js';
import type { Registry } from '../registry.js';
import { param } from '../request/form.js';
import { grantScope, parseScope } from '../scope.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-handler.js';

/** A verified jwt-bearer authorization grant (RFC 7523 §2.1, §3). */
export interface VerifiedGrant {
  /** The trusted issuer (`iss`). */
  readonly issuer: string;
  /** The subject the grant is for (`sub`). */
  readonly subject: string;
  /** Scopes granted: the request, or the whole allowed set when none was requested (SPEC R10). */
  readonly scope: readonly string[];
  /** The verified assertion. */
  readonly assertion: VerifiedAssertion;
  /** The client that presented the grant, when it authenticated. */
  readonly client: AuthenticatedClient | null;
}

const USE = 'authorization_grant';

/**
 * The JWT bearer authorization grant (RFC 7523 §2.1, §3; RFC 7521 §4.1): the assertion must come
 * from a trusted issuer, with that issuer's key, for a subject it may assert; failures are `invalid_grant`.
 */
export class JwtBearerGrant implements GrantHandler {
  readonly requireClient = false;

  constructor(
    private readonly registry: Registry,
    private readonly verifier: AssertionVerifier,
    private readonly maxAssertionLength: number,
  ) {}

  /** Verifies the grant of a request whose client (if any) is already authenticated. */
  async verify(params: ReadonlyMap<string, string>, client: AuthenticatedClient | null): Promise<VerifiedGrant> {
    const assertion = param(params, 'assertion');
    if (assertion === undefined) throw new InvalidRequestError('missing_assertion', 'the assertion parameter is required');
    if (assertion.length > this.maxAssertionLength) throw new InvalidRequestError('assertion_too_large', 'the assertion is too large');
    const requested = parseScope(param(params, 'scope'));

    const jwt = this.verifier.decode(USE, assertion);
    const { iss, sub } = jwt.claims;
    if (typeof iss !== 'string' || typeof sub !== 'string') {
      throw this.verifier.reject(USE, 'missing_claim', 'iss and sub are required strings', { claim: typeof iss === 'string' ? 'sub' : 'iss' });
    }
    const trusted = this.registry.issuers.get(iss);
    if (trusted === undefined) throw this.verifier.reject(USE, 'untrusted_issuer', 'iss is not a trusted issuer', { issuer: iss, claim: 'iss' });
    if (trusted.subjects !== null && !trusted.subjects.has(sub)) {
      throw this.verifier.reject(USE, 'sub_not_allowed', 'the issuer may not assert this subject', { issuer: iss, claim: 'sub' });
    }
    let allowed = trusted.scope;
    if (client !== null) {
      const clientScope = this.registry.clients.get(client.clientId)?.scope ?? new Set<string>();
      allowed = new Set([...allowed].filter((s) => clientScope.has(s)));
    }
    let scope: string[] = [];
    const verified = await this.verifier.verify(USE, jwt, {
      issuer: iss,
      resolveKey: trusted.resolveKey,
      algorithms: this.verifier.algorithms,
      maxLifetime: trusted.maxLifetime,
      requireJti: trusted.requireJti,
      // Checked after the signature, so a scope typo neither burns the assertion nor tells strangers our ceilings.
      beforeUse: () => {
        scope = grantScope(requested, allowed);
      },
    });
    return { issuer: iss, subject: sub, scope, assertion: verified, client };
  }

  async handle(context: GrantContext): Promise<TokenResponseBody> {
    const grant = await this.verify(context.params, context.client);
    return context.issueAccessToken({
      subject: grant.subject,
      scope: grant.scope,
      ...(grant.client === null ? {} : { clientId: grant.client.clientId }),
      notAfter: grant.assertion.claims.exp,
    });
  }
}
