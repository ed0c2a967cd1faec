import type { SeatOwnerDto, SeatOwnerQuery } from '@seatrush/shared';
import type { PrismaClient } from '../../db/prisma.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { showtimeOrThrow } from '../showtime-lookup.ts';

/**
 * Who has each non-free seat: the inventory's live seat owners (with each hold's buyer and deadline), joined with
 * PostgreSQL (order code, buyer email). Without live inventory: sold seats from SeatClaims and blocks from SeatBlock
 * rows.
 */
export async function seatOwners(
  deps: { prisma: PrismaClient; inventory: Inventory },
  showtimeId: string,
  q: SeatOwnerQuery,
): Promise<{ showtimeId: string; version: number; seats: SeatOwnerDto[] }> {
  const { prisma, inventory } = deps;
  await showtimeOrThrow(prisma, showtimeId);
  const live = await inventory.seatOwners(showtimeId, {
    ...(q.seats ? { seats: q.seats } : {}),
    ...(q.state ? { state: q.state } : {}),
    limit: q.limit,
  });
  type Entry = { seat: string; state: SeatOwnerDto['state']; ref: string };
  const entries: Entry[] = live ? [...live.seats] : [];
  const holds = new Map<string, { buyerId: string; expiresAt: number }>();
  for (const s of live?.seats ?? []) if (s.hold) holds.set(s.ref, s.hold);
  if (!live) {
    const where = { showtimeId, ...(q.seats ? { seatLabel: { in: q.seats } } : {}) };
    if (!q.state || q.state === 'sold') {
      const claims = await prisma.seatClaim.findMany({
        where,
        include: { orderItem: { select: { orderId: true } } },
      });
      for (const c of claims) entries.push({ seat: c.seatLabel, state: 'sold', ref: c.orderItem.orderId });
    }
    if (!q.state || q.state === 'blocked') {
      const blocks = await prisma.seatBlock.findMany({ where });
      for (const b of blocks) entries.push({ seat: b.seatLabel, state: 'blocked', ref: b.reason });
    }
  }
  entries.sort((a, b) => a.seat.localeCompare(b.seat));
  const page = entries.slice(0, q.limit);

  const holdIds = [...new Set(page.filter((e) => e.state === 'held').map((e) => e.ref))];
  const orderIds = [...new Set(page.filter((e) => e.state === 'sold').map((e) => e.ref))];
  const orderRows = await prisma.order.findMany({
    where: { OR: [{ id: { in: orderIds } }, { holdId: { in: holdIds } }] },
    select: { id: true, code: true, holdId: true, buyer: { select: { email: true } } },
  });
  const byId = new Map(orderRows.map((o) => [o.id, o]));
  const byHold = new Map(orderRows.map((o) => [o.holdId, o]));
  const missingBuyers = [...holds.values()].map((h) => h.buyerId).filter((b) => b);
  const buyers = new Map(
    (
      await prisma.buyer.findMany({ where: { id: { in: missingBuyers } }, select: { id: true, email: true } })
    ).map((b) => [b.id, b.email]),
  );

  const seats = page.map((e): SeatOwnerDto => {
    if (e.state === 'blocked')
      return {
        seat: e.seat,
        state: e.state,
        holdId: null,
        orderCode: null,
        email: null,
        reason: e.ref,
        expiresAt: null,
      };
    if (e.state === 'sold') {
      const o = byId.get(e.ref);
      return {
        seat: e.seat,
        state: e.state,
        holdId: o?.holdId ?? null,
        orderCode: o?.code ?? null,
        email: o?.buyer.email ?? null,
        reason: null,
        expiresAt: null,
      };
    }
    const h = holds.get(e.ref);
    const o = byHold.get(e.ref);
    return {
      seat: e.seat,
      state: e.state,
      holdId: e.ref,
      orderCode: o?.code ?? null,
      email: o?.buyer.email ?? (h ? (buyers.get(h.buyerId) ?? null) : null),
      reason: null,
      expiresAt: h ? new Date(h.expiresAt).toISOString() : null,
    };
  });
  return { showtimeId, version: live?.version ?? 0, seats };
}
