/**
 * The discovery document of an issuer (rule W1, OIDC Discovery 1.0 §3, §4): where it is fetched from, and
 * which documents yield a `jwks_uri`. The `problem` text is reported in `keys.fetch_failed` events, so it is
 * asserted in full.
 */
import { discoveredJwksUri, discoveryUrl } from '../../src/keys/discovery-document.js';

const ISSUER = 'https://issuer.example';
const doc = (members: Record<string, unknown>) => JSON.stringify({ issuer: ISSUER, ...members });

describe('W1 the discovery URL of an issuer', () => {
  it('W1 appends /.well-known/openid-configuration to the issuer', () => {
    expect(discoveryUrl('https://issuer.example')).toBe('https://issuer.example/.well-known/openid-configuration');
    expect(discoveryUrl('https://issuer.example/tenant')).toBe('https://issuer.example/tenant/.well-known/openid-configuration');
  });

  it('W1 drops one trailing slash of the issuer, so the path has no empty segment', () => {
    expect(discoveryUrl('https://issuer.example/')).toBe('https://issuer.example/.well-known/openid-configuration');
    expect(discoveryUrl('https://issuer.example/tenant/')).toBe('https://issuer.example/tenant/.well-known/openid-configuration');
  });
});

describe('W1 the jwks_uri of a discovery document', () => {
  it('W1 gives the jwks_uri of a document naming the configured issuer with an https jwks_uri', () => {
    expect(discoveredJwksUri(doc({ jwks_uri: 'https://issuer.example/keys' }), ISSUER)).toEqual({ jwksUri: 'https://issuer.example/keys' });
  });

  it('W1 allows an http jwks_uri on a loopback address', () => {
    for (const uri of ['http://127.0.0.1:8080/keys', 'http://localhost/keys', 'http://[::1]:3000/keys']) {
      expect(discoveredJwksUri(doc({ jwks_uri: uri }), ISSUER)).toEqual({ jwksUri: uri });
    }
  });

  it('W1 refuses a document that is not JSON', () => {
    expect(discoveredJwksUri('<html>not found</html>', ISSUER)).toEqual({ problem: 'the discovery document is not JSON' });
    expect(discoveredJwksUri('', ISSUER)).toEqual({ problem: 'the discovery document is not JSON' });
  });

  it.each([
    ['an array', JSON.stringify([{ issuer: ISSUER, jwks_uri: 'https://issuer.example/keys' }])],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', JSON.stringify(ISSUER)],
    ['a boolean', 'true'],
  ])('W1 refuses JSON that is %s, not an object', (_kind, text) => {
    expect(discoveredJwksUri(text, ISSUER)).toEqual({ problem: 'the discovery document is not a JSON object' });
  });

  it('W1 refuses a document naming another issuer, or none, comparing exactly (no trailing-slash leniency)', () => {
    expect(discoveredJwksUri(JSON.stringify({ issuer: 'https://elsewhere.example', jwks_uri: 'https://issuer.example/keys' }), ISSUER)).toEqual({
      problem: 'the discovery document names issuer "https://elsewhere.example", not "https://issuer.example"',
    });
    expect(discoveredJwksUri(JSON.stringify({ issuer: `${ISSUER}/`, jwks_uri: 'https://issuer.example/keys' }), ISSUER)).toEqual({
      problem: 'the discovery document names issuer "https://issuer.example/", not "https://issuer.example"',
    });
    expect(discoveredJwksUri(JSON.stringify({ jwks_uri: 'https://issuer.example/keys' }), ISSUER)).toEqual({
      problem: 'the discovery document names issuer undefined, not "https://issuer.example"',
    });
  });

  it('W1 refuses a document without a jwks_uri, or whose jwks_uri is not a string', () => {
    for (const members of [{}, { jwks_uri: null }, { jwks_uri: 42 }, { jwks_uri: ['https://issuer.example/keys'] }, { jwks_uri: { href: 'https://issuer.example/keys' } }]) {
      expect(discoveredJwksUri(doc(members), ISSUER)).toEqual({ problem: 'the discovery document has no jwks_uri' });
    }
  });

  it('W1 refuses a jwks_uri that is not a URL', () => {
    for (const uri of ['', '/keys', 'issuer.example/keys', 'https://']) {
      expect(discoveredJwksUri(doc({ jwks_uri: uri }), ISSUER)).toEqual({ problem: 'the discovery document jwks_uri is not a URL' });
    }
  });

  it('W1 refuses a jwks_uri over http to a host that is not loopback, or over another scheme', () => {
    expect(discoveredJwksUri(doc({ jwks_uri: 'http://issuer.example/keys' }), ISSUER)).toEqual({
      problem: 'the discovery document jwks_uri "http://issuer.example/keys" is not https (http only on a loopback address)',
    });
    expect(discoveredJwksUri(doc({ jwks_uri: 'http://10.0.0.1/keys' }), ISSUER)).toEqual({
      problem: 'the discovery document jwks_uri "http://10.0.0.1/keys" is not https (http only on a loopback address)',
    });
    expect(discoveredJwksUri(doc({ jwks_uri: 'file:///etc/keys.json' }), ISSUER)).toEqual({
      problem: 'the discovery document jwks_uri "file:///etc/keys.json" is not https (http only on a loopback address)',
    });
  });
});
