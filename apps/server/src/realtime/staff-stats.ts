import type { Queue } from 'bullmq';
import type { ShowtimeSnapshot, StaffStats } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { checkInCounts } from '../application/check-in/offline.ts';

export interface StaffStatsDeps {
  /** The inventory's read model of hold expiries. */
  inventory: Pick<Inventory, 'countHoldsExpiring'>;
  prisma: PrismaClient;
  /** The inventory's snapshot (counts come from Redis, the same place buyers' maps come from). */
  snapshot: (showtimeId: string) => Promise<ShowtimeSnapshot>;
  /** The BullMQ queues whose depth and lag the dashboard shows (omitted: `queues` is null). */
  queues?: Queue[];
  now?: () => number;
}

const MINUTES = 15;

/**
 * The staff room's live statistics for one showtime, read from where the truth is: sold / held / available per
 * category and zone from the inventory snapshot, holds expiring within a minute from the inventory's hold expiries,
 * tickets sold per minute from PostgreSQL's paid orders, queue depth and lag from BullMQ. `live` carries what only
 * the socket layer knows (room sizes across nodes). Throws what the snapshot throws (`not_found`, `sale_not_open`).
 * Pure apart from those reads, so a test can compute the same figures and compare.
 */
export async function computeStaffStats(
  deps: StaffStatsDeps,
  showtimeId: string,
  live: { connectedBuyers: number; nodes: number },
): Promise<StaffStats> {
  const now = deps.now?.() ?? Date.now();
  const [snapshot, expiring, sales, queues, checkIns] = await Promise.all([
    deps.snapshot(showtimeId),
    deps.inventory.countHoldsExpiring(showtimeId, now, now + 60_000),
    salesPerMinute(deps.prisma, showtimeId, now),
    deps.queues ? queueStats(deps.queues, now) : Promise.resolve(null),
    checkInCounts(deps.prisma, showtimeId),
  ]);
  const totals = { available: 0, held: 0, sold: 0, blocked: 0 };
  for (const c of Object.values(snapshot.categories)) {
    totals.available += c.available;
    totals.held += c.held;
    totals.sold += c.sold;
    totals.blocked += c.blocked;
  }
  return {
    showtimeId,
    at: now,
    version: snapshot.version,
    state: snapshot.state,
    totals,
    categories: snapshot.categories,
    zones: snapshot.zones,
    salesPerMinute: sales,
    holdsExpiringNextMinute: expiring,
    connectedBuyers: live.connectedBuyers,
    nodes: live.nodes,
    queues,
    checkIns: { checkedIn: checkIns.checkedIn, tickets: checkIns.tickets },
  };
}

/** Tickets (order items) of paid orders per minute of `paidAt`, the last 15 minutes, zero-filled, oldest first. */
export async function salesPerMinute(
  prisma: PrismaClient,
  showtimeId: string,
  now: number,
): Promise<StaffStats['salesPerMinute']> {
  const current = Math.floor(now / 60_000) * 60_000;
  const since = new Date(current - (MINUTES - 1) * 60_000);
  const rows = await prisma.$queryRaw<Array<{ minute: Date; tickets: number }>>`
    SELECT date_trunc('minute', o."paidAt") AS minute, count(i.id)::int AS tickets
    FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
    WHERE o."showtimeId" = ${showtimeId} AND o."paidAt" >= ${since}
    GROUP BY 1`;
  const byMinute = new Map(rows.map((r) => [new Date(r.minute).getTime(), Number(r.tickets)]));
  const out: StaffStats['salesPerMinute'] = [];
  for (let t = since.getTime(); t <= current; t += 60_000) {
    out.push({ minute: new Date(t).toISOString(), tickets: byMinute.get(t) ?? 0 });
  }
  return out;
}

/** Depth per state and lag: how long the oldest waiting job has been due. */
export async function queueStats(queues: Queue[], now: number): Promise<NonNullable<StaffStats['queues']>> {
  return Promise.all(
    queues.map(async (q) => {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
      const waiting = counts.waiting ?? 0;
      let lagMs = 0;
      if (waiting > 0) {
        // The wait list is pushed on the left and taken from the right: the oldest is the last element.
        const [oldest] = await q.getWaiting(waiting - 1, waiting - 1);
        if (oldest) lagMs = Math.max(0, now - (oldest.timestamp + (oldest.delay ?? 0)));
      }
      return {
        name: q.name,
        waiting,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        lagMs,
      };
    }),
  );
}
