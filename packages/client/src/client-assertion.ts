import { CLIENT_ASSERTION_TYP, DEFAULT_ASSERTION_LIFETIME, MAX_ASSERTION_LIFETIME } from './constants.js';
import { optionalFunction, optionsObject, requiredString, typHeader, wholeNumber } from './lib/checks.js';
import { signAssertion, type AssertionTemplate } from './lib/sign-assertion.js';
import { checkSigningKey, importCheckedKey, type SigningAlgorithm, type SigningKeyInput } from './signing-key.js';

/** Options of {@link createClientAssertion}. */
export interface ClientAssertionOptions {
  /** The client's `client_id`: `iss` and `sub` of the assertion (RFC 7523 §3 items 1–2, OIDC Core §9). Required. */
  clientId: string;
  /**
   * The authorization server's issuer identifier (RFC 8414 §2): the sole `aud` (rfc7523bis §4 — never
   * the token endpoint URL). Required.
   */
  issuer: string;
  /** The client's private key (see {@link SigningKeyInput}). Required. */
  key: SigningKeyInput;
  /** JWS algorithm (RFC 7515 §4.1.1). Default: what the key implies — ES256/384/512 by curve, EdDSA, RS256 for RSA. */
  alg?: SigningAlgorithm;
  /** JWS key ID (RFC 7515 §4.1.4). Default: the JWK's `kid`, else none. */
  kid?: string;
  /** Seconds from `iat` to `exp` (RFC 7523 §3 item 4), 1 to 86400. Default 60. */
  lifetime?: number;
  /** `typ` header (rfc7523bis §4); `null` sends none, for servers that predate explicit typing. Default `client-authentication+jwt`. */
  typ?: string | null;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

const KNOWN = ['clientId', 'issuer', 'key', 'alg', 'kid', 'lifetime', 'typ', 'now'];

/**
 * Validates {@link ClientAssertionOptions} once, synchronously, and returns a function that mints one
 * fresh assertion per call; the key is imported on the first call. Internal: TokenClient signs one per
 * request with it.
 */
export function clientAssertionSigner(options: ClientAssertionOptions): () => Promise<string> {
  const o = optionsObject(options, 'client assertion', KNOWN);
  const clientId = requiredString(o.clientId, 'clientId');
  const issuer = requiredString(o.issuer, 'issuer');
  const lifetime = wholeNumber(o.lifetime, 'lifetime', DEFAULT_ASSERTION_LIFETIME, 1, MAX_ASSERTION_LIFETIME, 'seconds');
  const typ = typHeader(o.typ, CLIENT_ASSERTION_TYP);
  const now = optionalFunction<() => number>(o.now, 'now', Date.now);
  const checked = checkSigningKey(o.key, o.alg, o.kid);
  let template: Promise<AssertionTemplate> | undefined;
  return async () => {
    template ??= importCheckedKey(checked).then((signingKey) => ({ signingKey, typ, lifetime, now }));
    return signAssertion(await template, { iss: clientId, sub: clientId, aud: issuer });
  };
}

/**
 * Mints a client assertion for `private_key_jwt` client authentication (RFC 7523 §2.2, §3), with the
 * rfc7523bis-10 defaults: header `typ: client-authentication+jwt`; `iss` = `sub` = the client ID;
 * `aud` = the issuer identifier as a single string; `iat`; `exp` = `iat` + 60 s; a fresh random `jti`.
 * Send it as `client_assertion` with `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
 * Throws a TypeError naming the option when an option is wrong.
 */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  return clientAssertionSigner(options)();
}
