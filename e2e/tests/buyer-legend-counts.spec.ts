import { generateVenue, type VenueDto } from '@seatrush/shared';
import { createShowtime, expect, test, uniq } from '../pages/box-office-fixtures.ts';

test.describe('buyer: legend and counts read cleanly', () => {
  test('thousands are grouped everywhere, and each accessibility mark has its own line', async ({
    page,
    adminApi,
    world,
  }) => {
    const slug = uniq('e2e-big');
    const doc = generateVenue({
      name: `E2E Big ${slug.slice(-6)}`,
      slug,
      categories: [{ key: 'standard', name: 'Standard', color: '#2563eb' }],
      sections: [
        {
          key: 'HALL',
          name: 'Hall',
          shape: 'rect',
          rows: 20,
          seatsPerRow: 60,
          category: () => 'standard',
          origin: { x: 40, y: 40 },
          accessible: [{ row: 19, seats: [1] }],
        },
      ],
    });
    const venue = (await (await adminApi.post('/api/staff/venues', { data: doc })).json()) as VenueDto;
    const showtime = await createShowtime(adminApi, {
      eventId: world.event.id,
      venueId: venue.id,
      prices: { standard: 4000 },
    });

    await page.goto(`/showtimes/${showtime.id}`);
    const legendCount = page.getByRole('list', { name: 'Price categories' }).locator('.legend-count');
    await expect(legendCount).toHaveText('1,200 left', { timeout: 15_000 });
    const option = page.locator('option').filter({ hasText: /^Standard \(/ });
    await expect(option).toHaveText('Standard (1,200 left)');

    const states = page.getByRole('list', { name: 'Seat states' });
    await expect(states.getByRole('listitem').filter({ hasText: 'Wheelchair space' })).toHaveText(
      /^\W*Wheelchair space$/,
    );
    await expect(states.getByRole('listitem').filter({ hasText: 'Companion seat' })).toHaveText(
      /^\W*C Companion seat$/,
    );
  });
});
