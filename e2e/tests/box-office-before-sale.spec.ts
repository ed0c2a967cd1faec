import { createShowtime, createWorld, expect, PRICES, test } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

/** Issue 17, rough edge 10: a new showtime's live page before its sale opens says so, not "Reconnecting…". */
test('the live page of a showtime whose sale has not opened says it is not on sale yet', async ({
  adminPage: page,
  adminApi,
}) => {
  const { venue, event } = await createWorld(adminApi, { open: false });
  const showtime = await createShowtime(
    adminApi,
    {
      eventId: event.id,
      venueId: venue.id,
      prices: PRICES,
      saleOpensAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    { open: false },
  );

  const live = new LiveShowtimePage(page);
  await live.goto(showtime.id);
  await expect(page.getByTestId('not-on-sale-yet')).toContainText('Not on sale yet');
  await expect(live.liveStatus).toContainText('Not on sale yet');
  await expect(page.getByTestId('map-status')).toBeVisible();
  await expect(page.getByText('We could not find that.')).toHaveCount(0);
  await expect(live.liveStatus).not.toContainText('Reconnecting');
  await expect(live.liveStatus).not.toContainText('Connecting');

  // Opening the sale brings the live figures.
  await live.saleControls.getByRole('button', { name: 'Open sale' }).click();
  await expect(live.liveStatus).toContainText('Live', { timeout: 15_000 });
  await expect(page.getByTestId('not-on-sale-yet')).toBeHidden();
});
