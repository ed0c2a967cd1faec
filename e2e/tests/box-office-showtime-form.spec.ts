import { expect, test } from '../pages/box-office-fixtures.ts';

/**
 * The showtime form on react-hook-form with the server's own schema (issue 17): editing keeps the event and venue,
 * a wrong value is named beside its field and clears as it is corrected, and the saved values come back.
 */
test('editing a showtime: a wrong hold time is named at the field, then the new hold time and price are saved', async ({
  adminPage: page,
  adminApi,
  world,
}) => {
  await page.goto(`/box-office/catalog/showtimes/${world.showtime.id}/edit`);
  const form = page.getByRole('form', { name: 'Edit showtime' });
  await expect(form.getByLabel('Venue')).toBeDisabled();
  await expect(form.getByLabel('Price: Premium')).toHaveValue('60.00');

  const hold = form.getByLabel('Hold time (seconds)');
  await hold.fill('3');
  await form.getByRole('button', { name: 'Save showtime' }).click();
  await expect(hold).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByRole('alert').first()).toBeVisible();
  await hold.fill('900');
  await expect(hold).not.toHaveAttribute('aria-invalid', 'true');

  await form.getByLabel('Price: Premium').fill('65.50');
  await form.getByRole('button', { name: 'Save showtime' }).click();
  await expect(page).toHaveURL(new RegExp(`/box-office/showtimes/${world.showtime.id}$`));
  const saved = (await (await adminApi.get(`/api/staff/showtimes/${world.showtime.id}`)).json()) as {
    holdTtlSeconds: number;
    prices: Record<string, number>;
    venueId: string;
  };
  expect(saved.holdTtlSeconds).toBe(900);
  expect(saved.prices).toEqual({ premium: 6550, standard: 4000, floor: 2500 });
  expect(saved.venueId).toBe(world.venue.id);
});
