// Truthful where a scenario cannot run (issue 13, items 2 and 5), at 1280 and 390 px.
//
// Hand-derived facts used here (see crates/ridgepoint/tests/runs.rs for the arithmetic):
// - Llama-2-70B at FP16 needs 68.98e9 × 2 B = 138 GB of weights, 140 GB with KV cache,
//   activations and overhead: more than one 80 GB GPU.
// - Llama-2-7B's context window is 4,096 tokens (max_position_embeddings in its config);
//   a 100,000-token prompt + 128 output tokens is 100,128 tokens, and the longest prompt that
//   fits the window with 128 output tokens is 4,096 − 128 = 3,968, so shading starts at 3,969.
// - Batch 4,096 of 2,176-token sequences needs 4,096 × 2,176 × 524,288 B = 4.67 TB of KV
//   cache: out of memory on any single GPU here.
// - Llama-2-7B has 32 attention heads and 32 KV heads: 3 GPUs divide neither (the divisors
//   of 32 are 1, 2, 4, 8, 16, 32; ceil(32 / 3) = 11 KV heads per GPU, as if 33); 64 GPUs are
//   8 nodes of 8 (their all-reduces cross the network), each KV head copied to 64 / 32 = 2 GPUs.
import { expect, test } from './fixtures';
import { Article } from './page';

const TIME_LINES = ['ttft', 'tpot', 'throughput'];

for (const [name, viewport] of [
  ['1280', { width: 1280, height: 900 }],
  ['390', { width: 390, height: 844 }],
] as const) {
  test.describe(`Edges at ${name} px`, () => {
    test.use({ viewport });

    test('a model that does not fit: every time figure says it would not run', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1&model=llama-2-70b');
      await expect(page.getByTestId('headline-fit')).toContainText(/^Does not fit needs 140 GB of .* per GPU · largest batch 0 · context window 4,096 tokens$/);
      for (const id of TIME_LINES) {
        await expect(page.getByTestId(`headline-${id}`).locator('.hl-value')).toHaveText(/^would not run: needs 140 GB of .* per GPU$/);
        await expect(page.getByTestId(`headline-${id}`)).toHaveClass(/bad/);
      }
      for (const key of ['ttft_s', 'tpot_s', 'request_latency_s', 'throughput_tokens_per_s', 'decode_throughput_tokens_per_s', 'ttft_floor_s', 'tpot_floor_s']) {
        await expect(app.figure(key), key).toHaveText(/^would not run: needs 140 GB of /);
        await expect(page.getByTestId(key)).toHaveClass(/not-run/);
      }
      // The knee agrees with the largest batch, and the longest context is none.
      await expect(app.figure('max_batch')).toHaveText('0');
      await expect(app.figure('knee_batch')).toHaveText(/^none: not even batch 1 fits/);
      await expect(app.figure('max_context')).toHaveText('none: not even one token fits at this batch');
      // The batch chart says nothing runs.
      await app.waitForChart('batch-throughput');
      const texts = await app.canvasTexts('batch-throughput');
      expect(texts.some((t) => /out of memory at every batch|none of these fits/.test(t)), texts.join(' | ')).toBe(true);
    });

    test('a prompt past the context window is flagged and the longest context stops there', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1&prompt=100000');
      await expect(page.getByTestId('headline-fit')).toContainText(/^Too long 100,128 tokens per sequence, past the context window 4,096 tokens · memory .* per GPU$/);
      for (const id of TIME_LINES) {
        await expect(page.getByTestId(`headline-${id}`).locator('.hl-value')).toHaveText("would not run: 100,128 tokens, past the model's 4,096-token window");
      }
      await expect(page.getByTestId('verdict')).toContainText("past the model's 4,096-token context window: it would not run");
      await expect(app.figure('max_context')).toHaveText(/^4,096 tokens \(the model's context window; memory allows [\d,]+\)$/);
      await app.waitForChart('ttft');
      await expect.poll(async () => (await app.canvasTexts('ttft')).some((t) => t.includes('past the context window') && t.includes('3,969'))).toBe(true);
    });

    test('the default page stops the longest context at the window', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1');
      await expect(app.figure('max_context')).toHaveText(/^4,096 tokens \(the model's context window; memory allows [\d,]+\)$/);
      await expect(page.getByTestId('headline-fit')).toHaveClass(/^hl$|^hl /);
      await app.waitForChart('kv-context');
      await expect.poll(async () => (await app.canvasTexts('kv-context')).some((t) => /window/.test(t))).toBe(true);
    });

    test('batch 4096 runs out of memory: the knee and the chart agree with the largest batch', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1&batch=4096');
      await expect(page.getByTestId('headline-fit')).toContainText(/^Does not fit needs [\d.]+ TB of /);
      await expect(page.getByTestId('headline-ttft').locator('.hl-value')).toHaveText(/^would not run: needs [\d.]+ TB of /);
      const max = Number(await app.figure('max_batch').textContent());
      expect(max).toBeGreaterThan(0);
      expect(max).toBeLessThan(4096);
      const knee = (await app.figure('knee_batch').textContent())!;
      if (knee.startsWith('not reached')) {
        expect(knee).toContain(`memory runs out at batch ${max} first`);
      } else {
        const at = Number(knee.match(/^batch ([\d,]+)/)![1].replace(/,/g, ''));
        expect(at).toBeLessThanOrEqual(max);
      }
      await app.waitForChart('batch-throughput');
      await expect.poll(async () => (await app.canvasTexts('batch-throughput')).some((t) => t.startsWith('out of memory') && t.includes(String(max + 1)))).toBe(true);
    });

    test('3 GPUs for a 32-head model: the heads do not split, said in the headline and by the slider', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1&gpus=3');
      const w = page.getByTestId('headline-warnings');
      await expect(w).toBeVisible();
      await expect(w.locator('summary')).toContainText('Parallelism 2 notes on this GPU count');
      await w.locator('summary').click();
      await expect(w).toContainText('3 GPUs: the model\'s 32 attention heads do not split evenly 3 ways');
      await expect(w).toContainText('GPU counts the heads allow: 1, 2, 4, 8, 16, 32.');
      await expect(w).toContainText('as if padded to 33 heads');
      const slider = page.getByTestId('gpus-warnings');
      await expect(slider).toContainText('32 attention heads do not split evenly 3 ways');
      // Back to 2: nothing to say.
      if (name === '390') await page.getByTestId('panel-toggle').click();
      await app.setExact('GPUs (tensor parallel)', 2);
      await expect(page.getByTestId('headline-warnings')).toHaveCount(0);
      await expect(page.getByTestId('gpus-warnings')).toHaveCount(0);
    });

    test('64 GPUs: nodes are counted and the KV heads are replicated', async ({ page }) => {
      const app = new Article(page);
      await app.goto('v=1&gpus=64');
      const w = page.getByTestId('headline-warnings');
      await w.locator('summary').click();
      await expect(w).toContainText('64 GPUs in tensor parallel span 8 nodes of 8');
      await expect(w).toContainText('each KV head is copied to 2 GPUs');
      await expect(w).toContainText('32 attention heads do not split evenly 64 ways');
      await expect(page.getByTestId('headline-fit')).toContainText('per GPU (×64)');
    });
  });
}
