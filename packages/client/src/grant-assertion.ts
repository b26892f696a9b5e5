import { DEFAULT_ASSERTION_LIFETIME, MAX_ASSERTION_LIFETIME } from './constants.js';
import { badOption, optionalFunction, optionsObject, requiredString, scopeTokens, typHeader, wholeNumber } from './lib/checks.js';
import { signAssertion, type AssertionTemplate } from './lib/sign-assertion.js';
import { importSigningKey, type SigningAlgorithm, type SigningKeyInput } from './signing-key.js';

/** Options of {@link createGrantAssertion}. */
export interface GrantAssertionOptions {
  /** `iss`: the trusted issuer's name as the server registered it (RFC 7523 §3 item 1). Required. */
  issuer: string;
  /** `sub`: who the grant is for (RFC 7523 §3 item 2). Required. */
  subject: string;
  /**
   * `aud`: the authorization server's issuer identifier or its token endpoint URL, or several values of
   * which one is (RFC 7523 §3 item 3). Required.
   */
  audience: string | readonly string[];
  /** The issuer's private key (see {@link SigningKeyInput}). Required. */
  key: SigningKeyInput;
  /** JWS algorithm (RFC 7515 §4.1.1). Default: what the key implies — ES256/384/512 by curve, EdDSA, RS256 for RSA. */
  alg?: SigningAlgorithm;
  /** JWS key ID (RFC 7515 §4.1.4). Default: the JWK's `kid`, else none. */
  kid?: string;
  /**
   * A `scope` claim (RFC 8693 §4.2 style), space-separated, for servers that read one. This suite's
   * engine ignores it (rule J8): send the scope as the request's `scope` parameter. Default none.
   */
  scope?: string | readonly string[];
  /** Further claims (RFC 7523 §3 item 8); may not set `iss`, `sub`, `aud`, `exp`, `iat` or `jti`. Default none. */
  claims?: Readonly<Record<string, unknown>>;
  /** Seconds from `iat` to `exp` (RFC 7523 §3 item 4), 1 to 86400. Default 60. */
  lifetime?: number;
  /** `typ` header (RFC 8725 §3.11); `null` sends none. Never `client-authentication+jwt` (rule J12). Default `JWT`. */
  typ?: string | null;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

const KNOWN = ['issuer', 'subject', 'audience', 'key', 'alg', 'kid', 'scope', 'claims', 'lifetime', 'typ', 'now'];
const REGISTERED = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'];

/**
 * Mints a JWT authorization grant (RFC 7523 §2.1, §3): `iss`, `sub`, `aud` as given, `iat`,
 * `exp` = `iat` + 60 s, a fresh random `jti`, header `typ: JWT`. Send it as
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`.
 * Throws a TypeError naming the option when an option is wrong.
 */
export async function createGrantAssertion(options: GrantAssertionOptions): Promise<string> {
  const o = optionsObject(options, 'createGrantAssertion', KNOWN);
  const issuer = requiredString(o.issuer, 'issuer');
  const subject = requiredString(o.subject, 'subject');
  const audience = Array.isArray(o.audience)
    ? o.audience.map((value, i) => requiredString(value, `audience[${i}]`))
    : requiredString(o.audience, 'audience');
  if (Array.isArray(audience) && audience.length === 0) badOption('audience', 'must not be an empty array');
  const scope = scopeTokens(o.scope, 'scope');
  const extra = o.claims === undefined ? {} : optionsObject(o.claims, '"claims"');
  for (const name of REGISTERED) if (name in extra) badOption('claims', `must not set "${name}"; use the option that sets it`);
  const lifetime = wholeNumber(o.lifetime, 'lifetime', DEFAULT_ASSERTION_LIFETIME, 1, MAX_ASSERTION_LIFETIME, 'seconds');
  const typ = typHeader(o.typ, 'JWT');
  if (typ !== undefined && /client-authentication\+jwt$/i.test(typ)) badOption('typ', 'must not be client-authentication+jwt on a grant (rule J12)');
  const now = optionalFunction<() => number>(o.now, 'now', Date.now);
  const template: AssertionTemplate = {
    signingKey: await importSigningKey(o.key, o.alg, o.kid),
    typ,
    lifetime,
    now,
  };
  return signAssertion(template, {
    ...extra,
    ...(scope.length === 0 ? {} : { scope: scope.join(' ') }),
    iss: issuer,
    sub: subject,
    aud: audience,
  });
}
