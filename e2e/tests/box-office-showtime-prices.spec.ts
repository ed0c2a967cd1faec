import { expect, test } from '../pages/box-office-fixtures.ts';

test.describe('box office: showtime prices', () => {
  test('the price limit is stated in the currency typed in, never in minor units', async ({
    adminPage: page,
    world,
  }) => {
    await page.goto(`/box-office/catalog/showtimes/new?eventId=${world.event.id}`);
    const st = page.getByRole('form', { name: 'New showtime' });
    await st.getByLabel('Venue').selectOption(world.venue.id);
    await st.getByLabel('Price: Premium').fill('2000000');
    await st.getByLabel('Price: Standard').fill('40');
    await st.getByLabel('Price: Floor').fill('25');
    await st.getByRole('button', { name: 'Create showtime' }).click();
    await expect(st).toContainText('At most €1,000,000.00.');
    await expect(page.getByText(/100000000|100,000,000/)).toHaveCount(0);
  });
});
