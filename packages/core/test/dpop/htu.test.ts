import { normaliseHtu } from '../../src/dpop/htu.js';

describe('normaliseHtu (RFC 9449 §4.3 item 9; RFC 3986 §6.2.2, §6.2.3)', () => {
  it.each([
    ['https://as.example.com/token', 'https://as.example.com/token'],
    ['HTTPS://AS.EXAMPLE.COM/token', 'https://as.example.com/token'],
    ['https://as.example.com:443/token', 'https://as.example.com/token'],
    ['http://as.example.com:80/token', 'http://as.example.com/token'],
    ['https://as.example.com:8443/token', 'https://as.example.com:8443/token'],
    ['https://as.example.com', 'https://as.example.com/'],
    ['https://as.example.com/a/./b/../token', 'https://as.example.com/a/token'],
    ['https://as.example.com/token?x=1#y', 'https://as.example.com/token'],
    ['https://user:pw@as.example.com/token', 'https://as.example.com/token'],
    ['https://as.example.com/%7euser/%2fx', 'https://as.example.com/~user/%2Fx'],
    ['https://bücher.example/token', 'https://xn--bcher-kva.example/token'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseHtu(input)).toBe(expected);
  });

  it('keeps path case and a trailing slash (they name other resources)', () => {
    expect(normaliseHtu('https://as.example.com/Token')).not.toBe(normaliseHtu('https://as.example.com/token'));
    expect(normaliseHtu('https://as.example.com/token/')).not.toBe(normaliseHtu('https://as.example.com/token'));
  });

  it.each(['/token', 'token', '', 'urn:example:token', 'ftp://as.example.com/token', 'javascript:alert(1)'])('refuses %j', (input) => {
    expect(normaliseHtu(input)).toBeUndefined();
  });

  it('takes a URL object', () => {
    expect(normaliseHtu(new URL('https://as.example.com:443/token?q'))).toBe('https://as.example.com/token');
  });
});
