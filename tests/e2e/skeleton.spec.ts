import { expect, test } from './fixtures';
import { Ridgepoint } from './page';

test('the roofline is drawn on load with the seed scenario', async ({ page }) => {
  // Uncaught errors and console warnings fail every test (fixtures.ts).
  const app = new Ridgepoint(page);
  await app.goto();
  expect(await app.colours('roofline')).toBeGreaterThan(5);
  await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
  await expect(app.figure('ridge_flop_per_byte')).toHaveText('153 FLOP/B');
  await expect(app.figure('decode.bound')).toHaveText('memory-bound');
  await expect(app.select('GPU')).toHaveValue('a100-80gb-sxm');
});

test.describe('at devicePixelRatio 2', () => {
  test.use({ deviceScaleFactor: 2 });

  test('the canvas backing store follows devicePixelRatio', async ({ page }) => {
    const app = new Ridgepoint(page);
    await app.goto();
    const { w, css } = await app.chart('roofline').evaluate((c: HTMLCanvasElement) => ({
      w: c.width,
      css: c.getBoundingClientRect().width,
    }));
    expect(css).toBeGreaterThan(100);
    expect(Math.abs(w - 2 * css)).toBeLessThanOrEqual(1);
  });
});

test('moving the batch slider updates the URL, the numbers and the chart', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const before = await app.pixels('roofline');
  const draws = await app.draws('roofline');
  const historyLength = await page.evaluate(() => history.length);
  const batch = app.slider('Batch size');
  await batch.focus();
  await app.clearCanvasTexts('roofline');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/[?&]batch=4(&|$)/);
  // Decode at batch 4, context 2048 + 128/2 = 2112 (Llama-2-7B, FP16):
  //   FLOPs = 4 × (2 × 6,607,077,376 matmul weights + 4·32 heads·128·32 layers × 2112)
  //         = 4 × 14,321,451,008 = 57,285,804,032
  //   bytes = 6,607,077,376 × 2 B + 4 × 524,288 B × 2113 KV tokens = 17,645,436,928
  //   intensity = 57,285,804,032 / 17,645,436,928 = 3.25 FLOP/B
  await expect(app.figure('decode.intensity')).toHaveText('3.25 FLOP/B');
  await app.expectRedrawn('roofline', draws);
  await expect.poll(() => app.canvasTexts('roofline')).toContain('decode, batch 4');
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
  await expect(page).toHaveURL(/[?&]gpu=h100-sxm(&|$)/);
  await expect(page).toHaveURL(/[?&]w=fp8(&|$)/);
  const url = page.url();
  // Llama-2-7B on an H100 SXM at FP8 weights (FP16 KV cache), batch 32, 2048 + 128 tokens:
  const expected: Record<string, string> = {
    // 6,738,415,616 parameters × 1 B = 6.74 GB
    'memory.weights_bytes': '6.74 GB',
    // FP8 dense peak 1,978.9 TFLOP/s / 3.35 TB/s = 590.7
    ridge_flop_per_byte: '591 FLOP/B',
    // 32 × 14,321,451,008 FLOP / (6,607,077,376 × 1 B + 32 × 524,288 B × 2113) = 458.3 G / 42.06 GB
    'decode.intensity': '10.9 FLOP/B',
    // 32 × (2 × 6,476,005,376 × 2048 + 524,288 × 2048·2049/2 + 2 × 131,072,000) FLOP
    //   = 884.0 TFLOP / 1,978.9 TFLOP/s = 0.447 s (the reads take 12 ms)
    ttft_floor_s: '447 ms',
  };
  for (const [key, text] of Object.entries(expected)) await expect(app.figure(key)).toHaveText(text);

  await page.goto(url);
  await app.waitForChart('roofline');
  await expect(app.select('GPU')).toHaveValue('h100-sxm');
  await expect(app.select('Weight precision')).toHaveValue('fp8');
  await expect(page.getByLabel('Batch size, exact value')).toHaveValue('32');
  for (const [key, text] of Object.entries(expected)) await expect(app.figure(key)).toHaveText(text);
});

test('a hand-edited bad link shows what was wrong and the page keeps working', async ({ page }) => {
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
