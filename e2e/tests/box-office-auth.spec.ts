import { ADMIN, createStaff, expect, screenshot, test } from '../pages/box-office-fixtures.ts';
import { BoxOfficeShell, StaffLoginPage } from '../pages/box-office.ts';

test.describe('box office: staff sign-in', () => {
  test('an admin signs in, sees every section, and signs out', async ({ page }) => {
    const login = new StaffLoginPage(page);
    await page.goto('/box-office');
    // Not signed in: sent to the sign-in page, and back to where they were going afterwards.
    await expect(page).toHaveURL(/\/box-office\/login\?next=%2Fbox-office/);
    await login.signIn(ADMIN.email, 'not the password');
    await expect(login.error).toContainText(/sign in|not valid|password|attempts/i);
    await screenshot(page, 'box-office-login');
    await login.signIn(ADMIN.email, ADMIN.password);
    await expect(page.getByRole('heading', { name: 'Showtimes', level: 1 })).toBeVisible();
    const shell = new BoxOfficeShell(page);
    await expect(shell.signedInAs).toContainText('admin');
    for (const name of [
      'Showtimes',
      'Orders',
      'Venues',
      'Events',
      'Schedule',
      'Audit log',
      'Staff',
      'API tokens',
    ])
      await expect(shell.navLink(name)).toBeVisible();
    await screenshot(page, 'box-office-showtimes');

    await shell.signOut();
    await expect(page).toHaveURL(/\/box-office\/login/);
    expect((await page.request.get('/api/staff/me')).status()).toBe(401);
  });
});

test.describe('box office: role limits', () => {
  test('a box-office agent cannot reach admin pages or admin APIs', async ({ browser, adminApi }) => {
    const agent = await createStaff(adminApi, 'box_office');
    const context = await browser.newContext();
    const page = await context.newPage();
    const login = new StaffLoginPage(page);
    await login.goto();
    await login.signIn(agent.email, agent.password);
    const shell = new BoxOfficeShell(page);
    await expect(shell.signedInAs).toContainText('box office');
    await expect(shell.navLink('Orders')).toBeVisible();
    for (const name of ['Venues', 'Events', 'Schedule', 'Audit log', 'Staff', 'API tokens'])
      await expect(shell.navLink(name)).toHaveCount(0);

    for (const path of [
      '/box-office/staff',
      '/box-office/tokens',
      '/box-office/audit',
      '/box-office/catalog/venues',
    ]) {
      await page.goto(path);
      await expect(page.getByTestId('admin-only')).toContainText('Admins only');
    }
    // The API refuses too, whatever the UI shows.
    for (const [method, path] of [
      ['get', '/api/staff/users'],
      ['get', '/api/staff/tokens'],
      ['get', '/api/staff/audit'],
      ['post', '/api/staff/events'],
    ] as const) {
      const res = await page.request[method](
        path,
        method === 'post' ? { data: { slug: 'x', name: 'x' } } : {},
      );
      expect(res.status(), `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect((await page.request.get('/box-office/queues/')).status()).toBe(403);
    // What an agent may do, works.
    expect((await page.request.get('/api/staff/orders?q=nobody@example.test')).status()).toBe(200);
    await context.close();
  });

  test('admins manage staff and API tokens; a token is shown once', async ({ adminPage: page, request }) => {
    await page.goto('/box-office/staff');
    const email = `agent-${Date.now().toString(36)}@e2e.test`;
    const form = page.getByRole('form', { name: 'New staff account' });
    await form.getByLabel('Name').fill('Counter Agent');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption('box_office');
    await form.getByLabel('Initial password').fill('counter-agent-1');
    await form.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('row').filter({ hasText: email })).toBeVisible();

    await page.goto('/box-office/tokens');
    const tokenForm = page.getByRole('form', { name: 'New API token' });
    await tokenForm.getByLabel('Token name').fill('QA fixtures');
    await tokenForm.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByTestId('token-secret-value');
    await expect(secret).toHaveText(/^srt_/);
    const value = await secret.textContent();
    await screenshot(page, 'box-office-tokens');
    // The secret works as a bearer token, and is never listed again.
    const me = await request.get('/api/staff/me', { headers: { authorization: `Bearer ${value}` } });
    expect(((await me.json()) as { via: string }).via).toBe('token');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await expect(page.getByText(value!)).toHaveCount(0);
  });
});
