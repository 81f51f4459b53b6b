import { expect, test } from '@playwright/test';
import { Ridgepoint } from './page';

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
