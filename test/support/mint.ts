/**
 * The test kit's minting of well-formed assertions, through the client toolkit (`@rfc7523/client`), so
 * every test that mints one also exercises what users sign with. Malformed or hostile tokens, which the
 * toolkit refuses to make, are signed with jose in the tests that need them.
 */
import { createClientAssertion, createGrantAssertion } from '@rfc7523/client';
import type { TestClock } from './clock.js';
import type { TestKey } from './keys.js';

/** The algorithm name the toolkit takes for a test key (`Ed25519` keys sign as `EdDSA`). */
const algOf = (key: TestKey) => (key.alg === 'Ed25519' ? 'EdDSA' : key.alg) as never;

/** A private_key_jwt client assertion (RFC 7523 §2.2, §3): iss = sub = `clientId`, aud = `audience`, 60 s, fresh jti. */
export function mintClientAssertion(key: TestKey, claims: { clientId: string; audience: string }, clock?: TestClock): Promise<string> {
  return createClientAssertion({ clientId: claims.clientId, issuer: claims.audience, key: key.privateJwk, alg: algOf(key), ...(clock === undefined ? {} : { now: clock.now }) });
}

/** A jwt-bearer grant assertion (RFC 7523 §2.1, §3) from `issuer` for `subject`, aud = `audience`, 60 s, fresh jti. */
export function mintGrantAssertion(key: TestKey, claims: { issuer: string; subject: string; audience: string }, clock?: TestClock): Promise<string> {
  return createGrantAssertion({ ...claims, key: key.privateJwk, alg: algOf(key), ...(clock === undefined ? {} : { now: clock.now }) });
}
