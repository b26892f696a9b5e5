// Trust configuration files (docs/configuration.md format) for the benchmarked demos: `count` registered
// clients sharing one public JWK, written to a temporary directory.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The id of the i-th generated client: `client-00000`, `client-00001`, … */
export const clientIdAt = (i) => `client-${String(i).padStart(5, '0')}`;

/** Writes a trust configuration with `count` clients (ids from `clientIdAt`, or `ids`); returns its path. */
export async function writeTrustConfig(publicJwk, { count = 1, ids } = {}) {
  const clientIds = ids ?? Array.from({ length: count }, (_, i) => clientIdAt(i));
  const clients = clientIds.map((client_id) => ({
    client_id,
    jwks: { keys: [publicJwk] },
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    grant_types: ['client_credentials'],
    scope: 'read write',
  }));
  const dir = await mkdtemp(join(tmpdir(), 'rfc7523-bench-'));
  const path = join(dir, 'trust-config.json');
  await writeFile(path, JSON.stringify({ clients }));
  return path;
}
