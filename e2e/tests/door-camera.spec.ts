import type { OrderDto } from '@seatrush/shared';
import { CARDS, expect, test } from '../fixtures/buyer.ts';
import {
  launchWithFakeCamera,
  liveCameraTracks,
  recordCameraStreams,
  writeQrVideo,
} from '../fixtures/fake-camera.ts';
import { createStaff, screenshot } from '../pages/box-office-fixtures.ts';
import { StaffLoginPage } from '../pages/box-office.ts';
import { BuyerOrderPage, BuyerShowtimePage } from '../pages/buyer.ts';
import { ScannerPage } from '../pages/scanner.ts';

/** What the development mail catcher's `/dev/mail.json` lists (apps/server/src/mail/dev-mailbox.ts). */
interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; contentType: string; size: number }>;
}

test.describe('door check-in with the camera', () => {
  test('a buyer pays, the tickets e-mail arrives, and the door scans that ticket with the camera twice', async ({
    page,
    world,
    buyerEmail,
    adminApi,
    baseURL,
  }, testInfo) => {
    // The buyer pays for one seat on the sandbox page.
    const { sandbox } = await new BuyerShowtimePage(page, world.showtime.id).buy('STALLS-A-3', {
      email: buyerEmail,
      card: CARDS.success,
    });
    await sandbox.backToShop();
    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    const code = new URL(page.url()).pathname.split('/').pop()!;

    // The confirmation arrives at the development mail catcher, with the tickets as a PDF.
    let mail: CaughtMail | undefined;
    await expect
      .poll(
        async () => {
          const res = await adminApi.get('/dev/mail.json');
          const body = (await res.json()) as { data: CaughtMail[] };
          mail = body.data.find((m) => m.to.includes(buyerEmail) && m.subject.includes(code));
          return mail?.subject;
        },
        { timeout: 20_000, message: `the tickets e-mail to ${buyerEmail}` },
      )
      .toBe(`Your tickets: ${world.event.name} (order ${code})`);
    expect(mail!.to).toEqual([buyerEmail]);
    expect(mail!.attachments).toEqual([
      { filename: `tickets-${code}.pdf`, contentType: 'application/pdf', size: expect.any(Number) },
    ]);
    expect(mail!.attachments![0]!.size).toBeGreaterThan(1000);

    // The ticket's QR code, as the buyer's order shows it, becomes the fake camera's video.
    const res = await page.request.get(`/api/orders/${code}`);
    expect(res.ok()).toBe(true);
    const ticket = ((await res.json()) as OrderDto).tickets[0]!;
    const video = testInfo.outputPath('ticket-qr.y4m');
    writeQrVideo(video, ticket.qrPayload);

    const door = await createStaff(adminApi, 'door');
    const browser = await launchWithFakeCamera(video);
    try {
      const context = await browser.newContext({ baseURL, locale: 'en-US' });
      await context.addInitScript(recordCameraStreams);
      const staff = await context.newPage();
      const login = new StaffLoginPage(staff);
      await login.goto();
      await login.signIn(door.email, door.password);
      await expect(staff).toHaveURL(/\/box-office\/scan/);

      const scanner = new ScannerPage(staff);
      await scanner.goto(world.showtime.id);
      await scanner.device.fill('Gate C · camera');
      await expect(scanner.counts).toContainText('Checked in 0 of 1');

      await scanner.startCamera();
      await expect(scanner.verdict).toHaveAttribute('data-result', 'accepted', { timeout: 15_000 });
      await expect(scanner.verdict).toContainText('Accepted');
      await expect(scanner.verdict).toContainText('STALLS-A-3');
      await expect(scanner.counts).toContainText('Checked in 1 of 1');
      await screenshot(staff, 'door-camera-accepted');

      // The ticket stays in front of the camera: that is one scan, however long it is held there.
      expect(await staff.evaluate(liveCameraTracks)).toBe(1);
      await scanner.stopCamera();
      await expect.poll(() => staff.evaluate(liveCameraTracks)).toBe(0);
      await expect(scanner.verdict).toHaveAttribute('data-result', 'accepted');

      // Shown again: refused, with when, where and by whom it was first scanned.
      await scanner.startCamera();
      await expect(scanner.verdict).toHaveAttribute('data-result', 'refused', { timeout: 15_000 });
      await expect(scanner.verdict).toContainText('Already scanned');
      await expect(scanner.verdict).toContainText(/First scanned at \d{1,2}:\d{2}:\d{2}/);
      await expect(scanner.verdict).toContainText('Gate C · camera');
      await expect(scanner.verdict).toContainText('E2E door');
      await expect(scanner.counts).toContainText('Checked in 1 of 1');

      // Leaving the page (signing out) stops the camera.
      await staff.getByRole('button', { name: 'Sign out' }).click();
      await expect(staff).toHaveURL(/\/box-office\/login/);
      await expect.poll(() => staff.evaluate(liveCameraTracks)).toBe(0);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  test('a browser without a camera falls back to typing the code, and says why', async ({
    browser,
    adminApi,
  }) => {
    const door = await createStaff(adminApi, 'door');
    const context = await browser.newContext();
    const staff = await context.newPage();
    const login = new StaffLoginPage(staff);
    await login.goto();
    await login.signIn(door.email, door.password);
    await expect(staff).toHaveURL(/\/box-office\/scan/);
    const scanner = new ScannerPage(staff);
    await scanner.startCamera();
    await expect(scanner.cameraError).toBeVisible();
    await expect(scanner.cameraError).toContainText(/type the ticket code/i);
    await expect(scanner.manualEntry).toBeFocused();
    await context.close();
  });
});
