import { expect, test, whenHeld } from '../fixtures/buyer.ts';
import { BestAvailablePanel, BuyerShowtimePage } from '../pages/buyer.ts';

/**
 * "Best available" (issue 7): the buyer asks for N seats of a category, the server picks N adjacent seats in one
 * row and holds them, and the page shows which. The small theatre: STALLS row A premium, rows B–C standard, 10
 * seats each, and a standing floor (a category without seats, so not offered here).
 */

test.describe('buyer: best available', () => {
  test('picks 3 best premium seats together and shows them held by me on the map', async ({
    page,
    world,
    buyerEmail,
  }) => {
    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.goto();
    const best = new BestAvailablePanel(page);
    await expect(best.root).toBeVisible();
    // Only categories with numbered seats: premium and standard, not the standing floor.
    await expect(best.category.locator('option')).toHaveText(['Premium (10 left)', 'Standard (20 left)']);

    const seats = await whenHeld(
      page,
      async () => {
        await best.find(3, 'premium');
        await picker.giveEmail(buyerEmail);
      },
      (hold) => Promise.resolve(hold.items.map((it) => (it.kind === 'seat' ? it.seat : it.zone))),
    );
    // Front row, the middle block of three (4-6 and 5-7 are equally central; the first in the row wins).
    expect(seats).toEqual(['STALLS-A-4', 'STALLS-A-5', 'STALLS-A-6']);

    await expect(picker.message).toContainText(
      'Stalls, row A, seat 4; Stalls, row A, seat 5; Stalls, row A, seat 6 held for you',
    );
    // The map points at the seats it picked.
    await expect(picker.tooltip).toContainText('Stalls, row A, seat 4');
    await expect(picker.holdCard()).toContainText(
      'Stalls, row A, seat 4; Stalls, row A, seat 5; Stalls, row A, seat 6',
    );
    await expect(picker.holdCard()).toContainText('€180.00');
    for (const seat of seats) await picker.expectSeat(seat, 'mine');
    await picker.expectSeat('STALLS-A-3', 'free');
    await picker.expectSeat('STALLS-A-7', 'free');
  });

  test('says so when no seats are together, instead of splitting the party', async ({
    page,
    world,
    buyerEmail,
    adminApi,
  }) => {
    // Every other premium seat off sale: five single seats are left in row A.
    const blocked = await adminApi.post(`/api/staff/showtimes/${world.showtime.id}/seats/block`, {
      data: { seats: [2, 4, 6, 8, 10].map((n) => `STALLS-A-${n}`), reason: 'e2e: camera positions' },
    });
    expect(blocked.ok(), await blocked.text()).toBe(true);

    const picker = new BuyerShowtimePage(page, world.showtime.id);
    await picker.goto();
    const best = new BestAvailablePanel(page);
    await best.find(2, 'premium');
    await picker.giveEmail(buyerEmail);
    await expect(picker.message).toContainText('We could not find that many seats together');
    await expect(picker.message).toContainText('The most seats together in that category right now: 1.');
    await expect(picker.myHolds).toBeHidden();
    await picker.expectSeat('STALLS-A-1', 'free');
  });
});
