import { findDuplicateMember, flatMemberCount } from './duplicate-members.js';

/** A compact JWS split and decoded once, before any signature check. Nothing in it is trusted yet. */
export interface DecodedJwt {
  /** The token text as received. */
  readonly token: string;
  /** JOSE header, a plain JSON object. */
  readonly header: Readonly<Record<string, unknown>>;
  /** JWT claims set, a plain JSON object. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The JWS Signing Input (RFC 7515 §5.1): the first two segments as ASCII bytes. */
  readonly signingInput: Uint8Array;
  /** Decoded signature bytes. */
  readonly signature: Uint8Array;
}

/** Why a token is not a well-formed compact JWS carrying a JWT (rule J13). */
export type DecodeFailure = 'malformed_jwt' | 'jwe_not_supported' | 'duplicate_member';

/** Thrown by {@link decodeJwt}; the engine turns it into the error of the use case at hand. */
export class JwtDecodeError extends Error {
  constructor(
    readonly reason: DecodeFailure,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const COMPACT_JWE = /^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/;

function decodeObject(segment: string, what: string): Record<string, unknown> {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwtDecodeError('malformed_jwt', `${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtDecodeError('malformed_jwt', `${what} is not a JSON object`);
  }
  // A flat object (the usual header and claims) whose key count matches its names repeats none; anything
  // else is scanned name by name.
  const duplicate = flatMemberCount(text) === Object.keys(value).length ? undefined : findDuplicateMember(text);
  if (duplicate !== undefined) {
    throw new JwtDecodeError('duplicate_member', `${what} repeats the member ${JSON.stringify(duplicate)}`);
  }
  return value as Record<string, unknown>;
}

/** Most JOSE headers kept decoded, and the longest header segment kept, characters. */
const HEADER_CACHE_SIZE = 256;
const HEADER_CACHE_MAX_LENGTH = 512;

/** Decoded flat JOSE headers by their base64url segment: a client sends the same header with every token. */
const headerCache = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * The JOSE header of a segment, decoded and checked as {@link decodeObject} does, once per distinct segment:
 * a header whose values are all strings, numbers, booleans or null, and whose segment has at most 512
 * characters, is kept frozen (at most 256 of them; the cache is emptied when full) and given again for the
 * same segment. Any other header is decoded on every call.
 */
function decodeHeader(segment: string): Readonly<Record<string, unknown>> {
  const cached = headerCache.get(segment);
  if (cached !== undefined) return cached;
  const header = decodeObject(segment, 'JOSE header');
  if (segment.length <= HEADER_CACHE_MAX_LENGTH && Object.values(header).every((v) => v === null || typeof v !== 'object')) {
    if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
    // A copy of the key: the segment is a slice that would keep the whole token alive.
    headerCache.set(JSON.parse(JSON.stringify(segment)) as string, Object.freeze(header));
  }
  return header;
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) carrying a JWT, rejecting JWE, JSON serialization,
 * characters outside base64url and `.`, non-object header or claims, and repeated member names
 * (rule J13, RFC 8725 §3.14 bis). Does not verify anything cryptographic.
 */
export function decodeJwt(token: string): DecodedJwt {
  if (!COMPACT_JWS.test(token)) {
    if (COMPACT_JWE.test(token)) throw new JwtDecodeError('jwe_not_supported', 'encrypted JWTs (JWE) are not accepted');
    throw new JwtDecodeError('malformed_jwt', 'not a compact JWS of three base64url segments');
  }
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = decodeHeader(token.slice(0, first));
  const claims = decodeObject(token.slice(first + 1, second), 'claims set');
  // Stryker disable next-line StringLiteral: the text passed the compact-JWS pattern (base64url and dots), the same bytes in UTF-8
  const signingInput = Buffer.from(token.slice(0, second), 'latin1');
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  return { token, header, claims, signingInput, signature };
}
