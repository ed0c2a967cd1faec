import { expect, knownBuyer, test, uniq } from '../fixtures/buyer.ts';
import { purchaseAs } from '../pages/box-office-fixtures.ts';
import { BuyerOrderPage, BuyerOrdersPage } from '../pages/buyer.ts';

/**
 * Issue 17, rough edge 8: after a partial refund the order shows what was refunded and what it comes to now;
 * "My orders" lists purchases, not reservations that were cancelled before anything was paid.
 */
test.describe('buyer: refunded amounts and cancelled holds', () => {
  test('a partly refunded order shows the refunded amount and the total after the refund', async ({
    page,
    world,
    buyerEmail,
    adminApi,
    baseURL,
  }) => {
    await knownBuyer(page.context(), buyerEmail);
    const code = await purchaseAs(
      page.request,
      baseURL,
      adminApi,
      world.showtime.id,
      ['STALLS-A-1', 'STALLS-A-2'],
      buyerEmail,
    );
    const staffView = (await (await adminApi.get(`/api/staff/orders/${code}`)).json()) as {
      items: Array<{ id: string; seatLabel: string | null }>;
    };
    const item = staffView.items.find((i) => i.seatLabel === 'STALLS-A-1')!;
    const refund = await adminApi.post(`/api/staff/orders/${code}/refund`, { data: { itemIds: [item.id] } });
    expect(refund.ok(), await refund.text()).toBe(true);

    const order = new BuyerOrderPage(page);
    await order.goto(code);
    await expect(order.status).toHaveText('Partly refunded');
    const totals = page.getByTestId('order-totals');
    await expect(totals).toContainText(/Total\s*€120\.00/);
    await expect(totals).toContainText(/Refunded\s*−€60\.00/);
    await expect(totals).toContainText(/Total after refunds\s*€60\.00/);

    const orders = new BuyerOrdersPage(page);
    await orders.goto();
    await expect(orders.order(code)).toContainText('Partly refunded');
    await expect(orders.order(code)).toContainText('€60.00 (€60.00 refunded)');
  });

  test('"My orders" does not list a reservation cancelled before it was paid', async ({
    page,
    world,
    buyerEmail,
    adminApi,
    baseURL,
  }) => {
    await knownBuyer(page.context(), buyerEmail);
    const held = await page.request.post(`/api/showtimes/${world.showtime.id}/holds`, {
      data: { seats: ['STALLS-C-3'] },
      headers: { 'idempotency-key': uniq('e2e-hold') },
    });
    expect(held.ok(), await held.text()).toBe(true);
    const hold = (await held.json()) as { holdId: string; holdToken: string };
    // Wait until the order worker has recorded the reservation, then cancel it.
    await expect
      .poll(
        async () =>
          ((await (await page.request.get('/api/buyer/orders')).json()) as { orders: unknown[] }).orders
            .length,
        { timeout: 15_000 },
      )
      .toBe(1);
    const released = await page.request.delete(`/api/holds/${hold.holdId}`, {
      headers: { authorization: `Bearer ${hold.holdToken}` },
    });
    expect(released.status()).toBe(204);
    const paid = await purchaseAs(
      page.request,
      baseURL,
      adminApi,
      world.showtime.id,
      ['STALLS-C-4'],
      buyerEmail,
    );

    const orders = new BuyerOrdersPage(page);
    await orders.goto();
    await expect(orders.order(paid)).toContainText('Paid');
    await expect(orders.mine.getByRole('listitem')).toHaveCount(1);
    await expect(orders.mine).not.toContainText('Cancelled');
  });
});
