import { parseSeatMap, type SeatMapDocument } from '@seatrush/shared';
import type { createPrisma } from '../../apps/server/src/db/prisma.ts';
import type { createInventory } from '../../apps/server/src/inventory/inventory.ts';
import { createLogger } from '../../apps/server/src/observability/logger.ts';
import { createVenue } from '../../apps/server/src/catalog/venues.ts';
import { createEvent } from '../../apps/server/src/catalog/events.ts';
import { createShowtime } from '../../apps/server/src/catalog/showtimes.ts';
import { changeSaleState } from '../../apps/server/src/catalog/sale-control.ts';

/**
 * A showtime on sale for a bench, made the way staff make one (catalog use cases): the venue from `doc`, an event,
 * a showtime whose sale opened a day ago, opened (loaded into the inventory). Returns its id and seat labels.
 */
export async function showtimeOnSale(
  deps: {
    inventory: ReturnType<typeof createInventory>;
    prisma: ReturnType<typeof createPrisma>;
  },
  opts: {
    doc: SeatMapDocument;
    event: { slug: string; name: string };
    holdTtlSeconds: number;
    prices: Record<string, number>;
  },
): Promise<{ showtimeId: string; labels: string[] }> {
  const parsed = parseSeatMap(opts.doc);
  if (!parsed.ok) throw new Error(`venue invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  const { inventory } = deps;
  const catalog = {
    prisma: deps.prisma,
    logger: createLogger({ logLevel: 'silent' }),
    saleHooks: {
      opened: async (id: string) => void (await inventory.load(id)),
      stateChanged: (id: string, state: 'scheduled' | 'on_sale' | 'paused' | 'closed') =>
        inventory.setSaleState(id, state),
    },
  };
  const venue = await createVenue(catalog, parsed.doc, 'system');
  const event = await createEvent(catalog, { ...opts.event, description: '' }, 'system');
  const day = 86_400_000;
  const showtime = await createShowtime(
    catalog,
    {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(Date.now() + 30 * day).toISOString(),
      saleOpensAt: new Date(Date.now() - day).toISOString(),
      saleClosesAt: new Date(Date.now() + 29 * day).toISOString(),
      holdTtlSeconds: opts.holdTtlSeconds,
      perBuyerLimit: null,
      currency: 'EUR',
      buyerRefunds: true,
      prices: opts.prices,
    },
    'system',
  );
  await changeSaleState(catalog, showtime.id, 'open', 'system');
  return { showtimeId: showtime.id, labels: (await inventory.snapshot(showtime.id)).seatLabels ?? [] };
}
