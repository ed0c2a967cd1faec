import type { Locator, Page } from '@playwright/test';

/** The door scanner at /box-office/scan (apps/web/src/box-office/check-in/ScanPage.tsx). */
export class ScannerPage {
  constructor(readonly page: Page) {}

  async goto(showtimeId?: string) {
    await this.page.goto(
      `/box-office/scan${showtimeId ? `?showtime=${encodeURIComponent(showtimeId)}` : ''}`,
    );
  }

  get device(): Locator {
    return this.page.getByLabel('This scanner (gate, device)');
  }

  /** Types a ticket code (or QR text) and submits it, as a door person does when the camera cannot read it. */
  async enter(code: string) {
    await this.page.getByLabel('Ticket code or QR text').fill(code);
    await this.page.getByRole('button', { name: 'Check in' }).click();
  }

  get manualEntry(): Locator {
    return this.page.getByLabel('Ticket code or QR text');
  }

  /** Turns the camera on (useQrCamera.ts); it reports each QR code it sees as a scan. */
  async startCamera() {
    await this.page.getByRole('button', { name: 'Use camera' }).click();
  }

  async stopCamera() {
    await this.page.getByRole('button', { name: 'Stop camera' }).click();
  }

  /** Why the camera could not be opened (the page then falls back to typing the code). */
  get cameraError(): Locator {
    return this.page.getByTestId('camera-error');
  }

  get verdict(): Locator {
    return this.page.getByTestId('scan-verdict');
  }

  get counts(): Locator {
    return this.page.getByTestId('checkin-counts');
  }
}
