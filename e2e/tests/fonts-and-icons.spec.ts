import { BuyerShowtimePage } from '../pages/buyer.ts';
import { expect, knownBuyer, test } from '../fixtures/buyer.ts';

/** Debian's Chromium has no emoji font: icons are drawn, and no page fetches fonts from another site. */
test.describe('fonts and icons that render everywhere', () => {
  test('the paused banner draws its icon instead of a glyph the fonts may lack', async ({
    page,
    world,
    adminApi,
    buyerEmail,
  }) => {
    await knownBuyer(page.context(), buyerEmail);
    const buyer = new BuyerShowtimePage(page, world.showtime.id);
    await buyer.goto();
    expect((await adminApi.post(`/api/staff/showtimes/${world.showtime.id}/sale/pause`)).ok()).toBe(true);
    const icon = page.getByTestId('banner-paused').locator('.notice-icon');
    await expect(icon.locator('svg')).toBeVisible();
    expect((await icon.textContent())?.trim()).toBe('');
  });

  test('the queue dashboard uses no Google fonts and links back to the box office', async ({
    adminPage: page,
  }) => {
    const remote: string[] = [];
    page.on('request', (r) => {
      const host = new URL(r.url()).hostname;
      if (host !== '127.0.0.1' && host !== 'localhost') remote.push(r.url());
    });
    await page.goto('/box-office/queues/');
    await expect(page.getByText('orders', { exact: true }).first()).toBeVisible({ timeout: 15_000 });
    const back = page.getByRole('link', { name: 'Box office', exact: true });
    await expect(back).toBeVisible();
    expect(remote).toEqual([]);
    await back.click();
    await expect(page).toHaveURL(/\/box-office\/?$/);
  });
});
