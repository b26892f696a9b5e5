import { ASSERTION_ALGORITHMS } from '@rfc7523/core';
import type { SigningAlgorithm } from '../../signing-key.js';
import { TokenClient } from '../../token-client.js';
import { choice, optional, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { PLATFORM_TOKEN_DEFAULTS } from '../../constants.js';
import { EXIT } from '../exit-codes.js';
import { audienceHint, platformSource } from '../platform-source.js';
import { decodeForDisplay, json, readKeyFile, readTokenArgument } from '../inputs.js';
import { DPOP_HELP, DPOP_OPTIONS, dpopKeyOption } from '../dpop-options.js';

const HELP = `Usage: rfc7523 token --issuer URL [--client-id ID --key FILE] [options]

Gets an access token and prints it decoded. The token endpoint is discovered from the issuer's
RFC 8414 metadata (/.well-known/oauth-authorization-server) unless --token-endpoint is given.

  client_credentials + private_key_jwt (the default with a key):
    rfc7523 token --issuer URL --client-id ID --key FILE [--scope SCOPE]
  the jwt-bearer grant (the default without a key), e.g. a CI system's OIDC token:
    rfc7523 token --issuer URL --grant jwt-bearer --assertion @token.jwt [--scope SCOPE]
  both: a client that authenticates and presents a grant:
    rfc7523 token --issuer URL --client-id ID --key FILE --grant jwt-bearer --assertion -
  the workload's own platform token as the jwt-bearer grant:
    rfc7523 token --issuer URL --from github-actions [--audience AUD]     (permissions: id-token: write)
    rfc7523 token --issuer URL --from gitlab [--token-variable NAME]      (id_tokens: in .gitlab-ci.yml)
    rfc7523 token --issuer URL --from kubernetes [--token-file PATH]      (projected serviceAccountToken)
    rfc7523 token --issuer URL --from file --token-file PATH
  a DPoP-bound token (RFC 9449), keeping the key for API calls:
    rfc7523 token --issuer URL --client-id ID --key FILE --dpop-key-out dpop.key.json
    rfc7523 call https://api.example.com/items --token @token.txt --dpop-key dpop.key.json

Options:
  --issuer URL          the authorization server's issuer identifier (https, or http on loopback)
  --token-endpoint URL  skip discovery and use this token endpoint
  --client-id ID        the client's client_id, with --key: authenticate with private_key_jwt
  --key FILE            the client's private key: a JWK, a JWK Set (pick with --kid) or PEM
  --alg ALG, --kid ID   header of the client assertion    default what the key implies / its kid
  --grant GRANT         client_credentials or jwt-bearer       default as above
  --assertion JWT       the grant assertion: the JWT itself, @FILE, or - for standard input
  --from PLATFORM       take the grant from the platform: github-actions, gitlab, kubernetes, file
  --audience AUD        github-actions: the aud to ask GitHub for       default --issuer
  --token-variable NAME gitlab: the variable declared under id_tokens:  default ${PLATFORM_TOKEN_DEFAULTS.gitlabVariable}
  --token-file PATH     kubernetes: the projected token                 default ${PLATFORM_TOKEN_DEFAULTS.kubernetesPath}
                        file: the file holding the JWT (required)
  --scope SCOPE         space-separated scope to ask for        default the server's default set
  --resource URI        the resource server the token is for (RFC 8707); repeatable   default none
${DPOP_HELP}
  --raw                 print only the access token, for TOKEN=$(rfc7523 token …)
  --json                print { token_response, header?, claims?, dpop_jkt? } (or { error,
                        error_description, status } when refused)
  -h, --help            show this help

GitHub Actions: reads ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN and asks for
a fresh ID token with the audience. GitLab and Kubernetes set the audience in their own YAML: make it
the --issuer of this authorization server.

Exit codes: 0 token printed, 1 refused, the platform token unavailable or the server could not be
reached, 2 usage.`;

/** `rfc7523 token`: get a token with client_credentials or the jwt-bearer grant and print it decoded. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'get an access token (client_credentials + private_key_jwt, or jwt-bearer, e.g. from a CI job or pod) and print it decoded',
  help: HELP,
  options: {
    issuer: { type: 'string' },
    'token-endpoint': { type: 'string' },
    'client-id': { type: 'string' },
    key: { type: 'string' },
    alg: { type: 'string' },
    kid: { type: 'string' },
    grant: { type: 'string' },
    assertion: { type: 'string' },
    from: { type: 'string' },
    audience: { type: 'string' },
    'token-variable': { type: 'string' },
    'token-file': { type: 'string' },
    scope: { type: 'string' },
    resource: { type: 'string', multiple: true },
    raw: { type: 'boolean' },
    ...DPOP_OPTIONS,
  },
  async run(args, io) {
    const issuer = optional(args, 'issuer');
    const tokenEndpoint = optional(args, 'token-endpoint');
    if (issuer === undefined && tokenEndpoint === undefined) throw new UsageError('--issuer is required');
    const clientId = optional(args, 'client-id');
    const keyFile = optional(args, 'key');
    if ((clientId === undefined) !== (keyFile === undefined)) throw new UsageError('--client-id and --key go together');
    const kid = optional(args, 'kid');
    const alg = choice(args, 'alg', ASSERTION_ALGORITHMS) as SigningAlgorithm | undefined;
    const assertionArg = optional(args, 'assertion');
    const platform = platformSource(args, io, issuer);
    if (platform !== undefined && assertionArg !== undefined) throw new UsageError('--assertion and --from are two ways to give the grant: pick one');
    const defaultGrant = keyFile === undefined || platform !== undefined ? 'jwt-bearer' : 'client_credentials';
    const grant = choice(args, 'grant', ['client_credentials', 'jwt-bearer'] as const) ?? defaultGrant;
    if (grant === 'client_credentials' && platform !== undefined) throw new UsageError('--from goes with the jwt-bearer grant');
    if (grant === 'jwt-bearer' && assertionArg === undefined && platform === undefined) {
      throw new UsageError('--assertion is required for the jwt-bearer grant (or --from a platform)');
    }
    if (grant === 'client_credentials' && assertionArg !== undefined) throw new UsageError('--assertion goes with --grant jwt-bearer');
    if (grant === 'client_credentials' && keyFile === undefined) throw new UsageError('client_credentials needs --client-id and --key');
    const scope = optional(args, 'scope');
    const resource = args.values.resource as string[] | undefined;
    const dpopKey = await dpopKeyOption(args, io);

    const client = new TokenClient({
      ...(issuer === undefined ? {} : { issuer }),
      ...(tokenEndpoint === undefined ? {} : { tokenEndpoint }),
      ...(clientId === undefined ? {} : { clientId, key: await readKeyFile(io, keyFile!, kid) }),
      ...(alg === undefined ? {} : { alg }),
      ...(kid === undefined ? {} : { kid }),
      ...(dpopKey === undefined ? {} : { dpop: { key: dpopKey } }),
    });
    const assertion = assertionArg === undefined ? await platform?.() : await readTokenArgument(io, assertionArg, 'assertion');
    const token = await client
      .requestToken({
        grant,
        ...(scope === undefined ? {} : { scope }),
        ...(resource === undefined ? {} : { resource }),
        ...(assertion === undefined ? {} : { assertion }),
      })
      .catch((err: unknown) => {
        const hint = platform === undefined || assertion === undefined ? undefined : audienceHint(err, assertion, issuer);
        if (hint !== undefined) io.err(hint);
        throw err;
      });
    const decoded = decodeForDisplay(token.accessToken);
    if (args.values.raw === true) {
      io.out(token.accessToken);
      if (dpopKey !== undefined) io.err(`dpop_jkt ${dpopKey.thumbprint}`);
    } else if (args.values.json === true) {
      io.out(json({ token_response: token.body, ...decoded, ...(dpopKey === undefined ? {} : { dpop_jkt: dpopKey.thumbprint }) }));
    } else {
      io.out(`token_type    ${token.tokenType}`);
      io.out(`expires_in    ${token.expiresIn ?? '(not sent)'}`);
      io.out(`scope         ${token.scope ?? '(not sent)'}`);
      io.out(`access_token  ${token.accessToken}`);
      if (dpopKey !== undefined) io.out(`dpop_jkt      ${dpopKey.thumbprint}${token.tokenType.toLowerCase() === 'dpop' ? '' : '   (the server did not bind the token: token_type is not DPoP)'}`);
      if (decoded === undefined) {
        io.out('(the access token is not a JWT: opaque to the client)');
      } else {
        io.out(`header        ${JSON.stringify(decoded.header)}`);
        io.out(`claims        ${json(decoded.claims).replace(/\n/g, '\n              ')}`);
      }
    }
    return EXIT.OK;
  },
};
