// The article's views, one describe block each. For every view: (a) it renders (non-blank
// canvas after scrolling, accessible name, data table with rows), (b) it reacts to the panel
// controls that feed it (redraw and a changed number), (c) it shows the seed's numbers for the
// seed's scenario (Llama-2-7B on an A100 80GB SXM at FP16: the default page).
//
// Where the seed and the engine differ the engine's exact value is asserted, with the seed's
// band beside it (see /work/shared/reference/README.md, "The seed's own numbers, checked").
//
// Uncaught errors, console warnings and failed chart draws fail every test (fixtures.ts).
import { expect, test } from './fixtures';
import { Article, NOT_A_NUMBER, quantity } from './page';

/** The checks every chart gets: drawn, named, with a data table that has rows. */
async function expectRendered(app: Article, id: string, name: RegExp, minRows = 1) {
  await app.waitForChart(id);
  expect(await app.colours(id)).toBeGreaterThan(5);
  await expect(app.chart(id)).toHaveAttribute('role', 'img');
  await expect(app.chart(id)).toHaveAccessibleName(name);
  await app.openTable(id);
  await expect(app.table(id).locator('caption')).not.toBeEmpty();
  expect(await app.table(id).locator('thead th').count()).toBeGreaterThan(1);
  expect(await app.tableRows(id).count()).toBeGreaterThanOrEqual(minRows);
  await expect(app.table(id)).not.toContainText(NOT_A_NUMBER);
}

// The seed scenario's figures as the engine computes them (`cargo run -p ridgepoint --
// estimate --gpu a100-80gb-sxm --model llama-2-7b --prompt 2048`).
const SEED = {
  weights: '13.5 GB', // 6.74 B parameters × 2 B (the seed's "≈ 14 GB")
  ridge: '153 FLOP/B', // 312 TFLOP/s / 2.039 TB/s (the seed's 156 uses 2.0 TB/s)
  decodeIntensity: '1 FLOP/B',
  tpotFloor: '7.02 ms', // weights 13.2 GB (embedding not streamed) + KV at context 2112
  tpotFloorTinyContext: '6.48 ms', // 13.2 GB / 2.039 TB/s: weights only, prompt 1 + output 1
  ttftFloor: '88.5 ms', // 2 · P · 2048 / 312 TFLOP/s; the seed's "9 ms" is wrong by 10×
  kvPerToken: '524 kB',
  kvCrossover: '12',
};

test.describe('GPU card', () => {
  test('renders the A100 specs, peaks with ridge points, and the memory hierarchy', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const card = app.section('gpu');
    await expect(card.getByRole('heading', { level: 2 })).toHaveText('NVIDIA A100 80GB SXM');
    const specs = card.getByRole('table', { name: 'Specifications' });
    // nvidia-smi reports 81,920 MiB for the A100 80GB: 85.9 × 10⁹ B = 80 GiB.
    await expect(app.specRow(specs, 'Memory').getByRole('cell')).toHaveText('85.9 GB (80 GiB)');
    await expect(app.specRow(specs, 'Bandwidth').getByRole('cell')).toHaveText('2.04 TB/s');
    await expect(app.specRow(specs, 'SMs / compute units').getByRole('cell')).toHaveText('108');
    const peaks = card.getByRole('table', { name: 'Dense peaks and ridge points' });
    await expect(app.specRow(peaks, 'FP16 / BF16').getByRole('cell')).toHaveText([
      '312 TFLOP/s',
      SEED.ridge,
    ]);
    // A100 has no FP8 tensor cores: no FP8 row.
    await expect(app.specRow(peaks, 'FP8')).toHaveCount(0);
    const hierarchy = card.getByRole('img', { name: /^Memory hierarchy of the NVIDIA A100 80GB SXM/ });
    await expect(hierarchy).toBeVisible();
    await expect(hierarchy).toContainText('85.9 GB');
  });

  test("states the seed's SRAM/HBM ratios: ~4000× larger, ~13× slower", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const ratio = app.section('gpu').locator('.ratio');
    await expect(ratio).toContainText(/HBM is [\d.]+× larger than all on-chip SRAM/);
    const text = (await ratio.textContent())!;
    const larger = Number(/HBM is ([\d.]+)× larger/.exec(text)![1]);
    const slower = Number(/about ([\d.]+)× slower/.exec(text)![1]);
    // 80 GB / (108 × 192 KiB) ≈ 3768; the seed rounds it to ~4000×. 400 / 30 cycles ≈ 13.3.
    expect(larger).toBeGreaterThan(3500);
    expect(larger).toBeLessThan(4500);
    expect(slower).toBeGreaterThan(12.5);
    expect(slower).toBeLessThan(14);
  });

  test('follows the GPU chosen in the panel', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const card = app.section('gpu');
    await app.select('GPU').selectOption('h100-sxm');
    await expect(card.getByRole('heading', { level: 2 })).toHaveText('NVIDIA H100 SXM 80GB');
    const specs = card.getByRole('table', { name: 'Specifications' });
    await expect(app.specRow(specs, 'Bandwidth').getByRole('cell')).toHaveText('3.35 TB/s');
    const peaks = card.getByRole('table', { name: 'Dense peaks and ridge points' });
    await expect(app.specRow(peaks, 'FP16 / BF16').getByRole('cell').nth(1)).toHaveText('295 FLOP/B');
    await expect(app.specRow(peaks, 'FP8')).toHaveCount(1);
  });
});

test.describe('Why decode is slow', () => {
  test('renders the chart with its name and table', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'why-decode', /^Why decode is slow/, 2);
    await expect(app.tableRows('why-decode').first()).toContainText('read weights');
    await expect(app.tableRows('why-decode').nth(1)).toContainText('compute');
  });

  test("the lede gives the seed's ≈7 ms of reads vs ≈45 µs of math, ~150×", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const lede = app.section('why-decode').locator('.lede');
    await expect(lede).toContainText('At 2.04 TB/s the reads take');
    const text = (await lede.textContent())!;
    const reads = quantity(/the reads take ([^;]+);/.exec(text)![1]);
    const math = quantity(/the math takes ([^:]+):/.exec(text)![1]);
    const ratio = Number(/take ([\d.]+)× longer than the math/.exec(text)![1]);
    expect(reads).toBeGreaterThan(6.4e-3);
    expect(reads).toBeLessThan(7.1e-3);
    expect(math).toBeGreaterThan(40e-6);
    expect(math).toBeLessThan(50e-6);
    expect(ratio).toBeGreaterThan(140);
    expect(ratio).toBeLessThan(160);
    await expect(lede).toContainText(`the reads take ${SEED.tpotFloor}`);
    await expect(lede).toContainText('at 312 TFLOP/s the math takes 45.9 µs: the memory reads take 153× longer than the math');
  });

  test('with a one-token context the step reads only the weights: 13.2 GB in 6.48 ms', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&prompt=1&output=1');
    const lede = app.section('why-decode').locator('.lede');
    // The embedding table (0.26 GB) is gathered, not streamed: 13.5 GB stored, 13.2 GB read.
    await expect(lede).toContainText('reads 13.2 GB from memory');
    await expect(lede).toContainText(`the reads take ${SEED.tpotFloorTinyContext}`);
    await expect(lede).toContainText('the math takes 42.4 µs');
  });

  test('redraws and restates its numbers when the GPU changes', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('why-decode');
    await expect(app.chart('why-decode')).toHaveAccessibleName(/reads 14\.3 GB in 7\.02 ms at 2\.04 TB\/s/);
    await app.select('GPU').selectOption('h100-sxm');
    // The same 14,321,975,296 B and 14,321,451,008 FLOP on the H100:
    //   14,321,975,296 B / 3.35 TB/s = 4.28 ms; 14,321,451,008 FLOP / 989.4 TFLOP/s = 14.5 µs;
    //   4.2752 ms / 14.475 µs = 295× longer.
    const lede = app.section('why-decode').locator('.lede');
    await expect(lede).toContainText('At 3.35 TB/s the reads take 4.28 ms');
    await expect(lede).toContainText('at 989 TFLOP/s the math takes 14.5 µs: the memory reads take 295× longer than the math');
    await app.expectRedrawn('why-decode', before);
    await expect(app.chart('why-decode')).toHaveAccessibleName(
      /reads 14\.3 GB in 4\.28 ms at 3\.35 TB\/s but computes 14\.3 GFLOP in 14\.5 µs at 989 TFLOP\/s/,
    );
  });
});

test.describe('Roofline', () => {
  test('renders the chart with its name and the decode and prefill points', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'roofline', /^Roofline: memory roof at 2\.04 TB\/s, compute roof at 312 TFLOP\/s, ridge at 153 FLOP\/B/, 2);
    await expect(app.tableRows('roofline')).toHaveCount(2);
    await expect(app.tableRows('roofline').nth(0)).toContainText('memory-bound');
    await expect(app.tableRows('roofline').nth(1)).toContainText('compute-bound');
  });

  test("shows the seed's ridge, decode intensity and floors", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expect(app.figure('ridge_flop_per_byte')).toHaveText(SEED.ridge);
    await expect(app.figure('decode.intensity')).toHaveText(SEED.decodeIntensity);
    await expect(app.figure('decode.bound')).toHaveText('memory-bound');
    await expect(app.figure('tpot_floor_s')).toHaveText(SEED.tpotFloor);
    await expect(app.figure('ttft_floor_s')).toHaveText(SEED.ttftFloor);
    // Prefill intensity ≈ prompt length (the seed: "AI ≈ seq_len").
    const prefill = await app.figureValue('prefill.intensity');
    expect(prefill).toBeGreaterThan(1800);
    expect(prefill).toBeLessThan(2048);
  });

  test('with prompt 1 and output 1: intensity 1 FLOP/B and a 6.48 ms weight-read floor', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&prompt=1&output=1');
    await expect(app.figure('decode.intensity')).toHaveText(SEED.decodeIntensity);
    await expect(app.figure('ridge_flop_per_byte')).toHaveText(SEED.ridge);
    // The seed says 14 GB / 2 TB/s = 7 ms; the engine reads 13.2 GB (no embedding) at 2.039 TB/s.
    await expect(app.figure('tpot_floor_s')).toHaveText(SEED.tpotFloorTinyContext);
    const tpot = await app.figureValue('tpot_floor_s');
    expect(tpot).toBeGreaterThan(6.4e-3);
    expect(tpot).toBeLessThan(7.05e-3);
  });

  test('"Show each operation" adds the operations to the chart and its table', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('roofline');
    const pixels = await app.pixels('roofline');
    await app.openTable('roofline');
    await expect(app.tableRows('roofline')).toHaveCount(2);
    await expect(app.opsCheckbox()).not.toBeChecked();
    await app.opsCheckbox().check();
    await app.expectRedrawn('roofline', before);
    await expect.poll(() => app.tableRows('roofline').count()).toBeGreaterThan(2);
    const table = app.table('roofline');
    // One point per operation of each step: QKV, attention, output, MLP, LM head.
    for (const op of ['decode QKV', 'decode attn', 'decode out', 'decode MLP', 'decode head', 'prefill QKV', 'prefill MLP']) {
      await expect(table.getByRole('cell', { name: op, exact: true })).toHaveCount(1);
    }
    await expect.poll(() => app.pixels('roofline')).not.toBe(pixels);
    // Unchecking removes them again.
    const after = await app.draws('roofline');
    await app.opsCheckbox().uncheck();
    await app.expectRedrawn('roofline', after);
    await expect(app.tableRows('roofline')).toHaveCount(2);
  });

  test('redraws and moves the decode point when the weight precision changes', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('roofline');
    const pixels = await app.pixels('roofline');
    await app.select('Weight precision').selectOption('int4');
    await expect(page).toHaveURL(/[?&]w=int4(&|$)/);
    // INT4 stores 4.25 bits per weight: 6,607,077,376 × 4.25 / 8 = 3,510,009,856 B of matmul
    // weights + 1,107,820,544 B of KV (524,288 B × 2113) = 4,617,830,400 B per decode step.
    //   14,321,451,008 FLOP / 4,617,830,400 B = 3.10 FLOP/B; 4,617,830,400 B / 2.039 TB/s = 2.26 ms
    await expect(app.figure('decode.intensity')).toHaveText('3.1 FLOP/B');
    await expect(app.figure('tpot_floor_s')).toHaveText('2.26 ms');
    await app.expectRedrawn('roofline', before);
    await expect.poll(() => app.pixels('roofline')).not.toBe(pixels);
  });
});

test.describe('Memory', () => {
  test('renders the breakdown chart with its name and table', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'memory', /^Memory per GPU: weights 13\.5 GB/, 4);
    await expect(app.tableRows('memory').first()).toContainText('weights');
  });

  test("the seed's 7B at FP16 fits: 13.5 GB of weights, 15.3 GB of 80 GB", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    // 81,920 MiB as the device reports it: 85.9 GB.
    await expect(page.getByTestId('verdict')).toHaveText('Fits: 15.3 GB of 85.9 GB per GPU.');
    await expect(app.figure('memory.weights_bytes')).toHaveText(SEED.weights);
    await expect(app.figure('memory.kv_cache_bytes')).toHaveText('1.14 GB');
    await expect(app.figure('memory.total_bytes')).toHaveText('15.3 GB');
  });

  test('Llama-2-70B: FP16 does not fit on the A100 80GB, INT4 does', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('memory');
    await app.select('Model').selectOption('llama-2-70b');
    // Llama-2-70B: 68,976,648,192 parameters (80 layers × 150,994,944 attention + 80 × 3 × 8192 ×
    // 28,672 MLP + 2 × 32,000 × 8192 embedding and head + 161 × 8192 norms).
    //   weights 68,976,648,192 × 2 B = 137,953,296,384 B = 138 GB
    //   + KV 327,680 B × 2176 tokens = 0.713 GB + activations 2048 × (4 × 8192 + 2 × 28,672) × 2 B
    //   + 32,000 × 4 B = 0.369 GB + 0.5 GB overhead = 139.5 GB > 80 GB
    await expect(page.getByTestId('verdict')).toHaveText('Does not fit: 140 GB needed, 85.9 GB available per GPU.');
    await expect(app.figure('memory.weights_bytes')).toHaveText('138 GB');
    await app.expectRedrawn('memory', before);
    await expect(app.chart('memory')).toHaveAccessibleName(/^Memory per GPU: weights 138 GB/);
    await expect(app.chart('memory')).toHaveAccessibleName(/does not fit/);

    const again = await app.draws('memory');
    await app.select('Weight precision').selectOption('int4');
    // 68,976,648,192 × 4.25 / 8 = 36.64 GB + 0.713 + 0.369 + 0.5 = 38.2 GB
    await expect(page.getByTestId('verdict')).toHaveText('Fits: 38.2 GB of 85.9 GB per GPU.');
    await app.expectRedrawn('memory', again);
    await expect(app.chart('memory')).toHaveAccessibleName(/^Memory per GPU: weights 36\.6 GB/);
  });

  test('the fit matrix renders every catalog model at each precision', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'fit-matrix', /^Which models fit on NVIDIA A100 80GB SXM \(85\.9 GB\)/, 20);
    const modelOptions = await app.select('Model').locator('option').count();
    // One row per catalog model (the Model select also offers "Custom model…").
    await expect(app.tableRows('fit-matrix')).toHaveCount(modelOptions - 1);
    // FP4 is labelled by its format, NVFP4 (Precision::label).
    await expect(app.table('fit-matrix').locator('thead th')).toHaveText(['model', 'FP16', 'FP8', 'INT8', 'INT4', 'NVFP4']);
  });

  test("the fit matrix answers the seed's question: Llama-2-70B FP16 no, INT4 yes", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.waitForChart('fit-matrix');
    await app.openTable('fit-matrix');
    const row = app.tableRows('fit-matrix').filter({ has: page.getByRole('cell', { name: 'Llama-2-70B', exact: true }) });
    await expect(row).toHaveCount(1);
    const cells = row.getByRole('cell');
    // columns: model, FP16, FP8, INT8, INT4, NVFP4
    await expect(cells.nth(1)).toHaveText(/\(does not fit\)$/);
    await expect(cells.nth(4)).toHaveText(/\(fits\)$/);
    const seedRow = app.tableRows('fit-matrix').filter({ has: page.getByRole('cell', { name: 'Llama-2-7B', exact: true }) });
    await expect(seedRow.getByRole('cell').nth(1)).toHaveText('15.3 GB (fits)');
  });

  test('the fit matrix follows the GPU', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('fit-matrix');
    await app.openTable('fit-matrix');
    // Qwen2.5-32B at FP16: 32,763,876,352 parameters × 2 B = 65.53 GB + KV 262,144 B × 2176 =
    // 0.570 GB + activations 2048 × (4 × 5120 + 2 × 27,648) × 2 B + 152,064 × 4 B = 0.311 GB
    // + 0.5 GB = 66.9 GB: fits in 80 GB, not in 40 GB.
    const qwen = app
      .tableRows('fit-matrix')
      .filter({ has: page.getByRole('cell', { name: 'Qwen2.5-32B', exact: true }) })
      .getByRole('cell');
    await expect(qwen.nth(1)).toHaveText('66.9 GB (fits)');
    await app.select('GPU').selectOption('a100-40gb-sxm');
    await app.expectRedrawn('fit-matrix', before);
    await expect(app.chart('fit-matrix')).toHaveAccessibleName(/^Which models fit on NVIDIA A100 40GB SXM \(42\.9 GB\)/);
    await expect(qwen.nth(1)).toHaveText('66.9 GB (does not fit)');
  });
});

test.describe('KV cache crossover', () => {
  test('renders both charts with names and tables', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'kv-crossover', /^Memory per GPU against batch size/, 10);
    await expectRendered(app, 'kv-context', /^Memory per GPU against context length/, 10);
  });

  test("the seed's KV cache overtakes the weights from batch 12 (prompt 2048 + output 128)", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expect(app.figure('kv_per_token')).toHaveText(SEED.kvPerToken);
    await expect(app.figure('kv_crossover_batch')).toHaveText(SEED.kvCrossover);
    await app.waitForChart('kv-crossover');
    await expect(app.chart('kv-crossover')).toHaveAccessibleName(/at 2,176 tokens per sequence/);
    await expect(app.chart('kv-crossover')).toHaveAccessibleName(/overtakes the weights at batch 12/);
  });

  test('the crossover chart and figure follow the prompt length', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('kv-crossover');
    await app.setExact('Prompt length', 8192);
    await expect(page).toHaveURL(/[?&]prompt=8192(&|$)/);
    await expect(app.figure('kv_crossover_batch')).toHaveText('4');
    await app.expectRedrawn('kv-crossover', before);
    await expect(app.chart('kv-crossover')).toHaveAccessibleName(/at 8,320 tokens per sequence/);
  });

  test('the context chart follows the batch size', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('kv-context');
    await expect(app.chart('kv-context')).toHaveAccessibleName(/at batch 1:/);
    await app.setExact('Batch size', 8);
    await app.expectRedrawn('kv-context', before);
    await expect(app.chart('kv-context')).toHaveAccessibleName(/at batch 8:/);
    await expect(app.figure('memory.kv_cache_bytes')).toHaveText('9.13 GB');
  });

  test('KV precision halves the KV cache per token', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('kv-context');
    await app.select('KV-cache precision').selectOption('fp8');
    await expect(app.figure('kv_per_token')).toHaveText('262 kB');
    await expect(app.figure('kv_crossover_batch')).toHaveText('24');
    await app.expectRedrawn('kv-context', before);
  });
});

test.describe('Arithmetic intensity', () => {
  test('renders both charts with names and tables', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'decode-intensity', /^Decode arithmetic intensity against batch size/, 10);
    await expectRendered(app, 'prefill-intensity', /^Prefill arithmetic intensity against prompt length/, 10);
  });

  test('decode runs at 1 FLOP/B at batch 1 against a ridge of 153 FLOP/B', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&prompt=1&output=1');
    await app.waitForChart('decode-intensity');
    await app.openTable('decode-intensity');
    await expect(app.chart('decode-intensity')).toHaveAccessibleName(/1 FLOP\/B at batch 1, against a ridge of 153 FLOP\/B/);
    const first = app.tableRows('decode-intensity').first().getByRole('cell');
    await expect(first).toHaveText(['1', '1 FLOP/B', 'memory-bound']);
    // With a one-token context the weights dominate the reads and the batch sweep crosses the
    // ridge near batch ≈ ridge (the seed: "batch ≈ 156 saturates compute").
    await expect(app.chart('decode-intensity')).not.toHaveAccessibleName(/stays below the ridge/);
  });

  test('prefill intensity ≈ prompt length and crosses the ridge near 156 tokens', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.waitForChart('prefill-intensity');
    await app.openTable('prefill-intensity');
    await expect(app.chart('prefill-intensity')).toHaveAccessibleName(/1934 FLOP\/B at 2,048 tokens, against a ridge of 153 FLOP\/B/);
    const label = await app.label('prefill-intensity');
    const [lo, hi] = /crosses the ridge between ([\d,]+) and ([\d,]+) tokens/
      .exec(label)!
      .slice(1)
      .map((s) => Number(s.replace(/,/g, '')));
    expect(lo).toBeLessThanOrEqual(181);
    expect(hi).toBeGreaterThanOrEqual(153);
    expect(hi).toBeLessThan(300);
    const row = app.tableRows('prefill-intensity').filter({ has: page.getByRole('cell', { name: '2,048', exact: true }) });
    await expect(row.getByRole('cell')).toHaveText(['2,048', '1934 FLOP/B', 'compute-bound']);
  });

  test('both charts follow the GPU (a new ridge)', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const d = await app.drawnOnce('decode-intensity');
    const p = await app.drawnOnce('prefill-intensity');
    await app.select('GPU').selectOption('h100-sxm');
    await app.expectRedrawn('decode-intensity', d);
    await app.expectRedrawn('prefill-intensity', p);
    await expect(app.chart('decode-intensity')).toHaveAccessibleName(/against a ridge of 295 FLOP\/B/);
    await expect(app.chart('prefill-intensity')).toHaveAccessibleName(/against a ridge of 295 FLOP\/B/);
  });

  test('the decode sweep follows the model', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('decode-intensity');
    await app.openTable('decode-intensity');
    const first = app.tableRows('decode-intensity').first().getByRole('cell');
    await expect(first).toHaveText(['1', '1 FLOP/B', 'memory-bound']);
    await app.select('Model').selectOption('llama-3.1-8b');
    await app.expectRedrawn('decode-intensity', before);
    // Llama-3.1-8B at batch 1, context 2112: 7,504,658,432 matmul weights (a 128,256-token head),
    // 8 KV heads: 131,072 B of KV per token.
    //   (2 × 7,504,658,432 + 524,288 × 2112) FLOP / (7,504,658,432 × 2 B + 131,072 B × 2113)
    //   = 16,116,613,120 / 15,286,272,000 = 1.05 FLOP/B
    await expect(first).toHaveText(['1', '1.05 FLOP/B', 'memory-bound']);
  });
});

test.describe('Time estimates', () => {
  test('renders both charts with names and tables', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await expectRendered(app, 'ttft', /^Time to first token against prompt length/, 10);
    await expectRendered(app, 'batch-throughput', /^Decode step time and throughput against batch size/, 10);
  });

  test('TTFT floor for a 2048-token prompt is ≈ 88.5 ms, not the seed\'s 9 ms', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.waitForChart('ttft');
    await app.openTable('ttft');
    await expect(app.chart('ttft')).toHaveAccessibleName(/floor 88\.5 ms/);
    const row = app.tableRows('ttft').filter({ has: page.getByRole('cell', { name: '2,048', exact: true }) });
    await expect(row.getByRole('cell').nth(1)).toHaveText(SEED.ttftFloor);
    const floor = quantity((await row.getByRole('cell').nth(1).textContent())!);
    // 2 · 6.74e9 · 2048 / 312e12 = 88.5 ms; the seed's "about 9 ms" is ten times too small.
    expect(floor).toBeGreaterThan(85e-3);
    expect(floor).toBeLessThan(92e-3);
    await expect(app.figure('ttft_floor_s')).toHaveText(SEED.ttftFloor);
    // The calibrated estimate is above the floor.
    expect(await app.figureValue('ttft_s')).toBeGreaterThan(floor);
  });

  test('batch 1 decodes at the 7.02 ms floor; the knee is at batch 12', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    await app.waitForChart('batch-throughput');
    await app.openTable('batch-throughput');
    const first = app.tableRows('batch-throughput').first().getByRole('cell');
    await expect(first.nth(0)).toHaveText('1');
    await expect(first.nth(1)).toHaveText(SEED.tpotFloor);
    await expect(first.nth(3)).toHaveText('142 tok/s');
    await expect(app.figure('knee_batch')).toHaveText('batch 12 (KV-cache reads outgrow the weight reads)');
    await expect(app.chart('batch-throughput')).toHaveAccessibleName(/knee.*is at batch 12/);
  });

  test('published measurements that match the scenario are drawn, listed and sourced', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    // The seed's setup has TensorRT-LLM's A100 figures: a TTFT at 128 prompt tokens (m023)
    // and an end-to-end throughput at batch 52, 2048→128 (m011).
    await app.waitForChart('ttft');
    await expect(app.chart('ttft')).toHaveAccessibleName(/1 published measurement shown/);
    await app.openTable('ttft');
    const m023 = app.tableRows('ttft').filter({ hasText: 'm023' });
    await expect(m023.getByRole('cell').first()).toHaveText('128');
    await expect(m023.getByRole('cell').nth(3)).toHaveText(/^16(\.0)? ms \(m023 TensorRT-LLM/);
    await app.openTable('batch-throughput');
    const m011 = app.tableRows('batch-throughput').filter({ hasText: 'm011' });
    await expect(m011.getByRole('cell').first()).toHaveText('52');
    await expect(m011).toContainText('prefill included');
    await expect(page.getByTestId('published-note')).toContainText('2 published measurements');
    // Another weight format: nothing matches, and the page says so.
    await app.select('Weight precision').selectOption('int4');
    await expect(page.getByTestId('published-note')).toContainText('No published measurement');
    await expect(app.chart('ttft')).not.toHaveAccessibleName(/published/);
    await expect(app.tableRows('ttft').filter({ hasText: 'm023' })).toHaveCount(0);
  });

  test('the TTFT chart follows the prompt length', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('ttft');
    await expect(app.figure('ttft_s')).toHaveText('199 ms');
    await app.setExact('Prompt length', 512);
    await app.expectRedrawn('ttft', before);
    await expect(app.chart('ttft')).toHaveAccessibleName(/at 512 tokens/);
    // Prefill of 512 tokens: 2 × 6,476,005,376 × 512 + 524,288 × 512·513/2 + 2 × 131,072,000
    // = 6,700,545,343,488 FLOP at 45% of 312 TFLOP/s = 47.72 ms (the reads, 13.48 GB at 80% of
    // 2.039 TB/s, take 8.27 ms), + 60 µs × 32 layers + 20 µs for the one sequence = 49.7 ms.
    await expect(app.figure('ttft_s')).toHaveText('49.7 ms');
  });

  test('the throughput chart follows the GPU and the batch', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const before = await app.drawnOnce('batch-throughput');
    // A100: decode step 14,321,975,296 B / (0.8 × 2.039 TB/s) + 32 × 60 µs + 1 × 20 µs = 10.72 ms;
    // TTFT 27,626,028,662,784 FLOP / (0.45 × 312 TFLOP/s) + 1.94 ms = 198.7 ms;
    // 128 tokens / (198.7 ms + 127 × 10.72 ms) = 82.0 tok/s.
    await expect(app.figure('throughput_tokens_per_s')).toHaveText('82 tok/s');
    await expect(app.chart('batch-throughput')).toHaveAccessibleName(/at batch 1 a step takes 10\.7 ms/);
    await app.select('GPU').selectOption('h100-sxm');
    await app.expectRedrawn('batch-throughput', before);
    // H100: step 14,321,975,296 B / (0.8 × 3.35 TB/s) + 1.94 ms = 7.284 ms; TTFT 27.63 TFLOP /
    // (0.45 × 989.4 TFLOP/s) + 1.94 ms = 63.99 ms; 128 / (63.99 ms + 127 × 7.284 ms) = 129 tok/s.
    await expect(app.chart('batch-throughput')).toHaveAccessibleName(/at batch 1 a step takes 7\.28 ms/);
    await expect(app.figure('throughput_tokens_per_s')).toHaveText('129 tok/s');
    const again = await app.draws('batch-throughput');
    await app.setExact('Batch size', 16);
    // Batch 16: step (13,214,154,752 + 16 × 1,107,820,544) B / 2.68 TB/s + 1.92 ms + 16 × 20 µs
    // = 13.78 ms; TTFT 16 × 27.63 TFLOP / 445.2 TFLOP/s + 1.92 ms + 0.32 ms = 995.0 ms;
    // 16 × 128 / (995.0 ms + 127 × 13.78 ms) = 746 tok/s.
    await expect(app.figure('throughput_tokens_per_s')).toHaveText('746 tok/s');
    await app.expectRedrawn('batch-throughput', again);
    await expect(app.chart('batch-throughput')).toHaveAccessibleName(/at batch 16 a step takes 13\.8 ms/);
  });
});

test.describe('Takeaways', () => {
  test("state the seed's five points with this scenario's numbers", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const list = page.getByTestId('takeaways');
    await list.scrollIntoViewIfNeeded();
    await expect(list.getByRole('listitem')).toHaveCount(5);
    await expect(list.getByRole('listitem').nth(0)).toContainText('Decode runs at 1 FLOP/byte against a ridge of 153 FLOP/byte');
    // The same crossing the prefill-intensity chart marks ("≈ 160 tokens"): between the swept
    // lengths around the ridge of 153 FLOP/B, interpolated, two significant digits.
    await expect(list.getByRole('listitem').nth(1)).toContainText('crosses the ridge at about 160 tokens');
    await expect(list.getByRole('listitem').nth(2)).toContainText(`A decode step takes ${SEED.tpotFloor} at batch 1`);
    await expect(list.getByRole('listitem').nth(3)).toContainText(`Here it is ${SEED.kvPerToken} per token, and it outweighs the weights from batch 12`);
    await expect(list.getByRole('listitem').nth(4)).toContainText('FP16 → INT4 weights make a decode step');
  });

  test('follow the batch size', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const batching = page.getByTestId('takeaways').getByRole('listitem').nth(2);
    // At batch 1 the takeaway compares with the throughput knee, and says so.
    await expect(batching).toContainText(/at batch 1 and [\d.]+ ms at batch \d+, the throughput knee:/);
    await app.setExact('Batch size', 32);
    // Batch 32 reads 13,214,154,752 B of weights + 32 × 1,107,820,544 B of KV = 48,664,412,160 B:
    // 23.87 ms at 2.039 TB/s (its 32 × 14.32 GFLOP take 1.47 ms). 1 / 7.024 ms = 142 tokens/s;
    // 32 / 23.867 ms = 1341 tokens/s.
    await expect(batching).toContainText(
      `A decode step takes ${SEED.tpotFloor} at batch 1 and 23.9 ms at batch 32: 142 tokens/s become 1341.`,
    );
  });
});

test.describe('Formulas', () => {
  test('every derivation is listed with the seed scenario substituted', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const formulas = page.getByTestId('formulas');
    await formulas.scrollIntoViewIfNeeded();
    expect(await formulas.locator('.formula').count()).toBeGreaterThan(10);
    const ridge = formulas.locator('.formula[data-key="ridge_flop_per_byte"]');
    await expect(ridge.getByRole('heading')).toHaveText('Ridge point');
    await expect(ridge).toContainText('= 312 TFLOP/s / 2.04 TB/s');
    await expect(ridge.locator('code.result')).toHaveText(`= ${SEED.ridge}`);
    await expect(formulas.locator('.formula[data-key="memory.weights_bytes"] code.result')).toHaveText(`= ${SEED.weights}`);
    await expect(formulas.locator('.formula[data-key="ttft_floor_s"] code.result')).toHaveText(`= ${SEED.ttftFloor}`);
    await expect(formulas.locator('.formula[data-key="tpot_floor_s"] code.result')).toHaveText(`= ${SEED.tpotFloor}`);
    await expect(formulas.locator('.formula[data-key="kv_crossover_batch"] code.result')).toHaveText('= 12');
  });

  test('follow the GPU', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const ridge = page.getByTestId('formulas').locator('.formula[data-key="ridge_flop_per_byte"]');
    await app.select('GPU').selectOption('h100-sxm');
    // Far from the viewport the formulas keep what they last showed; scrolled to, they follow.
    await ridge.scrollIntoViewIfNeeded();
    await expect(ridge).toContainText('= 989 TFLOP/s / 3.35 TB/s');
    await expect(ridge.locator('code.result')).toHaveText('= 295 FLOP/B');
  });

  test("a figure's disclosure shows the same derivation", async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    const figure = page.getByTestId('ttft_floor_s');
    await figure.getByText('Time to first token (floor)').click();
    await expect(figure.locator('.derivation code.result')).toHaveText(`= ${SEED.ttftFloor}`);
    await expect(figure.locator('.derivation')).toContainText('312 TFLOP/s');
    // An open derivation follows the scenario.
    await app.select('GPU').selectOption('h100-sxm');
    await expect(figure.locator('.derivation')).toContainText('989 TFLOP/s');
    // 27,626,028,662,784 FLOP / 989.4 TFLOP/s = 27.9 ms
    await expect(figure.locator('.derivation code.result')).toHaveText('= 27.9 ms');
  });
});

test.describe('Data tables', () => {
  test('batch-swept tables list each batch size once', async ({ page }) => {
    const app = new Article(page);
    await app.goto();
    for (const id of ['kv-crossover', 'decode-intensity', 'batch-throughput']) {
      await app.waitForChart(id);
      await app.openTable(id);
      const batches = await app.firstColumn(id);
      expect(batches.length).toBeGreaterThan(10);
      expect(new Set(batches).size, `${id}: ${batches.join(', ')}`).toBe(batches.length);
    }
  });
});
