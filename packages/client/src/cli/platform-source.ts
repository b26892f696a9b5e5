import { PLATFORM_TOKEN_DEFAULTS } from '../constants.js';
import { TokenRequestError } from '../errors.js';
import { fileToken, githubActionsToken, gitlabToken, kubernetesToken, type PlatformTokenSource } from '../platform/index.js';
import { choice, optional, UsageError, type ParsedArgs } from './args.js';
import { decodeForDisplay } from './inputs.js';
import type { CliIo } from './io.js';

/** The values of `rfc7523 token --from`. */
export const PLATFORMS = ['github-actions', 'gitlab', 'kubernetes', 'file'] as const;

/** Which option goes with which platform, for the usage errors. */
const OWN_OPTIONS: Record<string, (typeof PLATFORMS)[number][]> = {
  audience: ['github-actions'],
  'token-variable': ['gitlab'],
  'token-file': ['kubernetes', 'file'],
};

/**
 * The platform token source `--from` names (with `--audience`, `--token-variable`, `--token-file`), or
 * undefined without `--from`. `issuer` is the default audience of a GitHub Actions token.
 */
export function platformSource(args: ParsedArgs, io: CliIo, issuer: string | undefined): PlatformTokenSource | undefined {
  const from = choice(args, 'from', PLATFORMS);
  for (const [option, platforms] of Object.entries(OWN_OPTIONS)) {
    if (args.values[option] !== undefined && (from === undefined || !platforms.includes(from))) {
      throw new UsageError(`--${option} goes with --from ${platforms.join(' or --from ')}`);
    }
  }
  if (from === undefined) return undefined;
  const env = io.env ?? process.env;
  switch (from) {
    case 'github-actions': {
      const audience = optional(args, 'audience') ?? issuer;
      if (audience === undefined) throw new UsageError('--audience is required with --from github-actions when there is no --issuer');
      return githubActionsToken({ audience, env });
    }
    case 'gitlab':
      return gitlabToken({ variable: optional(args, 'token-variable') ?? PLATFORM_TOKEN_DEFAULTS.gitlabVariable, env });
    case 'kubernetes':
      return kubernetesToken({ path: optional(args, 'token-file') ?? PLATFORM_TOKEN_DEFAULTS.kubernetesPath });
    case 'file': {
      const path = optional(args, 'token-file');
      if (path === undefined) throw new UsageError('--token-file is required with --from file');
      return fileToken({ path });
    }
  }
}

/**
 * When the server refused a platform token with `invalid_grant` and the token's `aud` does not name the
 * issuer (RFC 7523 §3 item 3), a line saying where the platform sets the audience; else undefined.
 */
export function audienceHint(err: unknown, assertion: string, issuer: string | undefined): string | undefined {
  if (!(err instanceof TokenRequestError) || err.error !== 'invalid_grant' || issuer === undefined) return undefined;
  const claims = decodeForDisplay(assertion)?.claims;
  if (claims === undefined) return undefined;
  const aud = claims.aud;
  const values = Array.isArray(aud) ? aud : [aud];
  if (values.includes(issuer)) return undefined;
  return (
    `hint: the platform token's aud is ${JSON.stringify(aud)}, not the issuer ${issuer}: ` +
    'ask for it (--audience), or set it in id_tokens: (GitLab) or the audience of the projected volume (Kubernetes)'
  );
}
