import type { ShowtimeSalesDto } from '@seatrush/shared';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';

/** What PostgreSQL records about a showtime's sales (see `showtimeSalesSchema`). */
export async function showtimeSales(prisma: PrismaClient, showtimeId: string): Promise<ShowtimeSalesDto> {
  const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { currency: true } });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  const [byChannel, refunded, counts, blocked] = await Promise.all([
    prisma.$queryRaw<
      Array<{ channel: 'online' | 'counter'; orders: number; tickets: number; revenue: number }>
    >`
      SELECT o.channel::text AS channel, count(DISTINCT o.id)::int AS orders, count(i.id)::int AS tickets,
             coalesce(sum(i."priceCents"), 0)::int AS revenue
      FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
      WHERE o."showtimeId" = ${showtimeId} AND o.status IN ('PAID', 'PARTIALLY_REFUNDED') AND i.status = 'active'
      GROUP BY 1`,
    prisma.$queryRaw<Array<{ cents: number }>>`
      SELECT coalesce(sum(i."priceCents"), 0)::int AS cents
      FROM "OrderItem" i WHERE i."showtimeId" = ${showtimeId} AND i.status = 'refunded'`,
    prisma.$queryRaw<Array<{ paid: number; pending: number }>>`
      SELECT count(*) FILTER (WHERE status IN ('PAID', 'PARTIALLY_REFUNDED'))::int AS paid,
             count(*) FILTER (WHERE status = 'PENDING')::int AS pending
      FROM "Order" WHERE "showtimeId" = ${showtimeId}`,
    prisma.seatBlock.count({ where: { showtimeId } }),
  ]);
  const channel = (name: 'online' | 'counter') => {
    const r = byChannel.find((c) => c.channel === name);
    return { orders: r?.orders ?? 0, tickets: r?.tickets ?? 0, revenueCents: r?.revenue ?? 0 };
  };
  const online = channel('online');
  const counter = channel('counter');
  return {
    showtimeId,
    currency: st.currency,
    ticketsSold: online.tickets + counter.tickets,
    revenueCents: online.revenueCents + counter.revenueCents,
    refundedCents: refunded[0]?.cents ?? 0,
    paidOrders: counts[0]?.paid ?? 0,
    pendingOrders: counts[0]?.pending ?? 0,
    blockedSeats: blocked,
    channels: { online, counter },
  };
}
