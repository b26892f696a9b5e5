import { InvalidRequestError } from '../errors.js';
import type { PlainRequest } from './plain-request.js';

const FORM = 'application/x-www-form-urlencoded';

/** Reads one header as a single string; a repeated header counts as absent-or-first per Node. */
export function header(request: PlainRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** R3: a parameter sent more than once (RFC 6749 §3.2). */
function repeated(name: string): InvalidRequestError {
  return new InvalidRequestError('repeated_parameter', `parameter ${name.slice(0, 64)} must not be repeated`);
}

function addParam(params: Map<string, string>, name: string, value: string): void {
  if (params.has(name)) throw repeated(name);
  // RFC 6749 §3.1: a parameter sent without a value is treated as omitted; it still counts for R3.
  params.set(name, value);
}

/**
 * Checks method and body type, then parses the form with every parameter present once
 * (rule R0, R3, R7, R8; RFC 6749 §3.2). Empty values are kept as "" so callers can treat them as absent.
 */
export function readForm(request: PlainRequest, maxBodyLength: number): Map<string, string> {
  if (request.method !== 'POST') {
    throw new InvalidRequestError('method_not_allowed', 'the token endpoint accepts POST only', {
      status: 405,
      headers: { allow: 'POST' },
    });
  }
  const type = header(request, 'content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== FORM) {
    throw new InvalidRequestError('unsupported_content_type', `the body must be ${FORM}`);
  }
  const params = new Map<string, string>();
  const body = request.body;
  if (body === undefined || body === null) return params;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (length > maxBodyLength) {
      throw new InvalidRequestError('body_too_large', 'the request body is too large', { status: 413 });
    }
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    for (const [name, value] of new URLSearchParams(text)) addParam(params, name, value);
    return params;
  }
  if (typeof body !== 'object') throw new InvalidRequestError('malformed_body', 'the request body is malformed');
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      // A framework's body parser turns a repeated parameter into an array.
      throw repeated(name);
    }
    if (typeof value !== 'string') {
      throw new InvalidRequestError('malformed_body', `parameter ${name.slice(0, 64)} is malformed`);
    }
    addParam(params, name, value);
  }
  return params;
}

/** A parameter's value, with "" treated as absent (RFC 6749 §3.1). */
export function param(params: ReadonlyMap<string, string>, name: string): string | undefined {
  const value = params.get(name);
  return value === undefined || value === '' ? undefined : value;
}
