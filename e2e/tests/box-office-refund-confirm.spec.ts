import { counterSaleApi, expect, test } from '../pages/box-office-fixtures.ts';
import { OrderDetailPage } from '../pages/box-office.ts';

/** Issue 17, rough edge 1: a staff refund moves money, so it asks first (as the buyer's side does). */
test.describe('box office: refunds ask first', () => {
  test('"Refund whole order" opens a confirmation; keeping the order refunds nothing', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-B-1', 'STALLS-B-2'] });
    const code = sale.order.code;
    const order = new OrderDetailPage(page);
    await order.goto(code);

    await page.getByRole('button', { name: 'Refund whole order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund the whole order?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('€80.00');
    await dialog.getByRole('button', { name: 'Keep the order' }).click();
    await expect(dialog).toBeHidden();
    await expect(order.status('PAID')).toBeVisible();
    const after = (await (await adminApi.get(`/api/staff/orders/${code}`)).json()) as { status: string };
    expect(after.status).toBe('PAID');

    await page.getByRole('button', { name: 'Refund whole order' }).click();
    await dialog.getByRole('button', { name: 'Refund €80.00' }).click();
    await expect(dialog).toBeHidden();
    await expect(order.status('REFUNDED')).toBeVisible();
  });

  test('"Refund selected" asks too, naming the amount', async ({ adminPage: page, adminApi, world }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-B-3', 'STALLS-B-4'] });
    const order = new OrderDetailPage(page);
    await order.goto(sale.order.code);
    await page.getByRole('checkbox', { name: 'Refund STALLS-B-3' }).check();
    await page.getByRole('button', { name: /^Refund selected/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund 1 ticket?' });
    await expect(dialog).toContainText('€40.00');
    await dialog.getByRole('button', { name: 'Refund €40.00' }).click();
    await expect(order.status('PARTIALLY_REFUNDED')).toBeVisible();
  });
});
