import { expect, test } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

/** Issue 17, rough edge 2: a typed quantity that is not a whole number of tickets sells nothing. */
test('a counter sale of standing places refuses "-5", "0", "2.5" and an empty quantity, and sells nothing', async ({
  adminPage: page,
  adminApi,
  world,
}) => {
  const live = new LiveShowtimePage(page);
  await live.goto(world.showtime.id);
  const form = page.getByRole('form', { name: 'Counter sale of standing places' });
  const quantity = form.getByLabel('Quantity');
  for (const typed of ['-5', '0', '2.5', '']) {
    await quantity.fill(typed);
    await form.getByRole('button', { name: /^Sell/ }).click();
    await expect(form.getByRole('alert')).toContainText(/whole number|at least 1/);
    await expect(page.getByTestId('counter-sale-done')).toBeHidden();
  }
  const stats = (await (await adminApi.get(`/api/showtimes/${world.showtime.id}/availability`)).json()) as {
    zones: Record<string, { available: number }>;
  };
  expect(stats.zones.FLOOR?.available).toBe(40);

  await quantity.fill('2');
  await form.getByRole('button', { name: 'Sell 2 for €50.00' }).click();
  await expect(page.getByTestId('counter-sale-done')).toBeVisible();
});
