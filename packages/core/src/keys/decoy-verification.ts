import type { DecodedJwt } from '../jwt/decode.js';
import { verifySignature } from '../jwt/verify-signature.js';
import { localKeySet } from './remote-key-set.js';

/**
 * Public keys whose private halves were thrown away when they were generated: no assertion verifies
 * under them. One per key type the engine accepts (RSA 2048, P-256, P-384, P-521, Ed25519).
 */
const DECOY_JWKS = [
  { kty: 'RSA', n: '3uyfWpJ5QPw2NWDcbbka_qgrsnVOHJvvc2RwbaM7QZBSNGnGmyGEZHw5DYHymaWb3JMdqblllK-S8iGGbvs4aupxh8LOrvTLQFiJB-vUnleRwC5cvIAwKkCZ8llvj2lUeAKkJvGe663AnIxd9reg7_qgePw6ds6SJFdEBitv6WGu0O8wwiJ9xyRbzulESCz-5x9A3B2h9-5sD0pJ0jZyehR3Ptpw2Dl9ofJ6jtSLMVS34kGm1Yx6oyk48XiegU_gDeXdr3Op6yR3cOq1N5tZ00cZV-720ls3T73xz9lEHMdaRF-sB5OsQ8q6MVf11Cvcm8Cb9CpcYhSn2AzYWnqtfQ', e: 'AQAB' },
  { kty: 'EC', x: 'WuRsi81WEHCvcvTizxlwyOEvKnyYDCYIUskbEjmEGx4', y: 'WVo2FlmnMNRMi1HF4D-ggPKCQy8iB1JvtD9UCODyPrw', crv: 'P-256' },
  { kty: 'EC', x: 'NoHg6FABQSYzbE_iMOp9mNsQJqcAP0pCDlZsiBlikAA6grrMbZYfVmpXw8ImDC2X', y: 'R37FVXXF7QIVioOloNyBwOofZlf46CintRNQeHs0aF45W1Swv3Uh85x-QRZlnisa', crv: 'P-384' },
  { kty: 'EC', x: 'APlXtKtSltD3581rTq8N_1VXNc4BB3SrxikA62tVzmKVRvpXU6zgkYeMGrKyKGPJwqSuKaQcOsTpcZ775NTlgMEg', y: 'AEmSzKEhoq8mkF-q0IXN-ByjW9zr3HNx9dqG9LdpCI04jVBDXzth46EYpsO5-yish3_gXODJKcMajsSSBUFgjG_M', crv: 'P-521' },
  { kty: 'OKP', crv: 'Ed25519', x: 'R9cj2WIjzjmD1bRL_dHCXp37vRc0REKUCrzKqSEeiKM' },
];

/**
 * The decoy key set, imported when this module loads, as a registered client's keys are at start-up
 * (option importKeys), so that the first refusal of an unknown client costs what later ones cost. Where
 * node:crypto refuses one of them (a build without Ed25519, say), each is imported on its first use
 * instead, and a refused one costs nothing: loading the engine never fails for a decoy.
 */
function decoyKeySet(): ReturnType<typeof localKeySet> {
  try {
    return localKeySet(DECOY_JWKS, true);
  } catch {
    return localKeySet(DECOY_JWKS);
  }
}

const decoys = decoyKeySet();

/**
 * Spends on an assertion from an unknown client the work a registered client's assertion with a bad
 * signature costs — key selection and one signature verification — so that response times do not tell
 * a stranger which client_ids are registered (the check of RFC 7523 §3 item 9, done
 * for nobody). Never rejects; resolves to whether a decoy key was found and the signature checked against
 * it. Algorithms we do not accept cost nothing, as they do for registered clients (refused before any
 * key is looked at).
 */
export async function decoyVerification(jwt: Pick<DecodedJwt, 'header' | 'signingInput' | 'signature'>, algorithms: ReadonlySet<string>): Promise<boolean> {
  const alg = jwt.header.alg;
  if (typeof alg !== 'string' || !algorithms.has(alg)) return false;
  try {
    const key = await decoys({ alg });
    await verifySignature(alg, key, jwt.signingInput, jwt.signature);
    return true;
  } catch {
    // Nothing to report: the caller refuses the assertion anyway.
    return false;
  }
}
