// Formats per tensor group: a pasted checkpoint's quantization_config sets them, the panel
// shows them, the link carries them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { Article } from './page';

const GPT_OSS_120B = readFileSync(
  join(__dirname, '../../crates/ridgepoint/tests/data/configs/gpt-oss-120b.json'),
  'utf8',
);

test.describe('Formats per tensor group', () => {
  test('gpt-oss-120b pasted: BF16 with MXFP4 experts, listed, in the panel and in the link', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=h100-sxm');
    await app.pasteConfig(GPT_OSS_120B);
    await expect(page.getByRole('status').filter({ hasText: /^Read / })).toContainText(
      '116,789,232,960 parameters',
    );
    const assumed = page.getByTestId('config-assumptions');
    await expect(assumed).toContainText('experts stored as MXFP4, the rest as BF16');
    await expect(app.select('Weight precision')).toHaveValue('bf16');
    await page.getByText('Formats per tensor group', { exact: true }).click();
    await expect(app.select('Routed experts')).toHaveValue('mxfp4');
    await expect(app.select('Attention')).toHaveValue('same');
    // 65,168,968,320 B: MXFP4 experts (114.66 B weights × 4.25 bits) + 2.13 B others × 2 B
    // (the hand derivation is in crates/ridgepoint/tests/physics.rs).
    await expect(app.figure('memory.weights_bytes')).toHaveText('65.2 GB');
    await expect(page).toHaveURL(/[?&]w=bf16(&|$)/);
    await expect(page).toHaveURL(/[?&]w\.exp=mxfp4(&|$)/);
    // The link reproduces it.
    await app.goto(new URL(page.url()).search.slice(1));
    await expect(app.figure('memory.weights_bytes')).toHaveText('65.2 GB');
  });

  test('a group set by hand changes the weights; back to "same" restores them', async ({ page }) => {
    const app = new Article(page);
    // Llama-2-7B at FP16: 13.5 GB. The LM head alone (32,000 × 4,096) in FP8 saves 131 MB:
    // 13,476,831,232 − 131,072,000 = 13,345,759,232 B ≈ 13.3 GB.
    await app.goto('v=1');
    await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
    await page.getByText('Formats per tensor group', { exact: true }).click();
    await app.select('LM head').selectOption('fp8');
    await expect(app.figure('memory.weights_bytes')).toHaveText('13.3 GB');
    await expect(page).toHaveURL(/[?&]w\.head=fp8(&|$)/);
    await app.select('LM head').selectOption('same');
    await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
    await expect(page).not.toHaveURL(/w\.head=/);
  });
});
