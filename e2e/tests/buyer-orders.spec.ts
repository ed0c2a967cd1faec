import { expectNoSeriousA11yViolations } from '../fixtures/a11y.ts';
import { expect, knownBuyer, PRICE_TEXT, test, uniq } from '../fixtures/buyer.ts';
import { purchaseAs } from '../pages/box-office-fixtures.ts';
import { BuyerOrderPage, BuyerOrdersPage } from '../pages/buyer.ts';

/**
 * Issue 7: "My orders" lists the orders made in this browser's buyer session. A session is an email claim (anyone
 * can open one for any address), so orders made elsewhere are found by code and email instead.
 */
test.describe('buyer: my orders', () => {
  test("lists this session's orders newest first and opens them; another buyer, or another session of the same email, sees none", async ({
    page,
    world,
    buyerEmail,
    adminApi,
    baseURL,
    otherBuyer,
    browser,
  }) => {
    // This browser's buyer pays for one order and has a reservation not paid yet.
    await knownBuyer(page.context(), buyerEmail);
    const paid = await purchaseAs(
      page.request,
      baseURL,
      adminApi,
      world.showtime.id,
      ['STALLS-A-1', 'STALLS-A-2'],
      buyerEmail,
    );
    const held = await page.request.post(`/api/showtimes/${world.showtime.id}/holds`, {
      data: { seats: ['STALLS-C-5'] },
      headers: { 'idempotency-key': uniq('e2e-hold') },
    });
    expect(held.ok(), await held.text()).toBe(true);

    const orders = new BuyerOrdersPage(page);
    // The reservation becomes an order a moment after the hold (the order worker records it).
    await expect(async () => {
      await orders.goto();
      await expect(orders.mine.getByRole('listitem')).toHaveCount(2, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });

    const [pending, done] = [
      orders.mine.getByRole('listitem').nth(0),
      orders.mine.getByRole('listitem').nth(1),
    ];
    await expect(pending).toContainText(world.event.name);
    await expect(pending).toContainText('1 ticket');
    await expect(pending).toContainText('Waiting for payment');
    await expect(pending).toContainText('pay by');
    await expect(pending).toContainText(PRICE_TEXT.standard);
    await expect(done).toContainText(paid);
    await expect(done).toContainText('2 tickets');
    await expect(done).toContainText('Paid');
    await expect(done).toContainText('€120.00');
    await expect(orders.onThisDevice).toBeHidden();
    await expectNoSeriousA11yViolations(page, 'my orders');

    await done.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/orders/${paid}$`));
    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready');
    await expect(order.qrCodes).toHaveCount(2);

    // Another buyer, with a session of their own, sees only their own (none).
    const theirs = new BuyerOrdersPage(otherBuyer.page);
    await theirs.goto();
    await expect(otherBuyer.page.getByText('No orders made in this browser yet.')).toBeVisible();
    await expect(otherBuyer.page.getByRole('link', { name: paid })).toHaveCount(0);

    // Someone who only knows the email opens a session for it elsewhere: nothing of this buyer's shows.
    const elsewhere = await browser.newContext({ baseURL });
    try {
      await knownBuyer(elsewhere, buyerEmail);
      const stranger = await elsewhere.newPage();
      await new BuyerOrdersPage(stranger).goto();
      await expect(stranger.getByText('No orders made in this browser yet.')).toBeVisible();
      await expect(stranger.getByRole('link', { name: paid })).toHaveCount(0);
    } finally {
      await elsewhere.close();
    }
  });

  test('without a buyer session it keeps the find-by-code form and says where orders appear', async ({
    page,
    buyerEmail,
    paidOrder,
  }) => {
    const code = await paidOrder(['STALLS-B-3'], buyerEmail);
    const orders = new BuyerOrdersPage(page);
    await orders.goto();
    await expect(page.getByText('Orders you make on this device are listed here.')).toBeVisible();
    await expect(orders.mine).toBeHidden();
    await orders.find(code, buyerEmail);
    await expect(new BuyerOrderPage(page).status).toHaveText('Paid — your tickets are ready');
  });
});
