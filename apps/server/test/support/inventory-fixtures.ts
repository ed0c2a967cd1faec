import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../src/db/prisma.ts';

/**
 * Venue + event + showtime rows written with Prisma directly (the inventory tests do not depend on the catalog
 * module). Seat labels are `<section>-<row>-<number>`, e.g. `A-1-1`.
 */
export interface FixtureOptions {
  /** Sections of seats: key, rows, seats per row, category. */
  sections?: Array<{ key: string; rows: number; seatsPerRow: number; category: string }>;
  gaZones?: Array<{ key: string; capacity: number; category: string }>;
  prices?: Record<string, number>;
  perBuyerLimit?: number | null;
  holdTtlSeconds?: number;
  saleState?: 'scheduled' | 'on_sale' | 'paused' | 'closed';
  currency?: string;
  /** GA buckets (docs/inventory.md): written as is, without the catalog's checks. */
  gaBuckets?: number;
}

export interface Fixture {
  showtimeId: string;
  venueId: string;
  seatLabels: string[];
}

export async function createShowtimeFixture(
  prisma: PrismaClient,
  opts: FixtureOptions = {},
): Promise<Fixture> {
  const tag = randomBytes(4).toString('hex');
  const sections = opts.sections ?? [{ key: 'A', rows: 2, seatsPerRow: 5, category: 'std' }];
  const gaZones = opts.gaZones ?? [];
  const categories = new Set([...sections.map((s) => s.category), ...gaZones.map((z) => z.category)]);
  const prices = opts.prices ?? Object.fromEntries([...categories].map((c, i) => [c, 1000 * (i + 1)]));

  const venue = await prisma.venue.create({
    data: {
      slug: `venue-${tag}`,
      name: `Venue ${tag}`,
      seatMap: {},
      categories: { create: [...categories].map((key) => ({ key, name: key, color: '#336699' })) },
    },
  });
  const seatLabels: string[] = [];
  for (const s of sections) {
    const section = await prisma.section.create({ data: { venueId: venue.id, key: s.key, name: s.key } });
    const seats: Array<{
      venueId: string;
      sectionId: string;
      rowId: string;
      label: string;
      number: string;
      x: number;
      y: number;
      category: string;
    }> = [];
    for (let r = 1; r <= s.rows; r++) {
      const row = await prisma.row.create({ data: { sectionId: section.id, label: String(r) } });
      for (let n = 1; n <= s.seatsPerRow; n++) {
        const label = `${s.key}-${r}-${n}`;
        seatLabels.push(label);
        seats.push({
          venueId: venue.id,
          sectionId: section.id,
          rowId: row.id,
          label,
          number: String(n),
          x: n,
          y: r,
          category: s.category,
        });
      }
    }
    await prisma.seat.createMany({ data: seats });
  }
  if (gaZones.length) {
    await prisma.gaZone.createMany({
      data: gaZones.map((z) => ({
        venueId: venue.id,
        key: z.key,
        name: z.key,
        capacity: z.capacity,
        category: z.category,
      })),
    });
  }
  const event = await prisma.event.create({ data: { slug: `event-${tag}`, name: `Event ${tag}` } });
  const start = Date.now() + 30 * 86400_000;
  const showtime = await prisma.showtime.create({
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(start),
      saleOpensAt: new Date(Date.now() - 86400_000),
      saleClosesAt: new Date(start - 3600_000),
      saleState: opts.saleState ?? 'on_sale',
      holdTtlSeconds: opts.holdTtlSeconds ?? 600,
      perBuyerLimit: opts.perBuyerLimit === undefined ? null : opts.perBuyerLimit,
      currency: opts.currency ?? 'EUR',
      gaBuckets: opts.gaBuckets ?? 1,
      prices: { create: Object.entries(prices).map(([category, priceCents]) => ({ category, priceCents })) },
      zones: { create: gaZones.map((z) => ({ zoneKey: z.key, capacity: z.capacity })) },
    },
  });
  return { showtimeId: showtime.id, venueId: venue.id, seatLabels };
}

/** Buyer rows (holds reference buyers by id; PostgreSQL rows are needed only for orders). */
export async function createBuyers(prisma: PrismaClient, n: number): Promise<string[]> {
  const tag = randomBytes(4).toString('hex');
  const emails = Array.from({ length: n }, (_, i) => `buyer${i}-${tag}@example.test`);
  await prisma.buyer.createMany({ data: emails.map((email) => ({ email })) });
  const rows = await prisma.buyer.findMany({
    where: { email: { in: emails } },
    select: { id: true, email: true },
  });
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  return emails.map((e) => byEmail.get(e)!);
}

/** A clock the tests move by hand (scripts take `now` from it). */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 21, 12, 0, 0)): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
