import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import type { SigningKeyInput } from '../signing-key.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';

async function readInputFile(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read the ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Reads a private key file: a private JWK, a JWK Set holding private keys (one, or the one whose `kid`
 * is `kid`), or a PEM private key.
 */
export async function readKeyFile(io: CliIo, path: string, kid?: string): Promise<SigningKeyInput> {
  const text = (await readInputFile(io, path, 'key')).trim();
  if (!text.startsWith('{')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the key file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const record = value as { keys?: unknown; d?: unknown };
  if (Array.isArray(record.keys)) {
    const candidates = (record.keys as JWK[]).filter((k) => typeof k?.d === 'string' && (kid === undefined || k.kid === kid));
    if (candidates.length !== 1) {
      throw new UsageError(`the key file ${path} must hold exactly one private key${kid === undefined ? ' (or pass --kid)' : ` with kid ${kid}`}`);
    }
    return candidates[0]!;
  }
  if (typeof record.d !== 'string') throw new UsageError(`the key file ${path} holds no private key (a public JWK has no "d")`);
  return value as JWK;
}

/** A JWT given on the command line: the token itself, `@FILE` to read it from a file, or `-` for standard input. */
export async function readTokenArgument(io: CliIo, value: string, what: string): Promise<string> {
  let text = value;
  if (value === '-') text = await io.readStdin();
  else if (value.startsWith('@')) text = await readInputFile(io, value.slice(1), what);
  text = text.trim();
  if (text.length === 0) throw new UsageError(`the ${what} is empty`);
  return text;
}

/** Header and claims of a JWT for display, not verified; undefined when it is not a readable JWS. */
export function decodeForDisplay(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** Pretty JSON. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
