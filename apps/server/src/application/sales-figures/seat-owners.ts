import type { SeatOwnerDto, SeatOwnerQuery } from '@seatrush/shared';
import type { PrismaClient } from '../../db/prisma.ts';
import type { Redis } from '../../db/redis.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { showtimeOrThrow } from '../showtime-lookup.ts';

/**
 * Who has each non-free seat: read from the inventory's live seat states (Redis), joined with the holds (buyer,
 * deadline) and PostgreSQL (order code, buyer email). Without live inventory: sold seats from SeatClaims and
 * blocks from SeatBlock rows.
 */
export async function seatOwners(
  deps: { prisma: PrismaClient; redis: Redis; inventory: Inventory },
  showtimeId: string,
  q: SeatOwnerQuery,
): Promise<{ showtimeId: string; version: number; seats: SeatOwnerDto[] }> {
  const { prisma, redis, inventory } = deps;
  await showtimeOrThrow(prisma, showtimeId);
  const k = inventory.keys(showtimeId);
  const [version, raw] = await Promise.all([
    redis.hget(k.meta, 'version'),
    q.seats
      ? redis.hmget(k.seats, ...q.seats).then((vals) => q.seats!.map((s, i) => [s, vals[i] ?? null] as const))
      : redis.hgetall(k.seats).then((all) => Object.entries(all)),
  ]);

  type Entry = { seat: string; state: SeatOwnerDto['state']; ref: string };
  const entries: Entry[] = [];
  if (version !== null) {
    for (const [seat, v] of raw) {
      if (!v) continue;
      const state = v[0] === '1' ? 'held' : v[0] === '2' ? 'sold' : v[0] === '3' ? 'blocked' : null;
      if (!state || (q.state && q.state !== state)) continue;
      entries.push({ seat, state, ref: v.slice(2) });
    }
  } else {
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
  const holdJson = holdIds.length ? await redis.hmget(k.holds, ...holdIds) : [];
  const holds = new Map<string, { buyerId: string; expiresAt: number }>();
  holdIds.forEach((id, i) => {
    const j = holdJson[i];
    if (j) {
      const h = JSON.parse(j) as { buyerId: string; expiresAt: number };
      holds.set(id, { buyerId: h.buyerId, expiresAt: h.expiresAt });
    }
  });
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
  return { showtimeId, version: Number(version ?? 0), seats };
}

