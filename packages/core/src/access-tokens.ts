import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, errors, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ConfigurationError } from './config/configuration-error.js';
import { InsufficientScopeError, InvalidTokenError } from './errors.js';
import type { AccessTokenRequest, TokenResponseBody } from './grants/grant-handler.js';
import { CompactSigner } from './jwt/compact-signer.js';
import { publicJwkProblem } from './keys/jwk-problem.js';

/** Claims of an access token issued by this server (RFC 9068 §2.2). */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  /** Present when a client was involved. */
  client_id?: string;
  /** Space-separated; absent when none was granted. */
  scope?: string;
}

/** Settings of {@link AccessTokens}. */
export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  /** Seconds. */
  lifetime: number;
  /** Seconds. */
  clockTolerance: number;
  signingKey: JWK | undefined;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** Longest access token accepted on a protected route, characters. */
const MAX_TOKEN_LENGTH = 16_384;

function signingAlg(jwk: JWK): string {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[String(jwk.crv)] ?? '';
}

/** Issues RFC 9068 JWT access tokens and verifies them on protected routes (RFC 6750). */
export class AccessTokens {
  private constructor(
    private readonly settings: AccessTokenSettings,
    private readonly alg: string,
    private readonly signer: CompactSigner,
    private readonly publicKey: CryptoKey,
    /** Public JWK Set to publish at `jwks_uri`. */
    readonly jwks: Readonly<{ keys: readonly JWK[] }>,
  ) {}

  /** Imports (or generates: ES256) the signing key once. Throws ConfigurationError on a bad key. */
  static async create(settings: AccessTokenSettings): Promise<AccessTokens> {
    let jwk = settings.signingKey;
    if (jwk === undefined) {
      const pair = await generateKeyPair('ES256', { extractable: true });
      jwk = { ...(await exportJWK(pair.privateKey)), alg: 'ES256' };
    }
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string' || !['EC', 'OKP', 'RSA'].includes(String(jwk.kty))) {
      throw new ConfigurationError('signingKey', 'must be an asymmetric private JWK (EC, OKP or RSA, with "d")');
    }
    const { d, p, q, dp, dq, qi, key_ops, ext, ...rest } = jwk;
    void [d, p, q, dp, dq, qi, key_ops, ext];
    const problem = publicJwkProblem(rest);
    if (problem !== undefined) throw new ConfigurationError('signingKey', problem);
    const alg = signingAlg(jwk);
    let publicKey: CryptoKey;
    try {
      // Importing the private key with jose proves it fits the algorithm before anything is signed.
      await importJWK({ ...jwk, ext: false }, alg);
      publicKey = (await importJWK(rest, alg)) as CryptoKey;
    } catch (err) {
      throw new ConfigurationError('signingKey', `cannot be used to sign with ${alg || 'any algorithm'}: ${(err as Error).message}`);
    }
    const kid = jwk.kid ?? (await calculateJwkThumbprint(rest));
    const published = Object.freeze({ ...rest, kid, alg, use: 'sig' });
    const signer = new CompactSigner(jwk, alg, { kid, typ: 'at+jwt' });
    return new AccessTokens(settings, alg, signer, publicKey, Object.freeze({ keys: Object.freeze([published]) }));
  }

  /** Signs an access token; its `exp` never passes `notAfter` by more than a second (RFC 7521 §4.1). */
  async issue(request: AccessTokenRequest): Promise<TokenResponseBody> {
    const now = Math.floor(this.settings.now() / 1000);
    let exp = now + this.settings.lifetime;
    if (request.notAfter !== undefined) exp = Math.max(now + 1, Math.min(exp, Math.floor(request.notAfter)));
    const scope = request.scope.join(' ');
    const claims: Record<string, unknown> = {
      iss: this.settings.issuer,
      sub: request.subject,
      aud: this.settings.audience,
      client_id: request.clientId,
      scope: scope === '' ? undefined : scope,
      iat: now,
      exp,
      jti: randomUUID(),
    };
    const token = await this.signer.sign(claims);
    const body: TokenResponseBody = { access_token: token, token_type: 'Bearer', expires_in: exp - now };
    if (scope !== '') body.scope = scope;
    return body;
  }

  /**
   * Verifies `Authorization: Bearer <token>` (RFC 6750 §2.1) and that the token grants every required
   * scope; throws `invalid_token` 401 or `insufficient_scope` 403 with the RFC 6750 §3 challenge.
   */
  async verify(authorization: string | undefined, requiredScopes: readonly string[] = []): Promise<AccessTokenClaims> {
    const match = authorization === undefined ? null : /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization);
    if (match === null) {
      if (authorization === undefined) throw new InvalidTokenError('missing_token', 'an access token is required');
      throw new InvalidTokenError('token_invalid', 'the Authorization header is not a Bearer token');
    }
    const token = match[1] as string;
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('token_invalid', 'the access token is not valid');
    let payload: AccessTokenClaims;
    try {
      ({ payload } = (await jwtVerify(token, this.publicKey, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [this.alg],
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        clockTolerance: this.settings.clockTolerance,
        currentDate: new Date(this.settings.now()),
      })) as { payload: AccessTokenClaims });
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token_expired', 'the access token has expired', { cause: err });
      throw new InvalidTokenError('token_invalid', 'the access token is not valid', { cause: err });
    }
    const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    const missing = requiredScopes.filter((s) => !granted.has(s));
    if (missing.length > 0) throw new InsufficientScopeError(requiredScopes.join(' '), { detail: `missing ${missing.join(' ')}` });
    return payload;
  }
}
