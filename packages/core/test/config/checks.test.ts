import { Checker, ConfigurationError, isLoopback, isSecureUrl } from '@rfc7523/core/validation';

/** The ConfigurationError `check` throws. */
function refusal(check: () => unknown): ConfigurationError {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected a refusal');
}

describe('the validation kit (@rfc7523/core/validation)', () => {
  describe('words each package keeps', () => {
    it('engine options: "x" is not a known field, no file', () => {
      expect(refusal(() => new Checker().options({ issuer: 'a', clokTolerance: 5 }, ['issuer']))).toMatchObject({
        field: 'clokTolerance',
        source: undefined,
        message: '"clokTolerance" is not a known field',
      });
    });

    it('trust file: the file first, nested keys as a path', () => {
      expect(refusal(() => new Checker({ source: 'trust.json' }).onlyKnown({ grant_type: [] }, 'clients[0]', ['grant_types']))).toMatchObject({
        field: 'clients[0].grant_type',
        source: 'trust.json',
        message: 'trust.json: "clients[0].grant_type" is not a known field',
      });
    });

    it('Redis store: "x" is not a known option', () => {
      expect(refusal(() => new Checker({ keys: 'option' }).options({ keyprefix: 'x' }, ['keyPrefix'])).message).toBe('"keyprefix" is not a known option');
    });

    it('client: the word "option" after each name', () => {
      const client = new Checker({ keys: 'option', label: 'option' });
      expect(refusal(() => client.options({ bogus: 1 }, [])).message).toBe('"bogus" option is not a known option');
      expect(refusal(() => client.seconds(0, 'lifetime', 1, 86_400)).message).toBe('"lifetime" option must be a whole number of seconds from 1 to 86400');
    });

    it('an options value that is not an object is named "options"', () => {
      for (const value of [undefined, null, [], 'https://as.example.com']) {
        expect(refusal(() => new Checker().options(value, [])).message).toBe('"options" must be an object');
      }
    });
  });

  describe('values', () => {
    const c = new Checker();

    it('non-empty strings, with a fallback only when absent', () => {
      expect(c.string('a', 'f')).toBe('a');
      expect(c.string(undefined, 'f', 'default')).toBe('default');
      expect(c.string(undefined, 'f', undefined)).toBeUndefined();
      expect(refusal(() => c.string('', 'f', 'default')).message).toBe('"f" must be a non-empty string');
      expect(refusal(() => c.string(undefined, 'f')).message).toBe('"f" must be a non-empty string');
    });

    it('whole numbers within a range, inclusive, with the unit in the message', () => {
      expect(c.milliseconds(0, 'f', 0, 10)).toBe(0);
      expect(c.milliseconds(10, 'f', 0, 10)).toBe(10);
      expect(c.milliseconds(undefined, 'f', 0, 10, 7)).toBe(7);
      for (const bad of [-1, 11, 1.5, Number.NaN, Infinity, '5', null]) {
        expect(refusal(() => c.milliseconds(bad, 'f', 0, 10, 7)).message).toBe('"f" must be a whole number of milliseconds from 0 to 10');
      }
    });

    it('functions, with a fallback when absent', () => {
      expect(c.function(undefined, 'now', Date.now)).toBe(Date.now);
      expect(refusal(() => c.function(0, 'now', Date.now, 'must be a function returning milliseconds')).message).toBe('"now" must be a function returning milliseconds');
    });

    it('arrays, string arrays naming the bad element, booleans', () => {
      expect(refusal(() => c.array([], 'keys', true)).message).toBe('"keys" must be a non-empty array');
      expect(c.array([], 'keys')).toEqual([]);
      expect(refusal(() => c.stringArray(['a', ''], 'subjects')).field).toBe('subjects[1]');
      expect(refusal(() => c.boolean('true', 'flag')).message).toBe('"flag" must be true or false');
    });
  });

  describe('URLs (https, http only on loopback, RFC 8252 §8.3)', () => {
    const c = new Checker();

    it.each(['https://as.example.com', 'http://localhost:3000', 'http://127.0.0.1/x', 'http://127.10.0.1', 'http://[::1]:8080/'])('accepts %s', (url) => {
      expect(c.httpsUrl(url, 'issuer', 'nothing')).toBe(url);
      expect(isSecureUrl(new URL(url))).toBe(true);
    });

    it.each(['http://as.example.com', 'http://localhost.example.com', 'http://128.0.0.1', 'http://[::2]', 'ftp://127.0.0.1'])('refuses %s', (url) => {
      expect(refusal(() => c.httpsUrl(url, 'issuer')).message).toBe('"issuer" must be an https URL (http only for 127.0.0.1, ::1 or localhost)');
    });

    it('refuses a relative URL, and the parts the place does not allow', () => {
      expect(refusal(() => c.httpsUrl('/token', 'tokenEndpoint')).message).toBe('"tokenEndpoint" must be an absolute URL');
      expect(c.httpsUrl('https://k.example.com/jwks?v=1#x', 'jwks_uri')).toBe('https://k.example.com/jwks?v=1#x');
      expect(c.httpsUrl('https://as.example.com/token?tenant=1', 'tokenEndpoint', 'query')).toBe('https://as.example.com/token?tenant=1');
      expect(refusal(() => c.httpsUrl('https://as.example.com/token#x', 'tokenEndpoint', 'query')).message).toContain('must have no fragment');
      expect(refusal(() => c.httpsUrl('https://as.example.com?tenant=1', 'issuer', 'nothing')).message).toContain('must have no query or fragment (RFC 8414 §2)');
    });

    it('any scheme through url(), failing with the caller’s words', () => {
      expect(new Checker().url('redis://127.0.0.1:6379', 'url').protocol).toBe('redis:');
      expect(refusal(() => new Checker().url(6379, 'url', 'must be a redis:// URL')).message).toBe('"url" must be a redis:// URL');
    });

    it('loopback host names', () => {
      expect(['localhost', '[::1]', '127.0.0.1', '127.255.255.254'].every(isLoopback)).toBe(true);
      expect(['::1', 'localhost.', '10.0.0.1', '127.0.0', 'example.com'].some(isLoopback)).toBe(false);
    });
  });
});
