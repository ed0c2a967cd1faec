import { PRICES, expect, screenshot, smallVenueDoc, test, uniq } from '../pages/box-office-fixtures.ts';
import type { PublicShowtime, VenueDto } from '@seatrush/shared';
import { LiveShowtimePage } from '../pages/box-office.ts';

test.describe('box office: catalog', () => {
  test('a seat-map upload shows every problem with its path, then a preview, then creates the venue', async ({
    adminPage: page,
  }) => {
    await page.goto('/box-office/catalog/venues');
    const doc = smallVenueDoc(uniq('e2e-upload'));
    type Doc = {
      categories: Array<Record<string, unknown>>;
      sections: Array<{ rows: Array<{ seats: Array<Record<string, unknown>> }> }>;
    };
    // Shape problems: every one is listed with its path and the seat it belongs to.
    const broken = structuredClone(doc) as unknown as Doc;
    broken.sections[0]!.rows[0]!.seats[0]!.x = 'left';
    broken.categories[1]!.color = 'blue';
    const editor = page.getByTestId('seatmap-json');
    await editor.fill(JSON.stringify(broken, null, 2));
    const issues = page.getByTestId('seatmap-issues');
    await expect(issues).toContainText('2 problems');
    await expect(issues).toContainText('sections.0.rows.0.seats.0.x');
    await expect(issues).toContainText('section STALLS › row A › seat 1 › x');
    await expect(issues).toContainText('categories.1.color');
    await screenshot(issues, 'box-office-venue-errors');

    // Cross-checks (an undeclared category) are named too, by the page and by the server.
    const unknownCategory = structuredClone(doc) as unknown as Doc;
    unknownCategory.sections[0]!.rows[1]!.seats[2]!.category = 'nope';
    await editor.fill(JSON.stringify(unknownCategory, null, 2));
    await expect(issues).toContainText('sections.0.rows.1.seats.2.category');
    await expect(issues).toContainText('Seat STALLS-B-3 uses category "nope"');
    // …and such a document is not sent (box-office-venue-upload.spec.ts).
    await expect(page.getByRole('button', { name: 'Create venue' })).toBeDisabled();

    await editor.fill(JSON.stringify(doc, null, 2));
    await expect(page.getByTestId('venue-preview')).toContainText('30 seats');
    await screenshot(page.getByTestId('venue-preview'), 'box-office-venue-preview');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved ${doc.name}` })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: doc.slug })).toBeVisible();
  });

  test('the section generator builds a valid document', async ({ adminPage: page }) => {
    await page.goto('/box-office/catalog/venues');
    await page.getByRole('button', { name: 'Generate sections' }).click();
    await page.getByLabel('Slug').fill(uniq('generated-hall'));
    await page.getByRole('button', { name: 'Generate document' }).click();
    await expect(page.getByTestId('venue-preview')).toContainText('290 seats');
    await expect(page.getByTestId('seatmap-issues')).toHaveCount(0);
  });

  test('create an event and a showtime, then open its sale', async ({ adminPage: page, adminApi }) => {
    const doc = smallVenueDoc(uniq('e2e-venue'));
    const venue = (await (await adminApi.post('/api/staff/venues', { data: doc })).json()) as VenueDto;

    await page.goto('/box-office/catalog/events');
    const name = `Spring Gala ${uniq('x')}`;
    const form = page.getByRole('form', { name: 'New event' });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create event' }).click();
    await expect(page.getByRole('row').filter({ hasText: name })).toBeVisible();
    await page.getByRole('row').filter({ hasText: name }).getByRole('link', { name: 'Add showtime' }).click();

    await expect(page.getByRole('heading', { name: 'New showtime' })).toBeVisible();
    const st = page.getByRole('form', { name: 'New showtime' });
    await st.getByLabel('Venue').selectOption(venue.id);
    await st.getByLabel('Hold time (seconds)').fill('300');
    await st.getByLabel('Tickets per buyer').fill('6');
    await st.getByLabel('Price: Premium').fill(String(PRICES.premium / 100));
    await st.getByLabel('Price: Standard').fill(String(PRICES.standard / 100));
    await st.getByLabel('Price: Floor').fill(String(PRICES.floor / 100));
    await screenshot(page, 'box-office-showtime-form');
    await st.getByRole('button', { name: 'Create showtime' }).click();

    const live = new LiveShowtimePage(page);
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(live.saleState('scheduled')).toBeVisible();
    await live.saleControls.getByRole('button', { name: 'Open sale' }).click();
    await expect(live.saleState('on_sale')).toBeVisible();
    await expect(live.liveStatus).toHaveText(/Live/, { timeout: 10_000 });
    await expect(live.stat('available')).toHaveText('70'); // 30 seats + 40 standing
    await live.saleControls.getByRole('button', { name: 'Pause sale' }).click();
    await expect(live.saleState('paused')).toBeVisible();
    await live.saleControls.getByRole('button', { name: 'Resume sale' }).click();
    await expect(live.saleState('on_sale')).toBeVisible();
    const url = page.url();
    const showtimeId = url.split('/').pop()!;
    const pub = (await (await page.request.get(`/api/showtimes/${showtimeId}`)).json()) as PublicShowtime;
    expect(pub.saleState).toBe('on_sale');
    expect(pub.holdTtlSeconds).toBe(300);
  });
});
