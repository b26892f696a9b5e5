import { exportJWK } from 'jose';
import { generateDpopKey, importDpopKey, type DpopKey } from '../dpop.js';
import { optional, UsageError, type ParsedArgs } from './args.js';
import { json, readKeyFile } from './inputs.js';
import type { CliIo } from './io.js';

/** The DPoP options of `rfc7523 token` and `rfc7523 id-jag …`. */
export const DPOP_OPTIONS = {
  dpop: { type: 'boolean' },
  'dpop-key': { type: 'string' },
  'dpop-key-out': { type: 'string' },
} as const;

/** Their help lines. */
export const DPOP_HELP = `  --dpop                prove possession of a key (RFC 9449): a new ES256 key, kept in memory only
  --dpop-key FILE       ... with this private key (a JWK or PEM, e.g. from --dpop-key-out)
  --dpop-key-out FILE   ... with a new ES256 key, saved to FILE as a private JWK (mode 600, never
                        overwritten) for a later "rfc7523 call --dpop-key FILE" or another tool`;

/**
 * The DPoP key the options ask for (RFC 9449 §2), or undefined without any: read from `--dpop-key`,
 * or generated (and, with `--dpop-key-out`, saved before any request is made so it is never lost).
 */
export async function dpopKeyOption(args: ParsedArgs, io: CliIo): Promise<DpopKey | undefined> {
  const file = optional(args, 'dpop-key');
  const out = optional(args, 'dpop-key-out');
  if (file !== undefined && out !== undefined) throw new UsageError('--dpop-key and --dpop-key-out are two ways to pick the DPoP key: use one');
  if (file !== undefined) {
    try {
      return await importDpopKey((await readKeyFile(io, file)) as Parameters<typeof importDpopKey>[0]);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`the DPoP key file ${file}: ${(err as Error).message}`);
    }
  }
  if (out !== undefined) {
    const key = await generateDpopKey({ extractable: true });
    const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.thumbprint, alg: key.alg };
    try {
      await io.writeSecretFile(out, `${json(privateJwk)}\n`);
    } catch (err) {
      throw new Error(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists (never overwritten)' : (err as Error).message}`);
    }
    io.err(`DPoP private key written to ${out} (mode 600); its thumbprint (cnf.jkt) is ${key.thumbprint}.`);
    return key;
  }
  return args.values.dpop === true ? generateDpopKey() : undefined;
}
