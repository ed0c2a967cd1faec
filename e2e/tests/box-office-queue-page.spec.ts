import { createStaff, expect, test } from '../pages/box-office-fixtures.ts';
import { BoxOfficeShell, StaffLoginPage } from '../pages/box-office.ts';

test.describe('box office: the queue dashboard', () => {
  test('a box-office agent gets the "Admins only" page, not raw JSON', async ({ browser, adminApi }) => {
    const agent = await createStaff(adminApi, 'box_office');
    const context = await browser.newContext();
    const page = await context.newPage();
    const login = new StaffLoginPage(page);
    await login.goto();
    await login.signIn(agent.email, agent.password);
    await expect(new BoxOfficeShell(page).signedInAs).toContainText('box office');

    const res = await page.goto('/box-office/queues/');
    expect(res?.status()).toBe(403);
    await expect(page.getByTestId('admin-only')).toContainText('Admins only');
    await expect(page.getByText('"forbidden"')).toHaveCount(0);
    await expect(new BoxOfficeShell(page).navLink('Orders')).toBeVisible();
    // Programs still get the error envelope.
    const api = await page.request.get('/box-office/queues/api/queues', {
      headers: { accept: 'application/json' },
    });
    expect(api.status()).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    await context.close();
  });
});
