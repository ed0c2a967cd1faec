import { counterSaleApi, expect, screenshot, test } from '../pages/box-office-fixtures.ts';
import { BuyerSeatProbe, LiveShowtimePage, OrderDetailPage } from '../pages/box-office.ts';

test.describe('box office: seats', () => {
  test('blocking seats takes them off a buyer’s map within 1 s; unblocking brings them back', async ({
    adminPage: page,
    adminApi,
    world,
    browser,
  }) => {
    const id = world.showtime.id;
    // Someone already holds a seat, so the staff map shows a holder.
    await counterSaleApi(adminApi, id, {
      seats: ['STALLS-B-5', 'STALLS-B-6'],
      buyerEmail: 'early.bird@e2e.test',
    });

    const buyerContext = await browser.newContext();
    const buyer = new BuyerSeatProbe(await buyerContext.newPage());
    await buyer.goto(id);
    await buyer.expectState('STALLS-A-3', 'free', 15_000);

    const live = new LiveShowtimePage(page);
    await live.goto(id);
    await live.waitForMap();
    await live.selectSeats(['STALLS-A-3', 'STALLS-A-4']);
    await live.block('Press night');
    await Promise.all([
      buyer.expectState('STALLS-A-3', 'blocked'),
      buyer.expectState('STALLS-A-4', 'blocked'),
    ]);
    await expect(live.blockList).toContainText('STALLS-A-3');
    await expect(live.blockList).toContainText('Press night');
    await expect(live.stat('blocked')).toHaveText('2', { timeout: 5000 });
    await expect(live.stat('sold')).toHaveText('2', { timeout: 5000 });
    await live.selectSeats(['STALLS-C-4', 'STALLS-C-5']);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'box-office-live', { fullPage: true });
    await page.getByRole('button', { name: 'Clear selection' }).click();

    await live.selectSeats(['STALLS-A-3']);
    await live.unblockSelected();
    await buyer.expectState('STALLS-A-3', 'free');
    await live.blockList.getByRole('button', { name: 'Unblock STALLS-A-4' }).click();
    await buyer.expectState('STALLS-A-4', 'free');
    await expect(live.blockList).toHaveCount(0);
    await buyerContext.close();
  });

  test('a counter sale sells the seats through the same inventory, paid, as a counter order', async ({
    adminPage: page,
    world,
    browser,
  }) => {
    const id = world.showtime.id;
    const buyerContext = await browser.newContext();
    const buyer = new BuyerSeatProbe(await buyerContext.newPage());
    await buyer.goto(id);
    await buyer.expectState('STALLS-A-7', 'free', 15_000);

    const live = new LiveShowtimePage(page);
    await live.goto(id);
    await live.waitForMap();
    await live.selectSeats(['STALLS-A-7', 'STALLS-A-8']);
    await expect(page.getByRole('form', { name: 'Counter sale', exact: true })).toContainText('€120.00');
    const done = await live.counterSale({ method: 'Card (present)', email: 'walk.up@e2e.test' });
    await buyer.expectState('STALLS-A-7', 'sold');
    await buyer.expectState('STALLS-A-8', 'sold');
    await expect(done).toContainText('2 tickets, €120.00');
    await screenshot(page.locator('section[aria-labelledby="bo-seats-title"]'), 'box-office-counter-sale');
    await expect(live.stat('sold')).toHaveText('2', { timeout: 5000 });
    await expect(live.stat('revenue')).toHaveText('€120.00', { timeout: 10_000 });

    const code = (await done.getByRole('link').first().textContent())!;
    const order = new OrderDetailPage(page);
    await order.goto(code);
    await expect(order.status('PAID')).toBeVisible();
    await expect(page.getByTestId('order-summary')).toContainText('walk.up@e2e.test');
    await expect(page.getByRole('table', { name: 'Payments' })).toContainText('counter');
    await expect(page.getByRole('list', { name: 'Audit trail' })).toContainText('order.counter_sold');
    await buyerContext.close();
  });
});
