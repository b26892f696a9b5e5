import { ASSERTION_ALGORITHMS } from '@rfc7523/core';
import { createClientAssertion } from '../../client-assertion.js';
import { createGrantAssertion } from '../../grant-assertion.js';
import type { SigningAlgorithm } from '../../signing-key.js';
import { choice, optional, required, seconds, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { decodeForDisplay, json, readKeyFile } from '../inputs.js';
import type { CliIo } from '../io.js';

const SIGNING_OPTIONS = `  --key FILE         the private key: a JWK, a JWK Set (pick with --kid) or a PEM file
  --alg ALG          JWS algorithm         default what the key implies (ES256…, EdDSA, RS256)
  --kid ID           key ID in the header                         default the JWK's own "kid"
  --lifetime SECONDS from iat to exp                                               default 60
  --json             print { assertion, header, claims } instead of the bare JWT
  -h, --help         show this help`;

const CLIENT_HELP = `Usage: rfc7523 assert client --client-id ID --issuer URL --key FILE [options]

Mints a client assertion for private_key_jwt client authentication (RFC 7523 §2.2), rfc7523bis
style: typ client-authentication+jwt, iss = sub = the client ID, aud = the authorization server's
issuer identifier (never its token endpoint URL), a fresh jti, iat, exp. Prints the JWT.

Options:
  --client-id ID     the client's client_id (iss and sub)
  --issuer URL       the authorization server's issuer identifier (aud)
${SIGNING_OPTIONS}

Example:
  rfc7523 assert client --client-id my-service --issuer http://localhost:3000 --key my-service.key.json

Exit codes: 0 printed, 2 usage (a missing option, a key file that is not a private key).`;

const GRANT_HELP = `Usage: rfc7523 assert grant --issuer ISS --subject SUB --audience URL --key FILE [options]

Mints a JWT authorization grant (RFC 7523 §2.1), signed by a trusted issuer: iss, sub, aud, a fresh
jti, iat, exp, typ JWT. Prints the JWT; send it with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer.

Options:
  --issuer ISS       the trusted issuer's name, as registered in "trusted_issuers" (iss)
  --subject SUB      who the grant is for (sub)
  --audience URL     the authorization server's issuer identifier or token endpoint URL (aud);
                     repeat it for several values
  --scope SCOPE      a space-separated "scope" claim, for servers that read one (this suite's
                     engine ignores it: pass the scope to "rfc7523 token")
${SIGNING_OPTIONS}

Example:
  rfc7523 assert grant --issuer local-ci --subject repo:acme/api:ref:refs/heads/main \\
    --audience http://localhost:3000 --key local-ci.key.json

Exit codes: 0 printed, 2 usage (a missing option, a key file that is not a private key).`;

const SIGNING = {
  key: { type: 'string' },
  alg: { type: 'string' },
  kid: { type: 'string' },
  lifetime: { type: 'string' },
} as const;

async function signingOptions(args: ParsedArgs, io: CliIo) {
  const kid = optional(args, 'kid');
  const alg = choice(args, 'alg', ASSERTION_ALGORITHMS) as SigningAlgorithm | undefined;
  const lifetime = seconds(args, 'lifetime');
  return {
    key: await readKeyFile(io, required(args, 'key'), kid),
    ...(alg === undefined ? {} : { alg }),
    ...(kid === undefined ? {} : { kid }),
    ...(lifetime === undefined ? {} : { lifetime }),
  };
}

function print(io: CliIo, args: ParsedArgs, assertion: string): number {
  io.out(args.values.json === true ? json({ assertion, ...decodeForDisplay(assertion) }) : assertion);
  return EXIT.OK;
}

/** `rfc7523 assert client`: mint a private_key_jwt client assertion. */
export const assertClientCommand: Command = {
  name: 'assert client',
  summary: 'mint a client assertion (private_key_jwt)',
  help: CLIENT_HELP,
  options: { ...SIGNING, 'client-id': { type: 'string' }, issuer: { type: 'string' } },
  async run(args, io) {
    const clientId = required(args, 'client-id');
    const issuer = required(args, 'issuer');
    return print(io, args, await createClientAssertion({ clientId, issuer, ...(await signingOptions(args, io)) }));
  },
};

/** `rfc7523 assert grant`: mint a jwt-bearer authorization grant. */
export const assertGrantCommand: Command = {
  name: 'assert grant',
  summary: 'mint a JWT authorization grant (jwt-bearer)',
  help: GRANT_HELP,
  options: { ...SIGNING, issuer: { type: 'string' }, subject: { type: 'string' }, audience: { type: 'string', multiple: true }, scope: { type: 'string' } },
  async run(args, io) {
    const issuer = required(args, 'issuer');
    const subject = required(args, 'subject');
    const audiences = (args.values.audience as string[] | undefined) ?? [];
    if (audiences.length === 0) required(args, 'audience');
    const scope = optional(args, 'scope');
    const assertion = await createGrantAssertion({
      issuer,
      subject,
      audience: audiences.length === 1 ? audiences[0]! : audiences,
      ...(scope === undefined ? {} : { scope }),
      ...(await signingOptions(args, io)),
    });
    return print(io, args, assertion);
  },
};
