import { expect, test } from '@playwright/test';
import { Ridgepoint } from './page';

test('the roofline reads out the point under the pointer and the focused chart', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const canvas = app.chart('roofline');
  const before = await app.draws('roofline');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await expect.poll(() => app.draws('roofline')).toBeGreaterThan(before);
  const hovered = await app.pixels('roofline');
  await page.mouse.move(0, 0);
  await expect.poll(() => app.pixels('roofline')).not.toBe(hovered);
  const plain = await app.pixels('roofline');
  await canvas.focus();
  await expect.poll(() => app.pixels('roofline')).not.toBe(plain);
});
