import { expect, test, whenHeld } from '../fixtures/buyer.ts';
import { BuyerShowtimePage } from '../pages/buyer.ts';

test.describe('buyer: live seat map', () => {
  test('two buyers see each other’s holds within 1 s', async ({ page, world, buyerEmail, otherBuyer }) => {
    const id = world.showtime.id;
    const ada = new BuyerShowtimePage(page, id);
    const bob = new BuyerShowtimePage(otherBuyer.page, id);
    await Promise.all([ada.goto(), bob.goto()]);
    await Promise.all([ada.showRow('STALLS-B-1'), bob.showRow('STALLS-B-1')]);

    // Ada holds two seats: Bob's map shows them held by someone else within a second of the hold.
    await ada.pickInList('STALLS-B-3');
    await ada.pickInList('STALLS-B-4');
    await whenHeld(
      page,
      () => ada.holdSelected({ email: buyerEmail }),
      () =>
        Promise.all([bob.expectSeat('STALLS-B-3', 'held', 1000), bob.expectSeat('STALLS-B-4', 'held', 1000)]),
    );
    await ada.expectSeat('STALLS-B-3', 'mine');
    await expect(bob.seat('STALLS-B-3')).toHaveAttribute('aria-label', /held by someone else/);

    // And the other way round (Bob's email is already known: no dialog).
    await bob.pickInList('STALLS-B-7');
    await whenHeld(
      otherBuyer.page,
      () => bob.holdSelected(),
      () => ada.expectSeat('STALLS-B-7', 'held', 1000),
    );
    await bob.expectSeat('STALLS-B-7', 'mine');

    // A seat held by someone else cannot be selected: a click only says why.
    await expect(bob.seat('STALLS-B-3')).toHaveAttribute('aria-disabled', 'true');
    await bob.seat('STALLS-B-3').click({ force: true });
    await expect(otherBuyer.page.getByTestId('announcer-polite')).toHaveText(
      'Stalls, row B, seat 3 is held by someone else.',
    );
    await expect(bob.seat('STALLS-B-3')).toHaveAttribute('aria-pressed', 'false');
  });

  test.describe('with a 10 s hold', () => {
    test.use({ holdTtlSeconds: 10 });

    test('a hold expiring frees the seats in another buyer’s browser', async ({
      page,
      world,
      buyerEmail,
      otherBuyer,
    }) => {
      const id = world.showtime.id;
      const ada = new BuyerShowtimePage(page, id);
      const bob = new BuyerShowtimePage(otherBuyer.page, id);
      await Promise.all([ada.goto(), bob.goto()]);

      await ada.pickInList('STALLS-A-5');
      await ada.pickInList('STALLS-A-6');
      const deadline = await whenHeld(
        page,
        () => ada.holdSelected({ email: buyerEmail }),
        async ({ expiresAt }) => {
          await bob.expectSeat('STALLS-A-5', 'held', 1000);
          await bob.expectSeat('STALLS-A-6', 'held', 1000);
          return Date.parse(expiresAt);
        },
      );

      // Time itself is the subject: the seats stay held until the deadline, then come back to Bob within
      // a few seconds (the expiry job and the sweeper both run every second or so).
      await expect(bob.seat('STALLS-A-5')).toHaveClass(/\bseat-free\b/, {
        timeout: deadline - Date.now() + 5000,
      });
      const freedAt = Date.now();
      expect(freedAt, 'freed before the hold’s deadline').toBeGreaterThanOrEqual(deadline - 500);
      await bob.expectSeat('STALLS-A-6', 'free');

      // Ada is told, and her map agrees.
      await expect(ada.holdEndedDialog).toBeVisible();
      await expect(ada.holdEndedDialog).toContainText('Your reservation expired');
      await expect(ada.holdEndedDialog).toContainText('Stalls, row A, seat 5; Stalls, row A, seat 6');
      await ada.holdEndedDialog.getByRole('button', { name: 'Choose again' }).click();
      await expect(ada.holdEndedDialog).toBeHidden();
      await expect(ada.myHolds).toBeHidden();
      await ada.expectSeat('STALLS-A-5', 'free');

      // Bob can take them now.
      await bob.pickInList('STALLS-A-5');
      await whenHeld(
        otherBuyer.page,
        () => bob.holdSelected(),
        () => ada.expectSeat('STALLS-A-5', 'held', 1000),
      );
    });
  });
});
