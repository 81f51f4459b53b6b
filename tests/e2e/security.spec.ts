import { expect, test } from './fixtures';
import { Ridgepoint } from './page';

test.describe('Content-Security-Policy', () => {
  // This test injects an inline script to see the policy refuse it; Chromium reports the
  // refusal as a console error. Only that message is allowed, and only here.
  test.use({
    allowConsole: [/^Executing inline script violates the following Content Security Policy directive 'script-src 'self' 'wasm-unsafe-eval''/],
  });

  test('the page runs under a Content-Security-Policy without inline or remote scripts', async ({ page }) => {
    await page.addInitScript(() => {
      (window as any).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const app = new Ridgepoint(page);
    await app.goto();
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__csp)).toEqual([]);
    // An inline script injected now is refused by the policy.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as any).__ran)).toBeUndefined();
    // …and the refusal is the policy's doing: one violation, of the script directive.
    await expect
      .poll(() => page.evaluate(() => (window as any).__csp))
      .toEqual([expect.stringMatching(/^script-src(-elem)? inline$/)]);
  });
});

test('hostile text in a link is shown as text, never as markup', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    d.dismiss();
  });
  const app = new Ridgepoint(page);
  await app.goto('v=1&model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&gpu=custom&g.name=%3Cb%3Ebold%3C%2Fb%3E');
  await expect(app.problems()).toContainText('unknown model “<img src=x onerror=alert(1)>”');
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('b', { hasText: 'bold' }).count()).toBe(0);
  await expect(page.locator('#sec-gpu h2')).toHaveText('<b>bold</b>');
  expect(dialogs).toBe(0);
});
