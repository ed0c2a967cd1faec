import { counterSaleApi, createStaff, expect, screenshot, test } from '../pages/box-office-fixtures.ts';
import { BoxOfficeShell, StaffLoginPage } from '../pages/box-office.ts';
import { ScannerPage } from '../pages/scanner.ts';

test.describe('door check-in', () => {
  test('door staff scan a ticket by typing its code: accepted, then refused as a second scan', async ({
    browser,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-B-4'] });
    const ticket = sale.order.tickets[0]!;
    const door = await createStaff(adminApi, 'door');

    const context = await browser.newContext();
    const page = await context.newPage();
    const login = new StaffLoginPage(page);
    await login.goto();
    await login.signIn(door.email, door.password);
    // Door staff land on the scanner and see nothing else of the box office.
    await expect(page).toHaveURL(/\/box-office\/scan/);
    const shell = new BoxOfficeShell(page);
    await expect(shell.signedInAs).toContainText('door');
    await expect(shell.navLink('Scan tickets')).toBeVisible();
    for (const name of ['Showtimes', 'Orders']) await expect(shell.navLink(name)).toHaveCount(0);

    const scanner = new ScannerPage(page);
    await scanner.goto(world.showtime.id);
    await scanner.device.fill('Gate A · e2e');
    await expect(scanner.counts).toContainText('Checked in 0 of 1');

    await scanner.enter(ticket.ticketCode.toLowerCase());
    await expect(scanner.verdict).toHaveAttribute('data-result', 'accepted');
    await expect(scanner.verdict).toContainText('Accepted');
    await expect(scanner.verdict).toContainText('STALLS-B-4');
    await expect(scanner.counts).toContainText('Checked in 1 of 1');
    await screenshot(page, 'door-scan-accepted');

    // The same ticket again, this time as the QR code's text: refused, saying when, where and by whom.
    await scanner.enter(ticket.qrPayload);
    await expect(scanner.verdict).toHaveAttribute('data-result', 'refused');
    await expect(scanner.verdict).toContainText('Already scanned');
    await expect(scanner.verdict).toContainText('Gate A · e2e');
    await expect(scanner.verdict).toContainText('E2E door');
    await screenshot(page, 'door-scan-refused');

    // The door role scans and does nothing else, whatever the page shows.
    const sell = await page.request.post(`/api/staff/showtimes/${world.showtime.id}/counter-sale`, {
      data: { seats: ['STALLS-B-5'], method: 'cash' },
    });
    expect(sell.status()).toBe(403);
    await context.close();
  });
});
