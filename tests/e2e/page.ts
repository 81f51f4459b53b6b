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

  /** Scrolls the chart into view (off-screen charts are not drawn) and waits for a draw. */
  async waitForChart(id: string) {
    await this.chart(id).scrollIntoViewIfNeeded();
    await expect(this.chart(id)).toHaveAttribute('data-drawn', '1');
  }

  /** How many times the chart has been drawn. */
  async draws(id: string): Promise<number> {
    return Number((await this.chart(id).getAttribute('data-draws')) ?? '0');
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
