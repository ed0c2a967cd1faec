import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../apps/server/src/db/prisma.ts';

/** A flash-sale showtime: one GA zone of `capacity` tickets, on sale, no per-buyer limit. */
export async function createFlashSale(prisma: PrismaClient, capacity: number): Promise<string> {
  const tag = randomBytes(5).toString('hex');
  const venue = await prisma.venue.create({
    data: {
      slug: `bench-arena-${tag}`,
      name: `Bench arena ${tag}`,
      seatMap: {},
      categories: { create: [{ key: 'floor', name: 'Floor', color: '#cc3366' }] },
      gaZones: { create: [{ key: 'ga', name: 'Floor', capacity, category: 'floor' }] },
    },
  });
  const event = await prisma.event.create({
    data: { slug: `bench-flash-${tag}`, name: `Bench flash sale ${tag}` },
  });
  const start = Date.now() + 30 * 86_400_000;
  const st = await prisma.showtime.create({
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(start),
      saleOpensAt: new Date(Date.now() - 60_000),
      saleClosesAt: new Date(start - 3_600_000),
      saleState: 'on_sale',
      holdTtlSeconds: 900,
      perBuyerLimit: null,
      // Like the seed's flash sale: no hold rate limits, whatever the node's defaults.
      holdLimitPerBuyer: 0,
      holdLimitPerAddress: 0,
      prices: { create: [{ category: 'floor', priceCents: 4900 }] },
      zones: { create: [{ zoneKey: 'ga', capacity }] },
    },
  });
  return st.id;
}
