import { expect, test } from '@playwright/test';
import { Ridgepoint } from './page';

test('the roofline is drawn on load with the seed scenario', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new Ridgepoint(page);
  await app.goto();
  expect(await app.colours('roofline')).toBeGreaterThan(5);
  await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
  await expect(app.figure('ridge_flop_per_byte')).toHaveText('153 FLOP/B');
  await expect(app.figure('decode.bound')).toHaveText('memory-bound');
  await expect(app.select('GPU')).toHaveValue('a100-80gb-sxm');
  expect(errors).toEqual([]);
});

test('the canvas backing store follows devicePixelRatio', async ({ browser }) => {
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const app = new Ridgepoint(page);
  await app.goto();
  const { w, css } = await app.chart('roofline').evaluate((c: HTMLCanvasElement) => ({
    w: c.width,
    css: c.getBoundingClientRect().width,
  }));
  expect(Math.abs(w - 2 * css)).toBeLessThanOrEqual(1);
  await context.close();
});

test('moving the batch slider updates the URL, the numbers and the chart', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const before = await app.pixels('roofline');
  const historyLength = await page.evaluate(() => history.length);
  const batch = app.slider('Batch size');
  await batch.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/[?&]batch=4(&|$)/);
  await expect(app.figure('decode.intensity')).not.toHaveText('1 FLOP/B');
  await expect.poll(() => app.pixels('roofline')).not.toBe(before);
  expect(await page.evaluate(() => history.length)).toBe(historyLength);
});

test('reloading a link restores the same controls and numbers', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  await app.select('GPU').selectOption('h100-sxm');
  await app.select('Weight precision').selectOption('fp8');
  const batch = app.slider('Batch size');
  await batch.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/batch=32/);
  const url = page.url();
  const figures = ['memory.weights_bytes', 'ridge_flop_per_byte', 'decode.intensity', 'ttft_floor_s'];
  const values = await Promise.all(figures.map((f) => app.figure(f).textContent()));

  await page.goto(url);
  await app.waitForChart('roofline');
  await expect(app.select('GPU')).toHaveValue('h100-sxm');
  await expect(app.select('Weight precision')).toHaveValue('fp8');
  await expect(page.getByLabel('Batch size, exact value')).toHaveValue('32');
  for (let i = 0; i < figures.length; i++) {
    await expect(app.figure(figures[i])).toHaveText(values[i]!);
  }
});

test('a hand-edited bad link shows what was wrong and the page keeps working', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new Ridgepoint(page);
  await app.goto('v=1&gpu=h9000&batch=lots&model=llama-2-70b');
  await expect(app.problems()).toBeVisible();
  await expect(app.problems()).toContainText('unknown gpu “h9000”; using a100-80gb-sxm');
  await expect(app.problems()).toContainText('batch “lots” is not a whole number; using 1');
  await expect(app.select('GPU')).toHaveValue('a100-80gb-sxm');
  await expect(app.select('Model')).toHaveValue('llama-2-70b');
  expect(await app.colours('roofline')).toBeGreaterThan(5);
  // Still alive: a control change goes through.
  await app.select('GPU').selectOption('h100-sxm');
  await expect(page).toHaveURL(/gpu=h100-sxm/);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(app.problems()).toBeHidden();
  expect(errors).toEqual([]);
});

test('an exact value out of range is refused with a message', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const exact = page.getByLabel('Batch size, exact value');
  await exact.fill('100000');
  await exact.press('Enter');
  await expect(page.getByText('Enter a whole number from 1 to 4096.')).toBeVisible();
  await expect(page).not.toHaveURL(/batch=/);
  await exact.fill('48');
  await exact.press('Enter');
  await expect(page).toHaveURL(/batch=48/);
});

test('a link to a section lands on it, though lower sections mount after the first chart', async ({ page }) => {
  await page.goto('./?v=1&batch=4#sec-time');
  const time = page.locator('#sec-time');
  await expect(time).toBeInViewport();
  await expect(page.getByTestId('ttft_s')).toBeVisible();
});
