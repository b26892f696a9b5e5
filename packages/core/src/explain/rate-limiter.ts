import { isIPv4, isIPv6 } from 'node:net';

/** Settings of a {@link RateLimiter}; every field is validated by `resolveExplainOptions`. */
export interface RateLimits {
  /** Requests one client address may make per minute, on average. */
  readonly perClientPerMinute: number;
  /** Requests one client address may make at once before the per-minute rate applies (bucket size). */
  readonly burst: number;
  /** Requests all clients together may make per minute (a global bucket of the same size). */
  readonly perMinute: number;
  /** Most client addresses remembered; the least recently seen is forgotten beyond it. */
  readonly maxClients: number;
  /** Clock, milliseconds since the epoch. */
  readonly now: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** What {@link RateLimiter.take} decided: allowed, or refused with the seconds to wait (`Retry-After`, RFC 9110 §10.2.3). */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfter: number };

/**
 * Token buckets, one per client address in a bounded map (least recently seen forgotten first) and one for
 * all clients: a request takes a token from both, or is refused with the seconds until one is back. Memory
 * is bounded by `maxClients`; a flood of addresses only empties the global bucket.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #clients = new Map<string, Bucket>();
  readonly #global: Bucket;

  constructor(limits: RateLimits) {
    this.#limits = limits;
    this.#global = { tokens: limits.perMinute, at: limits.now() };
  }

  /** Takes one request of `client` (its address) from the buckets, or says how long to wait. */
  take(client: string): RateDecision {
    const { perClientPerMinute, burst, perMinute, maxClients, now } = this.#limits;
    const at = now();
    let bucket = this.#clients.get(client);
    if (bucket === undefined) {
      if (this.#clients.size >= maxClients) this.#clients.delete(this.#clients.keys().next().value!);
      bucket = { tokens: burst, at };
    } else {
      this.#clients.delete(client); // re-inserted below: the map stays ordered by last use
    }
    this.#clients.set(client, bucket);
    refill(bucket, at, burst, perClientPerMinute);
    refill(this.#global, at, perMinute, perMinute);
    if (bucket.tokens < 1) return { allowed: false, retryAfter: wait(bucket, perClientPerMinute) };
    if (this.#global.tokens < 1) return { allowed: false, retryAfter: wait(this.#global, perMinute) };
    bucket.tokens -= 1;
    this.#global.tokens -= 1;
    return { allowed: true };
  }

  /** Client addresses remembered now (at most `maxClients`). */
  get size(): number {
    return this.#clients.size;
  }
}

function refill(bucket: Bucket, at: number, size: number, perMinute: number): void {
  const elapsed = Math.max(0, at - bucket.at);
  bucket.tokens = Math.min(size, bucket.tokens + (elapsed * perMinute) / 60_000);
  bucket.at = at;
}

/** Whole seconds until the bucket holds one token again, at least 1. */
function wait(bucket: Bucket, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
}

/**
 * The rate-limit key of a client address: an IPv4 address as it is (an IPv4-mapped IPv6 address,
 * `::ffff:192.0.2.1`, as its IPv4 address), an IPv6 address by its /64 prefix (RFC 4291 §2.5.4: one
 * subscriber usually holds a whole /64, so per-address buckets would give it billions), as the first four
 * groups in lower-case hex (`2001:db8:1:2::/64`); anything else (no address, a framework's placeholder) as it is.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names the interface, not the peer
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = text.slice(text.lastIndexOf(':') + 1);
  if (isIPv4(dotted)) {
    const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, text.length - dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
