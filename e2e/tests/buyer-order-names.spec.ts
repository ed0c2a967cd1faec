import { BuyerOrderPage } from '../pages/buyer.ts';
import { expect, knownBuyer, test, uniq } from '../fixtures/buyer.ts';

test.describe('buyer: an order page never shows internal keys', () => {
  test('while the showtime is still loading, a standing ticket shows no raw category key', async ({
    page,
    world,
    buyerEmail,
  }) => {
    await knownBuyer(page.context(), buyerEmail);
    const hold = await page.request.post(`/api/showtimes/${world.showtime.id}/holds`, {
      data: { zone: 'FLOOR', quantity: 2 },
      headers: { 'idempotency-key': uniq('e2e-hold') },
    });
    expect(hold.ok(), await hold.text()).toBe(true);
    const { holdId, holdToken } = (await hold.json()) as { holdId: string; holdToken: string };
    const co = await page.request.post(`/api/holds/${holdId}/checkout`, {
      data: { holdToken, email: buyerEmail },
    });
    expect(co.ok(), await co.text()).toBe(true);
    const { orderCode } = (await co.json()) as { orderCode: string };

    // Hold the showtime's details back, as a slow network would.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(`**/api/showtimes/${world.showtime.id}`, async (route) => {
      await held;
      await route.continue();
    });
    await new BuyerOrderPage(page).goto(orderCode);
    const first = page.locator('.ticket').first();
    await expect(first).toContainText('€25.00', { timeout: 15_000 });
    await expect(first).not.toContainText('floor ·');
    release();
    await expect(first).toContainText('Floor · €25.00');
  });
});
