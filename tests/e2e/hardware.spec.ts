// "How a kernel runs": the execution model, the memory hierarchy table and the optimization
// implications follow the chosen GPU and scenario. Expected figures are the sources' (see
// crates/ridgepoint/src/gpu_arch.rs), written here by hand.
import { expect, test } from './fixtures';
import { Article } from './page';

test.describe('How a kernel runs on the chosen GPU', () => {
  test('the per-SM limits and the hierarchy are the chosen GPU’s, and change with it', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=a100-80gb-sxm&model=llama-2-7b&batch=1&prompt=2048&output=256');
    const section = page.getByTestId('hardware');
    await section.scrollIntoViewIfNeeded();
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(
      'How a kernel runs on the NVIDIA A100 80GB SXM',
    );
    const facts = page.getByTestId('exec-facts');
    const fact = (name: string) => facts.getByRole('row', { name: new RegExp(`^${name}`) });
    // Compute capability 8.0: 2,048 threads per SM (PyTorch's table), 64 warps of 32, 32 blocks
    // and 164 KiB of shared memory (cuda_occupancy.h), 65,536 registers (NVIDIA forums);
    // 108 SMs × 2,048 = 221,184 resident threads.
    await expect(fact('Version')).toContainText('compute capability 8.0');
    await expect(fact('Max threads per SM')).toContainText('2,048');
    await expect(fact('Max warps per SM')).toContainText('64');
    await expect(fact('Max thread blocks per SM')).toContainText('32');
    await expect(fact('Shared memory per SM')).toContainText('164 KiB');
    await expect(fact('Resident threads')).toContainText('221,184');
    await expect(page.getByTestId('kernel-chain')).toContainText('108 SMs');

    const hier = page.getByTestId('hierarchy-table');
    const level = (id: string) => hier.locator(`tr[data-level="${id}"]`);
    // 108 SMs × 192 KiB = 20.25 MiB of SRAM (three digits, the tie to even: 20.2); 40 MiB of L2; gpu-benches' A100 80GB latencies:
    // L1 36, L2 211, DRAM 570 cycles, measured on this part (no "typical" mark).
    await expect(level('sram')).toContainText('20.2 MiB');
    await expect(level('sram')).toContainText('36 cycles');
    await expect(level('l2')).toContainText('40 MiB');
    await expect(level('l2')).toContainText('211 cycles');
    await expect(level('dram')).toContainText('570 cycles');
    await expect(level('dram')).toContainText('2.04 TB/s');
    await expect(level('dram')).not.toContainText('typical');

    await app.select('GPU').selectOption('h100-sxm');
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(
      'How a kernel runs on the NVIDIA H100 SXM 80GB',
    );
    // Capability 9.0: 228 KiB of shared memory; 132 × 2,048 = 270,336 resident threads.
    await expect(fact('Shared memory per SM')).toContainText('228 KiB');
    await expect(fact('Resident threads')).toContainText('270,336');
    // The H100 SXM was not measured; the H100 PCIe's 265 / 650 cycles stand, marked typical.
    await expect(level('l2')).toContainText('265 cycles');
    await expect(level('dram')).toContainText('650 cycles');
    await expect(level('dram')).toContainText('typical');
    await expect(level('dram')).toContainText('3.35 TB/s');
  });

  test('an AMD part counts wavefronts of 64 and a TPU says why it has no execution model', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=mi300x');
    await page.getByTestId('hardware').scrollIntoViewIfNeeded();
    const facts = page.getByTestId('exec-facts');
    // ROCm gpu-specs: wavefront 64, LDS 64 KiB per CU; 304 CUs; 256 MiB Infinity Cache.
    await expect(facts.getByRole('row', { name: /^Warp size/ })).toContainText('64 threads (wavefront)');
    await expect(facts.getByRole('row', { name: /^SMs/ })).toContainText('304');
    await expect(page.getByTestId('hierarchy-table').locator('tr[data-level="l3"]')).toContainText('256 MiB');

    await app.select('GPU').selectOption('tpu-v5e');
    await expect(page.getByTestId('no-exec')).toContainText('not a SIMT GPU');
    await expect(page.getByTestId('exec-facts')).toHaveCount(0);
  });

  test('the implications follow the bound of each phase, and link to the advisor', async ({ page }) => {
    const app = new Article(page);
    await app.goto('v=1&gpu=a100-80gb-sxm&model=llama-2-7b&batch=1&prompt=2048&output=256');
    await page.getByTestId('hardware').scrollIntoViewIfNeeded();
    const phases = page.getByTestId('phase-bounds');
    // 2,048-token prefill: AI ≈ seq_len, above the ridge of 153; batch-1 decode: AI ≈ 1.
    await expect(phases.locator('[data-phase="Prefill"]')).toContainText('compute-bound');
    await expect(phases.locator('[data-phase="Decode"]')).toContainText('memory-bound');
    const table = page.getByTestId('implications-table');
    const lever = (id: string) => table.locator(`tr[data-lever="${id}"]`);
    await expect(lever('batch-x2').locator('td').nth(2)).toHaveText('helps');
    await expect(lever('batch-x2').getByRole('link')).toHaveAttribute('href', '#advise-batch-x2');
    await expect(lever('speculative').locator('td').nth(2)).toHaveText('helps');

    // Batch 4096 with a 16-token context: decode AI ≈ batch = 4096, above the ridge.
    await app.goto('v=1&gpu=a100-80gb-sxm&model=llama-2-7b&batch=4096&prompt=16&output=16');
    await page.getByTestId('hardware').scrollIntoViewIfNeeded();
    await expect(phases.locator('[data-phase="Decode"]')).toContainText('compute-bound');
    await expect(lever('batch-x2').locator('td').nth(2)).toHaveText('no');
    await expect(lever('speculative').locator('td').nth(2)).toHaveText('hurts');

    // Llama-2-70B in FP16 does not fit one A100 80GB: every row says so first.
    await app.goto('v=1&gpu=a100-80gb-sxm&model=llama-2-70b&batch=1&prompt=2048&output=256');
    await page.getByTestId('hardware').scrollIntoViewIfNeeded();
    const whys = table.locator('td.why');
    await expect(whys.first()).toContainText('Does not fit');
    for (const text of await whys.allTextContents()) expect(text).toMatch(/^Does not fit/);
  });
});
