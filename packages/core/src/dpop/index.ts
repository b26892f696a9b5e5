/** DPoP (RFC 9449): proof verification, server nonces, token binding and the errors they answer with. */
export { accessTokenHash } from './access-token-hash.js';
export { DPOP_SIGNING_ALG_VALUES_SUPPORTED } from './dpop-algorithms.js';
export {
  DpopInvalidTokenError,
  InvalidDpopProofError,
  UseDpopNonceError,
  dpopChallenge,
  dpopResourceError,
  dpopTokenEndpointError,
  type DpopErrorCode,
  type DpopReasonCode,
  type DpopRefusal,
} from './dpop-errors.js';
export { DPOP_NONCE_DEFAULTS, DpopNonces, type DpopNonceSource, type DpopNoncesOptions } from './dpop-nonces.js';
export { dpopReplayKey } from './dpop-replay-key.js';
export { DpopVerifier, type DpopVerifierOptions } from './dpop-verifier.js';
export { normaliseHtu } from './htu.js';
export { DPOP_TOKEN_TYPE, confirmationJkt, dpopAccessTokenBinding } from './token-binding.js';
export {
  DPOP_DEFAULTS,
  verifyDpopProof,
  type DpopHeaderValues,
  type DpopPolicy,
  type DpopProof,
  type DpopRequestContext,
  type DpopVerification,
  type VerifyDpopProofOptions,
} from './verify-dpop-proof.js';
