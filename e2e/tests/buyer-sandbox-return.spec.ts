import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerOrderPage, BuyerShowtimePage } from '../pages/buyer.ts';

/** Issue 17, rough edge 9: the sandbox payment page returns to the order by itself, and after a decline offers a way back. */
test.describe('buyer: back from the payment page', () => {
  test('after a successful payment the page returns to the order by itself (with a link too)', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const { sandbox } = await new BuyerShowtimePage(page, world.showtime.id).buy('STALLS-C-9', {
      email: buyerEmail,
      card: CARDS.success,
    });
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
    const { checkout, sandbox } = await new BuyerShowtimePage(page, world.showtime.id).buy('STALLS-C-10', {
      email: buyerEmail,
      card: CARDS.declined,
    });
    await expect(sandbox.outcome).toHaveText('Your card was declined.');
    await page.getByRole('link', { name: 'Back to the shop' }).click();
    await expect(page).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const order = new BuyerOrderPage(page);
    await expect(order.declined).toBeVisible({ timeout: 15_000 });
    await order.declined.getByRole('link', { name: 'Try again' }).click();
    await expect(checkout.payButton).toHaveText('Try paying again');
  });
});
