// The scenario panel (presets, custom GPU and model forms, config.json paste), the theme
// toggle, the phone layout and a hostile link.
import { expect, test } from './fixtures';
import { Article } from './page';

/** Llama-3.1-8B's config.json (GQA: 8 KV heads, 128k vocabulary, untied embeddings). */
const LLAMA_31_8B = JSON.stringify({
  _name_or_path: 'meta-llama/Llama-3.1-8B',
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  rms_norm_eps: 1e-5,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
});

test.describe('Calibration', () => {
  test('a link from an older calibration says so until the reader changes it', async ({ page }) => {
    const app = new Article(page);
    // No `cal`: a link made with calibration 1.
    await app.goto('v=1&batch=8');
    const note = page.getByTestId('headline-recalibrated');
    await expect(note).toContainText('recalibrated since: calibration 2 on 2026-12-02');
    // Opening it rewrites nothing.
    await expect(page).toHaveURL(/\?v=1&batch=8$/);
    // A change makes it today's scenario: the note goes, the link says which calibration.
    await app.setExact('Batch size', 16);
    await expect(note).toHaveCount(0);
    await expect(page).toHaveURL(/\?v=1&cal=2&batch=16$/);
  });

  test('the bare page is today\'s calibration, with no note', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expect(page.getByTestId('headline')).toBeVisible();
    await expect(page.getByTestId('headline-recalibrated')).toHaveCount(0);
  });
});

test.describe('Engine profile', () => {
  test('SGLang: its memory rule sets the largest batch; no figures of its own, so the calibrated band', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&cal=2');
    await app.select('Engine profile').selectOption('sglang');
    await expect(page).toHaveURL(/[?&]engine=sglang(&|$)/);
    await expect(page.getByTestId('engine-fit')).toContainText('mem_fraction_static');
    await expect(page.getByTestId('headline-band')).toContainText(
      'SGLang profile: no published figure of its own checked yet; the calibrated profile\'s 224 published figures',
    );
    // Weights and cache within 0.836 of the A100's 81,920 MiB (reserve 13,440 MiB at TP 1):
    // (0.836 × 85.90 GB − 13.48 GB of weights) / 1.14 GB per 2,176-token sequence = 51.1.
    const advise = page.getByTestId('advise');
    await advise.scrollIntoViewIfNeeded();
    await expect(page.getByTestId('advise-baseline')).toContainText('largest batch 51,');
  });
});

test.describe('Presets', () => {
  test('choosing a preset loads its scenario into the controls, the URL and the numbers', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('roofline');
    await app.select('Preset').selectOption({ label: 'Llama-2-70B on 2× H100, FP8, batch 32' });
    await expect(page).toHaveURL(/\?v=1&cal=2&gpu=h100-sxm&model=llama-2-70b&w=fp8&kv=fp8&batch=32&gpus=2$/);
    await expect(app.select('GPU')).toHaveValue('h100-sxm');
    await expect(app.select('Model')).toHaveValue('llama-2-70b');
    await expect(app.select('Weight precision')).toHaveValue('fp8');
    await expect(app.select('KV-cache precision')).toHaveValue('fp8');
    await expect(page.getByLabel('Batch size, exact value')).toHaveValue('32');
    await expect(page.getByLabel('GPUs (tensor parallel), exact value')).toHaveValue('2');
    await expect(app.figure('memory.weights_bytes')).toHaveText('69 GB');
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('591 FLOP/B');
    await app.expectRedrawn('roofline', before);
  });

  test("the seed preset returns to the seed's scenario", async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=rtx-4090&model=llama-3.1-8b&w=int4&batch=8');
    // 8,030,261,248 parameters × 4.25 bits (INT4 + group-128 scale and zero) / 8 = 4.27 GB
    await expect(app.figure('memory.weights_bytes')).toHaveText('4.27 GB');
    await app.select('Preset').selectOption({ label: "The article's example: Llama-2-7B on A100 80GB, FP16" });
    await expect(page).toHaveURL(/\?v=1&cal=2$/);
    await expect(app.select('GPU')).toHaveValue('a100-80gb-sxm');
    await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('153 FLOP/B');
  });

  test('after a preset is applied and then edited, the picker no longer claims that preset', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const preset = app.select('Preset');
    await preset.selectOption({ label: 'Llama-2-70B on 2× H100, FP8, batch 32' });
    await expect(page).toHaveURL(/batch=32/);
    await app.setExact('Batch size', 8);
    await expect(page).toHaveURL(/batch=8/);
    await expect(preset).toHaveValue('');
  });
});

test.describe('Custom GPU', () => {
  test('"Custom GPU…" opens a form; editing the bandwidth changes the numbers and the URL', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expect(app.customGpu()).toHaveCount(0);
    await app.select('GPU').selectOption({ label: 'Custom GPU…' });
    await expect(app.customGpu()).toBeVisible();
    const bandwidth = app.customGpu().getByLabel('Bandwidth');
    // Starts from the GPU that was chosen.
    await expect(bandwidth).toHaveValue('2039');
    await expect(page).toHaveURL(/[?&]gpu=custom(&|$)/);
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('153 FLOP/B');
    const before = await app.drawnOnce('roofline');

    await bandwidth.fill('1000');
    await bandwidth.press('Enter');
    await expect(page).toHaveURL(/[?&]g\.bw=1000(&|$)/);
    // 312 TFLOP/s / 1 TB/s
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('312 FLOP/B');
    // Decode reads 6,607,077,376 × 2 B of matmul weights + 524,288 B × 2113 tokens of KV
    // = 14,321,975,296 B; at 1 TB/s that is 14.3 ms (7.02 ms at 2.039 TB/s).
    await expect(app.figure('tpot_floor_s')).toHaveText('14.3 ms');
    const specs = app.section('gpu').getByRole('table', { name: 'Specifications' });
    await expect(app.specRow(specs, 'Bandwidth').getByRole('cell')).toHaveText('1 TB/s');
    await app.expectRedrawn('roofline', before);
  });

  test('a non-positive bandwidth is refused with a message and changes nothing', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=custom');
    const bandwidth = app.customGpu().getByLabel('Bandwidth');
    await expect(bandwidth).toBeVisible();
    const url = page.url();
    await bandwidth.fill('-5');
    await bandwidth.press('Enter');
    await expect(app.customGpu().getByText('Enter a positive number.')).toBeVisible();
    await expect(bandwidth).toHaveAttribute('aria-invalid', 'true');
    expect(page.url()).toBe(url);
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('153 FLOP/B');
  });

  test('a custom GPU link restores the same figures', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.select('GPU').selectOption({ label: 'Custom GPU…' });
    const bandwidth = app.customGpu().getByLabel('Bandwidth');
    await bandwidth.fill('1500');
    await bandwidth.press('Enter');
    await expect(page).toHaveURL(/g\.bw=1500/);
    // The A100's 312 TFLOP/s with 1.5 TB/s:
    const expected: Record<string, string> = {
      ridge_flop_per_byte: '208 FLOP/B', // 312 / 1.5
      tpot_floor_s: '9.55 ms', // 14,321,975,296 B / 1.5 TB/s
      // compute-bound: 27,626,028,662,784 FLOP / 312 TFLOP/s (bandwidth does not enter)
      ttft_floor_s: '88.5 ms',
      // 13.48 GB weights + 1.14 GB KV (2176 tokens × 524,288 B) + 0.157 GB activations
      // (2048 tokens × (4 × 4096 + 2 × 11008) × 2 B + 32,000 × 4 B) + 0.5 GB = 15.28 GB
      'memory.total_bytes': '15.3 GB',
    };
    for (const [key, text] of Object.entries(expected)) await expect(app.figure(key)).toHaveText(text);
    await page.goto(page.url());
    await app.waitForChart('roofline');
    await expect(app.select('GPU')).toHaveValue('custom');
    await expect(app.customGpu().getByLabel('Bandwidth')).toHaveValue('1500');
    for (const [key, text] of Object.entries(expected)) await expect(app.figure(key)).toHaveText(text);
  });

  test('a custom GPU made from an H100 keeps its numbers through a reload (FP32 weights)', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=h100-sxm&w=fp32');
    await app.select('GPU').selectOption({ label: 'Custom GPU…' });
    await expect(page).toHaveURL(/gpu=custom/);
    const expected: Record<string, string> = {
      ridge_flop_per_byte: '20 FLOP/B', // FP32 66.9 TFLOP/s / 3.35 TB/s = 19.97
      ttft_floor_s: '413 ms', // 27,626,028,662,784 FLOP / 66.9 TFLOP/s = 0.413 s
    };
    for (const [key, text] of Object.entries(expected)) await expect(app.figure(key)).toHaveText(text);
    await page.goto(page.url());
    await app.waitForChart('roofline');
    for (const [key, text] of Object.entries(expected)) {
      await expect(app.figure(key)).toHaveText(text, { timeout: 3000 });
    }
  });
});

test.describe('Custom model', () => {
  test('"Custom model…" opens a form; doubling the layers doubles the weights', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.select('Model').selectOption({ label: 'Custom model…' });
    const form = app.customModel();
    await expect(form).toBeVisible();
    const layers = form.getByLabel('Layers');
    await expect(layers).toHaveValue('32');
    await expect(form.getByLabel('Hidden size')).toHaveValue('4096');
    const before = await app.drawnOnce('memory');
    await layers.fill('64');
    await layers.press('Enter');
    await expect(page).toHaveURL(/[?&]model=custom(&|.*&)m\.l=64(&|$)/);
    // 6.74 B → 13.2 B parameters (embedding and LM head are not doubled).
    await expect(app.figure('memory.weights_bytes')).toHaveText('26.4 GB');
    await app.expectRedrawn('memory', before);
  });

  test('more KV heads than attention heads is refused with a message naming the field', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.select('Model').selectOption({ label: 'Custom model…' });
    const kv = app.customModel().getByLabel('KV heads');
    await kv.fill('64');
    await kv.press('Enter');
    const alert = app.customModel().getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('kv_heads');
    await expect(kv).toHaveValue('64');
    await expect(page).toHaveURL(/model=custom/);
    await expect(page).not.toHaveURL(/m\.kv=64/);
    await expect(app.figure('kv_per_token')).toHaveText('524 kB');
    // A valid value clears the message and goes through.
    await kv.fill('8');
    await kv.press('Enter');
    await expect(alert).toBeHidden();
    await expect(page).toHaveURL(/m\.kv=8/);
    await expect(app.figure('kv_per_token')).toHaveText('131 kB');
  });

  test('KV heads that do not divide the attention heads are refused', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.select('Model').selectOption({ label: 'Custom model…' });
    const kv = app.customModel().getByLabel('KV heads');
    await kv.fill('3');
    await kv.press('Enter');
    await expect(app.customModel().getByRole('alert')).toBeVisible({ timeout: 3000 });
    await expect(page).not.toHaveURL(/m\.kv=3(&|$)/);
  });
});

test.describe('Efficiency and speculative decoding', () => {
  test('100% of peak and no overheads bring the estimate down to the floor', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    // The floor: 14,321,975,296 B / 2.039 TB/s = 7.02 ms (the 45.9 µs of math hides under it).
    const floor = '7.02 ms';
    await expect(app.figure('tpot_floor_s')).toHaveText(floor);
    // Calibrated: 14,321,975,296 B / (0.8 × 2.039 TB/s) = 8.78 ms, + 60 µs × 32 layers + 20 µs
    // for the one sequence = 10.7 ms.
    await expect(app.figure('tpot_s')).toHaveText('10.7 ms');
    await page.getByText('Efficiency and overheads').click();
    await app.setExact('Bandwidth achieved', 100);
    await app.setExact('Compute achieved', 100);
    await app.setExact('Overhead per layer per step', 0);
    await app.setExact('Overhead per sequence per step', 0);
    await expect(app.figure('tpot_s')).toHaveText(floor);
    // The URL is written once the controls settle: wait until it holds all three.
    await expect(page).toHaveURL(/[?&]eb=100(&|$)/);
    await expect(page).toHaveURL(/[?&]ec=100(&|$)/);
    await expect(page).toHaveURL(/[?&]layer=0(&|$)/);
    await expect(page).toHaveURL(/[?&]seq=0(&|$)/);
    // The link restores the group's values, which show when it is opened.
    await page.reload();
    await page.getByText('Efficiency and overheads').click();
    await expect(page.getByLabel('Bandwidth achieved, exact value')).toHaveValue('100');
    await expect(app.figure('tpot_s')).toHaveText(floor);
  });

  test('a draft model turns speculative decoding on and shortens the time per token', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expect(app.figure('spec.tokens_per_step')).toHaveText('off');
    await expect(app.figure('tpot_s')).toHaveText('10.7 ms');
    await page.getByText('Speculative decoding').click();
    await app.select('Draft model').selectOption('llama-3.2-1b');
    // k = 4 drafted tokens accepted at α = 0.7: (1 − 0.7^5) / (1 − 0.7) = 0.83193 / 0.3 = 2.77.
    await expect(app.figure('spec.tokens_per_step')).toHaveText('2.77');
    // Per step, calibrated (80% of 2.039 TB/s, 45% of 312 TFLOP/s, 60 µs per layer, 20 µs per
    // sequence):
    //   draft Llama-3.2-1B: 1,235,746,816 × 2 B + 69,238,784 B of KV = 2.54 GB
    //     → 2.54 GB / 1.631 TB/s + 16 × 60 µs + 20 µs = 2.54 ms, four times
    //   verify 5 tokens on Llama-2-7B: 13,214,154,752 B + 524,288 B × 2117 = 14.32 GB
    //     → 14.32 GB / 1.631 TB/s + 32 × 60 µs + 20 µs = 10.72 ms
    //   (4 × 2.538 + 10.721) ms / 2.7731 tokens = 7.53 ms per token
    await expect(app.figure('tpot_s')).toHaveText('7.53 ms');
    await app.setExact('Acceptance rate', 20);
    // (1 − 0.2^5) / (1 − 0.2) = 0.99968 / 0.8 = 1.25; (4 × 2.538 + 10.721) / 1.2496 = 16.7 ms.
    await expect(app.figure('spec.tokens_per_step')).toHaveText('1.25');
    await expect(app.figure('tpot_s')).toHaveText('16.7 ms');
    await expect(page).toHaveURL(/draft=llama-3\.2-1b/);
  });
});

test.describe('Model source', () => {
  test('says where the chosen model\'s shape comes from', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const source = page.getByTestId('model-source');
    await source.getByText("Where this model's shape comes from").click();
    await expect(source).toContainText('meta-llama');
    await app.select('Model').selectOption('mixtral-8x7b');
    await expect(source).toContainText('mistralai/Mixtral-8x7B-v0.1');
    await expect(source).not.toContainText('meta-llama');
  });
});

test.describe('Paste a config.json', () => {
  test('a valid Llama config becomes the custom model and the message gives its parameters', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('roofline');
    await app.pasteConfig(LLAMA_31_8B);
    const message = page.getByRole('status').filter({ hasText: /^Read / });
    await expect(message).toHaveText(
      'Read meta-llama/Llama-3.1-8B: 8,030,261,248 parameters (8,030,261,248 active), 32 layers.',
    );
    await expect(app.select('Model')).toHaveValue('custom');
    await expect(page).toHaveURL(/[?&]model=custom(&|$)/);
    await expect(page).toHaveURL(/[?&]m\.kv=8(&|$)/);
    await expect(app.figure('memory.weights_bytes')).toHaveText('16.1 GB');
    await expect(app.figure('kv_per_token')).toHaveText('131 kB');
    await app.expectRedrawn('roofline', before);
  });

  test('invalid JSON is refused with a message naming the problem; the page keeps working', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.pasteConfig('{ "hidden_size": 4096, ');
    const message = page.getByRole('status').filter({ hasText: 'config.json is not valid JSON' });
    await expect(message).toBeVisible();
    await expect(app.select('Model')).toHaveValue('llama-2-7b');
    await expect(app.figure('memory.weights_bytes')).toHaveText('13.5 GB');
    // Still alive.
    await app.select('Model').selectOption('llama-2-13b');
    await expect(page).toHaveURL(/model=llama-2-13b/);
    await expect(app.figure('memory.weights_bytes')).toHaveText('26 GB');
    expect(await app.colours('roofline')).toBeGreaterThan(5);
  });

  test('a config missing a required field names that field', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.pasteConfig('{ "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000 }');
    await expect(page.getByRole('status').filter({ hasText: 'missing field "hidden_size"' })).toBeVisible();
    await expect(app.select('Model')).toHaveValue('llama-2-7b');
  });
});

test.describe('Theme', () => {
  test('the toggle switches data-theme on <html> and redraws the charts', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const html = page.locator('html');
    await expect(html).not.toHaveAttribute('data-theme', /.*/);
    const before = await app.drawnOnce('roofline');
    const light = await app.pixels('roofline');
    await expect(app.themeToggle()).toHaveAccessibleName('Switch to dark theme');
    await app.themeToggle().click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(app.themeToggle()).toHaveAccessibleName('Switch to light theme');
    await app.expectRedrawn('roofline', before);
    await expect.poll(() => app.pixels('roofline')).not.toBe(light);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    const again = await app.draws('roofline');
    await app.themeToggle().click();
    await expect(html).toHaveAttribute('data-theme', 'light');
    await app.expectRedrawn('roofline', again);
    await expect.poll(() => app.pixels('roofline')).toBe(light);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(bg);
  });

  test('?theme=dark draws the charts on a dark background, ?theme=light on a light one', async ({ page }) => {
    const app = new Article(page);
    /** Mean brightness (0–255) of the canvas's top-left 8×8 pixels: the chart background. */
    const background = () =>
      app.chart('roofline').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, 8, 8).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
        return sum / (d.length / 4);
      });
    await app.goto('v=1&theme=dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const dark = await background();
    const darkPixels = await app.pixels('roofline');
    await app.goto('v=1&theme=light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    const light = await background();
    expect(dark).toBeLessThan(100);
    expect(light).toBeGreaterThan(155);
    expect(await app.pixels('roofline')).not.toBe(darkPixels);
  });

  test('?theme=dark starts dark and survives scenario changes', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&theme=dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await app.select('GPU').selectOption('h100-sxm');
    await expect(page).toHaveURL(/gpu=h100-sxm/);
    await expect(page).toHaveURL(/theme=dark/);
  });
});

test.describe('Phone layout', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('at 390 px there is no horizontal scrollbar and the charts are drawn', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const overflow = () => page.evaluate(() => document.scrollingElement!.scrollWidth);
    expect(await overflow()).toBeLessThanOrEqual(391);
    for (const id of ['why-decode', 'roofline', 'memory', 'fit-matrix', 'kv-crossover', 'ttft', 'batch-throughput']) {
      await app.waitForChart(id);
      expect(await app.colours(id), id).toBeGreaterThan(5);
      const width = await app.chart(id).evaluate((c) => c.getBoundingClientRect().right);
      expect(width, id).toBeLessThanOrEqual(391);
    }
    expect(await overflow()).toBeLessThanOrEqual(391);
  });

  test('at 390 px an open data table scrolls inside its box, not the page', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.waitForChart('batch-throughput');
    await app.openTable('batch-throughput');
    await app.openTable('fit-matrix');
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(391);
  });

  test('at 390 px the panel controls still work', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    // The panel is a bottom sheet on a phone: closed, its controls are hidden behind the bar.
    await expect(app.select('GPU')).toBeHidden();
    await page.getByTestId('panel-toggle').click();
    await app.select('GPU').selectOption('h100-sxm');
    await expect(page).toHaveURL(/gpu=h100-sxm/);
    await expect(app.figure('ridge_flop_per_byte')).toHaveText('295 FLOP/B');
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(391);
  });
});

test.describe('Hostile link', () => {
  const HOSTILE = 'model=<script>alert(1)</script>&batch=1e99&gpu=custom&g.bw=-1';

  test('shows each problem as text, runs no script, injects nothing, keeps working', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const app = new Article(page);
    await page.goto(`./?${HOSTILE}`);
    await app.waitForChart('roofline');
    const problems = app.problems();
    await expect(problems).toBeVisible();
    await expect(problems).toContainText('unknown model “<script>alert(1)</script>”; using llama-2-7b');
    await expect(problems).toContainText('batch “1e99” is not a whole number; using 1');
    await expect(problems).toContainText(/g\.bw “-1” is not a number [^;]*; using 2039/);
    // Messages are text: no element came out of the link.
    expect(await problems.locator('li *').count()).toBe(0);
    expect(await page.locator('script').evaluateAll((s) => s.filter((e) => e.textContent?.includes('alert')).length)).toBe(0);
    expect(await page.locator('body script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // The good parts of the link were kept; the bad ones took their defaults.
    await expect(app.select('GPU')).toHaveValue('custom');
    await expect(app.customGpu().getByLabel('Bandwidth')).toHaveValue('2039');
    await expect(app.select('Model')).toHaveValue('llama-2-7b');
    await expect(page.getByLabel('Batch size, exact value')).toHaveValue('1');
    await expect(page).not.toHaveURL(/script/i);
    expect(await app.colours('roofline')).toBeGreaterThan(5);
    // Alive: a control change goes through and redraws.
    const before = await app.draws('roofline');
    await app.setExact('Batch size', 4);
    await expect(page).toHaveURL(/batch=4/);
    await app.expectRedrawn('roofline', before);
    expect(dialogs).toEqual([]);
  });
});

test.describe('Parallelism', () => {
  test('pipeline and expert parallel are controls, in the link, and the GPUs add up', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=h200-sxm&model=deepseek-v3&w=fp8&kv=fp8&batch=64&gpus=8');
    const total = page.getByTestId('gpus-total');
    await expect(total).toHaveCount(0);
    const weights = await app.figure('memory.total_bytes').textContent();
    await app.setExact('Pipeline stages', 2);
    await expect(page).toHaveURL(/pp=2/);
    await expect(total).toHaveText('16 GPUs in all: TP 8 × PP 2');
    // Half the layers per GPU: less memory per GPU.
    await expect(app.figure('memory.total_bytes')).not.toHaveText(weights ?? '');
    await app.setExact('Expert parallel (GPUs sharing the experts)', 16);
    await expect(page).toHaveURL(/ep=16/);
    await expect(total).toHaveText('32 GPUs in all: TP 8 × PP 2 × EP 16, attention data parallel ×2');
    // A dense model has no experts to split: the control goes away.
    await app.select('Model').selectOption('llama-2-7b');
    await expect(page.getByLabel('Expert parallel (GPUs sharing the experts), exact value')).toHaveCount(0);
  });
});
