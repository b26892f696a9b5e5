/**
 * Debian's system Chromium, driven headless by playwright-core (no browser download): the binary at
 * /usr/bin/chromium (`.ci/run` installs it with apt when missing), a fresh profile directory per launch,
 * and the flags that keep it off the network except for the pages a test opens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where the browser is: Debian's `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags: headless, no sandbox (containers), no GPU, QUIC, first-run, background networking, updates or sync. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser with its own fresh profile; `close` removes the profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh `--user-data-dir` (Playwright's persistent context on a new temporary
 * directory). `javaScriptEnabled: false` opens pages as a browser with scripts off would (default on).
 */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'rfc7523-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
