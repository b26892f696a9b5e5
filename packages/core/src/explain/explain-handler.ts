import type { IncomingMessage, ServerResponse } from 'node:http';
import { Checker } from '../config/checks.js';
import { endpointPaths } from '../http/endpoint-paths.js';
import { plainRequestFromNode } from '../http/node-request.js';
import { writeNodeText } from '../http/node-response.js';
import { OAuthError, safeDescription } from '../errors.js';
import type { AssertionUse } from '../events.js';
import { param, readForm } from '../request/form.js';
import type { PlainRequest } from '../request/plain-request.js';
import type { AuthorizationServer } from '../server.js';
import { resolveExplainOptions, type ExplainOption, type ResolvedExplainOptions } from './explain-options.js';
import { EXPLAIN_PAGE, EXPLAIN_PAGE_CSP } from './explain-page.js';
import { echoed, explainReport } from './explain-report.js';
import { addressKey, RateLimiter } from './rate-limiter.js';

/** A request to the explain path: the engine's PlainRequest plus the client's address for the rate limit. */
export interface ExplainRequest extends PlainRequest {
  /** The client's address as the framework sees it (`req.ip`, `ctx.ip`, `request.ip`); one shared bucket when absent. */
  clientAddress?: string | undefined;
}

/** A response of the explain path, ready to write: status, lower-case headers and the body text (HTML or JSON). */
export interface ExplainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The explain page and dry-run endpoint at one path, made once per server by {@link createExplainHandler}. */
export interface ExplainHandler {
  /** The path both answer at, e.g. `/explain`. */
  readonly path: string;
  /** `GET`: the page; `POST`: a dry run (JSON); other methods: 405. Never throws, never logs, never issues a token. */
  handle(request: ExplainRequest): Promise<ExplainResponse>;
  /**
   * {@link handle} for a Node request (Express, Koa, Nest): reads the form as the token endpoint does
   * (`plainRequestFromNode`, up to `maxBodyLength`; `parsedBody` is what a body parser left) and answers
   * a body it cannot read as RFC 6749 JSON (413, 400). Never throws.
   */
  handleNode(request: IncomingMessage, parsedBody: unknown, clientAddress: string | undefined): Promise<ExplainResponse>;
  /**
   * An error an adapter caught on the explain path, answered as the path answers errors: an OAuthError as
   * RFC 6749 §5.2 JSON with its status and headers, anything else a generic 500 — with the explain headers
   * (`no-store`, `no-referrer`, `nosniff`). Reports nothing (no token-endpoint event). Never throws.
   */
  errorResponse(err: unknown): ExplainResponse;
}

/**
 * Which engine use each choice of the page's "Used as" means: a platform token and an ID-JAG are grants.
 * A Map, so that a name such as `constructor` or `__proto__` is no choice at all.
 */
const USES: ReadonlyMap<string, AssertionUse> = new Map([
  ['client', 'client_authentication'],
  ['grant', 'authorization_grant'],
  ['platform', 'authorization_grant'],
  ['id-jag', 'authorization_grant'],
]);

const COMMON = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' } as const;
const JSON_HEADERS = { ...COMMON, 'content-type': 'application/json; charset=utf-8', pragma: 'no-cache' } as const;
const PAGE_HEADERS = Object.freeze({ ...COMMON, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': EXPLAIN_PAGE_CSP, 'x-frame-options': 'DENY' });

/** The JSON answer to an error: an OAuthError's status and code, anything else a generic 500 without detail. */
function errorAnswer(err: unknown): ExplainResponse {
  if (err instanceof OAuthError) return refusal(err.status, err.error, safeDescription(err.description) || err.error, err.headers);
  return refusal(500, 'server_error', 'the dry run failed');
}

function json(status: number, body: object, headers: Record<string, string> = {}): ExplainResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** An RFC 6749 §5.2-style error body. */
function refusal(status: number, error: string, description: string, headers: Record<string, string> = {}): ExplainResponse {
  return json(status, { error, error_description: description }, headers);
}

/** One header's value (the first when repeated), for a request's lower-case header map. */
function header(headers: PlainRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Why a POST is refused as cross-site (CSRF; a form POST needs no CORS preflight), or undefined when it
 * may go on. A browser's `Sec-Fetch-Site` decides when sent: only `same-origin` (the page itself) and
 * `none` (the user's own action) pass, `same-site` and `cross-site` do not. Without it, an `Origin` that is
 * not one of `origins` (the server's issuer and token endpoint origins) is refused. A request with neither
 * header (curl, the CLI, a server) is not a browser's and passes.
 */
function crossSite(headers: PlainRequest['headers'], origins: ReadonlySet<string>): string | undefined {
  const site = header(headers, 'sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site ${site}`;
  const origin = header(headers, 'origin');
  return origin === undefined || origins.has(origin) ? undefined : 'Origin';
}

/** The origins (RFC 6454) a dry run may be posted from without Fetch Metadata: the issuer's and the token endpoint's. */
function originsOf(server: AuthorizationServer): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const url of [server.issuer, server.tokenEndpoint]) {
    try {
      origins.add(new URL(url).origin);
    } catch {
      // Not a URL: no origin to allow (issuer and token endpoint are validated URLs).
    }
  }
  return origins;
}

async function dryRun(server: AuthorizationServer, request: ExplainRequest): Promise<ExplainResponse> {
  // The same form reader and limit as the token endpoint (rule R7, R8: 413 beyond maxBodyLength).
  const params = readForm(request, server.maxBodyLength);
  const assertion = param(params, 'assertion');
  if (assertion === undefined) return refusal(400, 'invalid_request', 'paste an assertion (a compact JWT) to explain');
  const choice = param(params, 'use') ?? 'client';
  const use = USES.get(choice);
  if (use === undefined) return refusal(400, 'invalid_request', 'use must be client, grant, platform or id-jag');
  const clientId = param(params, 'client_id');
  const scope = param(params, 'scope');
  // The dry run: the live pipeline's steps and table, no event, no jti remembered (replay is not_checked).
  const trace = await server.traceAssertion(use, assertion, {
    ...(clientId === undefined ? {} : { clientId }),
    ...(scope === undefined || use === 'client_authentication' ? {} : { scope }),
  });
  // One event per dry run, from bounded sets only: nothing of the token (rule: events never carry one).
  const failed = trace.steps.find((s) => s.result === 'fail');
  server.reportDryRun({ type: 'explain.dry_run', use, verdict: trace.verdict, ...(failed === undefined ? {} : { step: failed.id, reason: failed.reason ?? 'unknown' }) });
  const context = { use, issuer: server.issuer, tokenEndpoint: server.tokenEndpoint, maxAssertionLength: server.maxAssertionLength, header: echoed(trace.header ?? {}), claims: echoed(trace.claims ?? {}), now: trace.now };
  // Header and claims bounded in depth and size: what the report echoes and the fixes quote (never a 500).
  const bounded = { ...trace, ...(trace.header === undefined ? {} : { header: context.header }), ...(trace.claims === undefined ? {} : { claims: context.claims }) };
  return json(200, explainReport(bounded, context));
}

/** Compared as routers match by default: case-insensitive, a trailing slash ignored. */
const routeKey = (path: string) => path.toLowerCase().replace(/\/+$/, '');

/** Refuses (ConfigurationError naming `explain.path`) a path the token endpoint, metadata or JWKS already answers. */
function refuseTakenPath(server: AuthorizationServer, path: string): void {
  const paths = endpointPaths(server);
  for (const [name, taken] of [['token endpoint', paths.token], ['metadata', paths.metadata], ['JWKS', paths.jwks]] as const) {
    if (routeKey(path) === routeKey(taken)) new Checker({ label: 'option' }).fail('explain.path', `is the ${name} path (${taken}): choose another, e.g. /explain`);
  }
}

/**
 * The explain page and its dry-run endpoint for `server` (docs/explain.md), or undefined when `option` is
 * `false` or absent (the default: off). `true` takes every default of ExplainOptions. Validates the option
 * now, throwing a ConfigurationError that names the field (`explain.burst`; `explain.path` for a path the
 * token endpoint, metadata or JWKS answers). Adapters mount `handle` at
 * `path` for GET and POST and write its response as it is.
 *
 * A dry run (`POST`, an `application/x-www-form-urlencoded` form with `assertion`, `use` — client, grant,
 * platform or id-jag —, optional `client_id` and `scope`) runs `server.traceAssertion`: the token
 * endpoint's form limit (`maxBodyLength`, 413) and assertion limit (rule R8), every rule of ASSERTION_RULES
 * with its status, claim, source and fix; no assertion event (a key set fetched for it still reports
 * `keys.fetched`), no `jti` remembered, no token, nothing logged. Each
 * client address and all of them together are rate-limited (token buckets, 429 with `Retry-After`).
 */
export function createExplainHandler(server: AuthorizationServer, option: ExplainOption): ExplainHandler | undefined {
  const options: ResolvedExplainOptions | undefined = resolveExplainOptions(option);
  if (options === undefined) return undefined;
  refuseTakenPath(server, options.path);
  const limiter = new RateLimiter(options);
  const origins = originsOf(server);
  /** Method, cross-site check, then rate limit, and only then the body (`read`) and the dry run: a refused client costs no read. */
  async function answer(method: string, headers: PlainRequest['headers'], clientAddress: string | undefined, read: () => Promise<ExplainRequest>): Promise<ExplainResponse> {
    if (method === 'GET' || method === 'HEAD') return { status: 200, headers: { ...PAGE_HEADERS }, body: EXPLAIN_PAGE };
    if (method !== 'POST') return refusal(405, 'invalid_request', 'the explain page answers GET and POST only', { allow: 'GET, POST' });
    const foreign = crossSite(headers, origins);
    if (foreign !== undefined) return refusal(403, 'invalid_request', `a dry run posted from another site is refused (${foreign}): use this server's explain page`);
    const decision = limiter.take(addressKey(clientAddress ?? '')); // IPv6 by /64
    if (!decision.allowed) {
      return refusal(429, 'temporarily_unavailable', `too many dry runs: retry in ${decision.retryAfter} s`, { 'retry-after': String(decision.retryAfter) });
    }
    try {
      return await dryRun(server, await read());
    } catch (err) {
      // An OAuthError as RFC 6749 JSON; a bug as a generic 500: nothing of the error (or the token) in it,
      // reported as an event without its message (which could quote the input).
      if (!(err instanceof OAuthError)) server.reportDryRun({ type: 'explain.dry_run', verdict: 'error', error: 'server_error', reason: 'server_error' });
      return errorAnswer(err);
    }
  }
  const handler: ExplainHandler = Object.freeze({
    path: options.path,
    handleNode(request: IncomingMessage, parsedBody: unknown, clientAddress: string | undefined): Promise<ExplainResponse> {
      return answer(request.method ?? 'GET', request.headers, clientAddress, () => plainRequestFromNode(request, parsedBody, server.maxBodyLength));
    },
    errorResponse: errorAnswer,
    handle(request: ExplainRequest): Promise<ExplainResponse> {
      return answer(request.method, request.headers, request.clientAddress, () => Promise.resolve(request));
    },
  });
  return handler;
}

/** Writes an explain response to a Node response (Express, Nest on Express); a response already sent is only ended. */
export function writeExplainResponse(response: ServerResponse, result: ExplainResponse): void {
  writeNodeText(response, result.status, result.headers, result.body);
}
