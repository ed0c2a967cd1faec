import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerCheckoutPage, BuyerOrderPage, BuyerShowtimePage, SandboxPaymentPage } from '../pages/buyer.ts';

/**
 * Issue 17, rough edge 7: buyers see a seat as the map names it ("Stalls, row A, seat 3") in the reservation
 * panel, the messages, the checkout and the tickets — never its code ("STALLS-A-3").
 */
test('a held and paid seat is "Stalls, row A, seat 3" everywhere the buyer sees it', async ({
  page,
  world,
  buyerEmail,
}) => {
  const name = 'Stalls, row A, seat 3';
  const picker = new BuyerShowtimePage(page, world.showtime.id);
  await picker.goto();
  await picker.pickInList('STALLS-A-3');
  await picker.holdSelected({ email: buyerEmail });
  await expect(picker.holdCard()).toContainText(name);
  await expect(picker.myHolds).not.toContainText('STALLS-A-3');
  await expect(picker.message).toContainText(`${name} held for you`);
  await expect(picker.message).not.toContainText('STALLS-');

  await picker.checkout();
  const checkout = new BuyerCheckoutPage(page);
  await checkout.expectLoaded();
  await expect(checkout.items).toContainText(name);
  await expect(checkout.items).not.toContainText('STALLS-');
  await checkout.pay();
  await new SandboxPaymentPage(page).payWith(CARDS.success);
  await expect(page).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/, { timeout: 15_000 });
  const order = new BuyerOrderPage(page);
  await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
  await expect(order.tickets).toContainText(name);
  await expect(order.tickets).not.toContainText('STALLS-');
  await expect(order.qrCodes.first()).toHaveAttribute('alt', new RegExp(name));
});
