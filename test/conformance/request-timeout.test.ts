import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { targets } from './targets.js';
import { ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { openConnection, statusOf } from './support/raw-http.js';

describe.each(targets)('$name request time limits', (target) => {
  let keys: Keys;
  let demo: RunningDemo;
  beforeAll(async () => {
    keys = await makeKeys();
    // Small limits so the test need not wait for the 10 s / 5 s defaults.
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REQUEST_TIMEOUT: '0.6', HEADERS_TIMEOUT: '0.3' };
    demo = await runDemo(env, 0, target.build, { logEvents: false });
  });
  afterAll(async () => {
    await demo?.close();
    await keys?.close();
  });

  it('answers 408 and closes a connection whose body never completes (REQUEST_TIMEOUT)', async () => {
    const conn = await openConnection(demo.url);
    conn.socket.write('POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=');
    const response = await conn.closed;
    expect(statusOf(response)).toBe(408);
  });

  it('answers 408 and closes a connection whose headers never complete (HEADERS_TIMEOUT)', async () => {
    const conn = await openConnection(demo.url);
    conn.socket.write('POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const response = await conn.closed;
    expect(statusOf(response)).toBe(408);
  });

  it('reads the limits from the environment', () => {
    expect(demo.timeouts).toMatchObject({ requestTimeout: 600, headersTimeout: 300 });
    expect(demo.server.requestTimeout).toBe(600);
    expect(demo.server.headersTimeout).toBe(300);
  });
});

describe('request time limits by default', () => {
  it('are 10 s for a whole request and 5 s for its headers, not Node’s 300 s', async () => {
    const keys = await makeKeys();
    const demo = await runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath }, 0, targets[0]!.build, { logEvents: false });
    try {
      expect(demo.server.requestTimeout).toBe(10_000);
      expect(demo.server.headersTimeout).toBe(5_000);
      expect(demo.shutdownTimeout).toBe(10_000);
    } finally {
      await demo.close();
      await keys.close();
    }
  });

  it('refuse HEADERS_TIMEOUT above REQUEST_TIMEOUT, naming the variable', async () => {
    await expect(runDemo({ PORT: '0', REQUEST_TIMEOUT: '2', HEADERS_TIMEOUT: '3' }, 0, targets[0]!.build, { logEvents: false })).rejects.toThrow(
      /HEADERS_TIMEOUT/,
    );
  });
});
