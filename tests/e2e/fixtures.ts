// The `test` every spec uses: Playwright's, plus a watch on the browser context that fails the
// test, at teardown, on any console error or warning and any uncaught page error, listing them.
// A failed chart draw is logged with console.error (web/src/canvas.rs), so it fails the test
// even where no check looks at that chart.
//
// A spec that provokes a message on purpose allows it explicitly, next to the reason:
//   test.use({ allowConsole: [/the exact message/] });
// (in a `test.describe` around only the tests that need it).
//
// It also records the text each chart draws on its canvas (`fillText`), so specs can check
// what a chart says, not only that its pixels changed (`Ridgepoint.canvasTexts`).
import { expect, test as base } from '@playwright/test';

/**
 * Warnings every page load gives today, allowed for every test until they are fixed where they
 * come from. Keep this list short and exact; a spec's own expected messages go in its
 * `allowConsole`, not here.
 */
const KNOWN_PAGE_WARNINGS: RegExp[] = [
  // (empty: Chromium's warning about `integrity` on the wasm's fetch preload is gone since
  // crates/xtask/src/csp.rs drops that attribute from fetch preloads.)
];

export type Options = {
  /** Console errors/warnings this test provokes on purpose (matched against the text). */
  allowConsole: RegExp[];
};

export const test = base.extend<Options & { consoleWatch: void }>({
  allowConsole: [[], { option: true }],
  consoleWatch: [
    async ({ context, allowConsole }, use) => {
      const problems: string[] = [];
      context.on('console', (m) => {
        const type = m.type();
        if (type !== 'error' && type !== 'warning') return;
        const text = m.text();
        if ([...KNOWN_PAGE_WARNINGS, ...allowConsole].some((re) => re.test(text))) return;
        const at = m.location().url ? ` (${m.location().url})` : '';
        problems.push(`console.${type}: ${text}${at}`);
      });
      context.on('weberror', (e) => problems.push(`uncaught: ${e.error().stack ?? e.error().message}`));
      await context.addInitScript(() => {
        const texts: Record<string, string[]> = {};
        (window as any).__canvasTexts = texts;
        const proto = CanvasRenderingContext2D.prototype;
        const fillText = proto.fillText;
        proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, max?: number) {
          const id = this.canvas.closest?.('[data-chart]')?.getAttribute('data-chart');
          if (id) {
            const list = (texts[id] ??= []);
            list.push(String(text));
            if (list.length > 4000) list.splice(0, 2000);
          }
          return max === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, max);
        };
      });
      await use();
      expect(problems, 'console errors/warnings or uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
