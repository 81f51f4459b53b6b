// Compare mode: pin the current scenario as A, change B; the charts overlay A in grey, a table
// lists what differs, and the link carries both.
import { expect, test } from './fixtures';
import { Article } from './page';

const compare = (page: import('@playwright/test').Page) => page.getByTestId('compare');
const row = (page: import('@playwright/test').Page, label: string) =>
  compare(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });

test('pinning A and changing B overlays A and lists the differences', async ({ page }) => {
  const app = new Article(page);
  await app.goto();
  await expect(compare(page)).toHaveCount(0);
  const alone = await app.pixels('roofline');
  await app.clearCanvasTexts('roofline');
  await page.getByTestId('pin').click();
  await expect(compare(page)).toContainText('B is still A');
  await app.select('GPU').selectOption('h100-sxm');
  await expect(compare(page)).not.toContainText('B is still A');
  await expect(row(page, 'GPU').getByRole('cell').nth(0)).toHaveText('NVIDIA A100 80GB SXM');
  await expect(row(page, 'GPU').getByRole('cell').nth(1)).toHaveText('NVIDIA H100 SXM 80GB');
  // Only the GPU changed: no other input row.
  await expect(row(page, 'Model')).toHaveCount(0);
  // H100 reads weights faster: B's time per output token is lower, marked better.
  const tpot = row(page, 'Time per output token').getByRole('cell');
  await expect(tpot.nth(2)).toHaveText(/^−\d/);
  await expect(tpot.nth(2)).toHaveClass(/better/);
  // The whole table shows at once (no inner scroll hiding the time rows).
  const wrap = compare(page).locator('.table-wrap');
  expect(await wrap.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
  await expect(row(page, 'Throughput')).toBeVisible();
  // Every comparing chart says it draws A; the roofline's pixels differ from B alone.
  for (const id of ['roofline', 'kv-crossover', 'decode-intensity', 'ttft', 'batch-throughput']) {
    await expect(app.chart(id)).toHaveAccessibleName(/Pinned scenario A is drawn in grey/);
  }
  await app.waitForChart('roofline');
  // The roofline now draws B's roof (989.4 TFLOP/s / 3.35 TB/s = 295 FLOP/B) and A's in grey,
  // with a key for it.
  await expect.poll(() => app.canvasTexts('roofline')).toEqual(
    expect.arrayContaining(['ridge 295 FLOP/B', 'pinned A']),
  );
  await expect.poll(() => app.pixels('roofline')).not.toBe(alone);
  // The link carries A: opening it reproduces the comparison.
  // The URL is written once the controls settle: wait until it holds both A and B's GPU.
  await expect(page).toHaveURL(/[?&]pin=/);
  await expect(page).toHaveURL(/[?&]gpu=h100-sxm(&|$)/);
  const url = page.url();
  await page.goto(url);
  await expect(row(page, 'GPU').getByRole('cell').nth(1)).toHaveText('NVIDIA H100 SXM 80GB');
  await expect(page.getByTestId('unpin')).toBeVisible();
});

test('swap exchanges A and B; unpin ends the comparison and drops it from the link', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1&model=llama-2-13b&pin=v%3D1%26batch%3D8');
  await expect(compare(page)).toContainText('A (pinned): Llama-2-7B');
  await expect(row(page, 'Batch').getByRole('cell').nth(0)).toHaveText('8');
  await page.getByTestId('swap').click();
  await expect(compare(page)).toContainText('A (pinned): Llama-2-13B');
  await expect(app.select('Model')).toHaveValue('llama-2-7b');
  await expect(row(page, 'Batch').getByRole('cell').nth(1)).toHaveText('8');
  await page.getByTestId('unpin').click();
  await expect(compare(page)).toHaveCount(0);
  await expect(app.chart('roofline')).not.toHaveAccessibleName(/Pinned/);
  await expect(page).not.toHaveURL(/pin=/);
  await expect(page).toHaveURL(/batch=8/);
});

test('a broken pinned scenario is reported as such and the page keeps working', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1&pin=gpu%3Dno-such-gpu%26batch%3D-3');
  await expect(app.problems()).toContainText('pinned scenario A');
  await expect(compare(page)).toBeVisible();
  await app.select('Model').selectOption('llama-2-13b');
  await expect(row(page, 'Model')).toBeVisible();
});

test('an embedded chart of a comparison draws A and says what A is', async ({ page }) => {
  await page.goto('./?v=1&gpu=h100-sxm&pin=v%3D1&embed=ttft');
  const canvas = page.locator('[data-chart="ttft"] canvas');
  await expect(canvas).toHaveAttribute('data-drawn', '1');
  await expect(canvas).not.toHaveAttribute('data-draw-error');
  await expect(canvas).toHaveAccessibleName(/Pinned scenario A is drawn in grey/);
  await expect(page.getByTestId('embed-pinned')).toContainText('grey: A = Llama-2-7B on NVIDIA A100 80GB SXM');
  const open = page.getByRole('link', { name: /Open in Ridgepoint/ });
  await expect(open).toHaveAttribute('href', /pin=v%3D1/);
  await expect(open).not.toHaveAttribute('href', /embed=/);
});

test("a comparing chart's data table and CSV hold A's rows after B's", async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1&gpu=h100-sxm&pin=v%3D1');
  await app.waitForChart('ttft');
  await app.openTable('ttft');
  const rows = app.tableRows('ttft');
  await expect(rows.first().getByRole('cell').first()).toHaveText('B');
  await expect(rows.filter({ has: page.getByRole('cell', { name: 'A', exact: true }) }).first()).toBeVisible();
  await expect(app.table('ttft').locator('caption')).toContainText('pinned A');
  const fig = page.locator('[data-chart="ttft"]');
  const [csv] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: /as CSV/ }).click()]);
  const text = (await import('node:fs')).readFileSync((await csv.path())!, 'utf8');
  expect(text.split('\r\n')[0]).toMatch(/^scenario,prompt_tokens,ttft_floor_s,/);
  expect(text).toContain('\r\nA,');
  // Unpinned, the table is B's alone again.
  await page.getByTestId('unpin').click();
  await expect(app.table('ttft').locator('thead th').first()).not.toHaveText('scenario');
});
