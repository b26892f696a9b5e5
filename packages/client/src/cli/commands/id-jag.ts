import { ASSERTION_ALGORITHMS, JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { ID_TOKEN_TOKEN_TYPE } from '../../constants.js';
import type { IdJagResponse } from '../../id-jag-response.js';
import type { SigningAlgorithm } from '../../signing-key.js';
import { TokenClient } from '../../token-client.js';
import type { AccessToken } from '../../token-response.js';
import { choice, optional, required, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { DPOP_HELP, DPOP_OPTIONS, dpopKeyOption } from '../dpop-options.js';
import { EXIT } from '../exit-codes.js';
import { decodeForDisplay, json, readKeyFile, readTokenArgument } from '../inputs.js';
import type { CliIo } from '../io.js';

const IDP_HELP = `IdP (leg 1, RFC 8693 token exchange; private_key_jwt as the client registered there):
  --idp URL                 the enterprise IdP's issuer (token endpoint from its discovery document)
  --idp-token-endpoint URL  skip discovery and use this token endpoint
  --idp-client-id ID        the client's client_id at the IdP
  --idp-key FILE            its private key there: a JWK, a JWK Set (pick with --idp-kid) or PEM
  --idp-alg ALG, --idp-kid ID   header of that client assertion   default what the key implies / its kid
  --subject-token JWT       the user's ID Token: the JWT itself, @FILE, or - for standard input
  --subject-token-type URI  default ${ID_TOKEN_TOKEN_TYPE}
  --resource URI            the resource server (RFC 8707), e.g. the MCP server; repeatable
  --scope SCOPE             space-separated scope to ask for`;

const REQUEST_HELP = `Usage: rfc7523 id-jag request --idp URL --idp-client-id ID --idp-key FILE
                              --subject-token JWT --audience AS-ISSUER [options]

Leg 1 of the Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant
§4.3): exchanges the user's ID Token at the enterprise IdP for an ID-JAG
(requested_token_type=urn:ietf:params:oauth:token-type:id-jag) and prints it. Checks that the answer is
an ID-JAG (issued_token_type id-jag, token_type N_A, typ oauth-id-jag+jwt).

${IDP_HELP}
  --audience URL            the resource authorization server's issuer identifier (required)
${DPOP_HELP}
  --raw                     print only the ID-JAG, for ID_JAG=$(rfc7523 id-jag request …)
  --json                    print { response, header?, claims? }
  -h, --help                show this help

Leg 2 with the printed ID-JAG (or do both with "rfc7523 id-jag exchange"):
  rfc7523 token --issuer AS --client-id ID --key FILE --grant jwt-bearer --assertion @id-jag.jwt

Exit codes: 0 ID-JAG printed, 1 refused or failed, 2 usage.`;

const EXCHANGE_HELP = `Usage: rfc7523 id-jag exchange --idp URL --idp-client-id ID --idp-key FILE --subject-token JWT
                               --issuer AS --client-id ID --key FILE [options]

Both legs of the Identity Assertion JWT Authorization Grant: the token exchange at the IdP for an
ID-JAG (§4.3), then the jwt-bearer grant with it at the resource authorization server (§4.4), with
--resource and --scope in both. Prints the access token. The client authenticates with
private_key_jwt at each server under the client_id it has there.

${IDP_HELP}
  --audience URL            the audience of the exchange                default --issuer

Resource authorization server (leg 2, the jwt-bearer grant):
  --issuer URL              its issuer identifier (token endpoint from its RFC 8414 metadata)
  --token-endpoint URL      skip discovery and use this token endpoint
  --client-id ID            the client's client_id at this server (the ID-JAG's client_id)
  --key FILE                its private key there
  --alg ALG, --kid ID       header of that client assertion

${DPOP_HELP}
                            (one key proves both legs: the ID-JAG and the token are bound to it)
  --raw                     print only the access token
  --json                    print { token_response, id_jag: { response, claims }, dpop_jkt? }
  -h, --help                show this help

Example (an agent reaching an MCP server through enterprise SSO):
  rfc7523 id-jag exchange --idp https://idp.example.com --idp-client-id agent --idp-key idp.key.json \\
    --subject-token @id_token.jwt --issuer https://auth.mcp.example.com --client-id agent-42 \\
    --key as.key.json --resource https://mcp.example.com/mcp --scope "tools:read"

Exit codes: 0 token printed, 1 refused or failed (the message says which leg), 2 usage.`;

const IDP_OPTIONS = {
  idp: { type: 'string' },
  'idp-token-endpoint': { type: 'string' },
  'idp-client-id': { type: 'string' },
  'idp-key': { type: 'string' },
  'idp-alg': { type: 'string' },
  'idp-kid': { type: 'string' },
  'subject-token': { type: 'string' },
  'subject-token-type': { type: 'string' },
  audience: { type: 'string' },
  resource: { type: 'string', multiple: true },
  scope: { type: 'string' },
  raw: { type: 'boolean' },
  ...DPOP_OPTIONS,
} as const;

/** Fails on the first missing required option, before any key is generated or file written. */
function requireAll(args: ParsedArgs, names: readonly string[]): void {
  for (const name of names) required(args, name);
}

const IDP_REQUIRED = ['idp', 'idp-client-id', 'idp-key', 'subject-token'] as const;

/** A TokenClient for one party from `--<prefix>…` options. */
async function partyClient(args: ParsedArgs, io: CliIo, prefix: '' | 'idp-', issuerOption: string, endpointOption: string, dpop: Awaited<ReturnType<typeof dpopKeyOption>>): Promise<TokenClient> {
  const issuer = required(args, issuerOption);
  const tokenEndpoint = optional(args, endpointOption);
  const clientId = required(args, `${prefix}client-id`);
  const kid = optional(args, `${prefix}kid`);
  const alg = choice(args, `${prefix}alg`, ASSERTION_ALGORITHMS) as SigningAlgorithm | undefined;
  const key = await readKeyFile(io, required(args, `${prefix}key`), kid);
  return new TokenClient({
    issuer,
    clientId,
    key,
    ...(tokenEndpoint === undefined ? {} : { tokenEndpoint }),
    ...(alg === undefined ? {} : { alg }),
    ...(kid === undefined ? {} : { kid }),
    ...(dpop === undefined ? {} : { dpop: { key: dpop } }),
  });
}

/** Runs leg 1 with the IdP options. */
async function leg1(args: ParsedArgs, io: CliIo, audience: string, dpop: Awaited<ReturnType<typeof dpopKeyOption>>): Promise<IdJagResponse> {
  const idp = await partyClient(args, io, 'idp-', 'idp', 'idp-token-endpoint', dpop);
  const subjectToken = await readTokenArgument(io, required(args, 'subject-token'), 'subject token');
  const subjectTokenType = optional(args, 'subject-token-type');
  const resource = args.values.resource as string[] | undefined;
  const scope = optional(args, 'scope');
  const answer = await idp
    .requestIdJag({
      subjectToken,
      audience,
      ...(subjectTokenType === undefined ? {} : { subjectTokenType }),
      ...(resource === undefined ? {} : { resource }),
      ...(scope === undefined ? {} : { scope }),
    })
    .catch((err: unknown) => {
      io.err('leg 1 (token exchange at the IdP) failed');
      throw err;
    });
  if (dpop !== undefined && answer.jkt === undefined) io.err('note: the IdP did not bind the ID-JAG to the DPoP key (no cnf.jkt): it may not support DPoP (draft §9.8.1.1)');
  return answer;
}

function printIdJag(io: CliIo, answer: IdJagResponse): void {
  const decoded = decodeForDisplay(answer.idJag);
  io.out(`issued_token_type  ${answer.issuedTokenType}`);
  io.out(`expires_in         ${answer.expiresIn ?? '(not sent)'}`);
  io.out(`scope              ${answer.scope ?? '(not sent)'}`);
  io.out(`cnf.jkt            ${answer.jkt ?? '(not bound)'}`);
  io.out(`id_jag             ${answer.idJag}`);
  if (decoded !== undefined) {
    io.out(`header             ${JSON.stringify(decoded.header)}`);
    io.out(`claims             ${json(decoded.claims).replace(/\n/g, '\n                   ')}`);
  }
}

function printToken(io: CliIo, token: AccessToken): void {
  io.out(`token_type    ${token.tokenType}`);
  io.out(`expires_in    ${token.expiresIn ?? '(not sent)'}`);
  io.out(`scope         ${token.scope ?? '(not sent)'}`);
  io.out(`access_token  ${token.accessToken}`);
  const decoded = decodeForDisplay(token.accessToken);
  if (decoded !== undefined) io.out(`claims        ${json(decoded.claims).replace(/\n/g, '\n              ')}`);
}

/** `rfc7523 id-jag request`: leg 1 only; prints the ID-JAG. */
export const idJagRequestCommand: Command = {
  name: 'id-jag request',
  summary: 'exchange a user ID Token at the enterprise IdP for an ID-JAG (token exchange) and print it',
  help: REQUEST_HELP,
  options: IDP_OPTIONS,
  async run(args, io) {
    requireAll(args, [...IDP_REQUIRED, 'audience']);
    const audience = required(args, 'audience');
    const dpop = await dpopKeyOption(args, io);
    const answer = await leg1(args, io, audience, dpop);
    if (args.values.raw === true) io.out(answer.idJag);
    else if (args.values.json === true) io.out(json({ response: answer.body, ...decodeForDisplay(answer.idJag), ...(dpop === undefined ? {} : { dpop_jkt: dpop.thumbprint }) }));
    else printIdJag(io, answer);
    return EXIT.OK;
  },
};

/** `rfc7523 id-jag exchange`: both legs; prints the access token. */
export const idJagExchangeCommand: Command = {
  name: 'id-jag exchange',
  summary: 'both ID-JAG legs: token exchange at the IdP, then the jwt-bearer grant at the resource AS',
  help: EXCHANGE_HELP,
  options: {
    ...IDP_OPTIONS,
    issuer: { type: 'string' },
    'token-endpoint': { type: 'string' },
    'client-id': { type: 'string' },
    key: { type: 'string' },
    alg: { type: 'string' },
    kid: { type: 'string' },
  },
  async run(args, io) {
    requireAll(args, [...IDP_REQUIRED, 'issuer', 'client-id', 'key']);
    const issuer = required(args, 'issuer');
    const dpop = await dpopKeyOption(args, io);
    // Build (and so validate) the AS client before anything is sent to the IdP.
    const as = await partyClient(args, io, '', 'issuer', 'token-endpoint', dpop);
    const answer = await leg1(args, io, optional(args, 'audience') ?? issuer, dpop);
    const resource = args.values.resource as string[] | undefined;
    const scope = optional(args, 'scope');
    const token = await as
      .requestToken({
        grant: JWT_BEARER_GRANT_TYPE,
        assertion: answer.idJag,
        ...(resource === undefined ? {} : { resource }),
        ...(scope === undefined ? {} : { scope }),
      })
      .catch((err: unknown) => {
        io.err('leg 2 (the jwt-bearer grant at the resource authorization server) failed');
        throw err;
      });
    if (args.values.raw === true) {
      io.out(token.accessToken);
    } else if (args.values.json === true) {
      io.out(
        json({
          token_response: token.body,
          id_jag: { response: answer.body, claims: decodeForDisplay(answer.idJag)?.claims },
          ...(dpop === undefined ? {} : { dpop_jkt: dpop.thumbprint }),
        }),
      );
    } else {
      printToken(io, token);
      if (dpop !== undefined) io.out(`dpop_jkt      ${dpop.thumbprint}`);
      io.out(`id_jag        ${answer.idJag}`);
    }
    return EXIT.OK;
  },
};

/** The help of `rfc7523 id-jag` alone. */
export const ID_JAG_HELP = `Usage: rfc7523 id-jag request|exchange [options]

Identity Assertion JWT Authorization Grant (ID-JAG): an agent gets an access token for a resource
(e.g. an MCP server) from the user's enterprise single sign-on.

  rfc7523 id-jag request    ${idJagRequestCommand.summary}
  rfc7523 id-jag exchange   ${idJagExchangeCommand.summary}

Run "rfc7523 id-jag request --help" or "rfc7523 id-jag exchange --help" for their options.`;
