import { expect, test } from './fixtures';
import { Ridgepoint } from './page';

/** A readout's middle line: "<intensity> FLOP/B · <attained> FLOP/s" (roofline.rs, draw_readout). */
const READOUT = /^[\d.]+k? FLOP\/B · [\d.]+ [PTGMk]?FLOP\/s$/;

test('the roofline reads out the point under the pointer and the focused chart', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const canvas = app.chart('roofline');
  const before = await app.draws('roofline');
  const box = (await canvas.boundingBox())!;
  await app.clearCanvasTexts('roofline');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await app.expectRedrawn('roofline', before);
  // The pointer is between the two phase points: the readout gives the roofline there.
  await expect.poll(() => app.canvasTexts('roofline')).toContain('roofline here');
  expect((await app.canvasTexts('roofline')).filter((t) => READOUT.test(t)).length).toBeGreaterThan(0);
  const hovered = await app.pixels('roofline');

  const hoverDraws = await app.draws('roofline');
  await page.mouse.move(0, 0);
  await app.expectRedrawn('roofline', hoverDraws);
  await expect.poll(() => app.pixels('roofline')).not.toBe(hovered);
  const plain = await app.pixels('roofline');

  const plainDraws = await app.draws('roofline');
  await app.clearCanvasTexts('roofline');
  await canvas.focus();
  await app.expectRedrawn('roofline', plainDraws);
  // Focus reads out the first point, decode at batch 1: 14,321,451,008 FLOP / 14,321,975,296 B
  // = 0.99996 FLOP/B, attaining 0.99996 × 2.039 TB/s = 2.04 TFLOP/s, below the 153 FLOP/B ridge.
  await expect.poll(() => app.canvasTexts('roofline')).toEqual(
    expect.arrayContaining(['decode, batch 1', '1 FLOP/B · 2.04 TFLOP/s', 'memory-bound']),
  );
  await expect.poll(() => app.pixels('roofline')).not.toBe(plain);
});
