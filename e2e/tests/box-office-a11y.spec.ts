import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

/** axe-core on the dashboard's main pages: no serious or critical violations. */
test.describe('box office: accessibility', () => {
  test('sign-in, showtimes, live operations, orders, venues, audit', async ({ page, world }) => {
    // Six pages, each analysed by axe: several seconds apiece on a busy two-core machine.
    test.slow();
    const check = async (what: string) => {
      const r = await new AxeBuilder({ page }).analyze();
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(
        bad.map((v) => `${what}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      ).toEqual([]);
    };
    await page.goto('/box-office/login');
    await expect(page.getByRole('heading', { name: 'Staff sign-in' })).toBeVisible();
    await check('sign-in');

    await page.request.post('/api/staff/login', {
      data: {
        email: process.env.SEATRUSH_ADMIN_EMAIL ?? 'admin@seatrush.local',
        password: process.env.SEATRUSH_ADMIN_PASSWORD ?? 'seatrush-admin',
      },
    });
    await page.goto('/box-office');
    await expect(page.getByRole('table', { name: 'Showtimes' })).toBeVisible();
    await check('showtimes');

    const live = new LiveShowtimePage(page);
    await live.goto(world.showtime.id);
    await live.waitForMap();
    await check('live operations');

    await page.goto('/box-office/orders?q=nobody@e2e.test');
    await expect(page.getByText('No orders match')).toBeVisible();
    await check('orders');

    await page.goto('/box-office/catalog/venues');
    await expect(page.getByRole('table', { name: 'Venues' })).toBeVisible();
    await check('venues');

    await page.goto(`/box-office/audit?showtimeId=${world.showtime.id}`);
    await expect(page.getByTestId('audit-table')).toBeVisible();
    await check('audit');
  });
});
