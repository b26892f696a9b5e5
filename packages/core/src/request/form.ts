import { InvalidRequestError } from '../errors.js';
import type { PlainRequest } from './plain-request.js';
import { forEachFormPair, formText } from './urlencoded.js';

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

/**
 * Parameters that may repeat: `resource` (RFC 8707 §2, one per resource indicator; rule G4). The map holds
 * the first value; {@link paramValues} gives every value.
 */
const REPEATABLE: ReadonlySet<string> = new Set(['resource']);

/** Most values a repeatable parameter may have: more is refused as a repeated parameter (rule R3). */
const MAX_REPEATS = 16;

/** Every value of each repeatable parameter, by form. */
const REPEATS = new WeakMap<ReadonlyMap<string, string>, Map<string, string[]>>();

function addParam(params: Map<string, string>, name: string, value: string): void {
  if (REPEATABLE.has(name)) {
    let repeats = REPEATS.get(params);
    if (repeats === undefined) REPEATS.set(params, (repeats = new Map()));
    const values = repeats.get(name);
    if (values === undefined) repeats.set(name, [value]);
    else if (values.length >= MAX_REPEATS) throw repeated(name);
    else values.push(value);
    if (params.has(name)) return;
  }
  if (params.has(name)) throw repeated(name);
  // RFC 6749 §3.1: a parameter sent without a value is treated as omitted; it still counts for R3.
  params.set(name, value);
}

/** R8: a body over the server's `maxBodyLength` (413, RFC 9110 §15.5.14). */
function tooLarge(): InvalidRequestError {
  return new InvalidRequestError('body_too_large', 'the request body is too large', { status: 413 });
}

/** The request's `Content-Length` in bytes, or 0 when absent or not a number. */
function declaredLength(request: PlainRequest): number {
  const length = Number(header(request, 'content-length'));
  return Number.isFinite(length) ? length : 0;
}

/**
 * The fewest bytes a form with these fields takes as `application/x-www-form-urlencoded` (each name and
 * value in UTF-8, one `=` each, `&` between): a body parser may have inflated a compressed body, so the
 * `Content-Length` alone does not bound it. Counts every value of a repeated parameter (an array).
 */
function parsedFormLength(body: Readonly<Record<string, unknown>>): number {
  let length = -1;
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      length += Buffer.byteLength(name) + 2 + (typeof item === 'string' ? Buffer.byteLength(item) : 0);
    }
  }
  return length;
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
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, so a short text needs no byte count.
    const length = typeof body !== 'string' ? body.byteLength : body.length * 3 <= maxBodyLength ? 0 : Buffer.byteLength(body);
    if (length > maxBodyLength) throw tooLarge();
    forEachFormPair(formText(body), (name, value) => addParam(params, name, value));
    return params;
  }
  if (typeof body !== 'object') throw new InvalidRequestError('malformed_body', 'the request body is malformed');
  // R8 behind a body parser: the body as sent (Content-Length), or at least the bytes of its fields.
  if (declaredLength(request) > maxBodyLength || parsedFormLength(body) > maxBodyLength) throw tooLarge();
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value) && REPEATABLE.has(name) && value.every((item) => typeof item === 'string')) {
      for (const item of value as string[]) addParam(params, name, item);
      continue;
    }
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

/**
 * Every value of a parameter that may repeat (`resource`, RFC 8707 §2), in request order, empty values
 * dropped; [] when absent. Other parameters: the one value, as {@link param}.
 */
export function paramValues(params: ReadonlyMap<string, string>, name: string): string[] {
  const values = REPEATS.get(params)?.get(name) ?? (params.has(name) ? [params.get(name) as string] : []);
  return values.filter((value) => value !== '');
}
