import type { SeatMapDocument } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { buildSeatLayout, largestBlock, pickBestSeats, type SeatLayout } from './best-available.ts';
import type { HoldResult, Inventory, Snapshot } from './inventory.ts';

/**
 * "Best available" as a use case: read the showtime's seat states the way availability does (one snapshot: a
 * `GET` of the state string), pick the best block (best-available.ts), and hold it with the ordinary hold script
 * — all or nothing, the same per-buyer limit, sale-state check, idempotency and outbox → order as a hold of
 * named seats. Another buyer may take a picked seat between the read and the hold: then the states are read
 * again and a new pick is tried, a few times, before answering.
 */

export interface BestAvailableRequest {
  buyerId: string;
  /** What the per-buyer limit counts the hold under when it is not the buyer (`HoldRequest.limitKey`). */
  limitKey?: string;
  /** The client's idempotency key; a retry answers the first pick's hold. */
  requestId: string;
  category: string;
  quantity: number;
}

export interface BestAvailableHolds {
  /**
   * Holds `quantity` adjacent seats of `category` in one row, the best the ranking finds (docs/inventory.md).
   * Errors: `no_adjacent_seats` (details: category, quantity, largestBlock) when no row has such a block;
   * `validation_failed` when the venue has no numbered seats of that category; `sold_out` when no seat at all is
   * free; `seat_unavailable` when every try lost its race; and those of `Inventory.hold` (`sale_not_open`,
   * `limit_exceeded`, `idempotency_conflict`, `hold_expired` / `hold_not_found` for a replay, `not_found`).
   */
  hold(showtimeId: string, req: BestAvailableRequest): Promise<HoldResult>;
}

export interface BestAvailableDeps {
  inventory: Inventory;
  prisma: PrismaClient;
  logger: Logger;
  /** New picks after losing a race for the picked seats (default 3). */
  retries?: number;
}

/** Showtimes whose layouts a node keeps (a 20,000-seat layout is a few MB). */
const LAYOUTS_MAX = 32;
const FREE = '0'.charCodeAt(0);

export function createBestAvailable(deps: BestAvailableDeps): BestAvailableHolds {
  const { inventory, prisma, logger } = deps;
  const retries = deps.retries ?? 3;
  const layouts = new Map<string, { key: string; layout: Promise<SeatLayout> }>();
  /**
   * Seats this node's best-available requests hold, per showtime: seat index → the number of the last snapshot read
   * that may not show the hold yet (Infinity while the hold is in flight). A pick leaves a seat alone when its
   * snapshot read is that one or older, so a rush of requests on one node picks different blocks instead of racing
   * for the same one — also a request whose snapshot was read before another's hold landed, however the two
   * requests' promise callbacks interleave. Reads go on the connection the holds use, in order: a read started
   * after a hold's answer came back shows it.
   */
  const claimed = new Map<string, Map<number, number>>();
  let reads = 0;
  const reading = new Set<number>();

  function claim(showtimeId: string, indexes: number[], upTo: number): void {
    let m = claimed.get(showtimeId);
    if (!m) claimed.set(showtimeId, (m = new Map<number, number>()));
    for (const i of indexes) m.set(i, upTo);
  }

  /** Forgets seats every read still in progress already shows (or all of them, with no read in progress). */
  function prune(showtimeId: string): void {
    const m = claimed.get(showtimeId);
    if (!m) return;
    const oldest = reading.size ? Math.min(...reading) : Infinity;
    for (const [i, upTo] of m) if (upTo < oldest) m.delete(i);
    if (!m.size) claimed.delete(showtimeId);
  }

  async function loadLayout(showtimeId: string, labels: string[]): Promise<SeatLayout> {
    const st = await prisma.showtime.findUnique({
      where: { id: showtimeId },
      select: { venue: { select: { seatMap: true } } },
    });
    if (!st) throw new DomainError('not_found', 'No such showtime.');
    const index = new Map(labels.map((label, i) => [label, i]));
    // The document was validated when it was stored; seats it names that are not loaded are never picked.
    const doc = (st.venue.seatMap ?? {}) as unknown as Partial<SeatMapDocument>;
    return buildSeatLayout({ sections: Array.isArray(doc.sections) ? doc.sections : [] }, (label) =>
      index.get(label),
    );
  }

  /** The layout matching the snapshot's labels (`labelsKey` changes whenever the loaded layout does). */
  function layoutFor(showtimeId: string, snap: Snapshot): Promise<SeatLayout> {
    const hit = layouts.get(showtimeId);
    if (hit?.key === snap.labelsKey) return hit.layout;
    const layout = loadLayout(showtimeId, snap.seatLabels);
    layouts.delete(showtimeId);
    layouts.set(showtimeId, { key: snap.labelsKey, layout });
    if (layouts.size > LAYOUTS_MAX) layouts.delete(layouts.keys().next().value!);
    layout.catch(() => {
      if (layouts.get(showtimeId)?.layout === layout) layouts.delete(showtimeId);
    });
    return layout;
  }

  async function hold(showtimeId: string, req: BestAvailableRequest): Promise<HoldResult> {
    const best = { category: req.category, quantity: req.quantity };
    let lost: DomainError | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const read = ++reads;
      reading.add(read);
      let snap: Snapshot;
      let layout: SeatLayout;
      try {
        snap = await inventory.snapshot(showtimeId);
        layout = await layoutFor(showtimeId, snap);
      } finally {
        reading.delete(read);
      }
      if (!layout.categories.has(req.category)) {
        const message = `This venue has no numbered seats in category "${req.category}".`;
        throw new DomainError('validation_failed', message, undefined, [
          { path: 'body.best.category', message },
        ]);
      }
      const states = snap.seatStates;
      prune(showtimeId);
      const mine = claimed.get(showtimeId);
      const isFree = (i: number) => states.charCodeAt(i) === FREE && !((mine?.get(i) ?? 0) >= read);
      const pick = pickBestSeats(layout, isFree, req.category, req.quantity);
      if (!pick) {
        // A retry of a request that took the last block finds nothing: it must still get its hold back.
        const replayed = await inventory.replay(showtimeId, { ...req, best });
        if (replayed) return replayed;
        if (snap.state !== 'on_sale')
          throw new DomainError('sale_not_open', undefined, { state: snap.state });
        // What a hold of named seats answers when every seat is taken (and what the sold-out gate answers).
        if (snap.seatsAvailable === 0) throw new DomainError('sold_out', undefined, { available: 0 });
        throw new DomainError('no_adjacent_seats', undefined, {
          category: req.category,
          quantity: req.quantity,
          largestBlock: largestBlock(layout, isFree, req.category),
        });
      }
      // Synchronously after the pick: the next request on this node already sees these seats as taken.
      claim(showtimeId, pick.indexes, Infinity);
      try {
        const held = await inventory.hold(showtimeId, {
          buyerId: req.buyerId,
          limitKey: req.limitKey,
          requestId: req.requestId,
          seats: pick.seats,
          best,
        });
        // Reads started from now on show the hold; those started before may not.
        claim(showtimeId, pick.indexes, reads);
        return held;
      } catch (err) {
        claim(showtimeId, pick.indexes, reads);
        if (!(err instanceof DomainError) || err.code !== 'seat_unavailable') throw err;
        lost = err;
        logger.debug({ showtimeId, seats: pick.seats, attempt }, 'best available lost a race; picking again');
      }
    }
    throw lost!;
  }

  return { hold };
}
