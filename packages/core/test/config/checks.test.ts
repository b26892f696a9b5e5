import { Checker, ConfigurationError, isLoopback, isSecureUrl } from '@rfc7523/core/validation';

/** Matches the ConfigurationError naming `field` with exactly `message`. */
const refused = (field: string, message: string) => expect.objectContaining({ name: 'ConfigurationError', field, message });

describe('the validation kit (@rfc7523/core/validation)', () => {
  describe('words each package keeps', () => {
    it('engine options: "x" is not a known field, no file', () => {
      const check = () => new Checker().options({ issuer: 'a', clokTolerance: 5 }, ['issuer']);
      expect(check).toThrow(TypeError);
      expect(check).toThrow(ConfigurationError);
      expect(check).toThrow(refused('clokTolerance', '"clokTolerance" is not a known field'));
    });

    it('trust file: the file first, nested keys as a path', () => {
      expect(() => new Checker({ source: 'trust.json' }).onlyKnown({ grant_type: [] }, 'clients[0]', ['grant_types'])).toThrow(
        refused('clients[0].grant_type', 'trust.json: "clients[0].grant_type" is not a known field'),
      );
    });

    it('Redis store: "x" is not a known option', () => {
      expect(() => new Checker({ keys: 'option' }).options({ keyprefix: 'x' }, ['keyPrefix'])).toThrow(new TypeError('"keyprefix" is not a known option'));
    });

    it('client: the word "option" after each name', () => {
      const client = new Checker({ keys: 'option', label: 'option' });
      expect(() => client.options({ bogus: 1 }, [])).toThrow(new TypeError('"bogus" option is not a known option'));
      expect(() => client.seconds(0, 'lifetime', 1, 86_400)).toThrow(refused('lifetime', '"lifetime" option must be a whole number of seconds from 1 to 86400'));
    });

    it('an options value that is not an object is named "options"', () => {
      for (const value of [undefined, null, [], 'https://as.example.com']) {
        expect(() => new Checker().options(value, [])).toThrow(new TypeError('"options" must be an object'));
      }
    });
  });

  describe('values', () => {
    const c = new Checker();

    it('non-empty strings, with a fallback only when absent', () => {
      expect(c.string('a', 'f')).toBe('a');
      expect(c.string(undefined, 'f', 'default')).toBe('default');
      expect(c.string(undefined, 'f', undefined)).toBeUndefined();
      expect(() => c.string('', 'f', 'default')).toThrow(new TypeError('"f" must be a non-empty string'));
      expect(() => c.string(undefined, 'f')).toThrow(new TypeError('"f" must be a non-empty string'));
    });

    it('whole numbers within a range, inclusive, with the unit in the message', () => {
      expect(c.milliseconds(0, 'f', 0, 10)).toBe(0);
      expect(c.milliseconds(10, 'f', 0, 10)).toBe(10);
      expect(c.milliseconds(undefined, 'f', 0, 10, 7)).toBe(7);
      for (const bad of [-1, 11, 1.5, Number.NaN, Infinity, '5', null]) {
        expect(() => c.milliseconds(bad, 'f', 0, 10, 7)).toThrow(new TypeError('"f" must be a whole number of milliseconds from 0 to 10'));
      }
    });

    it('functions, with a fallback when absent', () => {
      expect(c.function(undefined, 'now', Date.now)).toBe(Date.now);
      expect(() => c.function(0, 'now', Date.now, 'must be a function returning milliseconds')).toThrow(new TypeError('"now" must be a function returning milliseconds'));
    });

    it('arrays, string arrays naming the bad element, booleans', () => {
      expect(() => c.array([], 'keys', true)).toThrow(new TypeError('"keys" must be a non-empty array'));
      expect(c.array([], 'keys')).toEqual([]);
      expect(() => c.stringArray(['a', ''], 'subjects')).toThrow(expect.objectContaining({ field: 'subjects[1]' }));
      expect(() => c.boolean('true', 'flag')).toThrow(new TypeError('"flag" must be true or false'));
    });
  });

  describe('URLs (https, http only on loopback, RFC 8252 §8.3)', () => {
    const c = new Checker();

    it.each(['https://as.example.com', 'http://localhost:3000', 'http://127.0.0.1/x', 'http://127.10.0.1', 'http://[::1]:8080/'])('accepts %s', (url) => {
      expect(c.httpsUrl(url, 'issuer', 'nothing')).toBe(url);
      expect(isSecureUrl(new URL(url))).toBe(true);
    });

    it.each(['http://as.example.com', 'http://localhost.example.com', 'http://128.0.0.1', 'http://[::2]', 'ftp://127.0.0.1'])('refuses %s', (url) => {
      expect(() => c.httpsUrl(url, 'issuer')).toThrow(new TypeError('"issuer" must be an https URL (http only for 127.0.0.1, ::1 or localhost)'));
    });

    it('refuses a relative URL, and the parts the place does not allow', () => {
      expect(() => c.httpsUrl('/token', 'tokenEndpoint')).toThrow(new TypeError('"tokenEndpoint" must be an absolute URL'));
      expect(c.httpsUrl('https://k.example.com/jwks?v=1#x', 'jwks_uri')).toBe('https://k.example.com/jwks?v=1#x');
      expect(c.httpsUrl('https://as.example.com/token?tenant=1', 'tokenEndpoint', 'query')).toBe('https://as.example.com/token?tenant=1');
      expect(() => c.httpsUrl('https://as.example.com/token#x', 'tokenEndpoint', 'query')).toThrow('must have no fragment');
      expect(() => c.httpsUrl('https://as.example.com?tenant=1', 'issuer', 'nothing')).toThrow('must have no query or fragment (RFC 8414 §2)');
    });

    it('any scheme through url(), failing with the caller’s words', () => {
      expect(new Checker().url('redis://127.0.0.1:6379', 'url').protocol).toBe('redis:');
      expect(() => new Checker().url(6379, 'url', 'must be a redis:// URL')).toThrow(new TypeError('"url" must be a redis:// URL'));
    });

    it('loopback host names', () => {
      expect(['localhost', '[::1]', '127.0.0.1', '127.255.255.254'].every(isLoopback)).toBe(true);
      expect(['::1', 'localhost.', '10.0.0.1', '127.0.0', 'example.com'].some(isLoopback)).toBe(false);
    });
  });
});
