import type { AssertionPipeline, VerifiedAssertion } from '../assertion/pipeline.js';
import type { AuthenticatedClient } from '../client-authentication.js';
import { InvalidRequestError } from '../errors.js';
import type { Registry } from '../registry.js';
import { param, paramValues } from '../request/form.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-handler.js';

/** A verified jwt-bearer authorization grant (RFC 7523 §2.1, §3). */
export interface VerifiedGrant {
  /** The trusted issuer (`iss`). */
  readonly issuer: string;
  /** The subject the grant is for: `sub`, or the issuer's `subject_mapping` result (rule W5). */
  readonly subject: string;
  /** Scopes granted: the request, or the whole allowed set when none was requested (rule R10). */
  readonly scope: readonly string[];
  /** The resources (RFC 8707) the access token is for (rule G4); empty for the server's default audience. */
  readonly resource: readonly string[];
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
   * the request's `scope`, parsed (RFC 6749 §3.3); `proofJkt` the thumbprint of the request's verified DPoP
   * proof, if any (an ID-JAG's `cnf.jkt`, rule D1). Uses the assertion up (rule J7).
   */
  async verify(params: ReadonlyMap<string, string>, client: AuthenticatedClient | null, requestedScope: readonly string[], proofJkt?: string): Promise<VerifiedGrant> {
    const resources = paramValues(params, 'resource'); // RFC 8707 §2, rule G4
    const assertion = param(params, 'assertion');
    if (assertion === undefined) throw new InvalidRequestError('missing_assertion', 'the assertion parameter is required');
    const result = await this.pipeline.verify(USE, assertion, this.registry.issuerFor, {
      requestedScope,
      ...(client === null ? {} : { scopeCeiling: client.registration.scope, presenter: client.clientId }),
      ...(resources.length === 0 ? {} : { resources }),
      ...(proofJkt === undefined ? {} : { proofJkt }),
    });
    const { claims } = result.assertion;
    return { issuer: claims.iss, subject: result.subject, scope: result.scope, resource: result.resource, assertion: result.assertion, client };
  }

  async handle(context: GrantContext): Promise<TokenResponseBody> {
    const grant = await this.verify(context.params, context.client, context.requestedScope, context.dpop?.jkt);
    const body = await context.issueAccessToken({
      subject: grant.subject,
      scope: grant.scope,
      ...(grant.client === null ? {} : { clientId: grant.client.clientId }),
      notAfter: grant.assertion.claims.exp,
      ...(grant.resource.length === 0 ? {} : { audience: grant.resource }),
    });
    // Draft-ietf-oauth-identity-assertion-authz-grant §4.4.1: the granted resource goes in the response too (rule G4).
    if (grant.resource.length > 0) body.resource = grant.resource.length === 1 ? grant.resource[0] : [...grant.resource];
    return body;
  }
}
