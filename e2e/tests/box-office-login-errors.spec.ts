import { ADMIN, expect, test } from '../pages/box-office-fixtures.ts';
import { StaffLoginPage } from '../pages/box-office.ts';

/** Issue 17, rough edge 3: a wrong password says so, not "Please sign in first / Sign in again". */
test('a wrong staff password says the email or password is incorrect, with no "Sign in again" link', async ({
  page,
}) => {
  const login = new StaffLoginPage(page);
  await login.goto();
  await login.signIn(ADMIN.email, 'not-the-password');
  await expect(login.error).toContainText('Email or password is incorrect.');
  await expect(login.error).not.toContainText('Please sign in first');
  await expect(login.error.getByRole('link', { name: 'Sign in again' })).toHaveCount(0);
  await expect(page).toHaveURL(/\/box-office\/login/);
});
