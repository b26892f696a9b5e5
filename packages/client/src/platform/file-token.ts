import { PLATFORM_TOKEN_DEFAULTS } from '../constants.js';
import { PlatformTokenError, type PlatformName } from '../errors.js';
import { optionsObject, requiredString, wholeNumber } from '../lib/checks.js';
import { readFileLimited, TooLargeError } from '../lib/read-limited.js';
import { platformJwt, type PlatformTokenSource } from './platform-token.js';

/** Options of {@link fileToken}. */
export interface FileTokenOptions {
  /** Path of the file holding the JWT (white space around it is ignored). Required. */
  path: string;
  /** Largest file read, bytes. Default 65536. */
  maxBytes?: number;
}

/** Options of {@link kubernetesToken}. */
export interface KubernetesTokenOptions {
  /**
   * Path of the projected service-account token: the volume's `mountPath` joined with its
   * `serviceAccountToken.path`. Default `/var/run/secrets/tokens/rfc7523`.
   */
  path?: string;
  /** Largest file read, bytes. Default 65536. */
  maxBytes?: number;
}

function tokenFromFile(platform: PlatformName, options: unknown, what: string, defaultPath: string | undefined): PlatformTokenSource {
  const o = optionsObject(options, what, ['path', 'maxBytes']);
  const path = requiredString(o.path ?? defaultPath, 'path');
  const maxBytes = wholeNumber(o.maxBytes, 'maxBytes', PLATFORM_TOKEN_DEFAULTS.maxBytes, 64, 1_048_576, 'bytes');
  return async () => {
    let text: string;
    try {
      text = await readFileLimited(path, maxBytes);
    } catch (err) {
      if (err instanceof TooLargeError) throw new PlatformTokenError(platform, `the token file ${path} is larger than ${maxBytes} bytes`);
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const hint =
        platform === 'kubernetes' && code === 'ENOENT'
          ? ': is a projected serviceAccountToken volume mounted there? (mountPath + path of the volume; pass the path if it differs)'
          : '';
      throw new PlatformTokenError(platform, `cannot read the token file ${path}: ${code}${hint}`, { cause: err });
    }
    return platformJwt(platform, text, `the token file ${path}`);
  };
}

/**
 * A JWT read from a file as the jwt-bearer grant (RFC 7523 §2.1), read again on every call, so a file
 * that another process refreshes is always read fresh. Bounded to `maxBytes` (default 64 KiB).
 */
export function fileToken(options: FileTokenOptions): PlatformTokenSource {
  return tokenFromFile('file', options, 'fileToken', undefined);
}

/**
 * A Kubernetes projected service-account token (a `serviceAccountToken` volume source with its own
 * `audience` and `expirationSeconds`) as the jwt-bearer grant (RFC 7523 §2.1). The file is read again on
 * every call: the kubelet replaces the token once 80 % of its lifetime has passed, so a copy kept in
 * memory would expire. Default path `/var/run/secrets/tokens/rfc7523`.
 */
export function kubernetesToken(options: KubernetesTokenOptions = {}): PlatformTokenSource {
  return tokenFromFile('kubernetes', options, 'kubernetesToken', PLATFORM_TOKEN_DEFAULTS.kubernetesPath);
}
