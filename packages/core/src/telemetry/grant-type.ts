import type { PlainRequest } from '../request/plain-request.js';
import { boundedGrantType } from './attributes.js';

const GRANT_TYPE = /(?:^|&)grant_type=([^&]*)/;

/** The raw `grant_type` value of a form body, or undefined; no validation (the engine does that). */
function rawGrantType(body: PlainRequest['body'], maxLength: number): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    if (body.length > maxLength) return undefined; // refused by the engine (rule R8); not scanned
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    const match = GRANT_TYPE.exec(text);
    if (match === null) return undefined;
    try {
      return decodeURIComponent(match[1]!.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  const value = (body as Readonly<Record<string, unknown>>).grant_type;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The `grant_type` of a token request (RFC 6749 §4.5) for telemetry, bounded: a value of `GRANT_TYPES`,
 * `none` when absent, empty or in a body over `maxBodyLength` (bytes or characters), `other` for anything
 * else. A light read of the body, without the engine's checks (rule R0, R3): a request those refuse is
 * still labelled by the grant type it named.
 */
export function grantTypeOf(request: PlainRequest, maxBodyLength: number): string {
  const raw = request.method === 'POST' ? rawGrantType(request.body, maxBodyLength) : undefined;
  return raw === undefined || raw === '' ? 'none' : boundedGrantType(raw);
}
