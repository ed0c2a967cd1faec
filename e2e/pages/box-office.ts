import type { Locator, Page } from '@playwright/test';
import { expect } from './box-office-fixtures.ts';

/** Page objects of the box-office dashboard (apps/web/src/box-office). Locators use roles and labels first. */

export class StaffLoginPage {
  constructor(readonly page: Page) {}

  async goto(next?: string) {
    await this.page.goto(`/box-office/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  get error(): Locator {
    return this.page.getByTestId('error-note');
  }
}

export class BoxOfficeShell {
  constructor(readonly page: Page) {}

  get nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Box office' });
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  get signedInAs(): Locator {
    return this.page.getByTestId('signed-in-as');
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }
}

/** Live operations of one showtime: figures, sale control, the staff seat map and its actions. */
export class LiveShowtimePage {
  constructor(readonly page: Page) {}

  async goto(showtimeId: string) {
    await this.page.goto(`/box-office/showtimes/${showtimeId}`);
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible({ timeout: 15_000 });
  }

  stat(name: 'sold' | 'held' | 'available' | 'blocked' | 'revenue' | 'buyers' | 'expiring'): Locator {
    return this.page.getByTestId(`stat-${name}-value`);
  }

  get liveStatus(): Locator {
    return this.page.getByTestId('live-status');
  }

  get saleControls(): Locator {
    return this.page.getByRole('group', { name: 'Sale control' });
  }

  saleState(state: string): Locator {
    return this.page.locator(`.bo-page-header .bo-badge[data-value="${state}"]`);
  }

  /** Waits until the seat map shows live states (so later changes are observable). */
  async waitForMap() {
    await expect(this.page.getByTestId('map-status')).toContainText('live', { timeout: 15_000 });
  }

  /** Selects seats through the label box (the same selection as clicking them on the map). */
  async selectSeats(labels: string[]) {
    await this.page.getByLabel('Select seats by label').fill(labels.join(', '));
    await this.page.getByRole('button', { name: 'Select', exact: true }).click();
    for (const l of labels) await expect(this.page.getByTestId('selection')).toContainText(l);
  }

  async block(reason: string) {
    const form = this.page.getByRole('form', { name: 'Block seats', exact: true });
    await form.getByLabel('Reason').fill(reason);
    await form.getByRole('button', { name: 'Block seats' }).click();
  }

  async unblockSelected() {
    await this.page.getByRole('button', { name: 'Unblock seats' }).click();
  }

  async counterSale(opts: { method?: 'Cash' | 'Card (present)'; email?: string } = {}) {
    const form = this.page.getByRole('form', { name: 'Counter sale', exact: true });
    await form.getByLabel(opts.method ?? 'Cash').check();
    if (opts.email) await form.getByLabel('Buyer email (optional)').fill(opts.email);
    await form.getByRole('button', { name: 'Sell and take payment' }).click();
    const done = this.page.getByTestId('counter-sale-done');
    await expect(done).toBeVisible();
    return done;
  }

  get blockList(): Locator {
    return this.page.getByTestId('block-list');
  }
}

export class OrdersPage {
  constructor(readonly page: Page) {}

  async search(q: string) {
    await this.page.goto('/box-office/orders');
    await this.page.getByLabel('Search orders').fill(q);
    await this.page.getByRole('button', { name: 'Search' }).click();
  }

  get results(): Locator {
    return this.page.getByTestId('order-results');
  }

  async open(code: string) {
    await this.results.getByRole('link', { name: code }).click();
    await expect(this.page.getByRole('heading', { name: `Order ${code}` })).toBeVisible();
  }
}

export class OrderDetailPage {
  constructor(readonly page: Page) {}

  async goto(code: string) {
    await this.page.goto(`/box-office/orders/${code}`);
    await expect(this.page.getByRole('heading', { name: `Order ${code}` })).toBeVisible();
  }

  status(value: string): Locator {
    return this.page.locator(`.bo-page-header .bo-badge[data-value="${value}"]`);
  }

  /** The confirmation every staff refund asks for (issue 17: a refund moves money and cannot be undone). */
  get refundDialog(): Locator {
    return this.page.getByTestId('staff-refund-dialog');
  }

  async refundItem(label: string) {
    await this.page.getByRole('checkbox', { name: `Refund ${label}` }).check();
    await this.page.getByRole('button', { name: /^Refund selected/ }).click();
    await this.confirmRefund();
  }

  async refundAll() {
    await this.page.getByRole('button', { name: 'Refund whole order' }).click();
    await this.confirmRefund();
  }

  private async confirmRefund() {
    await expect(this.refundDialog).toBeVisible();
    await this.refundDialog.getByRole('button', { name: /^Refund / }).click();
    await expect(this.refundDialog).toBeHidden();
  }
}

/**
 * What a buyer sees of one seat: the buyer app's list picker (section → row → seat) renders the same store as
 * its canvas map, with one button per seat of the chosen row (`data-seat`, class `seat-<state>`).
 */
export class BuyerSeatProbe {
  constructor(readonly page: Page) {}

  async goto(showtimeId: string) {
    await this.page.goto(`/showtimes/${showtimeId}`);
  }

  seat(label: string): Locator {
    return this.page.locator(`[data-seat="${label}"]`);
  }

  async expectState(label: string, state: 'free' | 'held' | 'sold' | 'blocked', timeout = 1000) {
    await expect(this.seat(label)).toHaveClass(new RegExp(`\\bseat-${state}\\b`), { timeout });
  }
}
