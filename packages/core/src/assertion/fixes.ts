import type { ReasonCode } from '../errors.js';
import type { AssertionUse } from '../events.js';
import { DEFAULTS } from '../options.js';
import type { TrustConfig } from '../config/trust-config.js';
import { MAX_SUBJECT_LENGTH } from './subject.js';
import type { AssertionStepId } from './rules.js';

/**
 * The trust configuration a fix may quote (its path, its clients and issuers). Only a local tool that
 * loaded the file itself (`rfc7523 explain`) gives it; a page served to anyone (the explain endpoint) does
 * not, so that the server's registrations, subjects and conditions stay private.
 */
export interface FixConfiguration {
  /** Where the configuration was loaded from, e.g. `trust.json`. */
  readonly path: string;
  /** The loaded configuration (docs/configuration.md). */
  readonly config: TrustConfig;
}

/** What a fix text may quote: the server, the token as sent and, for a local tool, the configuration. */
export interface FixContext {
  /** Client authentication (RFC 7523 §2.2) or grant (§2.1). */
  readonly use: AssertionUse;
  /** The server's issuer identifier (RFC 8414 §2). */
  readonly issuer: string;
  /** The server's token endpoint URL. */
  readonly tokenEndpoint: string;
  /** The decoded, unverified JOSE header ({} when it could not be decoded). */
  readonly header: Readonly<Record<string, unknown>>;
  /** The decoded, unverified claims ({} when they could not be decoded). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The server's clock, milliseconds since the epoch. */
  readonly now: number;
  /** The server's longest assertion, characters (rule R8, `maxAssertionLength`); default `DEFAULTS.maxAssertionLength`. */
  readonly maxAssertionLength?: number;
  /** The trust configuration, for a local tool only; absent: fixes name "the server's trust configuration". */
  readonly configuration?: FixConfiguration;
}

const quote = (value: unknown) => JSON.stringify(value);
const when = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds));
const list = (values: readonly string[]) => (values.length === 0 ? '(none)' : values.map(quote).join(', '));
const isClient = (ctx: FixContext) => ctx.use === 'client_authentication';

function clientOf(ctx: FixContext) {
  return ctx.configuration?.config.clients.find((c) => c.client_id === ctx.claims.sub);
}

function issuerOf(ctx: FixContext) {
  return ctx.configuration?.config.trustedIssuers.find((t) => t.issuer === ctx.claims.iss);
}

/** "in trust.json" with a configuration, "in the server's trust configuration" without. */
function where(ctx: FixContext): string {
  return ctx.configuration === undefined ? "in the server's trust configuration" : `in ${ctx.configuration.path}`;
}

/** A list of the configuration's values, `; label: …`, or nothing without a configuration. */
function listed(ctx: FixContext, label: string, values: (config: TrustConfig) => readonly string[]): string {
  return ctx.configuration === undefined ? '' : `; ${label}: ${list(values(ctx.configuration.config))}`;
}

/**
 * Longest lifetime the registration accepts, seconds (rule J6), or undefined without a configuration
 * (the server does not reveal it; the step's detail names it). Default `DEFAULTS.maxAssertionLifetime`.
 */
export function maxLifetimeFor(ctx: FixContext): number | undefined {
  if (ctx.configuration === undefined) return undefined;
  const entry = isClient(ctx) ? clientOf(ctx) : issuerOf(ctx);
  return entry?.max_assertion_lifetime ?? ctx.configuration.config.maxAssertionLifetime ?? DEFAULTS.maxAssertionLifetime;
}

function registeredKids(ctx: FixContext): string {
  if (ctx.configuration === undefined) return `its registered keys are ${where(ctx)}`;
  const entry = isClient(ctx) ? clientOf(ctx) : issuerOf(ctx);
  if (entry?.jwks_uri !== undefined) return `the keys published at ${entry.jwks_uri}`;
  const kids = (entry?.jwks?.keys ?? []).map((k) => `${k.kid ?? '(no kid)'} ${k.kty}${k.crv ? ` ${k.crv}` : ''}`);
  return `the registered keys: ${kids.length === 0 ? '(none)' : kids.join(', ')}`;
}

function tolerance(ctx: FixContext): string {
  const seconds = ctx.configuration === undefined ? undefined : (ctx.configuration.config.clockTolerance ?? DEFAULTS.clockTolerance);
  return seconds === undefined ? "with the server's clock tolerance" : `with ${seconds} s tolerance`;
}

/**
 * The plain-words fix for the step `stepId` of ASSERTION_RULES failing with `reason` (a ReasonCode the
 * step lists): what to change in the token, the request or the configuration. The one source of fix texts
 * for `rfc7523 explain` and the explain page, so that both say the same for the same token (docs/explain.md).
 */
export function assertionFix(stepId: AssertionStepId, reason: ReasonCode | string, ctx: FixContext): string {
  const { claims, header, issuer, tokenEndpoint } = ctx;
  const who = isClient(ctx) ? `client ${quote(claims.sub)}` : `issuer ${quote(claims.iss)}`;
  switch (stepId) {
    case 'size':
      return `keep the assertion within ${ctx.maxAssertionLength ?? DEFAULTS.maxAssertionLength} characters (this server's limit): drop bulky claims and never embed keys or certificates (jwk, x5c)`;
    case 'compact':
      if (reason === 'jwe_not_supported') return 'send a signed JWT (JWS), not an encrypted one (JWE)';
      if (reason === 'duplicate_member') return 'name each header parameter and each claim only once';
      return 'send the JWT in compact serialization: three base64url parts joined by dots, whose header and claims are JSON objects (sign it with a JOSE library, e.g. rfc7523 assert)';
    case 'crit':
      return 'remove the crit (and b64) header parameters: this server understands no JWS extension';
    case 'typ':
      return isClient(ctx)
        ? `set typ to client-authentication+jwt (or JWT, or leave it out); ${quote(header.typ)} names another kind of token`
        : `set typ to JWT or leave it out; ${quote(header.typ)} names another kind of token (a client assertion is never a grant)`;
    case 'iss-sub':
      return isClient(ctx) ? 'set both iss and sub to the client_id, as strings' : "set iss to the trusted issuer's name and sub to the subject, as strings";
    case 'client-id':
      return `send client_id ${quote(claims.sub)} (the assertion's sub), or leave client_id out`;
    case 'registered':
      return `register ${quote(claims.sub)} under "clients" ${where(ctx)}, or set iss and sub to a registered client_id${listed(ctx, 'registered', (c) => c.clients.map((x) => x.client_id))}`;
    case 'iss-is-sub':
      return `set iss to ${quote(claims.sub)}: iss and sub must both be the client_id (OpenID Connect Core §9)`;
    case 'trusted':
      return `add ${quote(claims.iss)} under "trusted_issuers" ${where(ctx)}, or fix iss${listed(ctx, 'trusted issuers', (c) => c.trustedIssuers.map((t) => t.issuer))}`;
    case 'subject': {
      const subjects = ctx.configuration === undefined ? '' : ` (it may assert only ${list(issuerOf(ctx)?.subjects ?? [])})`;
      return `the issuer ${quote(claims.iss)} may not assert ${quote(claims.sub)}${subjects}: add it to the issuer's "subjects" ${where(ctx)}, or fix sub`;
    }
    case 'alg': {
      const pinned = isClient(ctx) ? clientOf(ctx)?.token_endpoint_auth_signing_alg : undefined;
      return pinned !== undefined
        ? `sign with ${pinned}: the client is registered with token_endpoint_auth_signing_alg ${pinned} (alg was ${quote(header.alg)})`
        : `sign with an asymmetric algorithm (RS256, PS256, ES256, EdDSA…) the registration allows; none and HS* are never accepted (alg was ${quote(header.alg)})`;
    }
    case 'explicit-typ':
      return 'set typ to client-authentication+jwt: the client is registered with require_explicit_typ';
    case 'aud':
      if (isClient(ctx)) {
        return `set aud to ${quote(issuer)} (the issuer identifier) as a single string, not the token endpoint URL nor a list (rfc7523bis; aud was ${quote(claims.aud)})`;
      }
      return `set aud to ${quote(issuer)} or ${quote(tokenEndpoint)} (aud was ${quote(claims.aud)})`;
    case 'dates':
      return 'write exp, nbf and iat as numbers of seconds since 1970 (NumericDate), not strings or milliseconds';
    case 'exp':
      if (reason === 'missing_claim') return 'add exp, seconds since 1970: a minute after iat is plenty';
      return `the assertion expired at ${when(claims.exp)} (now ${new Date(ctx.now).toISOString()}, ${tolerance(ctx)}): mint a fresh one right before each request, and check the signer's clock`;
    case 'nbf':
      return `nbf is ${when(claims.nbf)}, in the future: check the signer's clock, or leave nbf out`;
    case 'iat':
      return `iat is ${when(claims.iat)}, in the future: check the signer's clock`;
    case 'lifetime': {
      const start = typeof claims.iat === 'number' ? claims.iat : Math.floor(ctx.now / 1000);
      const lifetime = typeof claims.exp === 'number' ? claims.exp - start : NaN;
      const max = maxLifetimeFor(ctx);
      return `the assertion lives ${lifetime} s, more than the ${max === undefined ? 'maximum' : `${max} s`} the ${who} may use: make exp a minute or so after iat`;
    }
    case 'jti':
      return isClient(ctx)
        ? 'add a jti, unique per assertion (e.g. a random UUID)'
        : `add a jti, unique per assertion (e.g. a random UUID), or set "require_jti": false on the issuer ${where(ctx)} if it never sends one`;
    case 'key':
      if (reason === 'jwks_unavailable') return `the keys of the ${who} could not be fetched: check that its jwks_uri answers`;
      return `sign with a key registered for the ${who} (header kid ${quote(header.kid)}, alg ${quote(header.alg)}); ${registeredKids(ctx)}`;
    case 'signature':
      return `sign with the private key whose public half is registered for the ${who}, and do not alter the token after signing`;
    case 'claim-conditions': {
      const conditions = ctx.configuration === undefined ? '' : ` (${list(issuerOf(ctx)?.claim_conditions ?? [])})`;
      return `the token's claims must meet every claim condition of the issuer ${where(ctx)}${conditions}: mint it from the job, repository or service account they name; a condition that reads a claim the token lacks refuses it`;
    }
    case 'subject-sanity': {
      const mapping = issuerOf(ctx)?.subject_mapping;
      return `${mapping === undefined ? `sub ${quote(claims.sub)}` : `the subject mapped by ${quote(mapping)}`} cannot be the subject of an access token: use one that is not empty, at most ${MAX_SUBJECT_LENGTH} characters, without control characters, and not a registered client_id`;
    }
    case 'scope': {
      const ceiling = ctx.configuration === undefined ? 'what the issuer may grant' : `${quote(issuerOf(ctx)?.scope ?? '')} (what the issuer may grant)`;
      return `ask only for scopes within ${ceiling}, or leave scope out for all of them`;
    }
    case 'id-jag-typ':
      return reason === 'id_jag_typ_required'
        ? `the issuer ${quote(claims.iss)} is an id_jag issuer: its grants must have typ oauth-id-jag+jwt (an ID-JAG from its token exchange), not ${quote(header.typ)}`
        : `typ oauth-id-jag+jwt is accepted only from an issuer with "id_jag": true ${where(ctx)}: set it on ${quote(claims.iss)} if it is an enterprise IdP, or send a plain JWT`;
    case 'id-jag-claims':
      return reason === 'claim_not_supported'
        ? 'ask the IdP for an ID-JAG without authorization_details: this server does not process them'
        : 'an ID-JAG needs client_id (the client at this server) and iat: ask the IdP for a fresh ID-JAG by token exchange';
    case 'id-jag-client':
      return reason === 'client_auth_required'
        ? 'authenticate the client (private_key_jwt) when presenting an ID-JAG, e.g. with rfc7523 id-jag exchange'
        : `present the ID-JAG as client ${quote(claims.client_id)}, the client_id it was issued for, or ask the IdP for one for your client`;
    case 'id-jag-binding':
      return reason === 'claim_not_supported'
        ? 'cnf must hold only jkt (a DPoP key thumbprint)'
        : 'the grant is bound to a DPoP key (cnf.jkt): send a DPoP proof signed with that same key (for an ID-JAG: rfc7523 id-jag exchange --dpop-key)';
    case 'resource':
      return reason === 'resource_not_governed'
        ? `the ID-JAG is for ${quote(claims.resource)}, which is not in "resources" ${where(ctx)}: ask the IdP for this server's resource`
        : reason === 'invalid_claim'
          ? 'the ID-JAG resource must be an absolute URI or a list of them, and its scope a space-separated string'
          : `request only a resource listed in "resources" ${where(ctx)} and in the ID-JAG's resource claim (${quote(claims.resource)}), as an absolute URI without fragment`;
    case 'replay':
      return 'mint a new assertion for every request';
  }
}
