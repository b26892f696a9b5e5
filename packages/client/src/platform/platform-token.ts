import { PlatformTokenError, type PlatformName } from '../errors.js';

/**
 * Where a workload's platform token comes from: called once per token request, it resolves the JWT the
 * platform issued to this job or pod, to be sent as the jwt-bearer grant (RFC 7523 §2.1). Fits the
 * `grantAssertion` option of `TokenClient` as it is.
 */
export type PlatformTokenSource = () => Promise<string>;

/** The environment a source reads: `process.env` by default, injected in tests. */
export type PlatformEnvironment = Readonly<Record<string, string | undefined>>;

/** A compact JWS: three base64url parts (RFC 7515 §7.1). The JWE form is not accepted as a grant. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The token from `text`, trimmed of surrounding white space (files often end with a newline), or a
 * PlatformTokenError saying `where` holds no JWT. The token never goes into the message.
 */
export function platformJwt(platform: PlatformName, text: string, where: string): string {
  const token = text.trim();
  if (token.length === 0) throw new PlatformTokenError(platform, `${where} is empty`);
  if (!COMPACT_JWS.test(token)) throw new PlatformTokenError(platform, `${where} does not hold a JWT (expected a compact JWS: three base64url parts)`);
  return token;
}
