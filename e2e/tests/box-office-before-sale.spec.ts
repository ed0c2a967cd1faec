import type { ShowtimeDto } from '@seatrush/shared';
import { createWorld, expect, PRICES, test } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

/** Issue 17, rough edge 10: a new showtime's live page before its sale opens says so, not "Reconnecting…". */
test('the live page of a showtime whose sale has not opened says it is not on sale yet', async ({
  adminPage: page,
  adminApi,
}) => {
  const { venue, event } = await createWorld(adminApi, { open: false });
  const day = 86_400_000;
  const res = await adminApi.post('/api/staff/showtimes', {
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(Date.now() + 7 * day).toISOString(),
      saleOpensAt: new Date(Date.now() + day).toISOString(),
      saleClosesAt: new Date(Date.now() + 6 * day).toISOString(),
      holdTtlSeconds: 600,
      perBuyerLimit: 10,
      currency: 'EUR',
      prices: PRICES,
    },
  });
  expect(res.ok(), await res.text()).toBe(true);
  const showtime = (await res.json()) as ShowtimeDto;

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
