import { counterSaleApi, expect, onlinePurchase, screenshot, test } from '../pages/box-office-fixtures.ts';
import { BuyerSeatProbe, OrderDetailPage, OrdersPage } from '../pages/box-office.ts';

test.describe('box office: orders', () => {
  test('order search finds an order by code, email and seat', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const email = `searcher-${Date.now().toString(36)}@e2e.test`;
    const sale = await counterSaleApi(adminApi, world.showtime.id, {
      seats: ['STALLS-C-1', 'STALLS-C-2'],
      buyerEmail: email,
    });
    const code = sale.order.code;
    const orders = new OrdersPage(page);
    for (const q of [code, code.replace('-', '').toLowerCase(), email, email.split('@')[0]!]) {
      await orders.search(q);
      await expect(orders.results.getByRole('link', { name: code })).toBeVisible();
    }
    await orders.search('STALLS-C-2');
    await expect(orders.results.getByRole('row').filter({ hasText: code })).toContainText('STALLS-C-2');
    await screenshot(page, 'box-office-order-search');
    await orders.search('nobody-at-all@e2e.test');
    await expect(page.getByText('No orders match')).toBeVisible();
    await orders.search(code);
    await orders.open(code);
    await expect(page.getByRole('table', { name: 'Order items' })).toContainText('STALLS-C-1');
  });

  test('a staff refund returns the seats to a buyer’s map within 1 s', async ({
    adminPage: page,
    adminApi,
    world,
    browser,
    playwright,
    baseURL,
  }) => {
    const id = world.showtime.id;
    const code = await onlinePurchase(
      playwright,
      baseURL,
      adminApi,
      id,
      ['STALLS-A-9', 'STALLS-A-10'],
      'refund.me@e2e.test',
    );
    const buyerContext = await browser.newContext();
    const buyer = new BuyerSeatProbe(await buyerContext.newPage());
    await buyer.goto(id);
    await buyer.expectState('STALLS-A-9', 'sold', 15_000);

    const order = new OrderDetailPage(page);
    await order.goto(code);
    await order.refundItem('STALLS-A-9');
    await buyer.expectState('STALLS-A-9', 'free');
    await expect(order.status('PARTIALLY_REFUNDED')).toBeVisible();
    await buyer.expectState('STALLS-A-10', 'sold');
    await order.refundAll();
    await buyer.expectState('STALLS-A-10', 'free');
    await expect(order.status('REFUNDED')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Refunds' }).getByRole('row')).toHaveCount(3);
    await screenshot(page, 'box-office-order-detail', { fullPage: true });
    await buyerContext.close();
  });

  test('the audit log filters by showtime, staff member and action', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    await adminApi.post(`/api/staff/showtimes/${world.showtime.id}/seats/block`, {
      data: { seats: ['STALLS-B-1'], reason: 'Sight line' },
    });
    await page.goto(`/box-office/audit?showtimeId=${world.showtime.id}&action=seat.`);
    const table = page.getByTestId('audit-table');
    await expect(table).toContainText('seat.blocked');
    await expect(table).toContainText('STALLS-B-1');
    await expect(table).not.toContainText('showtime.created');
    await page.getByLabel('Action').fill('showtime.');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(table).toContainText('showtime.sale_opened');
    await expect(table).not.toContainText('seat.blocked');
    await screenshot(page, 'box-office-audit');
  });
});
