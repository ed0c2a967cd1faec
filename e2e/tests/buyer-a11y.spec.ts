import { expectNoSeriousA11yViolations } from '../fixtures/a11y.ts';
import { CARDS, expect, test } from '../fixtures/buyer.ts';
import {
  BuyerCheckoutPage,
  BuyerEventPage,
  BuyerEventsPage,
  BuyerOrderPage,
  BuyerShowtimePage,
  SandboxPaymentPage,
} from '../pages/buyer.ts';

/** axe-core on every buyer page along a purchase: no serious or critical violations. */
test.describe('buyer: accessibility', () => {
  // axe takes seconds per page on a busy two-core machine: the hold must outlast two analyses before checkout.
  test.use({ holdTtlSeconds: 60 });

  test('event list, event page, picker, checkout, order page', async ({ page, world, buyerEmail }) => {
    test.slow();
    const { event, showtime } = world;
    const events = new BuyerEventsPage(page);
    await events.goto();
    await expect(events.event(event.slug)).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'event list');

    const eventPage = new BuyerEventPage(page);
    await eventPage.goto(event.slug);
    await expect(eventPage.remaining(showtime.id)).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'event page');

    const picker = new BuyerShowtimePage(page, showtime.id);
    await picker.goto();
    await picker.pickInList('STALLS-B-2');
    await expectNoSeriousA11yViolations(page, 'picker');
    await picker.holdSelected({ email: buyerEmail });
    await expectNoSeriousA11yViolations(page, 'picker with a hold');

    await picker.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await expect(checkout.items).toContainText('Stalls, row B, seat 2');
    await expectNoSeriousA11yViolations(page, 'checkout');

    await checkout.pay();
    const sandbox = new SandboxPaymentPage(page);
    await sandbox.payWith(CARDS.success);
    await sandbox.backToShop();
    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    await expect(order.qrCodes).toHaveCount(1);
    await expectNoSeriousA11yViolations(page, 'order page');
  });
});
