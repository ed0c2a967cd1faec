import { counterSaleApi, expect, test } from '../pages/box-office-fixtures.ts';
import { OrdersPage } from '../pages/box-office.ts';

test.describe('box office: the orders page', () => {
  test('lists recent orders before any search, again after an empty search, newest first', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const first = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-B-1'] });
    const second = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-B-2'] });
    const orders = new OrdersPage(page);
    await page.goto('/box-office/orders');
    await expect(orders.results.getByRole('link', { name: second.order.code })).toBeVisible();
    await expect(orders.results.getByRole('link', { name: first.order.code })).toBeVisible();
    const codes = await orders.results.getByRole('link').allTextContents();
    expect(codes.indexOf(second.order.code)).toBeLessThan(codes.indexOf(first.order.code));

    await orders.search(first.order.code);
    await expect(orders.results.getByRole('link')).toHaveCount(1);
    await page.getByLabel('Search orders').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/box-office\/orders$/);
    await expect(orders.results.getByRole('link', { name: second.order.code })).toBeVisible();
  });

  test('a too-long search says so in words, before asking the server', async ({ adminPage: page }) => {
    const orders = new OrdersPage(page);
    await orders.search('x'.repeat(300));
    const field = page.getByRole('search');
    await expect(field.getByRole('alert')).toHaveText('Use at most 254 characters.');
    await expect(page.getByText('query.q')).toHaveCount(0);
    await expect(page.getByText('Too big')).toHaveCount(0);
  });

  test('the examples name an order code and a seat of the demo venue', async ({ adminPage: page }) => {
    await page.goto('/box-office/orders');
    const hint = page.getByRole('search');
    await expect(hint).toContainText('STALLS-A-12');
    await expect(hint).not.toContainText('ORCH');
  });
});
