import { loadTrustConfig, SCOPE_PATTERN } from '@rfc7523/core';
import { choice, optional, required, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { explainAssertion, type Explanation } from '../explain/explain-assertion.js';
import { json, readTokenArgument } from '../inputs.js';
import type { CliIo } from '../io.js';

const HELP = `Usage: rfc7523 explain --config FILE --issuer URL [options] <assertion>

Says why an authorization server built from a trust configuration would accept or refuse an
assertion: every check of docs/rules.md in the order the engine makes them, each passed, failed (with
its reason code and a fix in plain words) or not reached. Runs the engine's own checks as a dry
run, which never records a jti, so the assertion is NOT used up and it can still be sent.

<assertion> is the JWT itself, @FILE to read it from a file, or - for standard input.

Options:
  --config FILE         the trust configuration file (docs/configuration.md), as the server loads it
  --issuer URL          the server's issuer identifier, e.g. http://localhost:3000
  --token-endpoint URL  the server's token endpoint                 default ISSUER/token
  --use client|grant    explain it as a client assertion (private_key_jwt) or as a jwt-bearer grant
                        default: client when typ is client-authentication+jwt or iss is a
                        registered client, grant when iss is a trusted issuer
  --client-id ID        client use: the client_id parameter the request would carry;
                        grant use: the client that would present it, authenticated (an ID-JAG, rule G3)
  --scope SCOPE         grant use: the scope the request would ask for
  --json                print { verdict, use, error?, status?, reason?, rule?, checks[] }
  -h, --help            show this help

Example:
  rfc7523 explain --config trust-config.json --issuer http://localhost:3000 @assertion.jwt

Exit codes: 0 the assertion would pass, 1 it would be refused, 2 usage (or an invalid configuration).`;

const MARK = { pass: 'pass', fail: 'FAIL', not_checked: ' -- ' } as const;

function printText(io: CliIo, e: Explanation, issuer: string, configPath: string): void {
  io.out(`Explaining a ${e.use === 'client' ? 'client assertion (private_key_jwt, RFC 7523 §2.2)' : 'JWT authorization grant (RFC 7523 §2.1)'} — ${e.useChosenBy}`);
  io.out(`  server  ${issuer}   configuration  ${configPath}`);
  if (e.header !== undefined) io.out(`  header  ${JSON.stringify(e.header)}`);
  if (e.claims !== undefined) io.out(`  claims  ${JSON.stringify(e.claims)}`);
  io.out('');
  for (const c of e.checks) {
    io.out(`  ${MARK[c.result]}  ${c.rule.padEnd(4)} ${c.check}${c.reason === undefined ? '' : `  [${c.reason}]`}`);
    if (c.result === 'fail') {
      if (c.detail !== undefined) io.out(`              why: ${c.detail}`);
      io.out(`              fix: ${c.fix}`);
    } else if (c.detail !== undefined) {
      io.out(`              (${c.detail})`);
    }
  }
  io.out('');
  if (e.verdict === 'pass') {
    io.out('Would pass: the server would accept this assertion (once). Its jti was not used up.');
  } else {
    io.out(`Would be refused: ${e.error} (HTTP ${e.status}), reason ${e.reason}, rule ${e.rule}. Checks after the failing one were not reached.`);
  }
}

/** `rfc7523 explain`: every rule (docs/rules.md) an assertion passes or fails, without using it up. */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'say which rules (docs/rules.md) an assertion passes or fails, and how to fix it (never uses it up)',
  help: HELP,
  options: {
    config: { type: 'string' },
    issuer: { type: 'string' },
    'token-endpoint': { type: 'string' },
    use: { type: 'string' },
    'client-id': { type: 'string' },
    scope: { type: 'string' },
  },
  positionals: 1,
  async run(args, io) {
    const configPath = required(args, 'config');
    const issuer = required(args, 'issuer');
    const tokenEndpoint = optional(args, 'token-endpoint');
    const use = choice(args, 'use', ['client', 'grant'] as const);
    const clientId = optional(args, 'client-id');
    const scope = optional(args, 'scope');
    if (scope !== undefined && !SCOPE_PATTERN.test(scope)) throw new UsageError('--scope must be space-separated scope tokens');
    const positional = args.positionals[0];
    if (positional === undefined) throw new UsageError('the assertion to explain is required (the JWT, @FILE or -)');
    const assertion = await readTokenArgument(io, positional, 'assertion');
    const config = await loadTrustConfig(configPath);
    const explanation = await explainAssertion({
      assertion,
      config,
      configPath,
      issuer,
      ...(tokenEndpoint === undefined ? {} : { tokenEndpoint }),
      ...(use === undefined ? {} : { use }),
      ...(clientId === undefined ? {} : { clientId }),
      ...(scope === undefined ? {} : { scope }),
    });
    if (args.values.json === true) io.out(json(explanation));
    else printText(io, explanation, issuer, configPath);
    return explanation.verdict === 'pass' ? EXIT.OK : EXIT.FAILED;
  },
};
