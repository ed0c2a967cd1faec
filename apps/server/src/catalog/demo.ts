import {
  generateStadium,
  generateVenue,
  parseSeatMap,
  type SeatMapDocument,
  type ShowtimeCreate,
} from '@seatrush/shared';
import type { Config } from '../config/index.ts';
import { ensureStaffUser } from '../auth/staff.ts';
import type { CatalogDeps } from './common.ts';
import { createVenue, findVenueIdBySlug } from './venues.ts';
import { createEvent } from './events.ts';
import { createShowtime } from './showtimes.ts';
import { changeSaleState } from './sale-control.ts';

/**
 * Demo data, created through the same use cases staff use (so the seed cannot drift from the product):
 * a ~2,000-seat theatre with a 500-place standing zone and `demo-concert` (three showtimes, on sale),
 * a 10,000-place GA arena with `flash-sale` (one showtime, no per-buyer limit, everything at the front door off,
 * on sale), a 4,000-seat stadium with `stadium-on-sale` (the waiting room on), and the admin.
 */

export const DEMO_ADMIN_EMAIL = 'admin@seatrush.local';

/** The theatre: stalls and circle on arcs around the stage, two boxes, a standing zone at the back. */
export function demoTheatre(): SeatMapDocument {
  const centre = { x: 1100, y: 0 };
  return generateVenue({
    name: 'Seatrush Demo Theatre',
    slug: 'demo-theatre',
    categories: [
      { key: 'premium', name: 'Premium', color: '#b8860b' },
      { key: 'standard', name: 'Standard', color: '#1f77b4' },
      { key: 'economy', name: 'Economy', color: '#2ca02c' },
      { key: 'standing', name: 'Standing', color: '#9467bd' },
    ],
    stage: { x: 900, y: 180, width: 400, height: 140, label: 'Stage' },
    sections: [
      {
        key: 'STALLS',
        name: 'Stalls',
        shape: 'arc',
        origin: centre,
        radius: 420,
        angle: { centre: 0, sweep: 110 },
        rows: 24,
        seatsPerRow: 38,
        seatsPerRowIncrement: 1,
        spacing: { y: 26 },
        category: (r) => (r < 8 ? 'premium' : 'standard'),
        // Step-free back row: wheelchair spaces at both ends and near the centre, each with a companion seat.
        accessible: [{ row: 23, seats: [1, 4, 58, 61] }],
      },
      {
        key: 'CIRCLE',
        name: 'Circle',
        shape: 'arc',
        origin: centre,
        radius: 1100,
        angle: { centre: 0, sweep: 80 },
        rows: 12,
        seatsPerRow: 52,
        seatsPerRowIncrement: 2,
        spacing: { y: 26 },
        category: (r) => (r < 4 ? 'standard' : 'economy'),
        accessible: [{ row: 0, seats: [1, 52] }],
      },
      {
        key: 'BOXL',
        name: 'Box left',
        shape: 'rect',
        origin: { x: 150, y: 150 },
        rows: 4,
        seatsPerRow: 8,
        rowLabels: 'numbers',
        category: 'premium',
      },
      {
        key: 'BOXR',
        name: 'Box right',
        shape: 'rect',
        origin: { x: 1882, y: 150 },
        rows: 4,
        seatsPerRow: 8,
        rowLabels: 'numbers',
        category: 'premium',
      },
    ],
    gaZones: [
      {
        key: 'STANDING',
        name: 'Standing',
        capacity: 500,
        category: 'standing',
        x: 700,
        y: 1450,
        width: 800,
        height: 200,
      },
    ],
  });
}

/** A 4,000-seat bowl (8 sections × 20 rows × 25) with a 1,000 standing pitch: the stadium on-sale. */
export function demoStadium(): SeatMapDocument {
  return generateStadium({
    name: 'Seatrush Stadium',
    slug: 'demo-stadium',
    sections: 8,
    rows: 20,
    seatsPerRow: 25,
    floorCapacity: 1000,
  });
}

/** One standing floor of 10,000: the flash-sale scenario. */
export function flashArena(): SeatMapDocument {
  return generateVenue({
    name: 'Seatrush Flash Arena',
    slug: 'flash-arena',
    categories: [{ key: 'ga', name: 'General admission', color: '#d62728' }],
    stage: { x: 200, y: 0, width: 600, height: 100, label: 'Stage' },
    sections: [],
    gaZones: [
      {
        key: 'FLOOR',
        name: 'Floor',
        capacity: 10_000,
        category: 'ga',
        x: 0,
        y: 150,
        width: 1000,
        height: 700,
      },
    ],
  });
}

export interface SeedOptions {
  /** Do nothing when the catalog already has venues or events (what `npm start` runs). */
  ifEmpty?: boolean;
  now?: Date;
}

export interface SeedResult {
  skipped: boolean;
  created: { venues: number; events: number; showtimes: number; salesOpened: number; admin: boolean };
  totals: { venues: number; seats: number; events: number; showtimes: number; staff: number };
}

const DAY = 86_400_000;

interface DemoEvent {
  slug: string;
  name: string;
  description: string;
  venue: () => SeatMapDocument;
  showtimes: Array<{
    inDays: number;
    holdTtlSeconds: number;
    perBuyerLimit: number | null;
    /** Hold rate limits per minute (0 = none; absent = the configured defaults). */
    holdLimits?: { perBuyer: number; perAddress: number };
    /** The waiting room and its settings (docs/waiting-room.md); off when absent. */
    room?: Pick<
      ShowtimeCreate,
      'waitingRoom' | 'admissionPerMinute' | 'maxShoppers' | 'shoppingWindowSeconds'
    >;
  }>;
  prices: Record<string, number>;
}

const DEMO_EVENTS: DemoEvent[] = [
  {
    slug: 'demo-concert',
    name: 'Seatrush Demo Concert',
    description: 'An evening of chamber music. Three performances; pick your seats on the map.',
    venue: demoTheatre,
    showtimes: [7, 14, 21].map((inDays) => ({ inDays, holdTtlSeconds: 900, perBuyerLimit: 8 })),
    prices: { premium: 8900, standard: 5900, economy: 3900, standing: 4500 },
  },
  {
    slug: 'flash-sale',
    name: 'Flash Sale: The Big One',
    description: 'One night, 10,000 standing tickets, everyone at once.',
    venue: flashArena,
    // No hold rate limits: benchmarks and load tests drive this sale with one buyer from one address, and compare
    // like with like across runs (issue 15).
    showtimes: [
      { inDays: 30, holdTtlSeconds: 900, perBuyerLimit: null, holdLimits: { perBuyer: 0, perAddress: 0 } },
    ],
    prices: { ga: 5000 },
  },
  {
    slug: 'stadium-on-sale',
    name: 'Stadium On-Sale: Summer Tour',
    description:
      'A stadium on-sale with the waiting room on: join the line, wait for your turn, then pick seats.',
    venue: demoStadium,
    showtimes: [
      {
        inDays: 60,
        holdTtlSeconds: 600,
        perBuyerLimit: 6,
        room: { waitingRoom: true, admissionPerMinute: 120, maxShoppers: 500, shoppingWindowSeconds: 600 },
      },
    ],
    prices: { lower: 9500, middle: 7000, upper: 4500, floor: 8000 },
  },
];

/**
 * Creates whatever of the demo data is missing; running it again changes nothing (no new rows, no new audit
 * entries). Sales of demo showtimes still `scheduled` are opened through sale control.
 * Throws when the admin must be created but no admin password is configured (production without
 * SEATRUSH_ADMIN_PASSWORD).
 */
export async function seedDemo(
  deps: CatalogDeps & { config: Pick<Config, 'adminPassword'> },
  opts: SeedOptions = {},
): Promise<SeedResult> {
  const { prisma } = deps;
  const now = opts.now ?? new Date();
  const created = { venues: 0, events: 0, showtimes: 0, salesOpened: 0, admin: false };
  const totals = async () => ({
    venues: await prisma.venue.count(),
    seats: await prisma.seat.count(),
    events: await prisma.event.count(),
    showtimes: await prisma.showtime.count(),
    staff: await prisma.staffUser.count(),
  });

  if (opts.ifEmpty && ((await prisma.venue.count()) > 0 || (await prisma.event.count()) > 0))
    return { skipped: true, created, totals: await totals() };

  const admin = await prisma.staffUser.findUnique({
    where: { email: DEMO_ADMIN_EMAIL },
    select: { id: true },
  });
  if (!admin) {
    if (!deps.config.adminPassword)
      throw new Error(
        'Set SEATRUSH_ADMIN_PASSWORD to create the admin account (required when NODE_ENV=production).',
      );
    const r = await ensureStaffUser(
      deps,
      { email: DEMO_ADMIN_EMAIL, name: 'Seatrush Admin', role: 'admin', password: deps.config.adminPassword },
      'system',
    );
    created.admin = r.created;
  }

  for (const demo of DEMO_EVENTS) {
    const doc = demo.venue();
    let venueId = await findVenueIdBySlug(deps, doc.slug);
    if (!venueId) {
      const parsed = parseSeatMap(doc);
      if (!parsed.ok)
        throw new Error(`Demo venue ${doc.slug} is invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
      venueId = (await createVenue(deps, parsed.doc, 'system')).id;
      created.venues++;
    }

    let event = await prisma.event.findUnique({ where: { slug: demo.slug }, select: { id: true } });
    if (!event) {
      event = {
        id: (
          await createEvent(
            deps,
            { slug: demo.slug, name: demo.name, description: demo.description },
            'system',
          )
        ).id,
      };
      created.events++;
    }

    const existing = await prisma.showtime.count({ where: { eventId: event.id, venueId } });
    for (const s of demo.showtimes.slice(existing)) {
      // Evenings at 19:30 UTC, on sale from an hour ago until the doors open.
      const startsAt = new Date(Math.floor((now.getTime() + s.inDays * DAY) / DAY) * DAY + 19.5 * 3_600_000);
      const showtime = await createShowtime(
        deps,
        {
          eventId: event.id,
          venueId,
          startsAt: startsAt.toISOString(),
          saleOpensAt: new Date(now.getTime() - 3_600_000).toISOString(),
          saleClosesAt: startsAt.toISOString(),
          holdTtlSeconds: s.holdTtlSeconds,
          perBuyerLimit: s.perBuyerLimit,
          currency: 'EUR',
          buyerRefunds: true,
          prices: demo.prices,
          ...(s.room ?? {}),
        },
        'system',
      );
      if (s.holdLimits)
        await prisma.showtime.update({
          where: { id: showtime.id },
          data: { holdLimitPerBuyer: s.holdLimits.perBuyer, holdLimitPerAddress: s.holdLimits.perAddress },
        });
      created.showtimes++;
    }

    const scheduled = await prisma.showtime.findMany({
      where: { eventId: event.id, saleState: 'scheduled', saleOpensAt: { lte: now } },
      select: { id: true },
    });
    for (const s of scheduled) {
      await changeSaleState(deps, s.id, 'open', 'system');
      created.salesOpened++;
    }
  }
  return { skipped: false, created, totals: await totals() };
}
