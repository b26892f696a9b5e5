// Starts oidc-provider 9 in its own process for the interop tests (jest's module sandbox gives objects a
// foreign Object prototype, which oidc-provider's plain-object checks refuse). Reads one JSON argument:
// { clients, dpop }; listens on a port the system chooses (no race with other test files for a port
// picked in advance), then builds the provider for that address and prints "listening <issuer>".
// With `dpop: true`: DPoP (RFC 9449) with server nonces required in every proof, and token introspection.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const ALGS = ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'];
const { clients, dpop = false } = JSON.parse(process.argv[2]);
let handle = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const features = { clientCredentials: { enabled: true }, devInteractions: { enabled: false } };
  if (dpop) {
    features.introspection = { enabled: true };
    // A nonce secret turns server nonces on; requireNonce makes every proof carry one (RFC 9449 §8).
    features.dPoP = { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true };
  }
  const provider = new Provider(issuer, {
    clients,
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ALGS, ...(dpop ? { dPoPSigningAlgValues: ALGS } : {}) },
    features,
    scopes: ['api:read', 'api:write'],
  });
  provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err.stack}\n`));
  handle = provider.callback();
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
