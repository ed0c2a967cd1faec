import { counterSaleApi, expect, test } from '../pages/box-office-fixtures.ts';
import { OrderDetailPage } from '../pages/box-office.ts';

test.describe('box office: the order detail', () => {
  test('items name their category as the venue does, not by its key', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-A-2', 'STALLS-B-2'] });
    await new OrderDetailPage(page).goto(sale.order.code);
    const items = page.getByRole('table', { name: 'Order items' });
    await expect(items.getByRole('cell', { name: 'Premium', exact: true })).toBeVisible();
    await expect(items.getByRole('cell', { name: 'Standard', exact: true })).toBeVisible();
    await expect(items.getByRole('cell', { name: 'premium', exact: true })).toHaveCount(0);
  });
});
