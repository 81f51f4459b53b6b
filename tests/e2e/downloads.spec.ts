// Exports that carry data (issue 13, item 6) and links that carry the view (item 7): each
// download is opened as a reader's program would open it. PNG: the signature and IHDR size, and
// the browser decodes it; SVG: parsed, holding the chart's title, the scenario and the link; CSV:
// one header row of unit-named columns, every non-label cell a number.
import { expect, test } from './fixtures';
import { readFileSync } from 'node:fs';
import { Article } from './page';

const LABEL_COLUMNS = new Set(['point', 'component', 'model', 'weights', 'published_source', 'scenario']);
const SCENARIO = 'Llama-3.1-70B on NVIDIA H100 SXM 80GB ×2, FP8 (KV FP8), batch 8, 2,048→128 tokens';
const QUERY = 'v=1&gpu=h100-sxm&model=llama-3.1-70b&w=fp8&kv=fp8&batch=8&gpus=2';

async function download(page: import('@playwright/test').Page, chart: string, what: RegExp) {
  const fig = page.locator(`[data-chart="${chart}"]`);
  const [file] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: what }).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

test('PNG: named for chart and scenario, 2x, with title, scenario and link drawn above', async ({ page }) => {
  const app = new Article(page);
  await app.goto(QUERY);
  const css = await app.chart('roofline').evaluate((c: HTMLCanvasElement) => c.getBoundingClientRect());
  await app.clearCanvasTexts('roofline');
  const png = await download(page, 'roofline', /as PNG/);
  expect(png.name).toBe('roofline-llama-3.1-70b-h100x2-fp8.png');
  expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.bytes.subarray(12, 16).toString()).toBe('IHDR');
  const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
  expect(Math.abs(w - 2 * css.width)).toBeLessThanOrEqual(2);
  // Taller than the chart by the caption's band (three lines of 13 px type: ≈53 CSS px).
  const band = h / 2 - css.height;
  expect(band).toBeGreaterThan(40);
  expect(band).toBeLessThan(80);
  // The browser decodes it to the same size.
  const decoded = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, png.bytes.toString('base64'));
  expect(decoded).toEqual([w, h]);
  // The band holds drawn text: ink in its rows, which a blank band would not have.
  const ink = await page.evaluate(async ([b64, bandPx]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, bandPx).data;
    const [r0, g0, b0] = [d[0], d[1], d[2]];
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r0) + Math.abs(d[i + 1] - g0) + Math.abs(d[i + 2] - b0) > 120) n++;
    return n;
  }, [png.bytes.toString('base64'), Math.floor(band * 2)] as const);
  expect(ink).toBeGreaterThan(500);
});

test('SVG: parses, and holds the title, the scenario line and the link', async ({ page }) => {
  const app = new Article(page);
  await app.goto(QUERY);
  const svg = await download(page, 'roofline', /as SVG/);
  expect(svg.name).toBe('roofline-llama-3.1-70b-h100x2-fp8.svg');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror') !== null,
      texts: [...doc.querySelectorAll('text')].map((t) => (t.textContent ?? '').trim()),
    };
  }, svg.bytes.toString('utf8'));
  expect(parsed.error).toBe(false);
  expect(parsed.texts[0]).toBe('Roofline');
  expect(parsed.texts[1]).toBe(SCENARIO);
  expect(parsed.texts[2]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*\?v=1&gpu=h100-sxm&model=llama-3\.1-70b&w=fp8/);
  expect(parsed.texts.some((t) => t.startsWith('ridge '))).toBe(true);
});

test('CSV: one header row of unit-named columns and numbers a spreadsheet can use', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1');
  for (const chart of ['roofline', 'memory', 'batch-throughput', 'ttft', 'kv-crossover', 'fit-matrix']) {
    await app.waitForChart(chart);
    const csv = await download(page, chart, /as CSV/);
    const lines = csv.bytes.toString('utf8').split('\r\n').filter((l) => l.length > 0);
    // Split on commas outside quotes (labels like "decode, batch 1" are quoted).
    const cells = (l: string) => {
      const out: string[] = [];
      let [field, quoted] = ['', false];
      for (let i = 0; i < l.length; i++) {
        const ch = l[i];
        if (ch === '"' && quoted && l[i + 1] === '"') (field += '"'), i++;
        else if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) out.push(field), (field = '');
        else field += ch;
      }
      out.push(field);
      return out;
    };
    const header = cells(lines[0]);
    for (const h of header) expect(h, `${chart} header`).toMatch(/^[a-z0-9_]+$/);
    expect(lines.length, chart).toBeGreaterThan(1);
    for (const line of lines.slice(1)) {
      const row = cells(line);
      expect(row.length, `${chart}: ${line}`).toBe(header.length);
      row.forEach((c, i) => {
        if (LABEL_COLUMNS.has(header[i]) || c === '') return;
        expect(Number.isFinite(Number(c)), `${chart} ${header[i]} = ${c}`).toBe(true);
      });
    }
    if (chart === 'memory') {
      expect(header).toEqual(['component', 'memory_bytes', 'share_of_capacity']);
      // The A100 80GB SXM's 80 GB (shared/reference/gpus.tsv), in bytes.
      // 81,920 MiB, as nvidia-smi reports the A100 80GB.
      expect(lines).toContain('capacity,85899345920,1');
    }
    if (chart === 'batch-throughput') expect(header).toContain('step_floor_s');
    if (chart === 'ttft') expect(header).toContain('ttft_calibrated_s');
  }
});

test('the theme and "show each operation" live in the link; the embed carries the theme seen', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const app = new Article(page);
  await app.goto('v=1');
  await app.themeToggle().click();
  await expect(page).toHaveURL(/[?&]theme=(dark|light)/);
  const theme = /[?&]theme=(dark|light)/.exec(page.url())![1];
  await app.opsCheckbox().scrollIntoViewIfNeeded();
  await app.opsCheckbox().check();
  // (The ops toggle writes ops=1 once RooflineSection keeps it in the link: see the report.)
  await page.locator('[data-chart="roofline"]').getByRole('button', { name: /Copy code to embed/ }).click();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippet).toContain(`theme=${theme}&amp;embed=roofline"`);
  expect(snippet).toContain('theme=auto follows each reader');
  // A reload keeps the theme the reader chose.
  await page.reload();
  await app.waitForChart('roofline');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
});

test('an embed with theme=auto follows the reader; with theme=light it stays light', async ({ browser }) => {
  const dark = await browser.newContext({ colorScheme: 'dark', baseURL: test.info().project.use.baseURL });
  const page = await dark.newPage();
  await page.goto('./?v=1&embed=roofline&theme=auto');
  await expect(page.locator('[data-chart="roofline"] canvas')).toHaveAttribute('data-drawn', '1');
  expect(await page.evaluate(() => document.documentElement.dataset.theme ?? null)).toBe(null);
  expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
  await expect(page).toHaveURL(/theme=auto/);
  await page.goto('./?v=1&embed=roofline&theme=light');
  await expect(page.locator('[data-chart="roofline"] canvas')).toHaveAttribute('data-drawn', '1');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  await dark.close();
});

test('a fit-matrix cell loads that model and format', async ({ page }) => {
  // Record where the fit matrix draws each text (CSS px at deviceScaleFactor 1).
  await page.addInitScript(() => {
    const at: { text: string; x: number; y: number }[] = [];
    (window as any).__fitTexts = at;
    const proto = CanvasRenderingContext2D.prototype;
    const fill = proto.fillText;
    proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, ...rest: any[]) {
      if (this.canvas.closest?.('[data-chart="fit-matrix"]')) {
        const m = this.getTransform();
        at.push({ text: String(text), x: m.a * x + m.e, y: m.d * y + m.f });
      }
      return (fill as any).call(this, text, x, y, ...rest);
    };
  });
  const app = new Article(page);
  await app.goto('v=1');
  await app.waitForChart('fit-matrix');
  const at: { text: string; x: number; y: number }[] = await page.evaluate(() => (window as any).__fitTexts);
  const last = (t: string) => [...at].reverse().find((p) => p.text === t)!;
  const row = last('Llama-3.1-8B');
  const col = last('INT4');
  expect(row && col).toBeTruthy();
  await app.chart('fit-matrix').click({ position: { x: col.x, y: row.y } });
  await expect(app.select('Model')).toHaveValue('llama-3.1-8b');
  await expect(app.select('Weight precision')).toHaveValue('int4');
  await expect(page).toHaveURL(/model=llama-3\.1-8b&w=int4/);
});
