import {
  test as base,
  expect as baseExpect,
  type APIRequestContext,
  type Locator,
  type Page,
} from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  generateVenue,
  type CounterSaleResult,
  type EventDto,
  type ShowtimeCreate,
  type ShowtimeDto,
  type StaffUserDto,
  type VenueDto,
} from '@seatrush/shared';

/**
 * Box-office fixtures: every test builds its own venue, event and showtime through the staff API (as an admin
 * signed in over HTTP), so suites never depend on seed data or on each other.
 */

export const ADMIN = {
  email: process.env.SEATRUSH_ADMIN_EMAIL ?? 'admin@seatrush.local',
  password: process.env.SEATRUSH_ADMIN_PASSWORD ?? 'seatrush-admin',
};

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Saves a README screenshot (docs/screenshots/<name>.png): of the viewport, the whole page (`fullPage`), or just
 * one element when given a locator.
 */
export async function screenshot(
  target: Page | Locator,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  if ('goto' in target) await target.screenshot({ path, fullPage: opts.fullPage ?? false });
  else await target.screenshot({ path });
}

let n = 0;
export const uniq = (base: string) =>
  `${base}-${Date.now().toString(36)}-${(n++).toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

async function ok<T>(res: Awaited<ReturnType<APIRequestContext['get']>>, what: string): Promise<T> {
  if (!res.ok()) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/** Signs `request` (a page's or a standalone context) in as a staff member; the cookie stays in its jar. */
export async function staffSignIn(
  request: APIRequestContext,
  email = ADMIN.email,
  password = ADMIN.password,
) {
  return ok<{ staff: { id: string; role: string } }>(
    await request.post('/api/staff/login', { data: { email, password } }),
    'staff sign-in',
  );
}

/** A small theatre: section STALLS (rows A–C, 10 seats each, front row premium) and a standing floor. */
export function smallVenueDoc(slug: string) {
  return generateVenue({
    name: `E2E Hall ${slug.slice(-6)}`,
    slug,
    categories: [
      { key: 'premium', name: 'Premium', color: '#c2410c' },
      { key: 'standard', name: 'Standard', color: '#2563eb' },
      { key: 'floor', name: 'Floor', color: '#15803d' },
    ],
    sections: [
      {
        key: 'STALLS',
        name: 'Stalls',
        shape: 'rect',
        rows: 3,
        seatsPerRow: 10,
        category: (r) => (r === 0 ? 'premium' : 'standard'),
        origin: { x: 40, y: 120 },
      },
    ],
    gaZones: [
      {
        key: 'FLOOR',
        name: 'Standing floor',
        capacity: 40,
        category: 'floor',
        x: 40,
        y: 230,
        width: 216,
        height: 60,
      },
    ],
    stage: { x: 60, y: 20, width: 180, height: 50, label: 'Stage' },
  });
}

export const PRICES = { premium: 6000, standard: 4000, floor: 2500 };

export interface World {
  venue: VenueDto;
  event: EventDto;
  showtime: ShowtimeDto;
}

/** Creates a venue, an event and a showtime through the staff API; opens the sale unless asked not to. */
export async function createWorld(
  request: APIRequestContext,
  opts: { open?: boolean; holdTtlSeconds?: number } = {},
) {
  const venue = await ok<VenueDto>(
    await request.post('/api/staff/venues', { data: smallVenueDoc(uniq('e2e-hall')) }),
    'create venue',
  );
  const event = await ok<EventDto>(
    await request.post('/api/staff/events', { data: { slug: uniq('e2e-show'), name: `E2E Show ${n}` } }),
    'create event',
  );
  const showtime = await createShowtime(
    request,
    { eventId: event.id, venueId: venue.id, prices: PRICES, holdTtlSeconds: opts.holdTtlSeconds ?? 600 },
    { open: opts.open },
  );
  return { venue, event, showtime } satisfies World;
}

/** What a test says about a showtime it creates: its event, venue and prices, and any field it cares about. */
export type ShowtimeFields = Pick<ShowtimeCreate, 'eventId' | 'venueId' | 'prices'> & Partial<ShowtimeCreate>;

/**
 * Creates a showtime through the staff API — unless `fields` say otherwise, on sale since a minute ago until in six
 * days, the show in seven, holds of 600 s, at most 10 seats a buyer, in euros — and opens its sale unless asked not to.
 */
export async function createShowtime(
  request: APIRequestContext,
  fields: ShowtimeFields,
  opts: { open?: boolean } = {},
): Promise<ShowtimeDto> {
  const day = 86_400_000;
  const showtime = await ok<ShowtimeDto>(
    await request.post('/api/staff/showtimes', {
      data: {
        startsAt: new Date(Date.now() + 7 * day).toISOString(),
        saleOpensAt: new Date(Date.now() - 60_000).toISOString(),
        saleClosesAt: new Date(Date.now() + 6 * day).toISOString(),
        holdTtlSeconds: 600,
        perBuyerLimit: 10,
        currency: 'EUR',
        ...fields,
      },
    }),
    'create showtime',
  );
  if (opts.open !== false)
    await ok(await request.post(`/api/staff/showtimes/${showtime.id}/sale/open`), 'open the sale');
  return showtime;
}

export async function createStaff(request: APIRequestContext, role: 'admin' | 'box_office' | 'door') {
  const email = `${uniq(role)}@e2e.test`;
  const password = 'e2e-password-1';
  const user = await ok<StaffUserDto>(
    await request.post('/api/staff/users', {
      data: { email, name: `E2E ${role.replace('_', ' ')}`, role, password },
    }),
    'create staff user',
  );
  return { user, email, password };
}

export async function counterSaleApi(
  request: APIRequestContext,
  showtimeId: string,
  body: {
    seats?: string[];
    zone?: string;
    quantity?: number;
    buyerEmail?: string;
    method?: 'cash' | 'card_present';
  },
) {
  return ok<CounterSaleResult>(
    await request.post(`/api/staff/showtimes/${showtimeId}/counter-sale`, {
      data: { method: 'cash', ...body },
    }),
    'counter sale',
  );
}

interface Fixtures {
  /** An API context signed in as the admin (its own cookie jar; not the page's). */
  adminApi: APIRequestContext;
  /** A fresh venue + event + showtime with its sale open. */
  world: World;
  /** The page, signed in as the admin (cookie set through the page's own request context). */
  adminPage: Page;
}

export const test = base.extend<Fixtures>({
  adminApi: async ({ playwright, baseURL }, use) => {
    const ctx = await playwright.request.newContext({ baseURL });
    await staffSignIn(ctx);
    await use(ctx);
    await ctx.dispose();
  },
  world: async ({ adminApi }, use) => {
    await use(await createWorld(adminApi));
  },
  adminPage: async ({ page }, use) => {
    await staffSignIn(page.request);
    await use(page);
  },
});

/**
 * Pages load on a busy two-core machine next to a server and a second browser: allow 10 s for things to appear.
 * The "within 1 s" real-time checks pass their own timeout.
 */
export const expect = baseExpect.configure({ timeout: 10_000 });

/** What a purchase needs: the server, a staff client (to wait for PAID), the showtime, the seats, the email. */
type Purchase = [
  baseURL: string | undefined,
  staff: APIRequestContext,
  showtimeId: string,
  seats: string[],
  email: string,
];

/**
 * A buyer's online purchase through the public API (guest session → hold → checkout → sandbox card), waited on
 * until the order is PAID (the webhook is asynchronous). Uses its own request context: its own buyer cookie.
 */
export async function onlinePurchase(
  playwright: { request: { newContext(o: { baseURL?: string }): Promise<APIRequestContext> } },
  ...purchase: Purchase
): Promise<string> {
  const [baseURL, , , , email] = purchase;
  const buyer = await playwright.request.newContext({ baseURL });
  try {
    await ok(await buyer.post('/api/buyer/session', { data: { email } }), 'buyer session');
    return await purchaseAs(buyer, ...purchase);
  } finally {
    await buyer.dispose();
  }
}

/** The same purchase in an existing buyer session (`buyer` carries its cookie), e.g. a page's `page.request`. */
export async function purchaseAs(
  buyer: APIRequestContext,
  ...[baseURL, staff, showtimeId, seats, email]: Purchase
): Promise<string> {
  const hold = await ok<{ holdId: string; holdToken: string }>(
    await buyer.post(`/api/showtimes/${showtimeId}/holds`, {
      data: { seats },
      headers: { 'idempotency-key': uniq('e2e-hold') },
    }),
    'hold',
  );
  const co = await ok<{ paymentUrl: string; orderCode: string }>(
    await buyer.post(`/api/holds/${hold.holdId}/checkout`, { data: { holdToken: hold.holdToken, email } }),
    'checkout',
  );
  const paymentId = new URL(co.paymentUrl, baseURL).pathname.split('/').pop()!;
  await ok(await buyer.post(`/sandbox-pay/${paymentId}`, { data: { card: '4242424242424242' } }), 'pay');
  await expect
    .poll(
      async () =>
        ((await (await staff.get(`/api/staff/orders/${co.orderCode}`)).json()) as { status: string }).status,
      {
        timeout: 15_000,
      },
    )
    .toBe('PAID');
  return co.orderCode;
}
