import { dpopChallenge, dpopResourceError, dpopTokenEndpointError, type DpopReasonCode, type DpopRefusal } from '../../src/dpop/dpop-errors.js';
import { DPOP_SIGNING_ALG_VALUES_SUPPORTED } from '../../src/dpop/dpop-algorithms.js';
import { toErrorResponse } from '../../src/error-response.js';
import { OAuthError } from '../../src/errors.js';

const refusal = (reason: DpopReasonCode, extra: Partial<DpopRefusal> = {}): DpopRefusal => ({ reason, detail: 'precise cause', bound: false, ...extra });
const ALGS = ['ES256', 'EdDSA'];

describe('token-endpoint errors (RFC 9449 §5, §8)', () => {
  it.each(['dpop_htu', 'dpop_signature', 'dpop_replayed', 'dpop_missing', 'dpop_jwk'] as DpopReasonCode[])('%s → 400 invalid_dpop_proof', (reason) => {
    const err = dpopTokenEndpointError(refusal(reason));
    expect(err).toBeInstanceOf(OAuthError);
    const response = toErrorResponse(err);
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('invalid_dpop_proof');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.stringify(response)).not.toContain('precise cause');
    expect(err).toMatchObject({ reason, detail: 'precise cause' });
  });

  it('a missing or stale nonce → 400 use_dpop_nonce with DPoP-Nonce', () => {
    const response = toErrorResponse(dpopTokenEndpointError(refusal('dpop_nonce_required', { nonce: 'n0nce' })));
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('use_dpop_nonce');
    expect(response.headers['dpop-nonce']).toBe('n0nce');
  });

  it('a proof key other than the grant is bound to, or no proof for a bound grant → 400 invalid_grant (ID-JAG §9.8.1.2)', () => {
    expect(toErrorResponse(dpopTokenEndpointError(refusal('dpop_jkt_mismatch', { bound: true }))).body['error']).toBe('invalid_grant');
    expect(toErrorResponse(dpopTokenEndpointError(refusal('dpop_missing', { bound: true }))).body['error']).toBe('invalid_grant');
  });
});

describe('resource errors (RFC 9449 §7.1, §9)', () => {
  it('a bad proof → 401 invalid_dpop_proof with a DPoP challenge listing the algorithms', () => {
    const err = dpopResourceError(refusal('dpop_ath', { claim: 'ath' }), ALGS);
    expect(err).toMatchObject({ status: 401, error: 'invalid_dpop_proof', reason: 'dpop_ath', claim: 'ath' });
    expect(err.headers['www-authenticate']).toBe(
      'DPoP error="invalid_dpop_proof", error_description="the DPoP proof ath does not match the access token", algs="ES256 EdDSA"',
    );
  });

  it.each(['dpop_jkt_mismatch', 'dpop_bound_token_as_bearer'] as DpopReasonCode[])('%s → 401 invalid_token with a DPoP challenge', (reason) => {
    const err = dpopResourceError(refusal(reason), ALGS);
    expect(err).toMatchObject({ status: 401, error: 'invalid_token', reason });
    expect(err.headers['www-authenticate']).toMatch(/^DPoP error="invalid_token", error_description="[^"]+", algs="ES256 EdDSA"$/);
  });

  it('a missing or stale nonce → 401 use_dpop_nonce with DPoP-Nonce and the challenge', () => {
    const err = dpopResourceError(refusal('dpop_nonce_required', { nonce: 'n0nce' }), ALGS);
    expect(err).toMatchObject({ status: 401, error: 'use_dpop_nonce' });
    expect(err.headers['dpop-nonce']).toBe('n0nce');
    expect(err.headers['www-authenticate']).toMatch(/^DPoP error="use_dpop_nonce", /);
  });

  it('the bare challenge names every supported algorithm, ES256 first', () => {
    expect(dpopChallenge(DPOP_SIGNING_ALG_VALUES_SUPPORTED)).toBe('DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519"');
    expect(DPOP_SIGNING_ALG_VALUES_SUPPORTED).not.toContain('none');
    expect(DPOP_SIGNING_ALG_VALUES_SUPPORTED.some((alg) => alg.startsWith('HS'))).toBe(false);
  });
});
