import { once } from 'node:events';
import { Redis } from 'ioredis';

/** A client as the README tells users to create one: no offline queue, one retry per command. */
export function safeClient(url: string): Redis {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}

/** Resolves once the client can take commands. */
export async function ready(client: Redis): Promise<Redis> {
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

/** Every key under `prefix` (test Redis only: KEYS). */
export function keysUnder(admin: Redis, prefix: string): Promise<string[]> {
  return admin.keys(`${prefix}*`);
}

/** Polls `probe` up to `attempts` times, `interval` ms apart, until it returns true. */
export async function eventually(probe: () => Promise<boolean> | boolean, attempts = 100, interval = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  return false;
}
