/**
 * The explain page without JavaScript (scripts off, or a script the CSP blocks): the browser submits the
 * form itself. It must POST it — a GET would put the assertion in the URL, the history and access logs —
 * and the answer is the JSON report. Headless Chromium with `javaScriptEnabled: false`, on the Express and
 * Fastify demos (their bodies are read by different code).
 */
import type { Request } from 'playwright-core';
import { targets } from '../conformance/targets.js';
import { clientAssertion, useDemo } from '../conformance/support/fixture.js';
import { launchChromium, type Browser } from './chromium.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ javaScriptEnabled: false });
});
afterAll(async () => {
  await browser?.close();
});

describe.each(targets.filter((t) => t.name === 'express-demo' || t.name === 'fastify-demo'))('the explain page on $name with JavaScript off', (target) => {
  const ctx = useDemo(target);

  it('submits the form as a POST: the assertion is never in a URL, and the answer is the report', async () => {
    const assertion = await clientAssertion(ctx.keys.es, 'es-client', ctx.clock);
    const page = await browser.context.newPage();
    const requests: Request[] = [];
    page.on('request', (request) => void requests.push(request));
    try {
      await page.goto(`${ctx.demo.url}/explain`);
      await page.getByLabel('Assertion (a compact JWT)').fill(assertion);
      const answered = page.waitForResponse((r) => r.request().method() === 'POST' || r.url().includes('assertion='));
      await page.getByRole('button', { name: 'Explain' }).click();
      const response = await answered;
      await page.waitForLoadState();
      expect(response.request().method()).toBe('POST');
      expect(response.status()).toBe(200);
      expect(page.url()).toBe(`${ctx.demo.url}/explain`);
      for (const request of requests) expect(request.url()).not.toContain(assertion.slice(0, 40));
      const report = JSON.parse((await page.locator('pre').first().textContent()) ?? '') as { verdict: string };
      expect(report.verdict).toBe('pass');
    } finally {
      await page.close();
    }
  });
});
