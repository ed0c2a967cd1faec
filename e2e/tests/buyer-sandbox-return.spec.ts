import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerCheckoutPage, BuyerOrderPage, BuyerShowtimePage, SandboxPaymentPage } from '../pages/buyer.ts';

/** Issue 17, rough edge 9: the sandbox payment page returns to the order by itself, and after a decline offers a way back. */
test.describe('buyer: back from the payment page', () => {
  test('after a successful payment the page returns to the order by itself (with a link too)', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.goto();
    await picker.pickInList('STALLS-C-9');
    await picker.holdSelected({ email: buyerEmail });
    await picker.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await checkout.pay();
    const sandbox = new SandboxPaymentPage(page);
    await sandbox.payWith(CARDS.success);
    await expect(sandbox.outcome).toHaveText('Payment successful.');
    await expect(page.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute(
      'href',
      /\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/,
    );
    await expect(page.getByText('Taking you back to the shop')).toBeVisible();
    // No click: the page goes back on its own.
    await expect(page).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/, { timeout: 10_000 });
    await expect(new BuyerOrderPage(page).status).toHaveText('Paid — your tickets are ready', {
      timeout: 15_000,
    });
  });

  test('after a declined card there is a way back to try again', async ({ page, world, buyerEmail }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.goto();
    await picker.pickInList('STALLS-C-10');
    await picker.holdSelected({ email: buyerEmail });
    await picker.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await checkout.pay();
    const sandbox = new SandboxPaymentPage(page);
    await sandbox.payWith(CARDS.declined);
    await expect(sandbox.outcome).toHaveText('Your card was declined.');
    await page.getByRole('link', { name: 'Back to the shop' }).click();
    await expect(page).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const order = new BuyerOrderPage(page);
    await expect(order.declined).toBeVisible({ timeout: 15_000 });
    await order.declined.getByRole('link', { name: 'Try again' }).click();
    await expect(checkout.payButton).toHaveText('Try paying again');
  });
});
