/** Grant type of the JWT bearer authorization grant (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Client assertion type of JWT client authentication, `private_key_jwt` (RFC 7523 §2.2). */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The client_credentials grant type (RFC 6749 §4.4). */
export const CLIENT_CREDENTIALS_GRANT_TYPE = 'client_credentials';

/**
 * JWS algorithms accepted on assertions (rule J9, RFC 8725 §3.1): asymmetric only.
 * RS256 is mandatory to implement (RFC 7523 §5); `Ed25519` is the fully-specified name of RFC 9864.
 * `none` and every HS* are absent on purpose.
 */
export const ASSERTION_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const);

/** One of {@link ASSERTION_ALGORITHMS}. */
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** Client authentication method this suite implements (RFC 7523 §2.2, OIDC Core §9). */
export const PRIVATE_KEY_JWT = 'private_key_jwt';
