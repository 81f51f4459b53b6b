// Every sentence follows the scenario (issue 13, item 4): the takeaways, the chart sentences and
// the compare and practice cards, at the edges: batch 1 and 4,096, a 1-token prompt, a model that
// does not fit, 64 GPUs. Expected words are derived from the physics, not copied from the page:
// Llama-2-7B at FP16 does ≈2 FLOP per weight per token and reads 2 bytes per weight, so a decode
// step at batch B runs at ≈B FLOP/byte against the A100's ridge of 312 TFLOP/s / 2.039 TB/s ≈ 153
// (shared/reference/gpus.tsv): batch 1 is memory-bound, batch 4,096 compute-bound.
import { expect, test } from './fixtures';
import { Article, Ridgepoint } from './page';

async function takeaways(page: import('@playwright/test').Page, query: string) {
  const app = new Ridgepoint(page);
  await app.goto(query);
  const list = page.getByTestId('takeaways');
  await list.scrollIntoViewIfNeeded();
  await expect(list.getByRole('listitem')).toHaveCount(5);
  return { app, list, item: (i: number) => list.getByRole('listitem').nth(i) };
}

test('batch 4096 of 1-token prompts: decode and prefill are called compute-bound', async ({ page }) => {
  const { app, list, item } = await takeaways(page, 'v=1&batch=4096&prompt=1&output=1');
  await expect(item(0)).toContainText('Decode is compute-bound here.');
  await expect(item(0)).toContainText('past the ridge of 153 FLOP/byte, at batch 4096');
  // The card beside it says the same.
  await expect(app.figure('decode.bound')).toHaveText('compute-bound');
  await expect(item(1)).toContainText('Prefill of a 1-token prompt is compute-bound.');
  await expect(item(1)).toContainText('already past the ridge at 1 token per prompt');
  // INT4 weights are dequantized to FP16 on an A100, so a compute-bound step gains nothing.
  await expect(item(4)).toContainText('make a decode step no faster');
  const text = (await list.innerText()).replace(/\s+/g, ' ');
  expect(text).not.toMatch(/\b1 tokens\b/);
  expect(text).not.toMatch(/0\.\d+× less/);
  // The charts' sentences agree: the why-decode chart is not called slow, the prefill chart says
  // the crossing is below its range.
  await app.waitForChart('why-decode');
  await expect(app.chart('why-decode')).toHaveAccessibleName(/^One decode step at batch 4,096 .* the math takes 19× longer/);
  await app.waitForChart('prefill-intensity');
  await expect(app.chart('prefill-intensity')).toHaveAccessibleName(/prefill is already past the ridge at 1 token\./);
  await expect(app.chart('roofline')).toHaveAccessibleName(/prefill, 1 token at/);
});

test('batch 1 compares with the throughput knee, not with itself', async ({ page }) => {
  const { item } = await takeaways(page, 'v=1');
  await expect(item(0)).toContainText('Decode is memory-bandwidth-bound here.');
  const batching = item(2);
  await expect(batching).toContainText(/at batch 1 and [\d.]+ ms at batch \d+, the throughput knee:/);
  await expect(batching).not.toContainText(/at batch 1 and [\d.]+ ms at batch 1:/);
});

test('a 1-token prompt at batch 1 is still memory-bound in prefill; plurals agree', async ({ page }) => {
  const { app, list, item } = await takeaways(page, 'v=1&prompt=1');
  await expect(item(1)).toContainText('Prefill of a 1-token prompt is still memory-bound.');
  await expect(item(1)).toContainText('crosses the ridge at about 160 tokens per prompt');
  expect((await list.innerText()).replace(/\s+/g, ' ')).not.toMatch(/\b1 tokens\b/);
  await app.waitForChart('ttft');
  await expect(app.chart('ttft')).toHaveAccessibleName(/ at 1 token, floor /);
});

test('a model that does not fit says so before any time', async ({ page }) => {
  // Llama-2-70B at FP16: ≈69e9 weights × 2 bytes ≈ 138 GB, more than one A100's 80 GB.
  await takeaways(page, 'v=1&model=llama-2-70b');
  const caveat = page.getByTestId('takeaways-caveat');
  await expect(caveat).toContainText(/^This setup does not fit: it needs 1\d\d GB per GPU of 85\.9 GB\./);
  // Nothing larger than batch 1 fits: the batching takeaway compares with ×8 and says so.
  await expect(page.getByTestId('takeaways').getByRole('listitem').nth(2)).toContainText('at batch 8 (×8)');
});

test('64 GPUs: the words are per GPU and name the count', async ({ page }) => {
  // 1/64 of Llama-3.1-70B's ≈141 GB of FP16 weights is ≈2.2 GB per GPU; batch 8 decodes at
  // ≈8 FLOP/byte or less, far below the ridge.
  const { app, item } = await takeaways(page, 'v=1&model=llama-3.1-70b&gpus=64&batch=8');
  await expect(item(0)).toContainText('Decode is memory-bandwidth-bound here.');
  await expect(item(2)).toContainText('at batch 8:');
  await app.waitForChart('memory');
  await expect(app.chart('memory')).toHaveAccessibleName(/^Memory per GPU: weights 2\.2 GB/);
});

test('no "seed" in the takeaways, practice or compare cards', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1&practice=24');
  await page.getByTestId('pin').click();
  await app.select('GPU').selectOption('h100-sxm');
  for (const id of ['takeaways', 'practice-number', 'practice-question', 'compare']) {
    const el = page.getByTestId(id);
    await el.scrollIntoViewIfNeeded();
    expect((await el.innerText()).toLowerCase(), id).not.toContain('seed');
  }
  await expect(page.getByTestId('practice-number')).toHaveText('Question no. 24 (the link keeps it)');
});

test('compare shows throughput per GPU beside the total', async ({ page }) => {
  const app = new Article(page);
  await app.goto('v=1');
  await page.getByTestId('pin').click();
  await app.setExact('GPUs (tensor parallel)', 2);
  const compare = page.getByTestId('compare');
  const row = (label: string) =>
    compare.getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
  await expect(row('Throughput')).toBeVisible();
  await expect(row('Throughput per GPU')).toBeVisible();
  const num = async (label: string, col: number) =>
    // textContent, not innerText: an off-screen section (content-visibility: auto) has no
    // rendered text to read.
    Number(((await row(label).getByRole('cell').nth(col).textContent()) ?? '').replace(/[^\d.]/g, ''));
  // A runs on one GPU: per GPU is the total; B on two: half of it (to the 3 digits shown).
  expect(await num('Throughput per GPU', 0)).toBe(await num('Throughput', 0));
  // B's column fills in once its estimate is made: wait for it before reading.
  for (const label of ['Throughput', 'Throughput per GPU']) {
    await expect(row(label).getByRole('cell').nth(1)).toHaveText(/tok\/s/);
  }
  const [total, per] = [await num('Throughput', 1), await num('Throughput per GPU', 1)];
  expect(Math.abs(per - total / 2) / per).toBeLessThan(0.01);
});
