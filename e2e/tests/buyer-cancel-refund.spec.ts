import { expect, RELEASE, REFUND, test, whenAnswered, whenHeld } from '../fixtures/buyer.ts';
import { BuyerCheckoutPage, BuyerOrderPage, BuyerOrdersPage, BuyerShowtimePage } from '../pages/buyer.ts';

test.describe('buyer: cancel and refund', () => {
  test('cancelling a hold on the map page frees the seats for everyone at once, with no dialog', async ({
    page,
    world,
    buyerEmail,
    otherBuyer,
  }) => {
    const id = world.showtime.id;
    const ada = new BuyerShowtimePage(page, id);
    const bob = new BuyerShowtimePage(otherBuyer.page, id);
    await Promise.all([ada.goto(), bob.goto()]);

    await ada.pickInList('STALLS-A-1');
    await ada.pickInList('STALLS-A-2');
    await whenHeld(
      page,
      () => ada.holdSelected({ email: buyerEmail }),
      () => bob.expectSeat('STALLS-A-1', 'held', 1000),
    );

    await whenAnswered(
      page,
      RELEASE,
      () => ada.cancelHold('Stalls, row A, seat 1; Stalls, row A, seat 2'),
      () =>
        Promise.all([bob.expectSeat('STALLS-A-1', 'free', 1000), bob.expectSeat('STALLS-A-2', 'free', 1000)]),
    );
    await expect(ada.message).toContainText('Reservation cancelled. The seats are back on sale.');
    await expect(ada.myHolds).toBeHidden();
    await ada.expectSeat('STALLS-A-1', 'free');
    // The buyer cancelled here, in this tab: nothing to explain. Choosing again works straight away.
    await expect(ada.holdEndedDialog).toBeHidden();
    await ada.pickInList('STALLS-A-1');
  });

  test('cancelling from the checkout page: back to the map, the seats free for everyone at once', async ({
    page,
    world,
    buyerEmail,
    otherBuyer,
  }) => {
    const id = world.showtime.id;
    const ada = new BuyerShowtimePage(page, id);
    const bob = new BuyerShowtimePage(otherBuyer.page, id);
    await Promise.all([ada.goto(), bob.goto()]);

    await ada.pickInList('STALLS-A-7');
    await ada.pickInList('STALLS-A-8');
    await whenHeld(
      page,
      () => ada.holdSelected({ email: buyerEmail }),
      () => bob.expectSeat('STALLS-A-8', 'held', 1000),
    );
    await ada.checkout();
    const checkout = new BuyerCheckoutPage(page);
    await checkout.expectLoaded();
    await whenAnswered(
      page,
      RELEASE,
      () => checkout.cancel(),
      () =>
        Promise.all([bob.expectSeat('STALLS-A-7', 'free', 1000), bob.expectSeat('STALLS-A-8', 'free', 1000)]),
    );
    await expect(page).toHaveURL(new RegExp(`/showtimes/${id}$`));
    await ada.waitUntilLive();
    await expect(ada.myHolds).toBeHidden();
    await ada.expectSeat('STALLS-A-8', 'free');
    await ada.pickInList('STALLS-A-8');
    await expect(ada.holdEndedDialog).toBeHidden();
  });

  test('a buyer refunds a whole order from "My orders"; the seats go back on sale', async ({
    page,
    world,
    buyerEmail,
    paidOrder,
    otherBuyer,
  }) => {
    const code = await paidOrder(['STALLS-C-9', 'STALLS-C-10'], buyerEmail);
    const bob = new BuyerShowtimePage(otherBuyer.page, world.showtime.id);
    await bob.goto();
    await bob.expectSeat('STALLS-C-9', 'sold');

    // A buyer on another device: found by code and email.
    const orders = new BuyerOrdersPage(page);
    await orders.goto();
    await orders.find(code, buyerEmail);
    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready');
    await expect(order.qrCodes).toHaveCount(2);

    await whenAnswered(
      page,
      REFUND,
      () => order.refundAll(),
      () =>
        Promise.all([
          bob.expectSeat('STALLS-C-9', 'free', 1000),
          bob.expectSeat('STALLS-C-10', 'free', 1000),
        ]),
    );
    await expect(order.status).toHaveText('Refunded');
    await expect(order.refundStatus).toContainText('€80.00');
    await expect(order.qrCodes).toHaveCount(0);
    await expect(order.tickets.filter({ hasText: 'Refunded' })).toHaveCount(2);
    await expect(page.getByTestId('refund-all')).toBeHidden();

    // The provider confirms the refund shortly after; the page says so on its next load (a reload keeps the
    // email the order was found with).
    await expect(async () => {
      await page.reload();
      await expect(order.refundStatus).toContainText('Refund done', { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
  });
});
