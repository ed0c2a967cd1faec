import { expect, test } from '../fixtures/buyer.ts';
import { BuyerShowtimePage } from '../pages/buyer.ts';

/** Issue 17, rough edge 5: the GA quantity box takes whole numbers only, and says so. */
test('the standing-ticket quantity refuses "2.5", "-3" and "1e3" with a message, and holds nothing', async ({
  page,
  world,
}) => {
  const picker = new BuyerShowtimePage(page, world.showtime.id);
  await picker.goto();
  const zone = picker.zone('Standing floor');
  const box = picker.zoneQuantity('Standing floor');
  for (const typed of ['2.5', '-3', '1e3']) {
    await box.fill(typed);
    await expect(zone.getByRole('alert')).toContainText(/whole number|at least 1|at most/);
    await expect(zone.getByRole('button', { name: /^Hold/ })).toBeDisabled();
  }
  await box.fill('3');
  await expect(zone.getByRole('alert')).toHaveCount(0);
  await expect(zone.getByRole('button', { name: /^Hold 3\b/ })).toBeEnabled();
});
