import type { AssertionPipeline, VerifiedAssertion } from '../assertion/pipeline.js';
import type { AuthenticatedClient } from '../client-authentication.js';
import { InvalidRequestError } from '../errors.js';
import type { Registry } from '../registry.js';
import { param } from '../request/form.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-handler.js';

/** A verified jwt-bearer authorization grant (RFC 7523 §2.1, §3). */
export interface VerifiedGrant {
  /** The trusted issuer (`iss`). */
  readonly issuer: string;
  /** The subject the grant is for: `sub`, or the issuer's `subject_mapping` result (rule W5). */
  readonly subject: string;
  /** Scopes granted: the request, or the whole allowed set when none was requested (rule R10). */
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
 * The assertion pipeline makes every check; this class only finds the assertion and the issuer.
 */
export class JwtBearerGrant implements GrantHandler {
  readonly requireClient = false;

  constructor(
    private readonly registry: Registry,
    private readonly pipeline: AssertionPipeline,
  ) {}

  /**
   * Verifies the grant of a request whose client (if any) is already authenticated; `requestedScope` is
   * the request's `scope`, parsed (RFC 6749 §3.3). Uses the assertion up (rule J7).
   */
  async verify(params: ReadonlyMap<string, string>, client: AuthenticatedClient | null, requestedScope: readonly string[]): Promise<VerifiedGrant> {
    const assertion = param(params, 'assertion');
    if (assertion === undefined) throw new InvalidRequestError('missing_assertion', 'the assertion parameter is required');
    const result = await this.pipeline.verify(USE, assertion, this.registry.issuerFor, {
      requestedScope,
      ...(client === null ? {} : { scopeCeiling: client.registration.scope }),
    });
    const { claims } = result.assertion;
    return { issuer: claims.iss, subject: result.subject, scope: result.scope, assertion: result.assertion, client };
  }

  async handle(context: GrantContext): Promise<TokenResponseBody> {
    const grant = await this.verify(context.params, context.client, context.requestedScope);
    return context.issueAccessToken({
      subject: grant.subject,
      scope: grant.scope,
      ...(grant.client === null ? {} : { clientId: grant.client.clientId }),
      notAfter: grant.assertion.claims.exp,
    });
  }
}
