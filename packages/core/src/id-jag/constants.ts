/** The JOSE `typ` of an Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant §3.1; rule G1). */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/**
 * The grant profile a server that implements the ID-JAG processing rules lists in
 * `authorization_grant_profiles_supported` (draft-ietf-oauth-identity-assertion-authz-grant §7.2; rule G6).
 */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
