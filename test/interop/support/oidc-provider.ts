import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InteropKey } from './interop.js';

const SERVER = fileURLToPath(new URL('./oidc-provider-server.mjs', import.meta.url));

/** oidc-provider 9 running in its own process (see oidc-provider-server.mjs). */
export interface RunningOidcProvider {
  /** Its issuer identifier, `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** An oidc-provider client registration: private_key_jwt with `key`, client_credentials, both API scopes. */
export function providerClient(clientId: string, key: InteropKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: key.alg === 'Ed25519' ? 'EdDSA' : key.alg,
    jwks: { keys: [key.publicJwk] },
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: 'api:read api:write',
    ...extra,
  };
}

/** Starts oidc-provider with these clients; `dpop` turns on DPoP with required nonces and introspection. */
export async function startOidcProvider(clients: readonly Record<string, unknown>[], options: { dpop?: boolean } = {}): Promise<RunningOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, JSON.stringify({ clients, dpop: options.dpop === true })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stderr!.on('data', (chunk) => log.push(String(chunk)));
  const issuer = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      const match = /listening (\S+)/.exec(String(chunk));
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`oidc-provider exited with ${code}: ${log.join('')}`)));
  });
  return {
    issuer,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
