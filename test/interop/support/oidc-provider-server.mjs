// Starts oidc-provider 9 in its own process for the interop tests (jest's module sandbox gives objects a
// foreign Object prototype, which oidc-provider's plain-object checks refuse). Reads one JSON argument:
// { clients }; listens on a port the system chooses (no race with other test files for a port picked
// in advance), then builds the provider for that address and prints "listening <issuer>".
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clients } = JSON.parse(process.argv[2]);
let handle = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] },
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['api:read', 'api:write'],
  });
  provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err.stack}\n`));
  handle = provider.callback();
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
