import { accessTokenHash } from '../../src/dpop/access-token-hash.js';
import { confirmationJkt, dpopAccessTokenBinding, DPOP_TOKEN_TYPE } from '../../src/dpop/token-binding.js';

const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

describe('token binding (RFC 9449 §6.1, RFC 7800 §3.1)', () => {
  it('binds an issued token with cnf.jkt, token_type DPoP', () => {
    expect(dpopAccessTokenBinding(JKT)).toEqual({ cnf: { jkt: JKT } });
    expect(DPOP_TOKEN_TYPE).toBe('DPoP');
  });

  it.each([
    [{}, undefined],
    [{ cnf: { jkt: JKT } }, JKT],
    [{ cnf: { jkt: 'short' } }, null],
    [{ cnf: { 'x5t#S256': 'abc' } }, null],
    [{ cnf: 'jkt' }, null],
    [{ cnf: [JKT] }, null],
    [{ cnf: null }, null],
  ])('reads the bound thumbprint of %j as %j', (claims, expected) => {
    expect(confirmationJkt(claims)).toBe(expected);
  });

  it('RFC 9449 §7.1 example: ath of the example access token', () => {
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });
});
