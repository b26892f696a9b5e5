import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core/constants';
import { generateDpopKey, type DpopKey, type DpopKeyInput } from './dpop.js';
import type { IdJagResponse } from './id-jag-response.js';
import { badOption, optionsObject } from './lib/checks.js';
import type { FetchFunction } from './lib/http.js';
import type { SigningAlgorithm, SigningKeyInput } from './signing-key.js';
import { TokenClient, type IdJagRequest } from './token-client.js';
import type { AccessToken } from './token-response.js';

/** Where and as whom the client authenticates with private_key_jwt (RFC 7523 §2.2): the IdP, or the resource AS. */
export interface IdJagParty {
  /** Issuer identifier (RFC 8414 §2): the `aud` of client assertions, and where the token endpoint is discovered. Required. */
  issuer: string;
  /** Token endpoint URL. Default: discovered from the issuer's metadata (RFC 8414, then OpenID Connect Discovery). */
  tokenEndpoint?: string;
  /** The client's `client_id` at this server (draft §5: it MAY differ between the IdP and the resource AS). Required. */
  clientId: string;
  /** The client's private key at this server (see {@link SigningKeyInput}). Required. */
  key: SigningKeyInput;
  /** JWS algorithm of client assertions. Default: what the key implies. */
  alg?: SigningAlgorithm;
  /** JWS `kid` of client assertions. Default: the JWK's `kid`. */
  kid?: string;
}

/** Options of {@link exchangeIdentityAssertion}. */
export interface IdentityAssertionExchangeOptions {
  /** The enterprise IdP (leg 1, RFC 8693 token exchange). Required. */
  idp: IdJagParty;
  /** The resource authorization server (leg 2, the jwt-bearer grant). Required. */
  resourceServer: IdJagParty;
  /** `subject_token`: the user's ID Token (or SAML assertion with `subjectTokenType`). Required. */
  subjectToken: string;
  /** `subject_token_type`. Default `urn:ietf:params:oauth:token-type:id_token`. */
  subjectTokenType?: string;
  /** `audience` of leg 1. Default `resourceServer.issuer` (draft §4.3: the RAS issuer identifier). */
  audience?: string;
  /** `resource` (RFC 8707) in both legs. Default none. */
  resource?: string | readonly string[];
  /** `scope` in both legs. Default none. */
  scope?: string | readonly string[];
  /**
   * DPoP (RFC 9449): `true` generates one ES256 key, `{ key }` uses that one; the same key proves both
   * legs, so the IdP binds the ID-JAG to it (`cnf.jkt`, draft §9.8.1) and the RAS can bind the access
   * token to it. Default off.
   */
  dpop?: boolean | { key: DpopKey | DpopKeyInput };
  /** Milliseconds each HTTP request may take. Default 10000. */
  timeout?: number;
  /** `fetch` to use. Default the global `fetch`. For tests. */
  fetch?: FetchFunction;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

/** What {@link exchangeIdentityAssertion} returns: the access token, and the ID-JAG it came from. */
export interface IdentityAssertionExchangeResult {
  /** The resource AS's token response (RFC 6749 §5.1); `tokenType` is `DPoP` when it bound the token. */
  readonly token: AccessToken;
  /** The IdP's token exchange answer. The draft (§4.4.3) lets a client re-submit it until it expires, but servers following MCP refuse a second use (@rfc7523/core does, rule G2): get a fresh one instead. */
  readonly idJag: IdJagResponse;
  /** The DPoP key both legs were proved with, when `dpop` was on. */
  readonly dpopKey: DpopKey | undefined;
}

const KNOWN = ['idp', 'resourceServer', 'subjectToken', 'subjectTokenType', 'audience', 'resource', 'scope', 'dpop', 'timeout', 'fetch', 'now'];
const PARTY = ['issuer', 'tokenEndpoint', 'clientId', 'key', 'alg', 'kid'];

function party(value: unknown, name: string): IdJagParty {
  const p = optionsObject(value, `"${name}"`);
  for (const member of Object.keys(p)) if (!PARTY.includes(member)) badOption(`${name}.${member}`, 'is not a known option');
  for (const member of ['issuer', 'clientId', 'key']) if (p[member] === undefined) badOption(`${name}.${member}`, 'is required (private_key_jwt, draft §4.3 and §4.4)');
  return p as unknown as IdJagParty;
}

/**
 * Creates the two {@link TokenClient}s of an ID-JAG flow: one for the IdP and one for the resource AS,
 * both with private_key_jwt, sharing one DPoP key when `dpop` is on. Validates options; makes no request.
 */
export function idJagClients(options: Pick<IdentityAssertionExchangeOptions, 'idp' | 'resourceServer' | 'timeout' | 'fetch' | 'now'> & { dpopKey?: DpopKey | DpopKeyInput }): {
  idp: TokenClient;
  resourceServer: TokenClient;
} {
  const common = {
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.dpopKey === undefined ? {} : { dpop: { key: options.dpopKey } }),
  };
  return {
    idp: new TokenClient({ ...party(options.idp, 'idp'), ...common }),
    resourceServer: new TokenClient({ ...party(options.resourceServer, 'resourceServer'), ...common }),
  };
}

/**
 * Both legs of the Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant):
 * 1. RFC 8693 token exchange at the IdP — `requested_token_type=…:token-type:id-jag`, the user's ID Token
 *    as `subject_token`, `audience` = the resource AS issuer, `resource`, `scope` — answered by an ID-JAG;
 * 2. the jwt-bearer grant (RFC 7523 §2.1) at the resource AS with the ID-JAG as `assertion`, `resource`, `scope`.
 * Each leg authenticates the client with private_key_jwt under its own client ID. Refusals are
 * TokenRequestErrors; malformed answers TokenResponseErrors; bad options TypeErrors naming them.
 */
export async function exchangeIdentityAssertion(options: IdentityAssertionExchangeOptions): Promise<IdentityAssertionExchangeResult> {
  const o = optionsObject(options, 'exchangeIdentityAssertion');
  for (const name of Object.keys(o)) if (!KNOWN.includes(name)) badOption(name, 'is not a known option');
  let dpopKey: DpopKey | DpopKeyInput | undefined;
  if (o.dpop === true) dpopKey = await generateDpopKey();
  else if (o.dpop !== undefined && o.dpop !== false) dpopKey = optionsObject(o.dpop, '"dpop"').key as DpopKey | DpopKeyInput;
  const clients = idJagClients({ ...(options as IdentityAssertionExchangeOptions), ...(dpopKey === undefined ? {} : { dpopKey }) });
  const resourceServer = party(o.resourceServer, 'resourceServer');
  const request: IdJagRequest = {
    subjectToken: options.subjectToken,
    audience: options.audience ?? resourceServer.issuer,
    ...(options.subjectTokenType === undefined ? {} : { subjectTokenType: options.subjectTokenType }),
    ...(options.resource === undefined ? {} : { resource: options.resource }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  };
  const idJag = await clients.idp.requestIdJag(request);
  const token = await clients.resourceServer.requestToken({
    grant: JWT_BEARER_GRANT_TYPE,
    assertion: idJag.idJag,
    ...(options.resource === undefined ? {} : { resource: options.resource }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
  return Object.freeze({ token, idJag, dpopKey: await clients.resourceServer.dpopKey() });
}
