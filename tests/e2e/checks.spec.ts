// The specs' own safety nets, checked: a chart whose drawing fails is not counted as drawn and
// fails `waitForChart`/`expectRedrawn`; console errors and warnings and uncaught errors fail a
// test (fixtures.ts) unless that test allows them by name; every spec uses that `test`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { Article, Ridgepoint } from './page';

/** How web/src/canvas.rs reports a draw that plotters-canvas failed (`{e:?}` of the error). */
const FAILED = /^(chart draw|PNG export) failed: BackendError\(DrawingError\(PageError\("Canvas Error: /;

/** Makes every canvas `fillText` throw, as a broken backend would; returns the restorer. */
async function breakFillText(page: import('@playwright/test').Page) {
  await page.evaluate(() => {
    const proto = CanvasRenderingContext2D.prototype;
    (window as any).__workingFillText = proto.fillText;
    proto.fillText = function () {
      throw new Error('fillText broken on purpose');
    };
  });
  return () =>
    page.evaluate(() => {
      CanvasRenderingContext2D.prototype.fillText = (window as any).__workingFillText;
    });
}

/** The message `wait` fails with, without colours, or "no failure". */
async function failure(wait: Promise<unknown>): Promise<string> {
  return wait.then(
    () => 'no failure',
    (e: Error) => e.message.replace(/\u001b\[[0-9;]*m/g, ''),
  );
}

test.describe('a chart whose drawing fails', () => {
  // The failed draws below are provoked; the page logs each with console.error, as it must.
  // (plotters-canvas reports a thrown canvas call as "Canvas Error: " + JSON of the exception,
  // which for an Error is "{}".)
  test.use({ allowConsole: [FAILED] });

  test('is not marked drawn, says why, fails the waits, and recovers on the next good draw', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const draws = await app.draws('roofline');
    expect(draws).toBeGreaterThan(0);
    const restore = await breakFillText(page);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await app.setExact('Batch size', 4);
    const canvas = app.chart('roofline');
    await expect(canvas).toHaveAttribute('data-draw-error', FAILED);
    await expect(canvas).toHaveAttribute('data-draw-error', /^chart draw failed: /);
    await expect(canvas).not.toHaveAttribute('data-drawn');
    expect(await app.draws('roofline')).toBe(draws);
    await expect.poll(() => errors).toContainEqual(expect.stringMatching(/^chart draw failed: /));
    // The waits fail, and say why.
    expect(await failure(app.waitForChart('roofline', { timeout: 1000 }))).toContain('draw error: chart draw failed: ');
    expect(await failure(app.expectRedrawn('roofline', draws, { timeout: 1000 }))).toContain('draw error: chart draw failed: ');

    // The PNG export draws on a canvas of its own: it fails too, downloads nothing, says why.
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.locator('[data-chart="roofline"]').getByRole('button', { name: /as PNG/ }).click();
    await expect(canvas).toHaveAttribute('data-draw-error', FAILED);
    await expect(canvas).toHaveAttribute('data-draw-error', /^PNG export failed: /);
    await expect.poll(() => errors).toContainEqual(expect.stringMatching(/^PNG export failed: /));
    expect(downloads).toBe(0);

    await restore();
    await app.setExact('Batch size', 8);
    await app.expectRedrawn('roofline', draws);
    await expect(canvas).not.toHaveAttribute('data-draw-error');
    expect(await app.draws('roofline')).toBeGreaterThan(draws);
  });
});

test.describe('the console watch', () => {
  // Each of these tests must fail at teardown: `test.fail()` turns that into a pass, and a
  // watch that let the message through into a failure.
  for (const [what, provoke] of [
    ['a console warning', () => console.warn('a warning the watch must catch')],
    ['a console error', () => console.error('an error the watch must catch')],
    [
      'an uncaught error',
      () =>
        setTimeout(() => {
          throw new Error('an uncaught error the watch must catch');
        }),
    ],
  ] as const) {
    test(`fails a test on ${what}`, async ({ page }) => {
      test.fail();
      const app = new Ridgepoint(page);
      await app.goto();
      await page.evaluate(provoke);
      await page.waitForTimeout(200);
    });
  }

  test.describe('with a message allowed', () => {
    // Allowed here, by its exact text, to check that allowing works (and only for it).
    test.use({ allowConsole: [/^a warning this test expects$/] });

    test('lets that message through', async ({ page }) => {
      const app = new Ridgepoint(page);
      await app.goto();
      await page.evaluate(() => console.warn('a warning this test expects'));
      await page.waitForTimeout(200);
    });
  });
});

test('every spec takes `test` from fixtures.ts, not straight from Playwright', () => {
  const dir = __dirname;
  const specs = readdirSync(dir).filter((f) => f.endsWith('.spec.ts'));
  expect(specs.length).toBeGreaterThan(5);
  for (const f of specs) {
    const text = readFileSync(join(dir, f), 'utf8');
    expect(text, f).toMatch(/import \{[^}]*\btest\b[^}]*\} from '\.\/fixtures';/);
    expect(text, f).not.toMatch(/import \{[^}]*\btest\b[^}]*\} from '@playwright\/test'/);
  }
});
