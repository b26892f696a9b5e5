/**
 * An assertion pipeline built directly, without a server, and the registrations a caller of
 * `AssertionPipeline.verify` / `trace` selects: for tests of the pipeline's contract with its caller.
 */
import { importJWK, type CryptoKey } from 'jose';
import { AssertionPipeline } from '../../src/assertion/pipeline.js';
import type { Registration } from '../../src/assertion/registration.js';
import { MemoryReplayStore } from '../../src/replay/memory-replay-store.js';
import { ISSUER, TOKEN_ENDPOINT, type Clock, type TestKey } from './fixtures.js';

/**
 * A registration of `kind` for `issuer` accepting ES256, lifetime 3600 s, jti required, the token
 * endpoint as audience, no scope and any subject; its keys are `key`'s public key, or none (every key
 * lookup fails) without one.
 */
export function testRegistration(kind: Registration['kind'], issuer: string, key?: TestKey): Registration {
  return {
    kind,
    issuer,
    resolveKey: key === undefined ? () => Promise.reject(new Error('no key')) : async () => (await importJWK(key.publicJwk, 'ES256')) as CryptoKey,
    algorithms: new Set(['ES256']),
    maxLifetime: 3600,
    requireJti: true,
    audience: { sole: false, tokenEndpoint: true },
    requireExplicitTyp: false,
    scope: new Set(),
    subjects: null,
  };
}

/** A pipeline for the test server's issuer and token endpoint on `clock`: 30 s tolerance, a fresh memory replay store, no events. */
export function testPipeline(clock: Clock): AssertionPipeline {
  return new AssertionPipeline({
    issuer: ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    clockTolerance: 30,
    maxAssertionLength: 16_384,
    replayStore: new MemoryReplayStore({ now: clock.now }),
    now: clock.now,
    emit: () => {},
    clientIds: new Set(),
  });
}
