import { PLATFORM_TOKEN_DEFAULTS } from '../constants.js';
import { PlatformTokenError } from '../errors.js';
import { badOption, isSecureUrl, optionalFunction, optionsObject, requiredString, wholeNumber } from '../lib/checks.js';
import { isObject, type FetchFunction } from '../lib/http.js';
import { readBodyLimited, TooLargeError } from '../lib/read-limited.js';
import { platformJwt, type PlatformEnvironment, type PlatformTokenSource } from './platform-token.js';

/** The variables GitHub Actions sets in a job that has `permissions: id-token: write`. */
export const GITHUB_ACTIONS_ENV = Object.freeze({
  /** URL of the job's ID-token endpoint (it already carries a query: `…?api-version=2.0`). */
  requestUrl: 'ACTIONS_ID_TOKEN_REQUEST_URL',
  /** Bearer token that authenticates the request to that URL. */
  requestToken: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
});

/** Options of {@link githubActionsToken}. */
export interface GithubActionsTokenOptions {
  /**
   * The `aud` to ask for: your authorization server's issuer identifier (RFC 8414 §2), which is what it
   * checks a grant's `aud` against (RFC 7523 §3 item 3). Required.
   */
  audience: string;
  /** The environment to read. Default `process.env`. For tests. */
  env?: PlatformEnvironment;
  /** `fetch` to use. Default the global `fetch`. For tests. */
  fetch?: FetchFunction;
  /** Milliseconds the request may take, body included. Default 10000. */
  timeout?: number;
  /** Largest response body read, bytes. Default 65536. */
  maxBytes?: number;
}

const KNOWN = ['audience', 'env', 'fetch', 'timeout', 'maxBytes'];

/**
 * The GitHub Actions OIDC ID token of the running job as the jwt-bearer grant (RFC 7523 §2.1). Each call
 * asks GitHub for a fresh token: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=<audience>` with
 * `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered with `{ "value": "<jwt>" }`. The
 * request is bounded (`timeout`, default 10 s; `maxBytes`, default 64 KiB), follows no redirect, and is
 * only sent over https (or http to a loopback address). When a variable is missing, the
 * PlatformTokenError names it and the `permissions: id-token: write` setting that provides it.
 */
export function githubActionsToken(options: GithubActionsTokenOptions): PlatformTokenSource {
  const o = optionsObject(options, 'githubActionsToken', KNOWN);
  const audience = requiredString(o.audience, 'audience');
  const env = (o.env ?? process.env) as PlatformEnvironment;
  if (typeof env !== 'object' || env === null) badOption('env', 'must be an object');
  const fetch = optionalFunction<FetchFunction>(o.fetch, 'fetch', (input, init) => globalThis.fetch(input, init));
  const timeout = wholeNumber(o.timeout, 'timeout', PLATFORM_TOKEN_DEFAULTS.timeout, 1, 600_000, 'milliseconds');
  const maxBytes = wholeNumber(o.maxBytes, 'maxBytes', PLATFORM_TOKEN_DEFAULTS.maxBytes, 64, 1_048_576, 'bytes');

  return async () => {
    const requestUrl = variable(env, GITHUB_ACTIONS_ENV.requestUrl);
    const requestToken = variable(env, GITHUB_ACTIONS_ENV.requestToken);
    let parsed: URL;
    try {
      parsed = new URL(requestUrl);
    } catch {
      throw new PlatformTokenError('github-actions', `${GITHUB_ACTIONS_ENV.requestUrl} is not an absolute URL`);
    }
    if (!isSecureUrl(parsed)) {
      throw new PlatformTokenError('github-actions', `${GITHUB_ACTIONS_ENV.requestUrl} must be https (http only to a loopback address): the request carries a bearer token`);
    }
    // As GitHub's own toolkit does: the URL already has a query, the audience is appended to it.
    const url = `${requestUrl}${parsed.search === '' ? '?' : '&'}audience=${encodeURIComponent(audience)}`;
    const where = `the GitHub Actions ID-token request to ${parsed.host}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
      });
      status = response.status;
      text = await readBodyLimited(response, maxBytes);
    } catch (err) {
      const name = (err as { name?: unknown } | null)?.name;
      const why =
        err instanceof TooLargeError ? `answered more than ${maxBytes} bytes` : name === 'TimeoutError' ? `got no answer within ${timeout} ms` : 'failed';
      throw new PlatformTokenError('github-actions', `${where} ${why}`, { cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status < 200 || status > 299) {
      const message = isObject(body) && typeof body.message === 'string' ? `: ${body.message.slice(0, 200)}` : '';
      throw new PlatformTokenError('github-actions', `${where} was refused: HTTP ${status}${message}`);
    }
    if (!isObject(body) || typeof body.value !== 'string') {
      throw new PlatformTokenError('github-actions', `${where} answered no token: expected JSON { "value": "<jwt>" }`);
    }
    return platformJwt('github-actions', body.value, `the "value" answered by ${where}`);
  };
}

function variable(env: PlatformEnvironment, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new PlatformTokenError(
      'github-actions',
      `the environment variable ${name} is not set: GitHub sets it only in a job with "permissions: id-token: write" (and not for pull requests from forks)`,
    );
  }
  return value;
}
