import { InvalidRequestError, OAuthError, safeDescription, type OAuthErrorCode, type ReasonCode } from './errors.js';

/** An HTTP response ready for any framework to write: status, lower-case headers, JSON body. */
export interface HttpResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers, lower-case names. `content-type` is JSON. */
  headers: Record<string, string>;
  /** JSON body. */
  body: Record<string, unknown>;
}

/** Headers every token-endpoint response carries (RFC 6749 §5.1, §5.2). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
});

/**
 * Marks an error as an OAuth error that adapters answer as RFC 6749 §5.2 JSON although it is not an
 * `OAuthError` of this copy of `@rfc7523/core`. Every `OAuthError` carries it — so one thrown by another
 * installed copy of the package is still recognised — and an application may set it (value `true`) on its
 * own error together with `error` (an RFC 6749 §5.2 code), `status` (400–599) and, optionally, a public
 * `description` and `headers`. `Symbol.for('rfc7523.oauth-error')`.
 */
export const OAUTH_ERROR_MARK: unique symbol = Symbol.for('rfc7523.oauth-error');

// Every OAuthError, whichever copy of the package made it, carries the mark.
Object.defineProperty(OAuthError.prototype, OAUTH_ERROR_MARK, { value: true });

/**
 * Turns any error into an RFC 6749 §5.2 JSON error response. An OAuthError keeps its status, headers
 * and public description; anything else is a bug and becomes 500 `server_error` with no detail.
 */
export function toErrorResponse(err: unknown): HttpResponse {
  if (err instanceof OAuthError) {
    const description = safeDescription(err.description);
    return {
      status: err.status,
      headers: { ...NO_STORE_HEADERS, ...err.headers },
      body: description === '' ? { error: err.error } : { error: err.error, error_description: description },
    };
  }
  return { status: 500, headers: { ...NO_STORE_HEADERS }, body: { error: 'server_error' } };
}

/**
 * Error `type`s of the body readers Express, Koa and Nest use (raw-body, body-parser, co-body) for a body
 * they could not read. Not `entity.verify.failed`: that is the app's own `verify` hook refusing.
 */
const BODY_READER_TYPES: ReadonlySet<string> = new Set([
  'entity.too.large',
  'entity.parse.failed',
  'request.aborted',
  'request.size.invalid',
  'encoding.unsupported',
  'charset.unsupported',
  'parameters.too.many',
  'querystring.parse.rangeError',
]);

/** RFC 6749 §5.2 `error` characters (%x20-21 / %x23-5B / %x5D-7E). */
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

function httpStatus(err: Record<string | symbol, unknown>): number | undefined {
  const status = err['status'] ?? err['statusCode'];
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

/**
 * The 4xx status of an error a request-body reader raised before the request reached this suite —
 * a body too large (413), unreadable or aborted (400), in an unsupported charset or encoding (415) —
 * recognised by the `type` raw-body and body-parser give (`entity.too.large`, …) or, for co-body's
 * JSON parser, a `SyntaxError` with status 400. Undefined for anything else, such as the app's own 404.
 */
function bodyReaderStatus(err: Record<string | symbol, unknown>): number | undefined {
  const status = httpStatus(err);
  if (status === undefined || status < 400 || status > 499) return undefined;
  const type = err['type'];
  if (typeof type === 'string' && BODY_READER_TYPES.has(type)) return status;
  return err instanceof SyntaxError && status === 400 ? status : undefined;
}

/** An OAuthError standing for an error that carries {@link OAUTH_ERROR_MARK}, or undefined when it is not well formed. */
function fromMarked(err: Record<string | symbol, unknown>): OAuthError | undefined {
  const code = err['error'];
  const status = httpStatus(err);
  if (typeof code !== 'string' || !ERROR_CODE.test(code) || status === undefined || status < 400 || status > 599) return undefined;
  const description = err['description'];
  const reason = err['reason'];
  const headers: Record<string, string> = {};
  const given = err['headers'];
  if (typeof given === 'object' && given !== null) {
    for (const [name, value] of Object.entries(given)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const detail = err['detail'];
  return new OAuthError(
    code as OAuthErrorCode,
    status,
    (typeof reason === 'string' ? reason : code) as ReasonCode,
    typeof description === 'string' ? description : '',
    { cause: err, headers, ...(typeof detail === 'string' ? { detail } : {}) },
  );
}

/**
 * The OAuthError an error stands for, or undefined when it is none of this suite's business:
 * - an `OAuthError` as it is;
 * - an error carrying {@link OAUTH_ERROR_MARK} (an OAuthError of another copy of this package, or one the
 *   application marked) as the OAuthError it describes;
 * - a client error (4xx) a request-body reader raised — body-parser's, raw-body's or co-body's 400, 413 or
 *   415 — as `invalid_request` with the same status (RFC 6749 §5.2; rule R7, R8), reason `body_too_large`
 *   for 413, `unsupported_content_type` for 415, `malformed_body` otherwise; the reader's message, which
 *   can name its limit, is kept as `detail` for logs only;
 * - anything else — the application's own errors, its 404s, bugs — undefined: adapters pass those on.
 */
export function asOAuthError(err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const fields = err as Record<string | symbol, unknown>;
  if (fields[OAUTH_ERROR_MARK] === true) return fromMarked(fields);
  const status = bodyReaderStatus(fields);
  if (status === undefined) return undefined;
  const message = fields['message'];
  const detail = typeof message === 'string' ? message : undefined;
  if (status === 413) {
    return new InvalidRequestError('body_too_large', 'the request body is too large', { status, cause: err, ...(detail === undefined ? {} : { detail }) });
  }
  const reason: ReasonCode = status === 415 ? 'unsupported_content_type' : 'malformed_body';
  return new InvalidRequestError(reason, 'the request could not be read', { status, cause: err, ...(detail === undefined ? {} : { detail }) });
}

/** Anything that turns an error into a response and reports it, such as an `AuthorizationServer` (its `onEvent`). */
export interface ErrorReporter {
  /** The response for `err`, reported as a `request.failed` event. */
  errorResponse(err: unknown): HttpResponse;
}

/**
 * The one error→response function of every adapter's error handler (Express `oauthErrorHandler`, Koa
 * `oauthErrors`, Nest `OAuthExceptionFilter`, Fastify): the RFC 6749 §5.2 / RFC 6750 §3.1 JSON response
 * for an error of this suite, as {@link asOAuthError} decides, or undefined for an error that is not —
 * which the adapter must hand back to its framework (`next(err)`, rethrow) untouched. With a `reporter`
 * (the `AuthorizationServer`), the answered error is also reported to its `onEvent`. The caller decides
 * what to do once headers are sent (defer to the framework): this function does not look at the response.
 */
export function oauthErrorResponse(err: unknown, reporter?: ErrorReporter): HttpResponse | undefined {
  const error = asOAuthError(err);
  if (error === undefined) return undefined;
  return reporter === undefined ? toErrorResponse(error) : reporter.errorResponse(error);
}
