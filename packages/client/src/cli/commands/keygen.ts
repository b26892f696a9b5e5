import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { JWT_BEARER_GRANT_TYPE, PRIVATE_KEY_JWT } from '@rfc7523/core';
import { choice, optional, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { json } from '../inputs.js';

const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'] as const;

const HELP = `Usage: rfc7523 keygen [--alg ES256|ES384|ES512|RS256|PS256|EdDSA] [options]

Generates a key pair for a client or a trusted issuer: the private JWK for the workload, and the
public JWK Set to register in the authorization server's trust configuration ("jwks").

Options:
  --alg ALG          signing algorithm (RSA keys are 2048 bits)                      default ES256
  --kid ID           key ID                                   default the RFC 7638 JWK thumbprint
  --out FILE         write the private JWK to FILE (mode 600, never overwritten) and print only
                     the public part, so the output can be piped into a file
  --client-id ID     print a whole client entry for the trust configuration, not just "jwks"
  --grant-type TYPE  with --client-id: grant types of the entry (client_credentials,
                     jwt-bearer); repeatable                       default client_credentials
  --scope SCOPE      with --client-id: the space-separated scope of the entry
  --json             print one JSON object: { privateJwk?, jwks, client? }
  -h, --help         show this help

Examples:
  rfc7523 keygen --alg ES256 --kid my-service-2026 --out my-service.key.json
  rfc7523 keygen --alg EdDSA --client-id my-service --scope "logs:read" --out my-service.key.json

Exit codes: 0 done, 1 the key file could not be written, 2 usage.`;

/** Public members only, in a stable order, with `use` and `alg` (RFC 7517 §4.2, §4.4). */
function publicJwk(jwk: JWK, kid: string, alg: string): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return { ...rest, kid, alg, use: 'sig' };
}

/** `rfc7523 keygen`: a private JWK and the public JWKS to register. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate a key pair: the private JWK and the public JWKS to register',
  help: HELP,
  options: {
    alg: { type: 'string' },
    kid: { type: 'string' },
    out: { type: 'string' },
    'client-id': { type: 'string' },
    'grant-type': { type: 'string', multiple: true },
    scope: { type: 'string' },
  },
  async run(args, io) {
    const alg = choice(args, 'alg', ALGORITHMS) ?? 'ES256';
    const clientId = optional(args, 'client-id');
    const grantTypes = (args.values['grant-type'] as string[] | undefined) ?? [];
    const scope = optional(args, 'scope');
    if (clientId === undefined && (grantTypes.length > 0 || scope !== undefined)) {
      throw new UsageError('--grant-type and --scope describe a client entry: add --client-id');
    }
    for (const type of grantTypes) {
      if (type !== 'client_credentials' && type !== 'jwt-bearer' && type !== JWT_BEARER_GRANT_TYPE) {
        throw new UsageError('--grant-type must be client_credentials or jwt-bearer');
      }
    }
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const exported = await exportJWK(publicKey);
    const kid = optional(args, 'kid') ?? (await calculateJwkThumbprint(exported));
    const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg };
    const jwks = { keys: [publicJwk(exported, kid, alg)] };
    const client =
      clientId === undefined
        ? undefined
        : {
            client_id: clientId,
            jwks,
            token_endpoint_auth_method: PRIVATE_KEY_JWT,
            token_endpoint_auth_signing_alg: alg,
            grant_types: grantTypes.length === 0 ? ['client_credentials'] : grantTypes.map((t) => (t === 'jwt-bearer' ? JWT_BEARER_GRANT_TYPE : t)),
            ...(scope === undefined ? {} : { scope }),
          };

    const out = optional(args, 'out');
    if (out !== undefined) {
      try {
        await io.writeSecretFile(out, `${json(privateJwk)}\n`);
      } catch (err) {
        io.err(`rfc7523 keygen: cannot write ${out}: ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists (never overwritten)' : (err as Error).message}`);
        return EXIT.FAILED;
      }
      io.err(`Private key written to ${out} (mode 600). Keep it with the workload only.`);
    }
    if (args.values.json === true) {
      io.out(json({ ...(out === undefined ? { privateJwk } : { privateKeyFile: out }), jwks, ...(client === undefined ? {} : { client }) }));
      return EXIT.OK;
    }
    const registration = client ?? jwks;
    if (out !== undefined) {
      io.out(json(registration));
      return EXIT.OK;
    }
    io.out('Private key (keep it secret; give it to the workload only):');
    io.out(json(privateJwk));
    io.out('');
    io.out(client === undefined ? 'Public JWKS (paste as the "jwks" of the client or trusted issuer):' : 'Client entry (add it to "clients" in the trust configuration):');
    io.out(json(registration));
    return EXIT.OK;
  },
};
