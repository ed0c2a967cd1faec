import { generateVenue, type VenueDto } from '@seatrush/shared';
import { createShowtime, expect, test, uniq } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

/** What the map's screen-reader description promises must be on the page; headings name what is there. */
test.describe('screen-reader hints and names', () => {
  test('a standing-only showtime is not called a seat map and promises no seat list', async ({
    page,
    adminApi,
    world,
  }) => {
    const slug = uniq('e2e-floor');
    const doc = generateVenue({
      name: `E2E Floor ${slug.slice(-6)}`,
      slug,
      categories: [{ key: 'ga', name: 'General admission', color: '#d62728' }],
      sections: [],
      gaZones: [
        { key: 'FLOOR', name: 'Floor', capacity: 100, category: 'ga', x: 40, y: 40, width: 300, height: 120 },
      ],
    });
    const venue = (await (await adminApi.post('/api/staff/venues', { data: doc })).json()) as VenueDto;
    const ga = await createShowtime(adminApi, {
      eventId: world.event.id,
      venueId: venue.id,
      prices: { ga: 2500 },
    });

    await page.goto(`/showtimes/${ga.id}`);
    await expect(page.getByRole('heading', { name: 'Venue map', level: 2 })).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Seat map' })).toHaveCount(0);
    await expect(page.locator('[aria-roledescription="seat map"]')).not.toHaveAccessibleDescription(/list/i);

    // The seated theatre does have the list, and says so.
    await page.goto(`/showtimes/${world.showtime.id}`);
    await expect(page.getByRole('heading', { name: 'Seat map', level: 2 })).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('[aria-roledescription="seat map"]')).toHaveAccessibleDescription(/seat list/i);
  });

  test('the staff map promises no seat list', async ({ adminPage: page, world }) => {
    const live = new LiveShowtimePage(page);
    await live.goto(world.showtime.id);
    await live.waitForMap();
    const map = page.locator('[aria-roledescription="seat map"]');
    await expect(map).toHaveAccessibleDescription(/arrow keys/i);
    await expect(map).not.toHaveAccessibleDescription(/list/i);
  });

  test('a slug that is taken is named as the problem, not “the name”', async ({ adminPage: page, world }) => {
    await page.goto('/box-office/catalog/events');
    const form = page.getByRole('form', { name: 'New event' });
    await form.getByLabel('Name').fill(`Another ${uniq('x')}`);
    await form.getByLabel('Slug').fill(world.event.slug);
    await form.getByRole('button', { name: 'Create event' }).click();
    const note = page.getByTestId('error-note');
    await expect(note).toContainText('slug');
    await expect(note).not.toContainText('name already exists');
  });
});
