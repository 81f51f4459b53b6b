import { expect, test } from './fixtures';
import { readFileSync } from 'node:fs';
import { Ridgepoint } from './page';

test('the whole estimate downloads as JSON with the engine keys and derivations', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
  expect(download.suggestedFilename()).toBe('ridgepoint-estimate.json');
  const json = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(json.scenario.model).toBe('llama-2-7b');
  expect(json.memory.weights_bytes).toBeCloseTo(13.4768e9, -7);
  expect(json.ridge_flop_per_byte).toBeCloseTo(153.02, 1);
  expect(json.ttft_floor_s).toBeCloseTo(0.0885, 3);
  expect(json.derivations.length).toBeGreaterThan(10);
});

test('a chart downloads as a 2x PNG and its data as CSV', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const fig = page.locator('[data-chart="roofline"]');
  const css = await app.chart('roofline').evaluate((c: HTMLCanvasElement) => c.getBoundingClientRect().width);
  const [png] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /as PNG/ }).click()]);
  expect(png.suggestedFilename()).toBe('roofline-llama-2-7b-a100-80gb-fp16.png');
  const bytes = readFileSync((await png.path())!);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  const width = bytes.readUInt32BE(16);
  expect(Math.abs(width - 2 * css)).toBeLessThanOrEqual(2);
  await expect(app.chart('roofline')).not.toHaveAttribute('data-draw-error');
  const [csv] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /as CSV/ }).click()]);
  const text = readFileSync((await csv.path())!, 'utf8');
  expect(text.split('\r\n')[0]).toContain(',');
  expect(text).toContain('decode');
});

test('a chart downloads as SVG drawn by the same chart code, at its on-screen size', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const fig = page.locator('[data-chart="roofline"]');
  const css = await app.chart('roofline').evaluate((c: HTMLCanvasElement) => c.getBoundingClientRect());
  const [file] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /as SVG/ }).click()]);
  expect(file.suggestedFilename()).toBe('roofline-llama-2-7b-a100-80gb-fp16.svg');
  const svg = readFileSync((await file.path())!, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(Number(/width="(\d+)"/.exec(svg)![1])).toBe(Math.round(css.width));
  // The texts the canvas shows: the seed's ridge and the phase labels.
  expect(svg).toContain('ridge 153 FLOP/B');
  expect(svg).toContain('decode, batch 1');
  expect(svg).not.toContain('NaN');
  // It is a well-formed document a browser can open.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror') !== null, texts: doc.querySelectorAll('text').length };
  }, svg);
  expect(parsed.error).toBe(false);
  expect(parsed.texts).toBeGreaterThan(10);
  // The export drew without error (a failed one downloads nothing and says why on the canvas).
  await expect(app.chart('roofline')).not.toHaveAttribute('data-draw-error');
});

test('an embedded chart shows one chart, a link back, and tells its parent its height', async ({ page }) => {
  await page.goto('./?v=1&batch=16&embed=batch-throughput&theme=dark');
  await expect(page.getByTestId('embed')).toBeVisible();
  await expect(page.locator('[data-chart]')).toHaveCount(1);
  await expect(page.locator('[data-chart="batch-throughput"] canvas')).toHaveAttribute('data-drawn', '1');
  await expect(page.locator('[data-chart="batch-throughput"] canvas')).not.toHaveAttribute('data-draw-error');
  const open = page.getByRole('link', { name: /Open in Ridgepoint/ });
  await expect(open).toHaveAttribute('href', /batch=16/);
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  // Framed in another page, it posts its height so the parent can size the frame.
  const src = new URL('./?v=1&embed=roofline', page.url()).href;
  const host = new URL('./frame-test.html', page.url()).href;
  await page.route(host, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<iframe src="${src}" style="width:800px;height:100px"></iframe>
        <script>window.heights=[];addEventListener('message',e=>{if(e.data&&e.data.type==='ridgepoint:height')window.heights.push(e.data)})</script>`,
    }),
  );
  await page.goto(host);
  await expect.poll(() => page.evaluate(() => (window as any).heights.length)).toBeGreaterThan(0);
  const msg = await page.evaluate(() => (window as any).heights.at(-1));
  expect(msg.chart).toBe('roofline');
  expect(msg.height).toBeGreaterThan(300);
  await page.goto(new URL('./?v=1&embed=pie', src).href);
  await expect(page.getByRole('alert')).toContainText('There is no chart named “pie”');
});
