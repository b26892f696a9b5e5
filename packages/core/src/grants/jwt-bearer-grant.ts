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
  /** Scopes granted: the request, or the whole allowed set when none was requested (rule R10). */
  readonly scope: readonly string[];
  /** The verified assertion. */
  readonly assertion: VerifiedAssertion;
  /** The client that presented the grant, when it authenticated. */
  readonly client: AuthenticatedClient | null;
}

const USE = 'authorization_grant';

/** Longest grant subject accepted, in characters (Unicode code points). rule W5. */
export const MAX_SUBJECT_LENGTH = 255;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a grant's `sub` cannot become an access token's subject, or undefined when it can (rule W5
 * decision): empty, longer than {@link MAX_SUBJECT_LENGTH} characters, with control characters, or equal
 * to a registered `client_id` — a user's token must not be mistaken for a client's (RFC 9068 §5).
 */
function subjectProblem(sub: string, registry: Registry): string | undefined {
  if (sub.length === 0) return 'sub is empty';
  if (CONTROL_CHARACTERS.test(sub)) return 'sub contains control characters';
  if (sub.length > MAX_SUBJECT_LENGTH && [...sub].length > MAX_SUBJECT_LENGTH) return `sub is longer than ${MAX_SUBJECT_LENGTH} characters`;
  if (registry.clients.has(sub)) return 'sub equals a registered client_id';
  return undefined;
}

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
      // Checked after the signature, so a scope typo neither burns the assertion nor tells strangers our
      // ceilings, and only a trusted issuer can probe which client_ids are registered.
      beforeUse: () => {
        const problem = subjectProblem(sub, this.registry);
        if (problem !== undefined) throw this.verifier.reject(USE, 'sub_invalid', problem, { issuer: iss, claim: 'sub' });
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
