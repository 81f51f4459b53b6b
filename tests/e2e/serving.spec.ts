// Serving under load (issue 11, item 3): the section's figures and charts come from the
// engine's simulation (crates/ridgepoint/src/serve.rs); its settings live in the link's `sv.`
// keys (serve/query.rs). A light load's TTFT is the static batch-1 TTFT: with one request at a
// time, the first token waits for nothing but its own prefill — so the two places the page shows
// that number must agree (one number, not a copy of the engine's output).
import { expect, test } from './fixtures';
import { Ridgepoint } from './page';
import type { Page } from '@playwright/test';

const section = (page: Page) => page.getByTestId('serving');
const value = (page: Page, key: string) => page.getByTestId(key).locator('.figure-value');

/** Scrolls the section into view (it runs only near the viewport) and waits for its run. */
async function reach(page: Page) {
  await section(page).scrollIntoViewIfNeeded();
  await expect(value(page, 'sv-ttft-p50')).not.toHaveText('…');
}

test('the section renders its figures, both charts and finishes its sweep', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1');
  await reach(page);
  await expect(section(page).getByRole('heading', { name: 'Serving under load' })).toBeVisible();
  for (const key of ['sv-ttft-p99', 'sv-tpot-p50', 'sv-e2e-p90', 'sv-throughput', 'sv-goodput', 'sv-running']) {
    await expect(value(page, key)).toHaveText(/\d/);
  }
  await app.waitForChart('serving-timeline');
  await section(page).getByTestId('serving-progress').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('serving-progress')).toContainText('done', { timeout: 60_000 });
  await expect(value(page, 'sv-max-rate')).toHaveText(/req\/s|none found/);
  await expect(value(page, 'sv-cost')).toHaveText('enter a price');
  await app.waitForChart('serving-load');
  await expect(app.chart('serving-load')).toHaveAccessibleName(/Serving under load: TTFT and TPOT p50 and p99 at 8 request rates/);
  // The engine's derivation of the step time opens under the mean running batch.
  await page.getByTestId('sv-running').locator('summary').click();
  await expect(page.getByTestId('sv-running').locator('.derivation')).toBeVisible();
  // One simulation in the page, timed with performance.now() around `serve::simulate`
  // (data-sim-ms; data-sim-runs counts the runs): 300, 500 (the default) and 1,000 requests, each run three times.
  const times: Record<string, number[]> = {};
  const box = page.locator('#sv-n-exact');
  for (const n of ['300', '1000', '500']) {
    times[n] = [];
    for (const rate of ['1.01', '0.99', '1']) {
      const before = await section(page).getAttribute('data-sim-runs');
      await box.fill(n);
      await box.press('Enter');
      await page.locator('#sv-rate').fill(rate);
      await page.locator('#sv-rate').press('Enter');
      await expect.poll(() => section(page).getAttribute('data-sim-runs')).not.toBe(before);
      times[n].push(Number(await section(page).getAttribute('data-sim-ms')));
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(`serving: simulate ms by requests ${JSON.stringify(times)}`);
  for (const n of ['300', '500', '1000']) expect(median(times[n]), `${n} requests`).toBeLessThanOrEqual(40);
});

test("a light load's TTFT p50 is the headline's static batch-1 TTFT", async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1&batch=1&sv.rate=0.01&sv.n=50');
  await reach(page);
  const head = await page.getByTestId('headline-ttft').locator('.hl-value').innerText();
  const headTime = head.match(/[\d.,]+ (µs|ms|s)\b/)![0];
  await expect(value(page, 'sv-ttft-p50')).toHaveText(headTime);
});

test('changing the rate changes the figures and the link', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1');
  await reach(page);
  const before = await value(page, 'sv-throughput').innerText();
  const rate = page.locator('#sv-rate');
  await rate.fill('20');
  await rate.press('Enter');
  await rate.blur();
  await expect(value(page, 'sv-throughput')).not.toHaveText(before);
  await expect.poll(() => page.url()).toContain('sv.rate=20');
  // A scenario change (batch 8, written to the link) keeps the serving settings in it.
  const batch = page.getByLabel('Batch size, exact value');
  await batch.fill('8');
  await batch.press('Enter');
  await expect.poll(() => page.url()).toContain('batch=8');
  expect(page.url()).toContain('sv.rate=20');
  await page.reload();
  await reach(page);
  await expect(page.locator('#sv-rate')).toHaveValue('20');
});

test('a bad sv.rate names the field, takes the default, and the page lives', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1&sv.rate=-3&sv.ttft=0');
  await reach(page);
  const problems = page.getByTestId('serving-problems');
  await expect(problems).toContainText('sv.rate:');
  await expect(problems).toContainText('using 1');
  await expect(problems).toContainText('sv.ttft:');
  await expect(page.locator('#sv-rate')).toHaveValue('1');
  await expect(value(page, 'sv-ttft-p50')).toHaveText(/\d/);
  await expect(page.getByTestId('headline')).toBeVisible();
});

test('?embed=serving-load draws the load chart alone', async ({ page }) => {
  const app = new Ridgepoint(page);
  await page.goto('./?v=1&embed=serving-load&sv.n=200');
  await expect(page.getByTestId('embed')).toBeVisible();
  await app.waitForChart('serving-load');
  await expect
    .poll(() => app.chart('serving-load').getAttribute('aria-label'), { timeout: 60_000 })
    .toMatch(/meets both up to|no rate found/);
  await expect(page.getByText('There is no chart named')).toHaveCount(0);
});

test('a closed loop sweeps concurrent clients, and says so in the chart, the CSV and the sentence', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto('v=1&sv.arr=closed&sv.clients=8&sv.n=200');
  await reach(page);
  await expect(page.getByTestId('serving-load-sentence')).toContainText('sweeps the number of concurrent clients');
  await section(page).getByTestId('serving-progress').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('serving-progress')).toContainText('done', { timeout: 60_000 });
  await app.waitForChart('serving-load');
  const load = app.chart('serving-load');
  await expect(load).toHaveAccessibleName(/^Serving under load, closed loop: TTFT and TPOT p50 and p99 at \d+ client counts from 1 client to \d+ clients;/);
  await expect(load).toHaveAccessibleName(/meets both up to \d+ clients? \([\d.,k]+ req\/s\)\.$|no client count found meeting both\.$/);
  // The capacity is a number of clients and the rate they drive, not a Poisson rate.
  await expect(page.getByTestId('sv-max-rate')).toHaveCount(0);
  await expect(value(page, 'sv-max-clients')).toHaveText(/^\d+ clients? · [\d.,k]+ req\/s$|^none found$/);
  const fig = page.locator('[data-chart="serving-load"]');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    fig.getByRole('button', { name: /serving-load data as CSV/ }).click(),
  ]);
  const text = (await import('node:fs')).readFileSync((await csv.path())!, 'utf8');
  const [head, first] = text.split('\r\n');
  expect(head).toBe('clients,rate_requests_per_s,ttft_p50_s,ttft_p99_s,tpot_p50_s,tpot_p99_s,meets_slo,ttft_slo_s,tpot_slo_s,max_clients,max_rate_requests_per_s');
  expect(first.split(',')[0]).toBe('1');
  // Back to Poisson: the curve and the sentence are about the rate again.
  await page.locator('#sv-arr').selectOption('poisson');
  await expect(page.getByTestId('serving-load-sentence')).toContainText('sweeps the Poisson request rate');
  await expect(page.getByTestId('serving-progress')).toContainText('done', { timeout: 60_000 });
  await expect(load).toHaveAccessibleName(/^Serving under load: TTFT and TPOT p50 and p99 at 8 request rates/);
  await expect(value(page, 'sv-max-rate')).toHaveText(/req\/s|none found/);
});

// Screenshots for people to look at: SHOTS=1.
test('screenshot 1280 closed loop', async ({ page }) => {
  test.skip(!process.env.SHOTS, 'SHOTS=1 to take screenshots');
  await page.setViewportSize({ width: 1280, height: 900 });
  const app = new Ridgepoint(page);
  await app.goto('v=1&sv.arr=closed&sv.clients=8');
  await reach(page);
  await expect(page.getByTestId('serving-progress')).toContainText('done', { timeout: 60_000 });
  await app.waitForChart('serving-load');
  await app.waitForChart('serving-timeline');
  await section(page).screenshot({ path: 'tests/test-results/serving-closed-1280.png' });
});

for (const [w, h] of [[1280, 900], [390, 844]] as const) {
  for (const theme of ['light', 'dark']) {
    test(`screenshot ${w} ${theme}`, async ({ page }) => {
      test.skip(!process.env.SHOTS, 'SHOTS=1 to take screenshots');
      await page.setViewportSize({ width: w, height: h });
      const app = new Ridgepoint(page);
      await app.goto(`v=1&theme=${theme}`);
      await reach(page);
      await expect(page.getByTestId('serving-progress')).toContainText('done', { timeout: 60_000 });
      await app.waitForChart('serving-load');
      await app.waitForChart('serving-timeline');
      await section(page).screenshot({ path: `tests/test-results/serving-${w}-${theme}.png` });
    });
  }
}
