// Regenerates the bundled demo keys: node apps/demo-kit/scripts/generate-demo-keys.mjs apps/demo-kit/demo
import { generateKeyPair, exportJWK } from 'jose';
import { writeFileSync } from 'node:fs';
const dir = process.argv[2];
const priv = {};
async function make(name, alg, kid, opts) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...opts });
  const pub = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  priv[name] = { ...(await exportJWK(privateKey)), kid, alg };
  return pub;
}
const logAgg = await make('log-aggregator', 'ES256', 'log-aggregator-2026');
const ci = await make('ci-issuer', 'ES256', 'ci-2026');
const batch = await make('batch-signer', 'EdDSA', 'batch-2026');
const legacy = await make('legacy-worker', 'RS256', 'legacy-2026');
const config = {
  clients: [
    { client_id: 'log-aggregator', jwks: { keys: [logAgg] }, token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
      grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'], scope: 'logs:read logs:write deploy' },
    { client_id: 'legacy-worker', jwks: { keys: [legacy] }, token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
      scope: 'metrics:write', legacy_token_endpoint_audience: true },
  ],
  trusted_issuers: [
    { issuer: 'https://ci.demo.example', jwks: { keys: [ci] }, subjects: ['repo:acme/api:ref:refs/heads/main'], scope: 'deploy', max_assertion_lifetime: 600 },
    { issuer: 'batch-signer', jwks: { keys: [batch] }, allow_any_subject: true, scope: 'reports:read' },
  ],
  access_token_lifetime: 300,
  clock_tolerance: 30,
  max_assertion_lifetime: 3600,
};
writeFileSync(`${dir}/trust-config.json`, JSON.stringify(config, null, 2) + '\n');
writeFileSync(`${dir}/demo-private-keys.json`, JSON.stringify({ _warning: 'DEMO KEYS ONLY. Published in a public repository: never trust them outside the demo.', ...priv }, null, 2) + '\n');
