import { DpopSession, importDpopKey } from '../../dpop.js';
import { optional, required, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { json, readKeyFile, readTokenArgument } from '../inputs.js';

const HELP = `Usage: rfc7523 call URL --token TOKEN [--dpop-key FILE] [options]

Calls a protected resource with an access token: "Authorization: DPoP" and a fresh DPoP proof
(RFC 9449 §7: htm, htu, ath of the token) with --dpop-key, else "Authorization: Bearer" (RFC 6750).
A 401 asking for a DPoP nonce (WWW-Authenticate: DPoP error="use_dpop_nonce" + DPoP-Nonce) is retried
once with it. Prints the status and the body.

Options:
  --token TOKEN       the access token: the token itself, @FILE, or - for standard input (required)
  --dpop-key FILE     the DPoP private key the token is bound to (from rfc7523 token --dpop-key-out)
  --method METHOD     HTTP method                                      default GET
  --data BODY         request body (@FILE reads a file)                default none
  --header "N: V"     a request header; repeatable
  --json              print { status, headers, body }
  -h, --help          show this help

Example:
  rfc7523 token --issuer URL --client-id ID --key FILE --dpop-key-out dpop.key.json --raw > token.txt
  rfc7523 call https://api.example.com/whoami --token @token.txt --dpop-key dpop.key.json

Exit codes: 0 a 2xx answer, 1 any other answer or no answer, 2 usage.`;

/** `rfc7523 call`: one API request with a (DPoP-bound) access token. */
export const callCommand: Command = {
  name: 'call',
  summary: 'call an API with an access token, as DPoP (with a proof) or Bearer, and print the answer',
  help: HELP,
  positionals: 1,
  options: {
    token: { type: 'string' },
    'dpop-key': { type: 'string' },
    method: { type: 'string' },
    data: { type: 'string' },
    header: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const url = args.positionals[0];
    if (url === undefined) throw new UsageError('the URL to call is required');
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error('not http');
    } catch {
      throw new UsageError(`${JSON.stringify(url)} is not an http(s) URL`);
    }
    const token = await readTokenArgument(io, required(args, 'token'), 'access token');
    const method = (optional(args, 'method') ?? 'GET').toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new UsageError('--method must be an HTTP method such as GET or POST');
    const data = optional(args, 'data');
    const body = data === undefined ? undefined : data.startsWith('@') ? await io.readFile(data.slice(1)) : data;
    const headers = new Headers();
    for (const line of (args.values.header as string[] | undefined) ?? []) {
      const at = line.indexOf(':');
      if (at <= 0) throw new UsageError(`--header ${JSON.stringify(line)} must be "Name: value"`);
      headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    const keyFile = optional(args, 'dpop-key');
    const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body }) };
    const fetch = (input: string, request: RequestInit) => globalThis.fetch(input, { ...request, redirect: 'manual' });
    let response: Response;
    if (keyFile === undefined) {
      headers.set('authorization', `Bearer ${token}`);
      response = await fetch(url, init);
    } else {
      const key = await importDpopKey((await readKeyFile(io, keyFile)) as Parameters<typeof importDpopKey>[0]);
      response = await new DpopSession(key, Date.now).fetchResource(fetch, url, init, token);
    }
    const text = await response.text();
    if (args.values.json === true) {
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      io.out(json({ status: response.status, headers: Object.fromEntries(response.headers), body: parsed }));
    } else {
      io.out(`HTTP ${response.status}`);
      const challenge = response.headers.get('www-authenticate');
      if (challenge !== null) io.out(`www-authenticate: ${challenge}`);
      io.out(text);
    }
    return response.ok ? EXIT.OK : EXIT.FAILED;
  },
};
