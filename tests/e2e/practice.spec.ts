import { expect, test } from '@playwright/test';
import { Ridgepoint } from './page';

test('practice: a question, an answer, the derivation and how far off the reader was', async ({ page }) => {
  const app = new Ridgepoint(page);
  await app.goto();
  const card = page.locator('#sec-practice');
  await card.scrollIntoViewIfNeeded();
  const question = card.getByTestId('practice-question');
  await expect(question).toHaveText(/\?$/);
  // Answer whatever kind of question came up.
  const yes = card.getByRole('button', { name: 'Yes' });
  if (await yes.count()) {
    await yes.click();
    await expect(card.getByTestId('practice-answer')).toContainText(/Answer: (Yes|No)/);
  } else {
    await card.getByLabel('Your estimate').fill('abc');
    await card.getByRole('button', { name: 'Check' }).click();
    await expect(card.getByText('Enter a number (no units), then check.')).toBeVisible();
    await card.getByLabel('Your estimate').fill('1');
    await card.getByRole('button', { name: 'Check' }).click();
    await expect(card.getByTestId('practice-answer')).toContainText(/You were [\d.]+% (high|low)\./);
  }
  await expect(card.locator('.derivation').first()).toBeVisible();
  const first = await question.textContent();
  await card.getByRole('button', { name: 'New question' }).click();
  await expect(card.getByTestId('practice-answer')).toHaveCount(0);
  // Loading the scenario sets the controls above.
  await card.getByRole('button', { name: 'Load this scenario above' }).click();
  await expect(page).toHaveURL(/gpu=|model=|batch=|w=/);
  expect(first).toBeTruthy();
});
