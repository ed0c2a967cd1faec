import { BuyerShowtimePage } from '../pages/buyer.ts';
import { expect, knownBuyer, test } from '../fixtures/buyer.ts';

test.describe('buyer: banners follow the sale and the holds', () => {
  test('after staff resume a paused sale, nothing says it is paused any more', async ({
    page,
    world,
    adminApi,
    buyerEmail,
  }) => {
    const id = world.showtime.id;
    await knownBuyer(page.context(), buyerEmail);
    const buyer = new BuyerShowtimePage(page, id);
    await buyer.goto();
    expect((await adminApi.post(`/api/staff/showtimes/${id}/sale/pause`)).ok()).toBe(true);
    await expect(page.getByTestId('banner-paused')).toBeVisible();
    // Trying to pick a seat meanwhile says why it cannot.
    await buyer.showRow('STALLS-B-4');
    await buyer.seat('STALLS-B-4').click();
    await expect(buyer.message).toContainText('paused');

    expect((await adminApi.post(`/api/staff/showtimes/${id}/sale/resume`)).ok()).toBe(true);
    await expect(page.getByTestId('banner-paused')).toBeHidden();
    await expect(page.getByText(/paused/i)).toHaveCount(0);
    await buyer.pickInList('STALLS-B-4');
    await expect(buyer.selection).toContainText('row B, seat 4');
  });

  test.describe('with a 5 s hold', () => {
    test.use({ holdTtlSeconds: 5 });

    test('when a hold expires, the “held for you” message goes with it', async ({
      page,
      world,
      buyerEmail,
    }) => {
      await knownBuyer(page.context(), buyerEmail);
      const buyer = new BuyerShowtimePage(page, world.showtime.id);
      await buyer.goto();
      await buyer.pickInList('STALLS-A-5');
      await buyer.pickInList('STALLS-A-6');
      await buyer.holdSelected();
      await expect(buyer.message).toContainText('2 seats held for you');
      await expect(buyer.holdEndedDialog).toBeVisible({ timeout: 15_000 });
      await expect(buyer.message.filter({ hasText: 'held for you' })).toHaveCount(0);
      await buyer.holdEndedDialog.getByRole('button', { name: 'Choose again' }).click();
      await expect(page.locator('.banners')).not.toContainText('held for you');
    });
  });
});
