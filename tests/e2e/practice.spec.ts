// Practice mode. `practice=<seed>` in the link fixes the question (ridgepoint::practice::question),
// so these specs know it and its answer. The answers below are worked out by hand from the
// question's scenario with the engine's formulas, and agree with `practice::question` run natively
// for the same seeds (and, for seed 24, with the page's own figure once the scenario is loaded).
import { expect, test } from './fixtures';
import { NOT_A_NUMBER, Ridgepoint } from './page';

async function open(page: import('@playwright/test').Page, query: string) {
  const app = new Ridgepoint(page);
  await app.goto(query);
  const card = page.locator('#sec-practice');
  await card.scrollIntoViewIfNeeded();
  return { app, card, question: card.getByTestId('practice-question'), answer: card.getByTestId('practice-answer') };
}

test('practice=24: a number to estimate, how far off the guess was, and the derivation', async ({ page }) => {
  const { app, card, question, answer } = await open(page, 'v=1&practice=24');
  await expect(question).toHaveText(
    'Llama-2-7B on one NVIDIA H200 SXM 141GB at INT8, batch 2, 4096 prompt + 256 output tokens: ' +
      'what is the time per output token at 100% of peak, in ms?',
  );
  await expect(card.getByRole('button', { name: 'Yes' })).toHaveCount(0);
  const guess = card.getByLabel('Your estimate');
  await guess.fill('abc');
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByText('Enter a number (no units), then check.')).toBeVisible();
  await expect(answer).toHaveCount(0);

  // A decode step at batch 2, context 4096 + 256/2 = 4224, reads
  //   6,607,077,376 matmul weights × 1 B (INT8) + 2 × 524,288 B × 4225 KV tokens = 11,037,310,976 B
  //   → 11,037,310,976 B / 4.8 TB/s = 2.2994 ms
  // and computes 2 × (2 × 6,607,077,376 + 524,288 × 4224) = 30,857,494,528 FLOP
  //   → / 989.4 TFLOP/s (INT8 weights run in FP16) = 31.2 µs: memory-bound, 2.3 ms.
  // A guess of 2 ms is 2 / 2.2994 − 1 = −13.0%: 13% low.
  await guess.fill('2');
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(answer).toContainText('Answer: 2.3 ms. You were 13% low.');
  await expect(answer.locator('.derivation code.result')).toHaveText(['= 2.3 ms', '= 31.2 µs', '= 2.3 ms']);
  await expect(answer).not.toContainText(NOT_A_NUMBER);

  // "Load this scenario above" puts the question's scenario in the panel and the link (the seed
  // stays), and the page's own figure gives the same answer.
  await card.getByRole('button', { name: 'Load this scenario above' }).click();
  await expect(page).toHaveURL(/\?v=1&cal=2&gpu=h200-sxm&w=int8&batch=2&prompt=4096&output=256&practice=24$/);
  await expect(app.select('GPU')).toHaveValue('h200-sxm');
  await expect(app.select('Weight precision')).toHaveValue('int8');
  await expect(page.getByLabel('Batch size, exact value')).toHaveValue('2');
  // 4096 + 256 = 4,352 tokens are past Llama-2-7B's 4,096-token window, so the figure says the
  // scenario would not run; its derivation still gives the answer.
  await expect(app.figure('tpot_floor_s')).toHaveText("would not run: 4,352 tokens, past the model's 4,096-token window");
  await page.getByTestId('tpot_floor_s').locator('summary').click();
  await expect(page.getByTestId('tpot_floor_s').locator('.derivation code.result')).toHaveText('= 2.3 ms');
});

test('practice=20: a yes/no question, right and wrong', async ({ page }) => {
  const { card, question, answer } = await open(page, 'v=1&practice=20');
  await expect(question).toHaveText(
    'Does Llama-2-70B on one NVIDIA L40S at INT4, batch 8, 4096 prompt + 256 output tokens fit in memory?',
  );
  // weights 68,976,648,192 × 4.25 / 8 B = 36.64 GB
  // + KV 8 × 327,680 B × (4096 + 256) tokens = 11.41 GB
  // + activations min(8 × 4096, 8192) × (4 × 8192 + 2 × 28,672) × 2 B + 8 × 32,000 × 4 B = 1.48 GB
  // + 0.5 GB overhead = 50.03 GB > 48.3 GB (46,068 MiB as nvidia-smi reports the L40S): no.
  await card.getByRole('button', { name: 'Yes' }).click();
  await expect(answer).toHaveText(/^Answer: No: 50 GB needed of 48\.3 GB\. Not quite\./);
  await card.getByRole('button', { name: 'No' }).click();
  await expect(answer).toHaveText(/^Answer: No: 50 GB needed of 48\.3 GB\. Right\./);
  await expect(answer.locator('.derivation code.result')).toHaveText(['= 36.6 GB', '= 11.4 GB', '= 50 GB']);
});

test('"New question" draws a seed and writes it to the link, which shows the same question', async ({ page }) => {
  const { card, question, answer } = await open(page, 'v=1&practice=20');
  const twenty = (await question.textContent())!;
  await card.getByRole('button', { name: 'No' }).click();
  await expect(answer).toBeVisible();
  await card.getByRole('button', { name: 'New question' }).click();
  await expect(answer).toHaveCount(0);
  await expect(page).not.toHaveURL(/[?&]practice=20(&|$)/);
  await expect(page).toHaveURL(/[?&]practice=\d+$/);
  const seed = /[?&]practice=(\d+)$/.exec(page.url())![1];
  await expect(question).not.toHaveText(twenty);
  await expect(question).toHaveText(/\?$/);
  await expect(question).not.toContainText(NOT_A_NUMBER);
  const asked = (await question.textContent())!;

  await page.goto(page.url());
  await card.scrollIntoViewIfNeeded();
  await expect(page).toHaveURL(new RegExp(`[?&]practice=${seed}$`));
  await expect(question).toHaveText(asked);
});
