import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 just now: listen on port 0, read the port the system chose, close. Another
 * process can take it before the caller binds it; callers that can listen on 0 themselves should.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
