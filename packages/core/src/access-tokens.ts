import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, errors, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ConfigurationError } from './config/configuration-error.js';
import { dpopChallenge } from './dpop/dpop-errors.js';
import type { DpopVerifier } from './dpop/dpop-verifier.js';
import { confirmationJkt, DPOP_TOKEN_TYPE, dpopAccessTokenBinding } from './dpop/token-binding.js';
import type { DpopHeaderValues } from './dpop/verify-dpop-proof.js';
import { InsufficientScopeError, InvalidTokenError, OAuthError, type ReasonCode } from './errors.js';
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
  /** Confirmation (RFC 7800 §3.1): `jkt`, the thumbprint of the DPoP key the token is bound to (RFC 9449 §6.1). */
  cnf?: { jkt: string };
}

/**
 * A request to a protected resource, as `verifyAccessToken` reads it (RFC 6750 §2.1, RFC 9449 §7.1).
 * `method` and `url` are needed for `Authorization: DPoP`; without them only Bearer tokens can pass.
 */
export interface ResourceRequest {
  /** The `Authorization` header: `Bearer <token>` or `DPoP <token>`. */
  authorization: string | undefined;
  /** The `DPoP` header value(s) as received (RFC 9449 §4.1). */
  dpop?: DpopHeaderValues;
  /** HTTP method of the request, as received: the proof's `htm`. */
  method?: string;
  /** Absolute URL of the request as the client addressed it (behind a proxy: the public URL): the proof's `htu`. */
  url?: string | URL;
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

/** `aud` of an access token (RFC 9068 §3): the resources granted (RFC 8707 §2), one as a string; else the default. */
function audienceClaim(resources: readonly string[] | undefined, fallback: string): string | string[] {
  if (resources === undefined || resources.length === 0) return fallback;
  return resources.length === 1 ? (resources[0] as string) : [...resources];
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

  /**
   * Signs an access token; its `exp` never passes `notAfter` by more than a second (RFC 7521 §4.1). With
   * `jkt` (a DPoP proof key thumbprint) the token is bound to it: `cnf.jkt`, `token_type` `DPoP` (RFC 9449 §5, §6.1).
   */
  async issue(request: AccessTokenRequest, jkt?: string): Promise<TokenResponseBody> {
    const now = Math.floor(this.settings.now() / 1000);
    let exp = now + this.settings.lifetime;
    if (request.notAfter !== undefined) exp = Math.max(now + 1, Math.min(exp, Math.floor(request.notAfter)));
    const scope = request.scope.join(' ');
    const claims: Record<string, unknown> = {
      iss: this.settings.issuer,
      sub: request.subject,
      aud: audienceClaim(request.audience, this.settings.audience), // rule G4
      client_id: request.clientId,
      scope: scope === '' ? undefined : scope,
      iat: now,
      exp,
      jti: randomUUID(),
      ...(jkt === undefined ? {} : dpopAccessTokenBinding(jkt)),
    };
    const token = await this.signer.sign(claims);
    const body: TokenResponseBody = { access_token: token, token_type: jkt === undefined ? 'Bearer' : DPOP_TOKEN_TYPE, expires_in: exp - now };
    if (scope !== '') body.scope = scope;
    return body;
  }

  /**
   * Verifies a protected-resource request (rules D2, RFC 6750 §2.1, RFC 9449 §7): `Authorization: Bearer
   * <token>` for an unbound token, `Authorization: DPoP <token>` with a `DPoP` proof for a token bound to a
   * key (`cnf.jkt`); then that the token grants every required scope. Throws 401 `invalid_token` (a bound
   * token sent as Bearer, RFC 9449 §7.2), 401 `invalid_dpop_proof` / `use_dpop_nonce` (the proof), or 403
   * `insufficient_scope`, each with its `WWW-Authenticate` challenge; with no token at all, both challenges
   * (`Bearer, DPoP algs="…"`, RFC 9449 §7.2).
   */
  async verify(request: ResourceRequest, requiredScopes: readonly string[], dpop: DpopVerifier): Promise<AccessTokenClaims> {
    const { authorization } = request;
    const match = authorization === undefined ? null : /^(Bearer|DPoP) +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization);
    if (match === null) {
      if (authorization === undefined) {
        throw new InvalidTokenError('missing_token', 'an access token is required', {
          headers: { 'www-authenticate': `Bearer, ${dpop.challenge()}` },
        });
      }
      throw new InvalidTokenError('token_invalid', 'the Authorization header is not a Bearer or DPoP token');
    }
    const scheme = (match[1] as string).toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2] as string;
    // Under the DPoP scheme a refused token is answered with the DPoP challenge (RFC 9449 §7.1).
    const invalid = (reason: ReasonCode, description: string, options: { cause?: unknown; detail?: string } = {}) =>
      scheme === 'Bearer'
        ? new InvalidTokenError(reason, description, options)
        : new InvalidTokenError(reason, description, {
            ...options,
            headers: { 'www-authenticate': dpopChallenge(dpop.algorithms, 'invalid_token', description) },
          });
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('token_invalid', 'the access token is not valid');
    const payload = await this.#verifyToken(token, invalid);
    const jkt = confirmationJkt(payload);
    if (jkt === null) throw invalid('token_invalid', 'the access token is not valid', { detail: 'cnf without a well-formed jkt' });
    if (scheme === 'Bearer' && jkt !== undefined) {
      throw dpop.resourceError({ reason: 'dpop_bound_token_as_bearer', detail: 'a DPoP-bound token came with the Bearer scheme', bound: true });
    }
    if (scheme === 'DPoP') {
      if (jkt === undefined) throw invalid('token_invalid', 'the access token is not DPoP-bound', { detail: 'a Bearer token came with the DPoP scheme' });
      if (request.method === undefined || request.url === undefined) {
        throw dpop.resourceError({ reason: 'dpop_missing', detail: 'verifyAccessToken was given no method and URL to check a DPoP proof against', bound: true });
      }
      const result = await dpop.verify(request.dpop, { method: request.method, url: request.url, accessToken: token, expectedJkt: jkt });
      if (!result.ok) throw dpop.resourceError(result.refusal);
    }
    const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    const missing = requiredScopes.filter((s) => !granted.has(s));
    if (missing.length > 0) throw new InsufficientScopeError(requiredScopes.join(' '), { detail: `missing ${missing.join(' ')}` });
    return payload;
  }

  /** The token's signature, `typ`, issuer, audience and times (RFC 9068 §4). */
  async #verifyToken(
    token: string,
    invalid: (reason: ReasonCode, description: string, options?: { cause?: unknown }) => OAuthError,
  ): Promise<AccessTokenClaims> {
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
      if (err instanceof errors.JWTExpired) throw invalid('token_expired', 'the access token has expired', { cause: err });
      throw invalid('token_invalid', 'the access token is not valid', { cause: err });
    }
    return payload;
  }
}
