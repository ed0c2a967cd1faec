import { expect, test } from '../fixtures/buyer.ts';
import { BuyerEventPage, BuyerShowtimePage } from '../pages/buyer.ts';

/** The buyer app on a phone (the `mobile` project: Pixel 7, touch). */
test.describe('buyer: mobile viewport', () => {
  test('event page, picker and a hold by touch, with nothing wider than the screen', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const { event, showtime } = world;
    const noSideways = async () =>
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);

    const eventPage = new BuyerEventPage(page);
    await eventPage.goto(event.slug);
    await expect(eventPage.remaining(showtime.id)).toHaveText(/70 tickets left/);
    await noSideways();
    await eventPage.chooseLink(showtime.id).tap();

    const picker = new BuyerShowtimePage(page, showtime.id);
    await picker.waitUntilLive();
    await expect(picker.map).toBeInViewport({ ratio: 0.5 });
    await noSideways();

    // A tap on the map selects the seat and shows what it is; the list works by touch too.
    await picker.pickOnMap('STALLS-B-5', { tap: true });
    await picker.showRow('STALLS-B-6');
    await picker.seat('STALLS-B-6').tap();
    await expect(picker.seat('STALLS-B-6')).toHaveAttribute('aria-pressed', 'true');
    await expect(picker.holdButton).toHaveText('Hold 2 seats');
    await picker.holdButton.tap();
    await picker.giveEmail(buyerEmail);

    await expect(picker.myHolds).toBeVisible();
    await expect(picker.holdCard()).toContainText('Stalls, row B, seat 5; Stalls, row B, seat 6');
    await expect(picker.holdCard().locator('.countdown-digits')).toHaveText(/^\d+:\d\d$/);
    await expect(picker.holdCard().getByRole('link', { name: 'Checkout' })).toBeVisible();
    await picker.expectSeat('STALLS-B-5', 'mine');
    await noSideways();
  });
});
