import { serverTimeouts, shutdownTimeout } from '@rfc7523/demo-kit';

describe('SHUTDOWN_TIMEOUT', () => {
  it('is 10 s by default, in milliseconds, and takes decimals', () => {
    expect(shutdownTimeout({})).toBe(10_000);
    expect(shutdownTimeout({ SHUTDOWN_TIMEOUT: '' })).toBe(10_000);
    expect(shutdownTimeout({ SHUTDOWN_TIMEOUT: '30' })).toBe(30_000);
    expect(shutdownTimeout({ SHUTDOWN_TIMEOUT: '0.25' })).toBe(250);
    expect(shutdownTimeout({ SHUTDOWN_TIMEOUT: '0' })).toBe(0);
  });

  it.each(['-1', '10s', 'ten', '1e3', '3601', ' 5'])('refuses %j, naming the variable', (value) => {
    expect(() => shutdownTimeout({ SHUTDOWN_TIMEOUT: value })).toThrow(/"SHUTDOWN_TIMEOUT"/);
  });
});

describe('REQUEST_TIMEOUT and HEADERS_TIMEOUT', () => {
  it('default to 10 s and 5 s, checked at least every second', () => {
    expect(serverTimeouts({})).toEqual({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1000 });
  });

  it('keep HEADERS_TIMEOUT within a short REQUEST_TIMEOUT and check often enough for small limits', () => {
    expect(serverTimeouts({ REQUEST_TIMEOUT: '2' })).toMatchObject({ requestTimeout: 2000, headersTimeout: 2000 });
    expect(serverTimeouts({ REQUEST_TIMEOUT: '0.5', HEADERS_TIMEOUT: '0.2' })).toMatchObject({ connectionsCheckingInterval: 100 });
  });

  it('refuse zero (no limit), junk, and HEADERS_TIMEOUT above REQUEST_TIMEOUT', () => {
    expect(() => serverTimeouts({ REQUEST_TIMEOUT: '0' })).toThrow(/"REQUEST_TIMEOUT"/);
    expect(() => serverTimeouts({ HEADERS_TIMEOUT: 'x' })).toThrow(/"HEADERS_TIMEOUT"/);
    expect(() => serverTimeouts({ REQUEST_TIMEOUT: '3', HEADERS_TIMEOUT: '4' })).toThrow(/"HEADERS_TIMEOUT" must not be greater than REQUEST_TIMEOUT/);
  });
});
