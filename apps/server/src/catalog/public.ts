import type { PublicEvent, PublicShowtime } from '@seatrush/shared';
import type { Db } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { iso, type CatalogDeps } from './common.ts';

/** What buyers may read without signing in. No staff-only fields (claimed counts, audit) leave here. */

const summaryInclude = {
  showtimes: {
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    include: { venue: { select: { id: true, slug: true, name: true } } },
  },
} satisfies Db.Prisma.EventInclude;

type EventWithShowtimes = Db.Prisma.EventGetPayload<{ include: typeof summaryInclude }>;

function publicEvent(e: EventWithShowtimes): PublicEvent {
  return {
    id: e.id,
    slug: e.slug,
    name: e.name,
    description: e.description,
    showtimes: e.showtimes.map((s) => ({
      id: s.id,
      venue: s.venue,
      startsAt: iso(s.startsAt),
      saleOpensAt: iso(s.saleOpensAt),
      saleClosesAt: iso(s.saleClosesAt),
      saleState: s.saleState,
    })),
  };
}

export async function listPublicEvents(deps: Pick<CatalogDeps, 'prisma'>): Promise<PublicEvent[]> {
  const rows = await deps.prisma.event.findMany({
    include: summaryInclude,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(publicEvent);
}

/** By id or slug (slugs are lower-case words; ids are cuids, so the two never collide). Errors: `not_found`. */
export async function getPublicEvent(
  deps: Pick<CatalogDeps, 'prisma'>,
  idOrSlug: string,
): Promise<PublicEvent> {
  const e = await deps.prisma.event.findFirst({
    where: { OR: [{ id: idOrSlug }, { slug: idOrSlug }] },
    include: summaryInclude,
  });
  if (!e) throw new DomainError('not_found', 'No such event.');
  return publicEvent(e);
}

export const seatMapPath = (venueId: string, layoutVersion: number) =>
  `/api/venues/${encodeURIComponent(venueId)}/seatmap?v=${layoutVersion}`;

/** Everything a buyer's page needs to render a showtime and its map. Errors: `not_found`. */
export async function getPublicShowtime(
  deps: Pick<CatalogDeps, 'prisma'>,
  id: string,
): Promise<PublicShowtime> {
  const s = await deps.prisma.showtime.findUnique({
    where: { id },
    include: {
      event: { select: { id: true, slug: true, name: true } },
      venue: {
        select: {
          id: true,
          slug: true,
          name: true,
          layoutVersion: true,
          categories: { orderBy: { key: 'asc' } },
          gaZones: { orderBy: { key: 'asc' } },
          sections: { select: { key: true, name: true }, orderBy: { key: 'asc' } },
        },
      },
      prices: true,
    },
  });
  if (!s) throw new DomainError('not_found', 'No such showtime.');
  const price = new Map(s.prices.map((p) => [p.category, p.priceCents]));
  return {
    id: s.id,
    event: s.event,
    venue: { id: s.venue.id, slug: s.venue.slug, name: s.venue.name },
    startsAt: iso(s.startsAt),
    saleOpensAt: iso(s.saleOpensAt),
    saleClosesAt: iso(s.saleClosesAt),
    saleState: s.saleState,
    holdTtlSeconds: s.holdTtlSeconds,
    perBuyerLimit: s.perBuyerLimit,
    currency: s.currency,
    buyerRefunds: s.buyerRefunds,
    // A category without a price (possible only after a layout change, before staff set it) is not for sale.
    categories: s.venue.categories
      .filter((c) => price.has(c.key))
      .map((c) => ({ key: c.key, name: c.name, color: c.color, priceCents: price.get(c.key)! })),
    gaZones: s.venue.gaZones.map((z) => ({
      key: z.key,
      name: z.name,
      capacity: z.capacity,
      category: z.category,
    })),
    sections: s.venue.sections,
    layoutVersion: s.venue.layoutVersion,
    seatMapUrl: seatMapPath(s.venue.id, s.venue.layoutVersion),
  };
}
