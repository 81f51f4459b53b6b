// Page object for Ridgepoint: the controls, figures and charts tests address, by role,
// label and test id.
import { expect, type Locator, type Page } from '@playwright/test';

export class Ridgepoint {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(query ? `./?${query}` : './');
    await this.waitForChart('roofline');
  }

  chart(id: string): Locator {
    return this.page.locator(`[data-chart="${id}"] canvas`);
  }

  /**
   * The chart's draw state: `data-drawn` (set by a draw that succeeded), `data-draws` (how many
   * succeeded) and `data-draw-error` (why the last one failed; web/src/canvas.rs).
   */
  async drawState(id: string): Promise<{ drawn: string | null; draws: number; error: string | null }> {
    return this.chart(id).evaluate((c) => ({
      drawn: c.getAttribute('data-drawn'),
      draws: Number(c.getAttribute('data-draws') ?? '0'),
      error: c.getAttribute('data-draw-error'),
    }));
  }

  /**
   * Scrolls the chart into view (off-screen charts are not drawn) and waits until it has been
   * drawn without error; a failed draw fails here with its message. Its accessible name holds
   * no non-number.
   */
  async waitForChart(id: string, options: { timeout?: number } = {}) {
    await this.chart(id).scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const s = await this.drawState(id);
        return s.error ? `draw error: ${s.error}` : s.drawn === '1' ? 'drawn' : 'not drawn yet';
      }, { message: `chart ${id} drawn without error`, ...options })
      .toBe('drawn');
    await expect(this.chart(id)).not.toHaveAccessibleName(NOT_A_NUMBER);
  }

  /**
   * Scrolls the chart back into view and waits until it has been drawn successfully more than
   * `before` times; a failed draw fails it, with its message.
   */
  async expectRedrawn(id: string, before: number, options: { timeout?: number } = {}) {
    await this.chart(id).scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const s = await this.drawState(id);
        if (s.error) return `draw error: ${s.error}`;
        return s.draws > before && s.drawn === '1' ? 'redrawn' : `${s.draws} draws, not more than ${before}`;
      }, { message: `chart ${id} redrawn without error`, ...options })
      .toBe('redrawn');
    await expect(this.chart(id)).not.toHaveAccessibleName(NOT_A_NUMBER);
  }

  /** How many times the chart has been drawn successfully. */
  async draws(id: string): Promise<number> {
    return (await this.drawState(id)).draws;
  }

  /** Every text the chart has drawn on its canvas since the page loaded (or `clearCanvasTexts`). */
  async canvasTexts(id: string): Promise<string[]> {
    return this.page.evaluate((id) => [...((window as any).__canvasTexts?.[id] ?? [])], id);
  }

  async clearCanvasTexts(id: string) {
    await this.page.evaluate((id) => {
      const t = (window as any).__canvasTexts;
      if (t) t[id] = [];
    }, id);
  }

  /** Distinct colours in the chart's pixels (1 = blank). */
  async colours(id: string): Promise<number> {
    return this.chart(id).evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 7) {
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (seen.size > 50) break;
      }
      return seen.size;
    });
  }

  async pixels(id: string): Promise<string> {
    return this.chart(id).evaluate((c: HTMLCanvasElement) => c.toDataURL());
  }

  slider(label: string): Locator {
    return this.page.getByRole('slider', { name: label });
  }

  select(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  figure(key: string): Locator {
    return this.page.getByTestId(key).locator('.figure-value');
  }

  problems(): Locator {
    return this.page.getByTestId('problems');
  }
}

// ---------------------------------------------------------------------------------------------
// Added for the article specs: chart figures and their data tables, panel helpers, and a parser
// for the page's formatted quantities.

export class Article extends Ridgepoint {
  /** The <figure> holding a chart's canvas and its data table. */
  chartFigure(id: string): Locator {
    return this.page.locator(`figure[data-chart="${id}"]`);
  }

  /** The data table under a chart (rendered once its "Data table" disclosure is open). */
  table(id: string): Locator {
    return this.chartFigure(id).getByRole('table');
  }

  /** The data rows (tbody) of a chart's table (open it first with `openTable`). */
  tableRows(id: string): Locator {
    return this.chartFigure(id).locator('table tbody tr');
  }

  /** Opens the "Data table" disclosure under a chart. */
  async openTable(id: string) {
    const details = this.chartFigure(id).locator('details.data');
    if ((await details.getAttribute('open')) === null) {
      await details.getByText('Data table', { exact: true }).click();
    }
    await expect(this.table(id)).toBeVisible();
  }

  /** The first cell of every data row (the swept variable). */
  async firstColumn(id: string): Promise<string[]> {
    return this.tableRows(id).locator('td:first-child').allTextContents();
  }

  /** The canvas's accessible name (what the chart says to a screen reader). */
  async label(id: string): Promise<string> {
    return (await this.chart(id).getAttribute('aria-label')) ?? '';
  }

  /** Scrolls to a chart, waits for its first draw and returns its draw count. */
  async drawnOnce(id: string): Promise<number> {
    await this.waitForChart(id);
    return this.draws(id);
  }

  /** An article section by its id suffix (`gpu`, `why-decode`, `roofline`, …). */
  section(id: string): Locator {
    return this.page.locator(`#sec-${id}`);
  }

  /** Types an exact value into a slider's number box and commits it. */
  async setExact(label: string, value: number | string) {
    const box = this.page.getByLabel(`${label}, exact value`);
    await box.fill(String(value));
    await box.press('Enter');
    await expect(box).toHaveValue(String(value));
  }

  opsCheckbox(): Locator {
    return this.page.getByRole('checkbox', { name: /Show each operation/ });
  }

  customGpu(): Locator {
    return this.page.getByTestId('custom-gpu');
  }

  customModel(): Locator {
    return this.page.getByTestId('custom-model');
  }

  themeToggle(): Locator {
    return this.page.getByRole('button', { name: /^Switch to (dark|light) theme$/ });
  }

  /** The textarea, button and message of "Paste a config.json" (the disclosure is opened). */
  async pasteConfig(text: string) {
    const summary = this.page.getByText('Paste a config.json', { exact: true });
    const box = this.page.getByLabel('Hugging Face config.json');
    if (!(await box.isVisible())) await summary.click();
    await box.fill(text);
    await this.page.getByRole('button', { name: 'Use this model' }).click();
  }

  /** A row of a two-column specs table, by its row header. */
  specRow(table: Locator, header: string): Locator {
    return table
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: header, exact: true }) });
  }

  /**
   * A figure's value as a number in base units (see `quantity`). A one-shot read: use it only
   * once the figure has settled (after a `toHaveText` on it or on the page's URL), or poll it.
   */
  async figureValue(key: string): Promise<number> {
    return quantity((await this.figure(key).textContent()) ?? '');
  }
}

/** What the page's formatter writes for a non-finite number (`Unit::format`), and JS's own. */
export const NOT_A_NUMBER = /NaN|Infinity|n\/a|∞|undefined/;

const PREFIX: Record<string, number> = {
  p: 1e-12, n: 1e-9, 'µ': 1e-6, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15,
};

/**
 * Parses the first formatted quantity in `text` ("7.02 ms", "45.9 µs", "13.5 GB", "2.04 TB/s",
 * "1934 FLOP/B", "12") into base units (seconds, bytes, …). Units starting with a decimal SI
 * prefix are scaled; "FLOP/B", "tok/s" and bare numbers are not.
 */
export function quantity(text: string): number {
  const m = /(-?[\d,]*\.?\d+(?:e[+-]?\d+)?)\s*(?:([pnµumkMGTP]?)(s|B|B\/s|FLOP|FLOP\/s)\b)?/.exec(text);
  if (!m) throw new Error(`no quantity in “${text}”`);
  const value = Number(m[1].replace(/,/g, ''));
  // Intensities are FLOP/B, large ones "k FLOP/B" (a prefix separated by a space).
  const ratio = /^\s*(k\s*)?FLOP\/B/.exec(text.slice(m.index + m[1].length));
  if (ratio) return ratio[1] ? value * 1e3 : value;
  if (m[3] === undefined) return value;
  return value * PREFIX[m[2] ?? ''];
}

/** Every number matching `re`'s first group in `text`, parsed by `quantity`. */
export function quantities(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))) {
    out.push(quantity(m[1]));
  }
  return out;
}
