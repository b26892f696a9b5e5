import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { PlatformIssuer, type Clock, type PlatformProfile } from './oidc-issuer.js';

/**
 * A Kubernetes API server's service-account issuer discovery (ServiceAccountIssuerDiscovery): keys at
 * /openid/v1/jwks, `kid` the base64url SHA-256 of the DER public key, as the API server computes it.
 */
const KUBERNETES_PROFILE: PlatformProfile = {
  name: 'kubernetes',
  jwksPath: '/openid/v1/jwks',
  async describeKey(key, jwk) {
    const kid = key.spkiSha256;
    return { kid, jwk: { use: 'sig', kty: jwk.kty, kid, alg: 'RS256', n: jwk.n, e: jwk.e } };
  },
  discoveryExtras: () => ({
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  }),
};

/** Options of {@link KubernetesIssuer.mint}: the pod a projected token is for. */
export interface KubernetesMintOptions {
  /** The volume's `audience`. Kubernetes always sends `aud` as an array. Default `['https://as.example']`. */
  audience?: string | string[];
  /** Default `payments`. */
  namespace?: string;
  /** Default `api`. */
  serviceAccount?: string;
  /** Default `api-7d4b9c6f5-x2k8q`. */
  podName?: string;
  /** Default `node-a`. */
  nodeName?: string;
  /** The volume's `expirationSeconds`. Default 3600. */
  expirationSeconds?: number;
  /**
   * `iat` in seconds since the epoch. Default: the clock's now. RS256 signatures are deterministic, so two
   * tokens minted in the same second for the same pod are the same token, as a real kubelet's would not be:
   * give the older one an earlier `issuedAt`.
   */
  issuedAt?: number;
  /** Add a `jti`, as clusters with the ServiceAccountTokenJTI feature do. Default false. */
  jti?: boolean;
  claims?: JWTPayload;
  header?: Record<string, unknown>;
}

/** Fixed uids, so a test can pin them in conditions. */
export const KUBERNETES_UIDS = Object.freeze({
  serviceAccount: '7f3c2a10-55b1-4e0a-9d7e-2c5b1f0e8a61',
  pod: 'b1d2c3e4-0f5a-4b6c-8d7e-9f0a1b2c3d4e',
  node: '3a9e8d7c-6b5a-4f3e-a2d1-c0b9a8f7e6d5',
});

/**
 * A loopback stand-in for a cluster's service-account issuer that mints projected service-account
 * tokens with the claims the kubelet mounts (kubernetes.io docs, "Managing Service Accounts"): header
 * `alg: RS256` and `kid` only (no `typ`); `aud` an array; `sub`
 * `system:serviceaccount:NAMESPACE:NAME`; a `kubernetes.io` claim with namespace, pod, serviceaccount
 * and node; `nbf` = `iat`; `exp` = `iat` + expirationSeconds; no `jti` unless asked.
 */
export class KubernetesIssuer extends PlatformIssuer {
  static start(options: { now?: Clock } = {}): Promise<KubernetesIssuer> {
    return PlatformIssuer.boot((server) => new KubernetesIssuer(KUBERNETES_PROFILE, server, options.now ?? Date.now));
  }

  /** The claims of a projected token (unsigned). */
  claimsFor(options: KubernetesMintOptions = {}): JWTPayload {
    const namespace = options.namespace ?? 'payments';
    const serviceAccount = options.serviceAccount ?? 'api';
    const audience = options.audience ?? 'https://as.example';
    const iat = options.issuedAt ?? this.seconds();
    return {
      aud: Array.isArray(audience) ? audience : [audience],
      exp: iat + (options.expirationSeconds ?? 3600),
      iat,
      iss: this.issuer,
      ...(options.jti === true ? { jti: randomUUID() } : {}),
      'kubernetes.io': {
        namespace,
        node: { name: options.nodeName ?? 'node-a', uid: KUBERNETES_UIDS.node },
        pod: { name: options.podName ?? 'api-7d4b9c6f5-x2k8q', uid: KUBERNETES_UIDS.pod },
        serviceaccount: { name: serviceAccount, uid: KUBERNETES_UIDS.serviceAccount },
      },
      nbf: iat,
      sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
      ...options.claims,
    };
  }

  /** A signed projected token. */
  mint(options: KubernetesMintOptions = {}): Promise<string> {
    return this.sign(this.claimsFor(options), { kid: this.currentKey.kid, ...options.header });
  }
}
