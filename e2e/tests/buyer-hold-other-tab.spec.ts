import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerCheckoutPage, BuyerOrderPage, BuyerShowtimePage, SandboxPaymentPage } from '../pages/buyer.ts';

/**
 * Issue 17, rough edge 4: a hold belongs to the buyer's session (this browser), not to the tab it was made in. A
 * checkout opened in another tab can be paid, and an order with no payment started offers to pay.
 */
test.describe('buyer: a hold in another tab', () => {
  test('a checkout opened in another tab of the same browser can be paid', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.holdFromList('STALLS-B-3', buyerEmail);
    const href = await picker.holdCard().getByRole('link', { name: 'Checkout' }).getAttribute('href');
    expect(href).toMatch(/^\/checkout\//);

    const tab = await page.context().newPage();
    await tab.goto(href!);
    const checkout = new BuyerCheckoutPage(tab);
    await checkout.expectLoaded();
    await expect(tab.getByText('Reservations are kept in the browser tab')).toHaveCount(0);
    await checkout.pay();
    await new SandboxPaymentPage(tab).payWith(CARDS.success);
    await expect(tab).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/, { timeout: 15_000 });
    await expect(new BuyerOrderPage(tab).status).toHaveText('Paid — your tickets are ready', {
      timeout: 15_000,
    });
  });

  test('an order with no payment started says so and offers to pay, in another tab too', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.holdFromList('STALLS-C-7', buyerEmail);
    // The order worker records the hold a moment later.
    let code = '';
    await expect
      .poll(
        async () => {
          const r = (await (await page.request.get('/api/buyer/orders')).json()) as {
            orders?: Array<{ code: string }>;
          };
          code = r.orders?.[0]?.code ?? '';
          return code;
        },
        { timeout: 15_000 },
      )
      .not.toBe('');

    const tab = await page.context().newPage();
    const order = new BuyerOrderPage(tab);
    await order.goto(code);
    await expect(order.status).toHaveText('Waiting for payment');
    const notPaid = tab.getByTestId('payment-not-started');
    await expect(notPaid).toContainText('Not paid yet');
    await expect(tab.getByText('Confirming your payment…')).toHaveCount(0);
    await notPaid.getByRole('link', { name: 'Pay now' }).click();
    await expect(tab).toHaveURL(/\/checkout\//);
    await new BuyerCheckoutPage(tab).expectLoaded();
  });
});
