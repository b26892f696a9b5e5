import { PLATFORM_TOKEN_DEFAULTS } from '../constants.js';
import { PlatformTokenError } from '../errors.js';
import { badOption, optionsObject } from '../lib/checks.js';
import { platformJwt, type PlatformEnvironment, type PlatformTokenSource } from './platform-token.js';

/** Options of {@link gitlabToken}. */
export interface GitlabTokenOptions {
  /**
   * The CI/CD variable the job declares under `id_tokens:` (its `aud` is set there, in .gitlab-ci.yml).
   * Default `RFC7523_ID_TOKEN`.
   */
  variable?: string;
  /** The environment to read. Default `process.env`. For tests. */
  env?: PlatformEnvironment;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A GitLab CI/CD ID token (an OIDC ID token GitLab signs for the job) as the jwt-bearer grant (RFC 7523
 * §2.1): read from the variable the job declares with `id_tokens:`, on every call. When the variable is
 * not set, a PlatformTokenError names it and the `id_tokens:` entry that provides it.
 */
export function gitlabToken(options: GitlabTokenOptions = {}): PlatformTokenSource {
  const o = optionsObject(options, 'gitlabToken', ['variable', 'env']);
  const variable = o.variable ?? PLATFORM_TOKEN_DEFAULTS.gitlabVariable;
  if (typeof variable !== 'string' || !VARIABLE_NAME.test(variable)) badOption('variable', 'must be a CI/CD variable name (letters, digits, _)');
  const env = (o.env ?? process.env) as PlatformEnvironment;
  if (typeof env !== 'object' || env === null) badOption('env', 'must be an object');
  return async () => {
    const value = env[variable];
    if (value === undefined || value === '') {
      throw new PlatformTokenError(
        'gitlab',
        `the environment variable ${variable} is not set: declare it in the job of .gitlab-ci.yml as id_tokens: { ${variable}: { aud: <your authorization server's issuer> } }`,
      );
    }
    return platformJwt('gitlab', value, `the environment variable ${variable}`);
  };
}
