import { counterSaleApi, expect, test } from '../pages/box-office-fixtures.ts';
import { OrderDetailPage } from '../pages/box-office.ts';

test.describe('box office: long text', () => {
  test('a long refund reason wraps instead of stretching the order page', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-C-9'] });
    const reason = 'Nospacesatall'.repeat(38); // 494 characters, one "word"
    const r = await adminApi.post(`/api/staff/orders/${sale.order.code}/refund`, {
      data: { reason },
      headers: { 'idempotency-key': `e2e-long-${sale.order.code}` },
    });
    expect(r.ok(), await r.text()).toBe(true);
    await new OrderDetailPage(page).goto(sale.order.code);
    await expect(page.getByText(reason.slice(0, 40), { exact: false }).first()).toBeVisible();
    const width = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: window.innerWidth,
    }));
    expect(width.page).toBeLessThanOrEqual(width.view);
  });
});
