// Starts oidc-provider 9 in its own process for the interop tests (jest's module sandbox gives objects a
// foreign Object prototype, which oidc-provider's plain-object checks refuse). Reads one JSON argument:
// { port, clients }; prints "listening <issuer>" once it accepts connections.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { port, clients } = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients,
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: { clientAuthSigningAlgValues: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] },
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  scopes: ['api:read', 'api:write'],
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err.stack}\n`));
const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
