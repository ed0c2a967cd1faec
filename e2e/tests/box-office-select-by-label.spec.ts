import { counterSaleApi, expect, test, uniq } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';

test.describe('box office: selecting seats by label', () => {
  test('takes labels in any case, reports unknown labels as an error and names the seats it skipped', async ({
    adminPage: page,
    adminApi,
    world,
    playwright,
    baseURL,
  }) => {
    const id = world.showtime.id;
    // A buyer holds STALLS-A-5; the box office sold STALLS-A-6.
    const buyer = await playwright.request.newContext({ baseURL });
    expect((await buyer.post('/api/buyer/session', { data: { email: 'holder@e2e.test' } })).ok()).toBe(true);
    const hold = await buyer.post(`/api/showtimes/${id}/holds`, {
      data: { seats: ['STALLS-A-5'] },
      headers: { 'idempotency-key': uniq('e2e-hold') },
    });
    expect(hold.ok()).toBe(true);
    await counterSaleApi(adminApi, id, { seats: ['STALLS-A-6'] });

    const live = new LiveShowtimePage(page);
    await live.goto(id);
    await live.waitForMap();
    const box = page.getByLabel('Select seats by label');
    const select = page.getByRole('button', { name: 'Select', exact: true });

    await box.fill('stalls-a-3, Stalls-A-4');
    await select.click();
    await expect(page.getByTestId('selection')).toContainText('STALLS-A-3');
    await expect(page.getByTestId('selection')).toContainText('STALLS-A-4');
    await expect(page.getByTestId('pick-problems')).toHaveCount(0);

    await box.fill('STALLS-Z-99 stalls-a-5 STALLS-A-6 STALLS-A-7');
    await select.click();
    const problems = page.getByTestId('pick-problems');
    await expect(problems).toHaveClass(/bo-note-error/);
    await expect(problems).toHaveAttribute('role', 'alert');
    await expect(problems).toContainText('Not in this venue: STALLS-Z-99');
    await expect(problems).toContainText('STALLS-A-5 (held by a buyer)');
    await expect(problems).toContainText('STALLS-A-6 (sold)');
    await expect(page.locator('.bo-note-success')).toHaveCount(0);
    await expect(page.getByTestId('selection')).toContainText('STALLS-A-7');
    await expect(page.getByTestId('selection')).not.toContainText('STALLS-A-5');
    await buyer.dispose();
  });

  test('the example labels are seats of this showtime’s venue', async ({ adminPage: page, world }) => {
    const live = new LiveShowtimePage(page);
    await live.goto(world.showtime.id);
    await live.waitForMap();
    const field = page.locator('label').filter({ has: page.getByLabel('Select seats by label') });
    await expect(field).toContainText('STALLS-A-1');
    await expect(field).not.toContainText('ORCH');
  });
});
