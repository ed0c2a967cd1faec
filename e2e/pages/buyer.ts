import type { Locator, Page } from '@playwright/test';
import type { SeatMapDocument } from '@seatrush/shared';
import { expect } from '../fixtures/buyer.ts';

/**
 * Page objects of the buyer app (apps/web/src/pages). Locators use roles, labels and the app's data-testids;
 * seats in the list picker are `[data-seat="STALLS-A-3"]` buttons with a `seat-<state>` class.
 */

export type SeatState = 'free' | 'held' | 'sold' | 'blocked' | 'mine' | 'selected';

/** `STALLS-A-3` → section key, row label, seat number (section keys may contain dashes). */
export function parseSeat(label: string): { section: string; row: string; number: string } {
  const parts = label.split('-');
  if (parts.length < 3) throw new Error(`not a seat label: ${label}`);
  const number = parts.pop()!;
  const row = parts.pop()!;
  return { section: parts.join('-'), row, number };
}

/** Focus-only navigation: presses Tab (or Shift+Tab) until `target` has focus. */
export async function tabTo(page: Page, target: Locator, opts: { back?: boolean; max?: number } = {}) {
  const key = opts.back ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i < (opts.max ?? 80); i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${target.toString()}`);
}

export class BuyerEventsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { level: 1, name: "What's on" })).toBeVisible();
    await expect(this.list).toBeVisible();
  }

  get list(): Locator {
    return this.page.getByRole('list', { name: 'Events' });
  }

  event(slug: string): Locator {
    return this.list.locator(`a[href="/events/${encodeURIComponent(slug)}"]`);
  }
}

export class BuyerEventPage {
  constructor(readonly page: Page) {}

  async goto(slug: string) {
    await this.page.goto(`/events/${encodeURIComponent(slug)}`);
    await expect(this.page.getByRole('heading', { name: 'Select a time' })).toBeVisible();
  }

  get showtimes(): Locator {
    return this.page.getByRole('list', { name: 'Showtimes' });
  }

  showtime(id: string): Locator {
    return this.showtimes.getByRole('listitem').filter({ has: this.chooseLink(id) });
  }

  /** "Choose seats" while on sale, "View" otherwise. */
  chooseLink(id: string): Locator {
    return this.page.locator(`a[href="/showtimes/${encodeURIComponent(id)}"]`);
  }

  /** The live "N tickets left" of a showtime (polled by the page). */
  remaining(id: string): Locator {
    return this.showtime(id).locator('.remaining');
  }
}

/** The showtime page: canvas seat map, list picker, selection, my holds, GA quantity pickers. */
export class BuyerShowtimePage {
  private doc: SeatMapDocument | null = null;

  constructor(
    readonly page: Page,
    readonly showtimeId: string,
  ) {}

  async goto() {
    await this.page.goto(`/showtimes/${encodeURIComponent(this.showtimeId)}`);
    await this.waitUntilLive();
  }

  /** Live availability has arrived: no seat of the list is in the "unknown" state and the overlay is gone. */
  async waitUntilLive() {
    await expect(this.page.getByRole('heading', { name: 'Seat map' })).toBeVisible({ timeout: 15_000 });
    await expect(this.page.locator('[data-seat]').first()).toBeVisible();
    await expect(this.page.locator('.seat-button.seat-unknown')).toHaveCount(0, { timeout: 15_000 });
    await expect(this.page.getByText('Connecting to live availability…')).toBeHidden();
  }

  // ---------- the list picker ----------

  get sectionSelect(): Locator {
    return this.page.getByLabel('Section', { exact: true });
  }

  get rowSelect(): Locator {
    return this.page.getByLabel('Row', { exact: true });
  }

  /** A seat button of the list picker (only the chosen row's seats are on the page: see `showRow`). */
  seat(label: string): Locator {
    return this.page.locator(`[data-seat="${label}"]`);
  }

  /** Shows the row of `label` in the list picker (the section must already be chosen). */
  async showRow(label: string) {
    const { row } = parseSeat(label);
    if (await this.seat(label).count()) return;
    const option = this.rowSelect.locator('option').filter({ hasText: new RegExp(`^Row ${row} —`) });
    const value = await option.getAttribute('value');
    if (value === null) throw new Error(`row ${row} has no option value`);
    await this.rowSelect.selectOption(value);
    await expect(this.seat(label)).toBeVisible();
  }

  async expectSeat(label: string, state: SeatState, timeout?: number) {
    await this.showRow(label);
    await expect(this.seat(label)).toHaveClass(new RegExp(`\\bseat-${state}\\b`), { timeout });
  }

  async pickInList(label: string) {
    await this.showRow(label);
    await this.seat(label).click();
    await expect(this.seat(label)).toHaveAttribute('aria-pressed', 'true');
  }

  // ---------- the canvas map ----------

  get map(): Locator {
    return this.page.getByRole('application', { name: /^Seat map of / });
  }

  get tooltip(): Locator {
    return this.map.getByRole('tooltip');
  }

  /** The seat-map document the page draws (fetched once through the public API). */
  async seatMap(): Promise<SeatMapDocument> {
    if (!this.doc) {
      const st = (await (await this.page.request.get(`/api/showtimes/${this.showtimeId}`)).json()) as {
        seatMapUrl: string;
      };
      this.doc = (await (await this.page.request.get(st.seatMapUrl)).json()) as SeatMapDocument;
    }
    return this.doc;
  }

  /**
   * The view the map shows until the buyer pans or zooms: the renderer's "fit" transform
   * (apps/web/src/seatmap/renderer.ts) over the model's bounds (seats, zones and stage, padded by 0.8 × the seat
   * spacing; model.ts), for the map's current size. `radius`: a seat's radius in map units.
   */
  private async fitView() {
    const doc = await this.seatMap();
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const grow = (x: number, y: number) => {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    };
    const gaps: number[] = [];
    for (const s of doc.sections)
      for (const r of s.rows) {
        let prev: { x: number; y: number } | null = null;
        for (const seat of r.seats) {
          grow(seat.x, seat.y);
          if (prev) {
            const d = Math.hypot(seat.x - prev.x, seat.y - prev.y);
            if (d > 0) gaps.push(d);
          }
          prev = seat;
        }
      }
    for (const z of doc.gaZones)
      if (z.x !== undefined && z.y !== undefined && z.width !== undefined && z.height !== undefined) {
        grow(z.x, z.y);
        grow(z.x + z.width, z.y + z.height);
      }
    if (doc.stage) {
      grow(doc.stage.x, doc.stage.y);
      grow(doc.stage.x + doc.stage.width, doc.stage.y + doc.stage.height);
    }
    gaps.sort((a, b) => a - b);
    const spacing = gaps[Math.floor(gaps.length * 0.05)] ?? 10;
    const pad = spacing * 0.8;
    const [bx, by, bw, bh] = [minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad];
    const { width, height } = await this.map.evaluate((el) => ({
      width: el.clientWidth,
      height: el.clientHeight,
    }));
    const scale = Math.min(width / bw, height / bh);
    const at = (x: number, y: number) => ({
      x: x * scale + (width - bw * scale) / 2 - bx * scale,
      y: y * scale + (height - bh * scale) / 2 - by * scale,
    });
    return { doc, scale, at, radius: spacing * 0.4 };
  }

  /**
   * Where a seat is drawn on the canvas while the map shows the whole venue (see `fitView`). The caller checks
   * the tooltip, so a drift between this and the app fails loudly, not silently on the wrong seat.
   */
  async seatPoint(label: string): Promise<{ x: number; y: number }> {
    const { doc, at } = await this.fitView();
    const { section: key, row: rowLabel, number } = parseSeat(label);
    const seat = doc.sections
      .find((s) => s.key === key)
      ?.rows.find((r) => r.label === rowLabel)
      ?.seats.find((x) => String(x.number) === number);
    if (!seat) throw new Error(`no seat ${label} in the seat map`);
    return at(seat.x, seat.y);
  }

  /**
   * Everything the map draws while it shows the whole venue, as boxes in page coordinates: each seat, each
   * section's name (drawn at the mean of its seats, 12 px type in an 18 px high box; renderer.ts drawOverlay),
   * each standing zone and the stage.
   */
  async drawnBoxes(): Promise<Array<{ what: string; x: number; y: number; width: number; height: number }>> {
    const { doc, scale, at, radius } = await this.fitView();
    const frame = (await this.map.boundingBox())!;
    const border = await this.map.evaluate((el) => ({ x: el.clientLeft, y: el.clientTop }));
    const ox = frame.x + border.x;
    const oy = frame.y + border.y;
    const r = Math.max(radius * scale, 3);
    const boxes: Array<{ what: string; x: number; y: number; width: number; height: number }> = [];
    const nameWidths = await this.map.evaluate(
      (_el, names) => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = '600 12px system-ui, sans-serif';
        return names.map((n) => ctx.measureText(n).width + 10);
      },
      doc.sections.map((s) => s.name),
    );
    doc.sections.forEach((s, k) => {
      let sx = 0;
      let sy = 0;
      let n = 0;
      for (const row of s.rows)
        for (const seat of row.seats) {
          const p = at(seat.x, seat.y);
          boxes.push({
            what: `seat ${s.key}-${row.label}-${seat.number}`,
            x: ox + p.x - r,
            y: oy + p.y - r,
            width: 2 * r,
            height: 2 * r,
          });
          sx += seat.x;
          sy += seat.y;
          n++;
        }
      if (n === 0) return;
      const c = at(sx / n, sy / n);
      const w = nameWidths[k]!;
      boxes.push({ what: `label "${s.name}"`, x: ox + c.x - w / 2, y: oy + c.y - 9, width: w, height: 18 });
    });
    const rect = (what: string, x: number, y: number, w: number, h: number) => {
      const p = at(x, y);
      boxes.push({ what, x: ox + p.x, y: oy + p.y, width: w * scale, height: h * scale });
    };
    for (const z of doc.gaZones)
      if (z.x !== undefined && z.y !== undefined && z.width !== undefined && z.height !== undefined)
        rect(`zone ${z.name}`, z.x, z.y, z.width, z.height);
    if (doc.stage) rect('stage', doc.stage.x, doc.stage.y, doc.stage.width, doc.stage.height);
    return boxes;
  }

  /** The map's zoom buttons. */
  get zoomControls(): Locator {
    return this.page.getByRole('group', { name: 'Zoom' });
  }

  /** Points at a seat on the canvas, checks the tooltip names it, and clicks (or taps) it. */
  async pickOnMap(label: string, opts: { tap?: boolean } = {}) {
    const { section: key, row, number } = parseSeat(label);
    const name = (await this.seatMap()).sections.find((s) => s.key === key)?.name ?? key;
    const position = await this.seatPoint(label);
    if (opts.tap) await this.map.tap({ position });
    else {
      await this.map.hover({ position });
      await expect(this.tooltip).toContainText(`${name}, row ${row}, seat ${number}`);
      await this.map.click({ position });
    }
    await expect(this.tooltip).toContainText(`${name}, row ${row}, seat ${number}`);
    await expect(this.selection).toContainText(`${name}, row ${row}, seat ${number}`);
  }

  // ---------- selection, holding ----------

  get selection(): Locator {
    return this.page.getByRole('region', { name: 'Your selection' });
  }

  get holdButton(): Locator {
    return this.page.getByTestId('hold-seats');
  }

  get emailDialog(): Locator {
    return this.page.getByTestId('email-dialog');
  }

  /** Gives the email the app asks for before the first hold on this device. */
  async giveEmail(email: string) {
    await expect(this.emailDialog).toBeVisible();
    await this.emailDialog.getByLabel('Email address').fill(email);
    await this.emailDialog.getByRole('button', { name: 'Continue' }).click();
    await expect(this.emailDialog).toBeHidden();
  }

  /** Clicks "Hold N seats"; with `email`, answers the email dialog first asked on this device. */
  async holdSelected(opts: { email?: string } = {}) {
    await this.holdButton.click();
    if (opts.email) await this.giveEmail(opts.email);
    await expect(this.myHolds).toBeVisible();
  }

  /** Opens the page, picks `label` in the list picker and holds it, giving `email` when the app asks for it. */
  async holdFromList(label: string, email: string) {
    await this.goto();
    await this.pickInList(label);
    await this.holdSelected({ email });
  }

  /**
   * A buyer's purchase of one seat, step by step as a person does it: holds `label` (`holdFromList`), goes to the
   * checkout, pays and enters `card` on the sandbox's page. Returns both pages, for what the test looks at next
   * (the outcome, the way back to the shop).
   */
  async buy(label: string, opts: { email: string; card: string }) {
    await this.holdFromList(label, opts.email);
    await this.checkout();
    const checkout = new BuyerCheckoutPage(this.page);
    await checkout.expectLoaded();
    await checkout.pay();
    const sandbox = new SandboxPaymentPage(this.page);
    await sandbox.payWith(opts.card);
    return { checkout, sandbox };
  }

  /** What the page says after an action (held, cancelled, taken, limits...). */
  get message(): Locator {
    return this.page.getByTestId('picker-message');
  }

  get myHolds(): Locator {
    return this.page.getByTestId('my-holds');
  }

  /** One reservation card of "Reserved for you" (the first unless named by its contents). */
  holdCard(hasText?: string | RegExp): Locator {
    const cards = this.myHolds.locator('.hold-card');
    return hasText === undefined ? cards.first() : cards.filter({ hasText });
  }

  async checkout(hasText?: string | RegExp) {
    await this.holdCard(hasText).getByRole('link', { name: 'Checkout' }).click();
    await expect(this.page).toHaveURL(/\/checkout\//);
  }

  async cancelHold(hasText?: string | RegExp) {
    await this.holdCard(hasText).getByRole('button', { name: 'Cancel reservation' }).click();
  }

  get holdEndedDialog(): Locator {
    return this.page.getByTestId('hold-ended-dialog');
  }

  // ---------- general admission ----------

  zone(name: string): Locator {
    return this.page
      .getByRole('region', { name: 'Standing and general admission' })
      .getByRole('listitem')
      .filter({
        has: this.page.getByRole('group', { name: `Quantity for ${name}` }),
      });
  }

  zoneQuantity(name: string): Locator {
    return this.zone(name).getByRole('spinbutton', { name: `Tickets for ${name}` });
  }

  /** Sets the quantity with the stepper's "One more" button and holds it. */
  async holdZone(name: string, quantity: number, opts: { email?: string } = {}) {
    const zone = this.zone(name);
    for (let q = 1; q < quantity; q++) await zone.getByRole('button', { name: 'One more' }).click();
    await expect(this.zoneQuantity(name)).toHaveValue(String(quantity));
    await zone.getByRole('button', { name: new RegExp(`^Hold ${quantity}\\b`) }).click();
    if (opts.email) await this.giveEmail(opts.email);
    await expect(this.myHolds).toBeVisible();
  }
}

/** The "Best available" panel of the showtime page. */
export class BestAvailablePanel {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Best available' });
  }

  get quantity(): Locator {
    return this.root.getByLabel('Seats', { exact: true });
  }

  get category(): Locator {
    return this.root.getByLabel('Category', { exact: true });
  }

  /** Chooses the quantity and category (by key) and presses "Find N best seats". */
  async find(quantity: number, category: string) {
    await this.quantity.selectOption(String(quantity));
    await this.category.selectOption(category);
    await this.root
      .getByRole('button', { name: `Find ${quantity} best ${quantity === 1 ? 'seat' : 'seats'}` })
      .click();
  }
}

export class BuyerCheckoutPage {
  constructor(readonly page: Page) {}

  get email(): Locator {
    return this.page.getByLabel('Email for your tickets');
  }

  get payButton(): Locator {
    return this.page.getByTestId('pay');
  }

  get items(): Locator {
    return this.page.getByRole('region', { name: 'Your tickets' });
  }

  get declined(): Locator {
    return this.page.getByTestId('payment-declined');
  }

  get expired(): Locator {
    return this.page.getByTestId('checkout-expired');
  }

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
    await expect(this.payButton).toBeEnabled();
  }

  /** Pays: the app sends the buyer to the provider's page (the sandbox's, here). */
  async pay(email?: string) {
    if (email !== undefined) await this.email.fill(email);
    await this.payButton.click();
    await expect(this.page).toHaveURL(/\/sandbox-pay\/sbx_/);
  }

  async cancel() {
    await this.page.getByRole('button', { name: 'Cancel reservation' }).click();
  }
}

/** The sandbox provider's hosted payment page (served by our server: a plain form, no script). */
export class SandboxPaymentPage {
  constructor(readonly page: Page) {}

  get card(): Locator {
    return this.page.getByLabel('Card number');
  }

  get outcome(): Locator {
    return this.page.getByRole('status');
  }

  async payWith(card: string) {
    await expect(this.page.getByText('Sandbox — no real money.')).toBeVisible();
    await this.card.fill(card);
    await this.page.getByRole('button', { name: /^Pay / }).click();
  }

  /** After a finished payment the page returns to the order by itself (its "Back to the shop" link is for the impatient). */
  async backToShop() {
    await expect(this.page).toHaveURL(/\/orders\/[A-Z0-9]{4}-[A-Z0-9]{4}$/, { timeout: 15_000 });
  }
}

export class BuyerOrderPage {
  constructor(readonly page: Page) {}

  async goto(code: string) {
    await this.page.goto(`/orders/${encodeURIComponent(code)}`);
  }

  get code(): Promise<string> {
    return this.page
      .getByRole('heading', { level: 1 })
      .locator('.mono')
      .textContent()
      .then((t) => t ?? '');
  }

  get status(): Locator {
    return this.page.getByTestId('order-status');
  }

  get tickets(): Locator {
    return this.page.getByRole('region', { name: /^(Tickets|Items)$/ }).getByRole('listitem');
  }

  get qrCodes(): Locator {
    return this.page.getByRole('img', { name: /^QR code for ticket / });
  }

  get declined(): Locator {
    return this.page.getByTestId('payment-declined');
  }

  get refundStatus(): Locator {
    return this.page.getByTestId('refund-status');
  }

  /** The lookup form shown when the page does not know the buyer's email. */
  async lookUp(email: string) {
    const form = this.page.getByRole('form', { name: /^Find order / });
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Show order' }).click();
  }

  async refundAll() {
    await this.page.getByTestId('refund-all').click();
    const dialog = this.page.getByTestId('refund-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}

export class BuyerOrdersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/orders');
    await expect(this.page.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
  }

  async find(code: string, email: string) {
    await this.page.getByLabel('Order code').fill(code);
    await this.page.getByLabel('Email used for the order').fill(email);
    await this.page.getByRole('button', { name: 'Show order' }).click();
  }

  /** "Your orders": the buyer session's orders from the server, newest first. */
  get mine(): Locator {
    return this.page.getByRole('list', { name: 'Your orders' });
  }

  /** The row of one order in "Your orders" (its link is named by the code and the event). */
  order(code: string): Locator {
    return this.mine.getByRole('listitem').filter({ has: this.page.getByRole('link', { name: code }) });
  }

  /** Order codes remembered in this browser: shown only when the server cannot list the session's orders. */
  get onThisDevice(): Locator {
    return this.page.getByRole('list', { name: 'On this device' });
  }
}
