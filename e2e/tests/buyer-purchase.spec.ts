import { CARDS, expect, PRICE_TEXT, test } from '../fixtures/buyer.ts';
import {
  BuyerCheckoutPage,
  BuyerEventPage,
  BuyerEventsPage,
  BuyerOrderPage,
  BuyerOrdersPage,
  BuyerShowtimePage,
  SandboxPaymentPage,
} from '../pages/buyer.ts';

test.describe('buyer: purchase', () => {
  test('buy seats end to end: event list → map and list → hold → checkout → sandbox → tickets', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const { event, showtime } = world;
    const events = new BuyerEventsPage(page);
    await events.goto();
    await events.event(event.slug).click();

    const eventPage = new BuyerEventPage(page);
    await expect(page.getByRole('heading', { level: 1, name: event.name })).toBeVisible();
    await expect(eventPage.remaining(showtime.id)).toHaveText(/70 tickets left/);
    await eventPage.chooseLink(showtime.id).click();

    const picker = new BuyerShowtimePage(page, showtime.id);
    await picker.waitUntilLive();
    await picker.pickOnMap('STALLS-A-3');
    await picker.pickInList('STALLS-A-4');
    await expect(picker.selection).toContainText('Stalls, row A, seat 4');
    await expect(picker.selection).toContainText('€120.00');
    await expect(picker.holdButton).toHaveText('Hold 2 seats');

    await picker.holdSelected({ email: buyerEmail });
    await expect(picker.message).toContainText('2 seats held for you');
    await expect(picker.holdCard()).toContainText('Stalls, row A, seat 3; Stalls, row A, seat 4');
    await expect(picker.holdCard()).toContainText('Time left to pay');
    await picker.expectSeat('STALLS-A-3', 'mine');
    await picker.expectSeat('STALLS-A-4', 'mine');

    await picker.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await expect(checkout.items).toContainText('Stalls, row A, seat 3');
    await expect(checkout.items).toContainText(PRICE_TEXT.premium);
    await expect(checkout.email).toHaveValue(buyerEmail);
    await expect(checkout.payButton).toHaveText('Pay €120.00');
    await checkout.pay();

    const sandbox = new SandboxPaymentPage(page);
    await sandbox.payWith(CARDS.success);
    await expect(sandbox.outcome).toHaveText('Payment successful.');
    await sandbox.backToShop();

    const order = new BuyerOrderPage(page);
    // The webhook is asynchronous: the page polls until the order is paid.
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    await expect(order.qrCodes).toHaveCount(2);
    await expect(order.qrCodes.first()).toHaveAttribute('src', /^data:image\/svg\+xml/);
    await expect(order.tickets.filter({ hasText: 'Stalls, row A, seat 3' })).toContainText(/[A-Z0-9]{12}/);
    const code = await order.code;

    // "My orders" lists it from the buyer session; the seats are sold on the map.
    const orders = new BuyerOrdersPage(page);
    await orders.goto();
    const row = orders.order(code);
    await expect(row).toContainText(event.name);
    await expect(row).toContainText('2 tickets');
    await expect(row).toContainText('Paid');
    await expect(row).toContainText('€120.00');
    await picker.goto();
    await picker.expectSeat('STALLS-A-3', 'sold');
    await expect(picker.myHolds).toBeHidden();
  });

  test('GA purchase: a quantity of standing tickets becomes one ticket each', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.goto();
    const floor = picker.zone('Standing floor');
    await expect(floor).toContainText('40 left');
    await expect(floor).toContainText(PRICE_TEXT.floor);

    await picker.holdZone('Standing floor', 3, { email: buyerEmail });
    await expect(picker.holdCard()).toContainText('3 × Standing floor');
    await expect(picker.holdCard()).toContainText('€75.00');
    await expect(floor).toContainText('37 left');

    await picker.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await expect(checkout.items).toContainText('3 × Standing floor');
    await checkout.pay();
    const sandbox = new SandboxPaymentPage(page);
    await sandbox.payWith(CARDS.success);
    await sandbox.backToShop();

    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    await expect(order.tickets.filter({ hasText: 'Standing floor' })).toHaveCount(3);
    await expect(order.qrCodes).toHaveCount(3);
  });
});
