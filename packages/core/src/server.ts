import { AccessTokens, type AccessTokenClaims, type ResourceRequest } from './access-tokens.js';
import { AssertionPipeline, type AssertionTrace } from './assertion/pipeline.js';
import { ClientAuthenticator, type AuthenticatedClient } from './client-authentication.js';
import { Checker } from './config/checks.js';
import { validateServerOptions } from './config/validate-options.js';
import { dpopVerifierFromOptions } from './dpop/dpop-server-options.js';
import type { DpopVerifier } from './dpop/dpop-verifier.js';
import { requireClientProof, requireProofFor, tokenRequestProof } from './dpop/token-endpoint-dpop.js';
import { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE } from './constants.js';
import { NO_STORE_HEADERS, toErrorResponse, type HttpResponse } from './error-response.js';
import { InvalidClientError, OAuthError, UnauthorizedClientError, UnsupportedGrantTypeError, InvalidRequestError } from './errors.js';
import { safeSink, type AssertionUse, type EventSink, type Rfc7523Event } from './events.js';
import { ClientCredentialsGrant } from './grants/client-credentials-grant.js';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grants/grant-handler.js';
import { JwtBearerGrant, type VerifiedGrant } from './grants/jwt-bearer-grant.js';
import { buildMetadata, type AuthorizationServerMetadata } from './metadata.js';
import type { AuthorizationServerOptions } from './options.js';
import { MemoryReplayStore } from './replay/memory-replay-store.js';
import { Registry } from './registry.js';
import { param, readForm } from './request/form.js';
import type { PlainRequest } from './request/plain-request.js';
import { parseScope } from './scope.js';
import { EngineTelemetry } from './telemetry/engine-telemetry.js';

/** R1, R2: `grant_type` present (RFC 6749 §4.4.2, RFC 7523 §2.1); empty counts as absent. */
function requiredGrantType(params: ReadonlyMap<string, string>): string {
  const grantType = param(params, 'grant_type');
  if (grantType === undefined) throw new InvalidRequestError('missing_grant_type', 'the grant_type parameter is required');
  return grantType;
}

/** R1: a grant type this server does not serve (RFC 6749 §5.2). */
function unsupportedGrantType(): UnsupportedGrantTypeError {
  return new UnsupportedGrantTypeError('unsupported_grant_type', 'the grant_type is not supported');
}

/**
 * An RFC 7523 authorization server engine: the token endpoint, client authentication for other
 * endpoints, grant verification, access-token verification, metadata and JWKS. Framework-free;
 * create it once with {@link createAuthorizationServer} and share it between routes.
 */
export class AuthorizationServer {
  /** Issuer identifier (RFC 8414 §2). */
  readonly issuer: string;
  /** Token endpoint URL. */
  readonly tokenEndpoint: string;
  /** Largest request body accepted, bytes (for adapters that read bodies). */
  readonly maxBodyLength: number;
  /** Longest assertion accepted, characters (rule R8; default 16384). */
  readonly maxAssertionLength: number;
  /** RFC 8414 metadata document. */
  readonly metadata: Readonly<AuthorizationServerMetadata>;
  /** Public keys that verify issued access tokens (RFC 7517 §5). */
  readonly jwks: Readonly<{ keys: readonly object[] }>;

  readonly #grants: ReadonlyMap<string, GrantHandler>;
  readonly #registry: Registry;
  readonly #clientAuth: ClientAuthenticator;
  readonly #jwtBearer: JwtBearerGrant;
  readonly #pipeline: AssertionPipeline;
  readonly #tokens: AccessTokens;
  readonly #emit: EventSink;
  readonly #telemetry: EngineTelemetry;
  readonly #dpop: DpopVerifier;

  /** @internal Use {@link createAuthorizationServer}. */
  constructor(options: ReturnType<typeof validateServerOptions>, tokens: AccessTokens) {
    this.issuer = options.issuer;
    this.tokenEndpoint = options.tokenEndpoint;
    this.maxBodyLength = options.maxBodyLength;
    this.maxAssertionLength = options.maxAssertionLength;
    this.#telemetry = new EngineTelemetry(safeSink(options.onEvent), options.maxBodyLength);
    this.#emit = this.#telemetry.sink;
    this.#tokens = tokens;
    this.#registry = new Registry(options.clients, options.trustedIssuers, options.maxAssertionLifetime, options.jwksFetch, options.now, this.#emit, options.importKeys);
    const replayStore = this.#telemetry.replayStore(options.replayStore ?? new MemoryReplayStore({ now: options.now }));
    // Rules D1, D2: one DPoP verifier for the token endpoint and the resource side, on the same replay store.
    this.#dpop = dpopVerifierFromOptions(new Checker(), options.dpop, { replayStore, clockTolerance: options.clockTolerance, now: options.now });
    this.#pipeline = new AssertionPipeline({
      issuer: options.issuer,
      tokenEndpoint: options.tokenEndpoint,
      clockTolerance: options.clockTolerance,
      maxAssertionLength: options.maxAssertionLength,
      replayStore,
      now: options.now,
      emit: this.#emit,
      clientIds: this.#registry.clients,
      resources: options.resources.length === 0 ? null : new Set(options.resources), // rule G4
    });
    this.#clientAuth = new ClientAuthenticator(this.#registry, this.#pipeline, options.issuer);
    this.#jwtBearer = new JwtBearerGrant(this.#registry, this.#pipeline);
    this.#grants = new Map<string, GrantHandler>([
      [JWT_BEARER_GRANT_TYPE, this.#jwtBearer],
      [CLIENT_CREDENTIALS_GRANT_TYPE, new ClientCredentialsGrant()],
      ...Object.entries(options.grants ?? {}),
    ]);
    // Client scopes only: trusted issuers' ceilings stay private, as in the grant code (checked after the
    // signature). A client learns nothing new: it is granted its own scopes anyway.
    const scopes = [...this.#registry.clients.values()].flatMap((e) => [...e.scope]);
    this.metadata = buildMetadata({
      issuer: options.issuer,
      tokenEndpoint: options.tokenEndpoint,
      jwksUri: options.jwksUri,
      grantTypes: this.#grants.keys(),
      scopes,
      dpopAlgorithms: this.#dpop.algorithms,
      idJag: [...this.#registry.issuers.values()].some((issuer) => issuer.idJag === true), // rule G6
    });
    this.jwks = tokens.jwks;
    Object.freeze(this);
  }

  /**
   * The token endpoint (RFC 6749 §3.2): checks the request in the order of rule R0, authenticates the
   * client, runs the grant and returns the RFC 6749 §5.1 body. Throws an OAuthError to refuse.
   */
  exchange(request: PlainRequest): Promise<TokenResponseBody> {
    return this.#telemetry.tokenRequest(request, () => this.#exchange(request));
  }

  async #exchange(request: PlainRequest): Promise<TokenResponseBody> {
    const params = readForm(request, this.maxBodyLength);
    const grantType = requiredGrantType(params);
    const handler = this.#grants.get(grantType);
    if (handler === undefined) throw unsupportedGrantType();
    // Rule D1: the DPoP proof before the client's assertion, so a use_dpop_nonce retry can reuse that assertion.
    const dpop = await tokenRequestProof(this.#dpop, request, this.tokenEndpoint);
    const client = await this.#authenticateOptionally(request, params, grantType, handler.requireClient !== false);
    requireClientProof(client, dpop);
    const context: GrantContext = {
      grantType,
      params,
      client,
      requestedScope: parseScope(param(params, 'scope')),
      ...(dpop === undefined ? {} : { dpop }),
      requireDpopProof: (jkt) => requireProofFor(dpop, jkt),
      issueAccessToken: async (req) => {
        const body = await this.#tokens.issue(req, dpop?.jkt);
        this.#emit({ type: 'token.issued', grantType, subject: req.subject, scope: req.scope.join(' '), ...(req.clientId === undefined ? {} : { clientId: req.clientId }) });
        return body;
      },
    };
    return handler.handle(context);
  }

  /** {@link exchange} as a ready HTTP response, success or error; never throws. */
  async handleTokenRequest(request: PlainRequest): Promise<HttpResponse> {
    try {
      const body = await this.exchange(request);
      // RFC 9449 §8.2: with server nonces on, every token response hands out the current one.
      const nonce = this.#dpop.currentNonce();
      return { status: 200, headers: { ...NO_STORE_HEADERS, ...(nonce === undefined ? {} : { 'dpop-nonce': nonce }) }, body };
    } catch (err) {
      return this.errorResponse(err);
    }
  }

  /**
   * Authenticates the client of a request to any endpoint that authenticates clients — introspection,
   * revocation, your own token endpoint (RFC 7523 §2.2). Throws `invalid_client` when there is none.
   */
  async authenticateClient(request: PlainRequest): Promise<AuthenticatedClient> {
    const params = readForm(request, this.maxBodyLength);
    const client = await this.#clientAuth.authenticate(request, params);
    if (client === null) throw new InvalidClientError('client_auth_required', 'client authentication is required');
    return client;
  }

  /**
   * Verifies a jwt-bearer grant request without issuing a token, for servers that keep their own
   * token endpoint (RFC 7523 §2.1): same order and rules as {@link exchange}.
   */
  async verifyGrant(request: PlainRequest): Promise<VerifiedGrant> {
    const params = readForm(request, this.maxBodyLength);
    const grantType = requiredGrantType(params);
    if (grantType !== JWT_BEARER_GRANT_TYPE) throw unsupportedGrantType();
    const client = await this.#authenticateOptionally(request, params, grantType, false);
    return this.#jwtBearer.verify(params, client, parseScope(param(params, 'scope')));
  }

  /**
   * A dry run of the assertion pipeline (docs/architecture.md, "Order of checks"): every check of
   * ASSERTION_RULES for the use, in order, passed, failed or not reached, and the refusal this server
   * would answer — without emitting events and without using the assertion up (the replay check is
   * `not_checked`). `clientId` is the `client_id` parameter a client assertion would come with (rule R5);
   * `scope` the `scope` a grant would ask for (rule R10; a malformed one throws `invalid_scope`). A `use`
   * other than the two throws `invalid_request` (400).
   */
  async traceAssertion(use: AssertionUse, assertion: string, options: { clientId?: string; scope?: string } = {}): Promise<AssertionTrace> {
    if (use !== 'client_authentication' && use !== 'authorization_grant') {
      throw new InvalidRequestError('malformed_body', 'use must be client_authentication or authorization_grant');
    }
    const { clientId, scope } = options;
    if (use === 'client_authentication') {
      return this.#pipeline.trace(use, assertion, this.#registry.clientFor, clientId === undefined ? {} : { clientId });
    }
    // A grant: `clientId` is the client that would present it, authenticated (rule G3).
    const presenter = clientId === undefined ? {} : { presenter: clientId, scopeCeiling: this.#registry.clients.get(clientId)?.scope ?? new Set<string>() };
    return this.#pipeline.trace(use, assertion, this.#registry.issuerFor, { requestedScope: parseScope(scope), ...presenter });
  }

  /**
   * Verifies an access token this server issued (RFC 6750 §2.1, rule D2): given the `Authorization` header
   * alone, a Bearer token; given the request — `{ authorization, dpop, method, url }`, with `url` the
   * absolute URL the client addressed — also a DPoP-bound token sent as `Authorization: DPoP` with its
   * proof (RFC 9449 §7). A bound token sent as Bearer is 401 `invalid_token`. `requiredScopes`: all
   * needed, default none (403 `insufficient_scope` otherwise).
   */
  verifyAccessToken(request: string | undefined | ResourceRequest, requiredScopes: readonly string[] = []): Promise<AccessTokenClaims> {
    const resource = typeof request === 'object' && request !== null ? request : { authorization: request };
    return this.#tokens.verify(resource, requiredScopes, this.#dpop);
  }

  /**
   * @internal For the explain handler (createExplainHandler): reports one dry run as an `explain.dry_run`
   * event to `onEvent`. The event carries no token, claim value or error message.
   */
  reportDryRun(event: Extract<Rfc7523Event, { type: 'explain.dry_run' }>): void {
    this.#emit(event);
  }

  /** Turns any error into a response (see `toErrorResponse`) and reports it as an event. */
  errorResponse(err: unknown): HttpResponse {
    if (err instanceof OAuthError) {
      this.#emit({ type: 'request.failed', error: err.error, reason: err.reason, ...(err.detail === undefined ? {} : { detail: err.detail }) });
    } else {
      this.#emit({ type: 'request.failed', error: 'server_error', reason: 'server_error', detail: err instanceof Error ? err.message : String(err) });
    }
    return toErrorResponse(err);
  }

  /** Client authentication step of rule R0, R9 and R11. */
  async #authenticateOptionally(
    request: PlainRequest,
    params: ReadonlyMap<string, string>,
    grantType: string,
    required: boolean,
  ): Promise<AuthenticatedClient | null> {
    const client = await this.#clientAuth.authenticate(request, params);
    if (client === null) {
      const named = param(params, 'client_id');
      if (required || (named !== undefined && this.#registry.clients.has(named))) {
        throw new InvalidClientError('client_auth_required', 'client authentication is required');
      }
      return null;
    }
    if (!client.registration.grantTypes.has(grantType)) {
      throw new UnauthorizedClientError('grant_not_allowed', 'the client may not use this grant type');
    }
    return client;
  }
}

/**
 * Validates the options (throwing a TypeError that names the option), imports every key once, and
 * returns the engine. Call once at start-up.
 */
export async function createAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const resolved = validateServerOptions(options);
  const tokens = await AccessTokens.create({
    issuer: resolved.issuer,
    audience: resolved.accessTokenAudience,
    lifetime: resolved.accessTokenLifetime,
    clockTolerance: resolved.clockTolerance,
    signingKey: resolved.signingKey,
    now: resolved.now,
  });
  return new AuthorizationServer(resolved, tokens);
}
