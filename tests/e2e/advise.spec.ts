// "What would help?": each lever applied alone, ranked by the goal in the link; Apply and
// Compare set the lever on the scenario; the edges of issue 12 item 5 read true. Expected
// orders and outcomes are reasoned by hand from the roofline (see each comment), not copied
// from the engine's output; Apply is checked against the headline, which the row must match.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { Article } from './page';

const section = (page: Page) => page.getByTestId('advise');
const rows = (page: Page) => section(page).locator('tbody.adv-row');
const row = (page: Page, lever: string) => page.locator(`#advise-${lever}`);
const LEVERS = [
  'weights-fp8', 'weights-int8', 'weights-int4', 'weights-fp4', 'kv-fp8', 'batch-x2', 'batch-x4',
  'batch-knee', 'tp-x2', 'pp-x2', 'speculative', 'prefix-caching', 'chunked-prefill', 'fused-attention',
];

async function open(page: Page, query: string) {
  const app = new Article(page);
  await app.goto(query);
  await section(page).scrollIntoViewIfNeeded();
  await expect(rows(page)).toHaveCount(LEVERS.length);
  return app;
}

const ids = (page: Page) => rows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-lever')));

test('the default scenario has one row per lever, each with its anchor and the headline’s names', async ({ page }) => {
  await open(page, 'v=1');
  await expect(section(page).getByRole('heading', { level: 2 })).toHaveText('What would help?');
  for (const id of LEVERS) await expect(row(page, id)).toHaveCount(1);
  const head = section(page).locator('thead');
  await expect(head).toContainText('Time per output token');
  await expect(head).toContainText('Throughput with prefill');
  // The engine already counts the prefill in chunks and never writes the score matrix: both
  // rows say so and are greyed, after every applied row.
  for (const id of ['chunked-prefill', 'fused-attention']) {
    await expect(row(page, id)).toHaveAttribute('data-outcome', 'assumed');
    await expect(row(page, id)).toHaveClass(/adv-off/);
    await expect(row(page, id)).toContainText('Already assumed');
    await expect(row(page, id)).not.toContainText('Already assumed: Already assumed');
  }
  // FP16 KV → FP8 halves each cached element: less memory, and an "Apply" button.
  await expect(row(page, 'kv-fp8')).toHaveAttribute('data-outcome', 'applied');
  await expect(row(page, 'kv-fp8').locator('td[data-label="Memory per GPU"]')).toContainText('× the memory');
  await expect(row(page, 'kv-fp8').getByTestId('advise-apply')).toBeVisible();
  // A100: no FP8 tensor cores (sm_80), so the FP8-weights row says it dequantizes.
  await expect(row(page, 'weights-fp8')).toContainText('no FP8 tensor cores');
  // Batch 1 → 2 on Llama-2-7B at FP16 (13.5 GB weights, 0.5 MiB of KV per token) still fits.
  await expect(row(page, 'batch-x2')).toHaveAttribute('data-fit', 'fits');
});

test('off screen the advice waits; near the viewport it is computed', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(section(page)).toContainText('Computed when this section is on screen.');
  await expect(rows(page)).toHaveCount(0);
  await section(page).scrollIntoViewIfNeeded();
  await expect(rows(page)).toHaveCount(LEVERS.length);
});

test('the goal in the link reorders the rows, and the picker writes it', async ({ page }) => {
  // Batch 1 decode is memory-bound (≈1 FLOP per byte against the A100's ridge of 153), and
  // request latency is mostly 127 decode steps: the fewest bytes per weight (4-bit) wins.
  await open(page, 'v=1');
  expect((await ids(page))[0]).toMatch(/^weights-(int4|fp4)$/);
  await expect(section(page).getByRole('radio', { name: 'Latency' })).toBeChecked();
  // Throughput: one weight read serves every sequence of a memory-bound step, so batching
  // multiplies tokens per second; a batch lever comes first.
  await open(page, 'v=1&goal=throughput');
  expect((await ids(page))[0]).toMatch(/^batch-/);
  await expect(section(page).getByRole('radio', { name: 'Throughput' })).toBeChecked();
  // Fit: 13.5 GB of FP16 weights fall to ≈3.6 GB at 4.25 bits (INT4 with its scales), more than
  // halving across two GPUs (6.7 GB each) or FP8 KV (−0.57 GB) saves.
  await open(page, 'v=1&goal=fit');
  expect((await ids(page))[0]).toMatch(/^weights-(int4|fp4)$/);
  await section(page).getByRole('radio', { name: 'Throughput' }).check();
  await expect.poll(() => page.url()).toContain('goal=throughput');
  await expect.poll(async () => (await ids(page))[0]).toMatch(/^batch-/);
  await section(page).getByRole('radio', { name: 'Latency' }).check();
  await expect.poll(() => page.url()).not.toContain('goal=');
});

test('Apply on FP8 KV sets kv in the link and the headline reads what the row said', async ({ page }) => {
  await open(page, 'v=1');
  const r = row(page, 'kv-fp8');
  const abs = (label: string) => r.locator(`td[data-label="${label}"] .adv-abs`).innerText();
  const ttft = await abs('TTFT');
  const tpot = await abs('Time per output token');
  const thr = await abs('Throughput with prefill');
  await r.getByTestId('advise-apply').click();
  await expect.poll(() => page.url()).toContain('kv=fp8');
  await expect(page.getByTestId('headline-ttft')).toContainText(ttft);
  await expect(page.getByTestId('headline-tpot')).toContainText(tpot);
  await expect(page.getByTestId('headline-throughput')).toContainText(thr);
  // Now the KV cache is FP8 already: the row cannot apply and says why.
  await expect(row(page, 'kv-fp8')).toHaveAttribute('data-outcome', 'cannot');
  await expect(row(page, 'kv-fp8')).toContainText('already in FP8');
});

test('Apply on INT4 weights replaces a wider group format and keeps the rest of the link', async ({ page }) => {
  // Attention stored at FP8 (8 bits) is wider than INT4 (4.25 bits): the lever stores every
  // group in INT4, so the link's w.att goes and w=int4 comes; batch stays.
  await open(page, 'v=1&batch=8&w.att=fp8');
  await expect.poll(() => page.url()).toContain('w.att=fp8');
  await row(page, 'weights-int4').getByTestId('advise-apply').click();
  await expect.poll(() => page.url()).toContain('w=int4');
  await expect.poll(() => page.url()).not.toContain('w.att');
  await expect.poll(() => page.url()).toMatch(/[?&]batch=8(&|$)/);
});

test('Compare pins the current scenario as A and applies the lever as B', async ({ page }) => {
  await open(page, 'v=1');
  await row(page, 'batch-x2').getByTestId('advise-compare').click();
  const cmp = page.getByTestId('compare');
  await expect(cmp).toBeVisible();
  await expect(cmp).not.toContainText('B is still A');
  await expect(cmp.getByRole('row').filter({ hasText: /^Batch/ })).toContainText('2');
  await expect.poll(() => page.url()).toContain('pin=');
  await expect.poll(() => page.url()).toMatch(/[?&]batch=2(&|$)/);
});

test.describe('edges: every row reads true', () => {
  test('batch 4,096: no larger batch, and nothing fits', async ({ page }) => {
    await open(page, 'v=1&batch=4096');
    // 4,096 is the page's largest batch.
    for (const id of ['batch-x2', 'batch-x4']) {
      await expect(row(page, id)).toHaveAttribute('data-outcome', 'cannot');
      await expect(row(page, id)).toContainText('already the largest');
    }
    // 4,096 × 2,176 tokens × 0.5 MiB = 4.7 TB of KV: no single lever makes it fit on 80 GB.
    await expect(row(page, 'kv-fp8')).toHaveAttribute('data-fit', 'still-not');
    await expect(row(page, 'kv-fp8')).toContainText('Still does not fit');
  });

  test('Llama-2-70B at FP16 does not fit: under goal=fit the top row makes it fit', async ({ page }) => {
    // 69 B parameters × 2 bytes = 138 GB > 85.9 GB; at 4.25 bits ≈ 37 GB fits.
    await open(page, 'v=1&model=llama-2-70b&goal=fit');
    const top = rows(page).first();
    await expect(top).toHaveAttribute('data-fit', 'now');
    await expect(top).toContainText('Now fits');
    // Batch ×2 needs more memory still: it does not fit either, and says so first.
    await expect(row(page, 'batch-x2')).toHaveAttribute('data-fit', 'still-not');
    await expect(row(page, 'batch-x2').locator('.adv-fit')).toHaveText('Still does not fit');
  });

  test('64 GPUs: tensor parallel ×2 cannot apply', async ({ page }) => {
    // 64 is the page's largest GPU count.
    await open(page, 'v=1&gpus=64');
    await expect(row(page, 'tp-x2')).toHaveAttribute('data-outcome', 'cannot');
    await expect(row(page, 'tp-x2')).toHaveClass(/adv-off/);
  });

  test('a compute-bound decode (batch 4,096, prompt 1, output 1)', async ({ page }) => {
    // 4,096 tokens per weight read: ≈4,096 FLOP per byte at FP16, far past the ridge, so decode
    // is compute-bound; fewer weight bytes (INT4, dequantized to FP16 on the A100) gain nothing.
    await open(page, 'v=1&batch=4096&prompt=1&output=1');
    await expect(row(page, 'batch-knee')).toHaveAttribute('data-outcome', 'cannot');
    await expect(row(page, 'batch-knee')).toContainText('past the knee');
    const int4 = row(page, 'weights-int4');
    await expect(int4).toContainText('Decode is compute-bound');
    await expect(int4.locator('td[data-label="Time per output token"] .adv-ratio')).toHaveText('same');
    await expect(int4.locator('td[data-label="Bound after"]')).toContainText('decode compute-bound');
  });
});

test('the implications table’s link lands on its row', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1');
  const link = page.getByTestId('hardware').locator('a[href="#advise-batch-x2"]');
  await link.scrollIntoViewIfNeeded();
  await link.click();
  await expect(row(page, 'batch-x2')).toBeInViewport();
  // And a shared link with the fragment opens on it.
  await page.goto('./?v=1#advise-kv-fp8');
  await expect(row(page, 'kv-fp8')).toBeInViewport();
});
