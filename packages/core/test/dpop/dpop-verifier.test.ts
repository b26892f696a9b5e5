import { ConfigurationError } from '../../src/config/configuration-error.js';
import { DpopNonces } from '../../src/dpop/dpop-nonces.js';
import { DpopVerifier } from '../../src/dpop/dpop-verifier.js';
import { frozenClock } from '../support/fixtures.js';
import { mintProof, proofKey, storeOn, TOKEN_URL } from './proofs.js';

describe('DpopVerifier options (validated at start-up)', () => {
  it.each([
    [{ algorithms: ['HS256'] }, 'algorithms[0]'],
    [{ algorithms: ['ES256', 'none'] }, 'algorithms[1]'],
    [{ algorithms: [] }, 'algorithms'],
    [{ algorithms: 'ES256' }, 'algorithms'],
    [{ maxAge: 0 }, 'maxAge'],
    [{ maxAge: 601 }, 'maxAge'],
    [{ clockTolerance: 301 }, 'clockTolerance'],
    [{ maxJtiLength: 8 }, 'maxJtiLength'],
    [{ replayStore: {} }, 'replayStore'],
    [{ nonces: 'abc' }, 'nonces'],
    [{ now: 'soon' }, 'now'],
    [{ maxage: 60 }, 'maxage'],
  ])('refuses %j, naming %s', (options, field) => {
    expect(() => new DpopVerifier(options as never)).toThrow(ConfigurationError);
    expect(() => new DpopVerifier(options as never)).toThrow(`"${field}"`);
  });

  it('has working defaults: every algorithm, an in-memory replay store, no nonce', async () => {
    const verifier = new DpopVerifier();
    expect(verifier.challenge()).toMatch(/^DPoP algs="ES256 /);
    const key = await proofKey('ES256');
    const proof = await mintProof(key, frozenClock(Date.now()));
    expect((await verifier.verify(proof, { method: 'POST', url: TOKEN_URL })).ok).toBe(true);
    expect((await verifier.verify(proof, { method: 'POST', url: TOKEN_URL })).ok).toBe(false);
  });

  it('maps its refusals for both ends, with its own algorithms in the challenge', async () => {
    const clock = frozenClock();
    const verifier = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), algorithms: ['ES256', 'PS256'], nonces: new DpopNonces({ now: clock.now }) });
    const result = await verifier.verify(await mintProof(await proofKey('ES256'), clock), { method: 'POST', url: TOKEN_URL });
    if (result.ok) throw new Error('expected a refusal');
    expect(verifier.tokenEndpointError(result.refusal)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
    const resource = verifier.resourceError(result.refusal);
    expect(resource).toMatchObject({ status: 401, error: 'use_dpop_nonce' });
    expect(resource.headers['www-authenticate']).toContain('algs="ES256 PS256"');
    expect(resource.headers['dpop-nonce']).toBe(result.refusal.nonce);
  });

  it('accepts a proof carrying a nonce from its DpopNonces', async () => {
    const clock = frozenClock();
    const nonces = new DpopNonces({ now: clock.now, window: 60 });
    const verifier = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), nonces });
    const key = await proofKey('ES256');
    const nonce = nonces.current();
    clock.advance(60);
    const result = await verifier.verify(await mintProof(key, clock, { claims: { nonce } }), { method: 'POST', url: TOKEN_URL });
    expect(result).toMatchObject({ ok: true, proof: { nextNonce: nonces.current() } });
    expect(nonces.current()).not.toBe(nonce);
  });
});
