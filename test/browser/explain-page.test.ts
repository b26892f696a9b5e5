/**
 * The explain page in a real browser (issue 19, docs/explain.md), on every demo: headless Debian Chromium
 * pastes a valid client assertion (every rule green), one with the token endpoint as `aud` (J3 red with its
 * fix), an expired one (J4 red, "expired 5 min ago") and garbage (J13 red, shown as text: the markup in it
 * is never parsed). Driven through labels and the keyboard; no request leaves for another origin and the
 * Content-Security-Policy blocks nothing. A screenshot of each lands in artifacts/screenshots/<demo>-<case>.png.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { targets } from '../conformance/targets.js';
import { ISSUER, TOKEN_ENDPOINT, useDemo } from '../conformance/support/fixture.js';
import { explainCases, GARBAGE, type ExplainCase } from '../explain/support/cases.js';
import { launchChromium, type Browser } from './chromium.js';

/** Screenshots go where CI keeps them (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

let browser: Browser;

/** WCAG 2 contrast ratio of two CSS colours as the browser computes them (`rgb(r, g, b)`; transparent is white). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl, alpha] = (css.match(/[\d.]+/g) ?? []).map(Number);
    if (alpha === 0) return 1;
    const linear = [r!, g!, bl!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The rules table as the page shows it: one row per rule with its status and fix. */
async function rows(page: Page) {
  return page.locator('#rules tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      step: tr.getAttribute('data-step'),
      status: tr.getAttribute('data-status'),
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    })),
  );
}

describe.each(targets)('the explain page on $name, in headless Chromium', (target) => {
  const ctx = useDemo(target);
  let page: Page;
  let cases: ExplainCase[];
  const offsite: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    cases = await explainCases(ctx.keys, ctx.clock);
    page = await browser.context.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(ctx.demo.url)) offsite.push(request.url());
    });
    page.on('console', (message) => {
      // A refusal's HTTP status is logged as "Failed to load resource" by the browser: expected, not a problem.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(`${ctx.demo.url}/explain`);
    expect(response?.status()).toBe(200);
  });
  afterAll(async () => {
    await page?.close();
  });
  afterEach(() => {
    expect(offsite).toEqual([]);
    expect(problems).toEqual([]); // a CSP violation or a script error is reported on the console
  });

  /** Pastes `token` through the labelled fields and explains it with Ctrl+Enter, waiting for the answer. */
  async function explain(token: string): Promise<void> {
    await page.getByLabel('Used as').selectOption('client');
    const box = page.getByLabel('Assertion (a compact JWT)');
    await box.fill(token);
    const answered = page.waitForResponse((r) => r.url().endsWith('/explain') && r.request().method() === 'POST');
    await box.press('Control+Enter');
    await answered;
    await page.locator('#result-heading').waitFor();
    await page.locator('#explain-button:not([disabled])').waitFor();
  }

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${target.name.replace(/-demo$/, '')}-${name}.png`), fullPage: true });

  it('is accessible by label and keyboard: the fields are labelled, Tab reaches the button', async () => {
    await expect(page.getByLabel('client_id (optional)').count()).resolves.toBe(1);
    await expect(page.getByLabel('scope (optional)').count()).resolves.toBe(1);
    await page.getByLabel('scope (optional)').focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('explain-button');
  });

  it('a valid assertion: every rule passes, replay is not checked, the times and aud in words', async () => {
    await explain(cases.find((c) => c.name === 'valid')!.token);
    await shoot('valid');
    await expect(page.locator('#verdict').textContent()).resolves.toMatch(/^Accepted/);
    const table = await rows(page);
    expect(table.filter((r) => r.status !== 'pass').map((r) => [r.step, r.status])).toEqual([['replay', 'not_checked']]);
    const facts = await page.locator('#facts li').allTextContents();
    // exp is a whole second, the server clock is not: whole seconds left, rounded down.
    const left = Math.floor(ctx.clock.seconds() + 60 - ctx.clock.ms / 1000);
    expect(facts).toContain(`exp: expires in ${left} s (${new Date((ctx.clock.seconds() + 60) * 1000).toISOString()})`);
    expect(facts).toContain(`aud "${ISSUER}": this server's issuer identifier`);
    // Focus moved to the result for keyboard and screen-reader users.
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('result-heading');
  });

  it.each(['token-endpoint-aud', 'expired', 'garbage'] as const)('%s: the failing rule in red with its fix, later rules not reached', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    await explain(c.token);
    await shoot(name);
    await expect(page.locator('#verdict').textContent()).resolves.toMatch(/^Refused: invalid_client \(HTTP 401\)/);
    const table = await rows(page);
    const index = table.findIndex((r) => r.status === 'fail');
    expect(table[index]).toMatchObject({ step: c.failing!.id });
    expect(table[index]!.cells[1]).toBe(c.failing!.rule);
    expect(table[index]!.cells[3]).toBe(`fail (${c.failing!.reason})`);
    expect(table.slice(0, index).every((r) => r.status === 'pass')).toBe(true);
    expect(table.slice(index + 1).every((r) => r.status === 'not_reached')).toBe(true);
    const fix = table[index]!.cells[6]!;
    // The red row is styled as a failure: its status cell's colour differs from a passed row's.
    const colour = (status: string) => page.locator(`#rules tr[data-status="${status}"] td.status`).first().evaluate((td) => td.ownerDocument.defaultView!.getComputedStyle(td).color);
    if (index > 0) expect(await colour('fail')).not.toBe(await colour('pass'));
    // Every status cell and the verdict are readable: WCAG AA contrast (4.5:1) against their row's background.
    const pairs = await page.locator('#rules tbody tr, #verdict').evaluateAll((nodes) =>
      nodes.map((node) => {
        const view = node.ownerDocument.defaultView!;
        const text = node.tagName === 'TR' ? node.querySelector('td.status')! : node;
        return [view.getComputedStyle(text).color, view.getComputedStyle(node).backgroundColor] as [string, string];
      }),
    );
    for (const [fg, bg] of pairs) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
    if (name === 'token-endpoint-aud') {
      expect(fix).toContain(`set aud to "${ISSUER}" (the issuer identifier) as a single string, not the token endpoint URL`);
      await expect(page.locator('#facts li').allTextContents()).resolves.toContain(`aud "${TOKEN_ENDPOINT}": this server's token endpoint`);
    }
    if (name === 'expired') {
      expect(fix).toMatch(/^the assertion expired at .*mint a fresh one/);
      await expect(page.locator('#facts li').allTextContents()).resolves.toContain(`exp: expired 5 min ago (${new Date((ctx.clock.seconds() - 300) * 1000).toISOString()})`);
    }
    if (name === 'garbage') {
      expect(fix).toContain('compact serialization');
      const text = await page.locator('#result').innerText();
      expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\.ts:\d+|stack/i);
      // The markup pasted is text in the box and never became an element.
      expect(await page.locator('#injected').count()).toBe(0);
      expect(await page.getByLabel('Assertion (a compact JWT)').inputValue()).toBe(GARBAGE);
    }
  });

  it('not signed by a registered key: the trust checks read "hidden", the refusal is at the signature with the generic fix', async () => {
    const [header, claims] = cases.find((c) => c.name === 'token-endpoint-aud')!.token.split('.');
    await explain(`${header}.${claims}.${Buffer.from('forged').toString('base64url')}`);
    const table = await rows(page);
    const hidden = table.filter((r) => r.status === 'hidden');
    expect(hidden.map((r) => r.step)).toEqual(expect.arrayContaining(['registered', 'aud', 'key']));
    for (const row of hidden) expect(row.cells[3]).toBe('hidden');
    const failed = table.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.step)).toEqual(['signature']);
    expect(failed[0]!.cells[3]).toBe('fail (trust_check_failed)');
    expect(failed[0]!.cells[6]).toContain('details are shown only for an assertion signed by a registered key');
    await expect(page.locator('#hidden-note').count()).resolves.toBe(1);
    // Readable: the hidden status passes WCAG AA contrast like the others.
    const [fg, bg] = await page.locator('#rules tr[data-status="hidden"] td.status').first().evaluate((td) => {
      const view = td.ownerDocument.defaultView!;
      return [view.getComputedStyle(td).color, view.getComputedStyle(td.parentElement!).backgroundColor];
    });
    expect(contrast(fg!, bg!)).toBeGreaterThanOrEqual(4.5);
    await shoot('hidden');
  });

  it('an empty box: a readable message, not a table', async () => {
    await explain('');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('paste an assertion (a compact JWT) to explain');
    expect(await page.locator('#rules').count()).toBe(0);
  });
});
