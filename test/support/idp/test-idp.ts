/**
 * A small enterprise IdP for the ID-JAG tests (draft-ietf-oauth-identity-assertion-authz-grant): OpenID
 * discovery, a JWKS, ID Tokens it mints for its own clients, and a token endpoint that exchanges such an
 * ID Token for an ID-JAG (RFC 8693 token exchange, draft §4.3) after private_key_jwt client
 * authentication. A valid DPoP proof on the exchange binds the ID-JAG (`cnf.jkt`, draft §9.8.1.1).
 * `faults` mints broken ID-JAGs on purpose, for the resource AS's refusal tests. See README.md here.
 *
 *   const idp = await startTestIdp({ clients: [{ clientId: 'agent', jwks: [pub], resourceClients: { [asIssuer]: 'agent-at-as' } }] });
 *   const idToken = await idp.mintIdToken({ subject: 'alice', clientId: 'agent' });
 *   afterAll(() => idp.close());
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../platforms/loopback-server.js';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ID_JAG_TYP = 'oauth-id-jag+jwt';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'];

/** A client registered at the IdP. */
export interface IdpClient {
  /** Its client_id at the IdP: `iss`/`sub` of its client assertions and `aud` of its ID Tokens. */
  clientId: string;
  /** Its public keys for private_key_jwt. */
  jwks: JWK[];
  /** Resource AS issuer (the `audience` it may ask for) → its client_id AT THAT AS (the ID-JAG's `client_id`, draft §3.1). */
  resourceClients: Record<string, string>;
  /** Scope ceiling: granted = requested ∩ this. Default: whatever is requested. */
  scope?: string;
}

/** Deliberately broken ID-JAGs (applied to every ID-JAG while set). Each member is independent. */
export interface IdJagFaults {
  /** `typ` header instead of `oauth-id-jag+jwt`; `null` sends none. */
  typ?: string | null;
  /** Claims to leave out (e.g. `['jti']`, `['client_id']`). */
  omit?: readonly string[];
  /** `aud` instead of the requested audience, e.g. two values `[as, other]` or the token endpoint URL. */
  aud?: string | string[];
  /** `client_id` instead of the client's id at the resource AS. */
  clientId?: string;
  /** Claims added or replaced last (e.g. `{ iss: 'https://evil' }`, `{ exp: 1 }`). */
  claims?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (signature verification must fail). */
  unknownKey?: boolean;
}

/** Options of {@link startTestIdp}. */
export interface TestIdpOptions {
  clients: IdpClient[];
  /** Clock, milliseconds. Default `Date.now`. */
  now?: () => number;
  /** ID-JAG lifetime, seconds. Default 300 (the draft's example). */
  idJagLifetime?: number;
  /** When set, every DPoP proof must carry this nonce; otherwise 400 `use_dpop_nonce` + `DPoP-Nonce` (RFC 9449 §8). */
  dpopNonce?: string;
  /** Faults from the start; also settable later as `idp.faults`. */
  faults?: IdJagFaults;
}

/** One token request the IdP saw. */
export interface SeenIdpRequest {
  headers: Record<string, string | string[] | undefined>;
  form: URLSearchParams;
  /** What it answered: HTTP status and body. */
  status: number;
  body: Record<string, unknown>;
}

/** A running test IdP. */
export interface TestIdp {
  /** `http://127.0.0.1:PORT` — the `iss` of everything it signs. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  /** The public JWK Set it serves (what a resource AS trusts for this issuer). */
  readonly jwks: { keys: JWK[] };
  /** Every token request, in order. */
  readonly requests: SeenIdpRequest[];
  /** Faults applied to the ID-JAGs it issues from now on; `{}` for none. */
  faults: IdJagFaults;
  /** Registers (or replaces) a client, e.g. once the resource AS's issuer is known. */
  registerClient(client: IdpClient): void;
  /**
   * This IdP as a trusted issuer of the AS's trust file: `{ issuer, discovery: true, id_jag: true,
   * allow_any_subject: true }` plus `extra` (e.g. `{ scope: 'tools:read' }`, or `{ discovery: undefined,
   * jwks_uri: idp.jwksUri }`); members set to undefined are left out.
   */
  trustedIssuer(extra?: Record<string, unknown>): Record<string, unknown>;
  /** An ID Token (OIDC Core §2) for `subject`, issued to `clientId` (its `aud`). */
  mintIdToken(options: { subject: string; clientId: string; claims?: JWTPayload; lifetime?: number }): Promise<string>;
  /** An ID-JAG signed by this IdP without any exchange, for server-side tests; `faults` defaults to `idp.faults`. */
  mintIdJag(options: { subject: string; audience: string; clientId: string; resource?: string | string[]; scope?: string; jkt?: string; faults?: IdJagFaults }): Promise<string>;
  close(): Promise<void>;
}

interface Signer {
  key: CryptoKey;
  kid: string;
}

async function newSigner(kid: string): Promise<{ signer: Signer; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { signer: { key: privateKey, kid }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The one value of a form parameter; a repeated one is invalid_request (RFC 6749 §3.2). */
function single(form: URLSearchParams, name: string, required: boolean): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError(400, 'invalid_request', `${name} is repeated`);
  if (values.length === 0 || values[0] === '') {
    if (required) throw new OAuthError(400, 'invalid_request', `${name} is required`);
    return undefined;
  }
  return values[0];
}

/** Starts the IdP on 127.0.0.1, port 0. */
export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const now = options.now ?? Date.now;
  const lifetime = options.idJagLifetime ?? 300;
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));
  const { signer, publicJwk } = await newSigner('idp-1');
  const { signer: unknownSigner } = await newSigner('idp-unknown');
  const seenAssertionJtis = new Set<string>();
  const seenProofJtis = new Set<string>();
  const requests: SeenIdpRequest[] = [];
  let issuer = '';
  let tokenEndpoint = '';

  const seconds = () => Math.floor(now() / 1000);

  async function signIdJag(claims: Record<string, unknown>, faults: IdJagFaults): Promise<string> {
    const payload: Record<string, unknown> = { ...claims };
    if (faults.aud !== undefined) payload.aud = faults.aud;
    if (faults.clientId !== undefined) payload.client_id = faults.clientId;
    for (const name of faults.omit ?? []) delete payload[name];
    Object.assign(payload, faults.claims ?? {});
    const use = faults.unknownKey === true ? unknownSigner : signer;
    const typ = faults.typ === undefined ? ID_JAG_TYP : faults.typ;
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'ES256', kid: use.kid, ...(typ === null ? {} : { typ }) }).sign(use.key);
  }

  function idJagClaims(o: { subject: string; audience: string; clientId: string; resource?: string | string[] | undefined; scope?: string | undefined; jkt?: string | undefined; extra?: Record<string, unknown> }) {
    const iat = seconds();
    return {
      iss: issuer,
      sub: o.subject,
      aud: o.audience,
      client_id: o.clientId,
      jti: randomUUID(),
      iat,
      exp: iat + lifetime,
      ...(o.resource === undefined ? {} : { resource: o.resource }),
      ...(o.scope === undefined ? {} : { scope: o.scope }),
      ...(o.jkt === undefined ? {} : { cnf: { jkt: o.jkt } }),
      ...(o.extra ?? {}),
    };
  }

  /** private_key_jwt (RFC 7523 §2.2, §3): assertion signed by a registered key, iss = sub = client, aud = issuer or token endpoint, one-time jti. */
  async function authenticate(form: URLSearchParams): Promise<IdpClient> {
    const type = single(form, 'client_assertion_type', false);
    const assertion = single(form, 'client_assertion', false);
    if (type !== CLIENT_ASSERTION_TYPE || assertion === undefined) throw new OAuthError(401, 'invalid_client', 'private_key_jwt client authentication is required');
    let iss: unknown;
    try {
      iss = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
    } catch {
      iss = undefined;
    }
    const client = typeof iss === 'string' ? clients.get(iss) : undefined;
    if (client === undefined) throw new OAuthError(401, 'invalid_client', 'unknown client');
    const claimed = single(form, 'client_id', false);
    if (claimed !== undefined && claimed !== client.clientId) throw new OAuthError(401, 'invalid_client', 'client_id does not match the assertion');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet({ keys: client.jwks }), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: [issuer, tokenEndpoint],
        algorithms: ALGS,
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      throw new OAuthError(401, 'invalid_client', `client assertion: ${(err as Error).message}`);
    }
    if (seenAssertionJtis.has(payload.jti!)) throw new OAuthError(401, 'invalid_client', 'client assertion replayed');
    seenAssertionJtis.add(payload.jti!);
    return client;
  }

  /** A DPoP proof (RFC 9449 §4.3) for POST at the token endpoint: the thumbprint of its key, or undefined without one. */
  async function checkProof(req: IncomingMessage): Promise<string | undefined> {
    const raw = req.headers.dpop;
    if (raw === undefined) return undefined;
    if (Array.isArray(raw) || raw.includes(',')) throw new OAuthError(400, 'invalid_dpop_proof', 'one DPoP header');
    let header: { jwk?: JWK };
    let payload: JWTPayload;
    try {
      ({ payload, protectedHeader: header } = await jwtVerify(raw, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ALGS, currentDate: new Date(now()) }));
    } catch (err) {
      throw new OAuthError(400, 'invalid_dpop_proof', `DPoP proof: ${(err as Error).message}`);
    }
    const jwk = header.jwk as Record<string, unknown>;
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in jwk)) throw new OAuthError(400, 'invalid_dpop_proof', 'private key in the jwk header');
    if (payload.htm !== 'POST' || payload.htu !== tokenEndpoint) throw new OAuthError(400, 'invalid_dpop_proof', 'htm/htu do not match the request');
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - seconds()) > 60) throw new OAuthError(400, 'invalid_dpop_proof', 'iat outside ±60 s');
    if (typeof payload.jti !== 'string' || seenProofJtis.has(payload.jti)) throw new OAuthError(400, 'invalid_dpop_proof', 'jti missing or replayed');
    if (options.dpopNonce !== undefined && payload.nonce !== options.dpopNonce) {
      throw new OAuthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof', { 'dpop-nonce': options.dpopNonce });
    }
    seenProofJtis.add(payload.jti);
    return calculateJwkThumbprint(header.jwk!, 'sha256');
  }

  async function exchange(req: IncomingMessage, form: URLSearchParams): Promise<Record<string, unknown>> {
    const client = await authenticate(form);
    const jkt = await checkProof(req);
    const grant = single(form, 'grant_type', true);
    if (grant !== TOKEN_EXCHANGE) throw new OAuthError(400, 'unsupported_grant_type', 'only token exchange');
    if (single(form, 'requested_token_type', true) !== ID_JAG_TYPE) throw new OAuthError(400, 'invalid_request', 'requested_token_type must be id-jag');
    if (single(form, 'subject_token_type', true) !== ID_TOKEN_TYPE) throw new OAuthError(400, 'invalid_request', 'subject_token_type must be id_token');
    const subjectToken = single(form, 'subject_token', true)!;
    const audience = single(form, 'audience', true)!;
    let subject: JWTPayload;
    try {
      // draft §4.3.3: the ID Token's aud must be the authenticated client.
      ({ payload: subject } = await jwtVerify(subjectToken, createLocalJWKSet({ keys: [publicJwk] }), {
        issuer,
        audience: client.clientId,
        algorithms: ['ES256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      throw new OAuthError(400, 'invalid_grant', `subject_token: ${(err as Error).message}`);
    }
    const atResource = client.resourceClients[audience];
    if (atResource === undefined) throw new OAuthError(400, 'invalid_grant', 'Audience validation failed');
    const resources = form.getAll('resource');
    const requested = (single(form, 'scope', false) ?? '').split(' ').filter(Boolean);
    const ceiling = client.scope === undefined ? undefined : new Set(client.scope.split(' '));
    const granted = ceiling === undefined ? requested : requested.filter((s) => ceiling.has(s));
    const scope = granted.length === 0 ? undefined : granted.join(' ');
    const idJag = await signIdJag(
      idJagClaims({
        subject: subject.sub!,
        audience,
        clientId: atResource,
        resource: resources.length === 0 ? undefined : resources.length === 1 ? resources[0] : resources,
        scope,
        jkt,
        extra: typeof subject.email === 'string' ? { email: subject.email } : {},
      }),
      idp.faults,
    );
    return { access_token: idJag, issued_token_type: ID_JAG_TYPE, token_type: 'N_A', expires_in: lifetime, ...(scope === undefined ? {} : { scope }) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      sendJson(res, 200, {
        issuer,
        token_endpoint: tokenEndpoint,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        grant_types_supported: [TOKEN_EXCHANGE],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ALGS,
        identity_chaining_requested_token_types_supported: [ID_JAG_TYPE],
        dpop_signing_alg_values_supported: ALGS,
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      sendJson(res, 200, { keys: [publicJwk] });
      return;
    }
    if (url.pathname !== '/token') {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request', error_description: 'POST only' }, { allow: 'POST' });
      return;
    }
    const form = await readForm(req);
    let status = 200;
    let body: Record<string, unknown>;
    let headers: Record<string, string> = { 'cache-control': 'no-store' };
    try {
      body = await exchange(req, form);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      status = err.status;
      body = { error: err.error, error_description: err.message };
      headers = { ...headers, ...err.headers };
    }
    requests.push({ headers: { ...req.headers }, form, status, body });
    sendJson(res, status, body, headers);
  }

  const server: LoopbackServer = await startLoopbackServer(handle);
  issuer = server.origin;
  tokenEndpoint = `${issuer}/token`;
  const idp: TestIdp = {
    issuer,
    tokenEndpoint,
    jwksUri: `${issuer}/jwks`,
    jwks: { keys: [publicJwk] },
    requests,
    faults: options.faults ?? {},
    registerClient(client) {
      clients.set(client.clientId, client);
    },
    trustedIssuer(extra = {}) {
      const entry: Record<string, unknown> = { issuer, discovery: true, id_jag: true, allow_any_subject: true, ...extra };
      for (const [name, value] of Object.entries(entry)) if (value === undefined) delete entry[name];
      return entry;
    },
    async mintIdToken({ subject, clientId, claims = {}, lifetime: life = 300 }) {
      const iat = seconds();
      return new SignJWT({ ...claims, iss: issuer, sub: subject, aud: clientId, iat, exp: iat + life, auth_time: iat })
        .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'JWT' })
        .sign(signer.key);
    },
    async mintIdJag({ faults, ...o }) {
      return signIdJag(idJagClaims(o), faults ?? idp.faults);
    },
    close: () => server.close(),
  };
  return idp;
}
