import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerOrderPage, BuyerShowtimePage } from '../pages/buyer.ts';

test.describe('buyer: payment', () => {
  test('a declined card, then a successful one while the hold lasts', async ({ page, world, buyerEmail }) => {
    const { checkout, sandbox } = await new BuyerShowtimePage(page, world.showtime.id).buy('STALLS-C-2', {
      email: buyerEmail,
      card: CARDS.declined,
    });
    await expect(sandbox.outcome).toHaveText('Your card was declined.');
    const code = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(
      /^Seatrush order /,
      '',
    );

    // The order page learns of the decline from the provider's webhook, and offers another try.
    const order = new BuyerOrderPage(page);
    await order.goto(code);
    await expect(order.status).toHaveText('Waiting for payment');
    await expect(order.declined).toBeVisible({ timeout: 15_000 });
    await expect(order.declined).toContainText('Payment declined');
    await order.declined.getByRole('link', { name: 'Try again' }).click();

    await expect(page).toHaveURL(/\/checkout\/.+\?payment=declined$/);
    await expect(checkout.declined).toContainText('Your payment was declined');
    await expect(checkout.payButton).toHaveText('Try paying again');
    await checkout.pay();
    await sandbox.payWith(CARDS.success);
    await expect(sandbox.outcome).toHaveText('Payment successful.');
    await sandbox.backToShop();

    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    await expect(order.qrCodes).toHaveCount(1);
    await expect(order.declined).toBeHidden();
  });
});
