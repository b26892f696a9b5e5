import { createHash } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** One RS256 signing key of a platform issuer, with the public JWK it publishes. */
export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  /** The JWK as the platform's JWKS shows it (kid, alg, use, and x5t for GitHub). */
  publicJwk: JWK;
  /** Base64url SHA-1 / SHA-256 of the DER SubjectPublicKeyInfo, for platforms that derive kid or x5t from it. */
  spkiSha1: string;
  spkiSha256: string;
}

/** What differs between platforms: where the keys are, how a kid looks, what the discovery document says. */
export interface PlatformProfile {
  /** For messages: github-actions, gitlab, kubernetes. */
  name: string;
  /** Path of the JWKS under the issuer, e.g. `/.well-known/jwks`. */
  jwksPath: string;
  /** The platform's kid for a key, and any other members its JWKS carries. */
  describeKey(key: Omit<IssuerKey, 'kid' | 'publicJwk'>, jwk: JWK): Promise<{ kid: string; jwk: JWK }>;
  /** Members of the discovery document besides `issuer` and `jwks_uri`. */
  discoveryExtras(issuer: string): Record<string, unknown>;
}

/** Overrides of the served discovery document: another `issuer`, another `jwks_uri` (e.g. http to a remote host). */
export interface DiscoveryOverrides {
  issuer?: string;
  jwks_uri?: string;
}

/** An `http` JWKS URL on a non-loopback host (TEST-NET-3, RFC 5737: never routed), for the "http to a remote host" case. */
export const REMOTE_HTTP_JWKS_URI = 'http://203.0.113.10/.well-known/jwks';

/** A `now` in milliseconds, as `Date.now`. */
export type Clock = () => number;

/**
 * A platform's OIDC issuer on a loopback port: `/.well-known/openid-configuration` (OIDC Discovery 1.0
 * §4, issuer = its own `http://127.0.0.1:PORT` URL) and a JWKS at the platform's path, plus signing
 * with the current key. Keys rotate like a real provider: `publishNextKey` adds a key to the JWKS (still
 * signing with the old one), `rotate` makes the newest key the signer and drops the others.
 */
export class PlatformIssuer {
  /** Every request seen, as `METHOD path`. */
  readonly requests: string[] = [];
  /** Replace to serve a discovery document with another `issuer` or `jwks_uri`. */
  discoveryOverrides: DiscoveryOverrides = {};
  /** Status to answer every request with instead (e.g. 503), or undefined for normal service. */
  failWith: number | undefined;

  #keys: IssuerKey[] = [];
  #signer!: IssuerKey;

  protected constructor(
    readonly profile: PlatformProfile,
    readonly server: LoopbackServer,
    readonly now: Clock,
  ) {}

  /** Starts the issuer with one key. Subclasses call this through their own `start`. */
  protected static async boot<T extends PlatformIssuer>(make: (server: LoopbackServer) => T): Promise<T> {
    let issuer: T | undefined;
    const server = await startLoopbackServer((req, res, url) => {
      if (issuer === undefined) return void sendJson(res, 503, { error: 'starting' });
      issuer.requests.push(`${req.method} ${url.pathname}`);
      if (issuer.failWith !== undefined) return void sendJson(res, issuer.failWith, { error: 'unavailable' });
      if (req.method !== 'GET') return void sendJson(res, 405, { error: 'method not allowed' });
      if (url.pathname === '/.well-known/openid-configuration') return void sendJson(res, 200, issuer.discoveryDocument());
      if (url.pathname === issuer.profile.jwksPath) return void sendJson(res, 200, issuer.jwks());
      sendJson(res, 404, { error: 'not found' });
    });
    issuer = make(server);
    await issuer.publishNextKey();
    issuer.#signer = issuer.#keys[0]!;
    return issuer;
  }

  /** The issuer identifier: `http://127.0.0.1:PORT`. */
  get issuer(): string {
    return this.server.origin;
  }

  /** The JWKS URL this issuer publishes. */
  get jwksUri(): string {
    return `${this.issuer}${this.profile.jwksPath}`;
  }

  /** The key new tokens are signed with. */
  get currentKey(): IssuerKey {
    return this.#signer;
  }

  /** Every published key. */
  get keys(): readonly IssuerKey[] {
    return this.#keys;
  }

  /** The discovery document as served now. */
  discoveryDocument(): Record<string, unknown> {
    return { issuer: this.issuer, jwks_uri: this.jwksUri, ...this.profile.discoveryExtras(this.issuer), ...this.discoveryOverrides };
  }

  /** The JWKS as served now. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((k) => k.publicJwk) };
  }

  /** Generates a new RS256 key and publishes it in the JWKS; tokens are still signed with the current key. */
  async publishNextKey(): Promise<IssuerKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const der = Buffer.from((await exportSPKI(publicKey)).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const spkiSha1 = createHash('sha1').update(der).digest('base64url');
    const spkiSha256 = createHash('sha256').update(der).digest('base64url');
    const base = { privateKey, spkiSha1, spkiSha256 };
    const { kid, jwk } = await this.profile.describeKey(base, await exportJWK(publicKey));
    const key: IssuerKey = { ...base, kid, publicJwk: jwk };
    this.#keys.push(key);
    return key;
  }

  /** Key rotation: publishes a new key if none is pending, signs with it from now on, and drops every older key. */
  async rotate(): Promise<IssuerKey> {
    if (this.#keys.at(-1) === this.#signer) await this.publishNextKey();
    this.#signer = this.#keys.at(-1)!;
    this.#keys = [this.#signer];
    return this.#signer;
  }

  /** Signs `claims` with the current key (RS256) and the platform's header members. */
  protected sign(claims: JWTPayload, header: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'RS256' } as { alg: string }).sign(this.#signer.privateKey);
  }

  /** Seconds since the epoch, from the clock. */
  protected seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
