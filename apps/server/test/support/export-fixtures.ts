import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../src/db/prisma.ts';

/**
 * `tickets` paid GA tickets for a showtime, written by PostgreSQL itself (generate_series) so that 100,000 rows
 * take seconds: four tickets per order, one buyer per order, orders created 1 ms apart. Used by the exports test
 * and bench/exports. Returns the ticket codes' prefix (`T<tag>`) and the number of orders.
 */
export async function seedSoldTickets(
  prisma: PrismaClient,
  showtimeId: string,
  tickets: number,
  opts: { zoneKey?: string; category?: string; priceCents?: number } = {},
): Promise<{ tag: string; orders: number }> {
  const tag = randomBytes(4).toString('hex').toUpperCase();
  const orders = Math.ceil(tickets / 4);
  const zone = opts.zoneKey ?? 'ga';
  const category = opts.category ?? 'ga';
  const price = opts.priceCents ?? 2500;
  await prisma.$executeRaw`
    INSERT INTO "Buyer" (id, email)
    SELECT 'xb' || ${tag} || '-' || g, 'buyer' || g || '@' || lower(${tag}) || '.example.test'
    FROM generate_series(1, ${orders}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO "Order" (id, code, "holdId", "holdTokenHash", "showtimeId", "buyerId", status, channel,
                         "totalCents", currency, "expiresAt", "paidAt", "createdAt", "updatedAt")
    SELECT 'xo' || ${tag} || '-' || g, ${tag} || '-' || g, 'xh' || ${tag} || '-' || g, 'x', ${showtimeId},
           'xb' || ${tag} || '-' || g, 'PAID'::"OrderStatus", 'online'::"OrderChannel", ${price}::int * 4, 'EUR',
           now(), now(), timestamp '2026-12-01 10:00:00' + g * interval '1 millisecond', now()
    FROM generate_series(1, ${orders}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO "OrderItem" (id, "orderId", "showtimeId", "zoneKey", category, "priceCents", status, "ticketCode")
    SELECT 'xi' || ${tag} || '-' || lpad(g::text, 7, '0'), 'xo' || ${tag} || '-' || ((g - 1) / 4 + 1),
           ${showtimeId}, ${zone}, ${category}, ${price}::int, 'active'::"OrderItemStatus",
           'T' || ${tag} || lpad(g::text, 7, '0')
    FROM generate_series(1, ${tickets}::int) g`;
  return { tag, orders };
}
