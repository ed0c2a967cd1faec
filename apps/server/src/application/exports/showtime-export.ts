import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import { csvRow, type CsvCell } from './csv.ts';

/**
 * Staff exports of one showtime as CSV: its orders, its tickets, its check-ins. Streamed with bounded memory: the
 * rows come from one PostgreSQL cursor (a repeatable-read transaction, so the file is one consistent snapshot)
 * `pageSize` rows at a time, and the next page is fetched only after the sink has taken the previous one (the
 * HTTP adapter's sink waits for the socket to drain). bench/exports measures it at 100,000 rows.
 */
export const exportKinds = ['orders', 'tickets', 'checkins'] as const;
export type ExportKind = (typeof exportKinds)[number];

interface ExportSpec {
  header: string[];
  /** The SELECT, with `$1` for the showtime id. */
  sql: string;
  row: (r: Record<string, unknown>) => CsvCell[];
}

const c = (v: unknown) => v as CsvCell;

const specs: Record<ExportKind, ExportSpec> = {
  orders: {
    header: [
      'order_code',
      'status',
      'channel',
      'buyer_email',
      'tickets',
      'total_cents',
      'refunded_cents',
      'currency',
      'created_at',
      'paid_at',
    ],
    sql: `SELECT o.code, o.status::text AS status, o.channel::text AS channel, b.email, o."totalCents",
                 o.currency, o."createdAt", o."paidAt",
                 (SELECT count(*)::int FROM "OrderItem" i WHERE i."orderId" = o.id) AS tickets,
                 (SELECT coalesce(sum(r."amountCents"), 0)::int FROM "Refund" r
                   WHERE r."orderId" = o.id AND r.status::text NOT IN ('failed', 'canceled')) AS refunded
          FROM "Order" o JOIN "Buyer" b ON b.id = o."buyerId"
          WHERE o."showtimeId" = $1 ORDER BY o."createdAt", o.id`,
    row: (r) => [
      c(r.code),
      c(r.status),
      c(r.channel),
      c(r.email),
      c(r.tickets),
      c(r.totalCents),
      c(r.refunded),
      c(r.currency),
      c(r.createdAt),
      c(r.paidAt),
    ],
  },
  tickets: {
    header: [
      'ticket_code',
      'order_code',
      'order_status',
      'ticket_status',
      'seat',
      'zone',
      'category',
      'price_cents',
      'currency',
      'buyer_email',
      'paid_at',
      'checked_in_at',
      'check_in_device',
    ],
    sql: `SELECT i."ticketCode", o.code, o.status::text AS "orderStatus", i.status::text AS "itemStatus",
                 i."seatLabel", i."zoneKey", i.category, i."priceCents", o.currency, b.email, o."paidAt",
                 ci."scannedAt", ci.device
          FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId" JOIN "Buyer" b ON b.id = o."buyerId"
          LEFT JOIN "CheckIn" ci ON ci."orderItemId" = i.id
          WHERE i."showtimeId" = $1 AND o.status::text IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')
          ORDER BY o."createdAt", o.id, i.id`,
    row: (r) => [
      c(r.ticketCode),
      c(r.code),
      c(r.orderStatus),
      c(r.itemStatus),
      c(r.seatLabel),
      c(r.zoneKey),
      c(r.category),
      c(r.priceCents),
      c(r.currency),
      c(r.email),
      c(r.paidAt),
      c(r.scannedAt),
      c(r.device),
    ],
  },
  checkins: {
    header: [
      'ticket_code',
      'order_code',
      'seat',
      'zone',
      'category',
      'scanned_at',
      'device',
      'scanned_by',
      'offline',
    ],
    sql: `SELECT ci."ticketCode", o.code, i."seatLabel", i."zoneKey", i.category, ci."scannedAt", ci.device,
                 CASE WHEN s.name IS NULL THEN ci."scannedBy"
                      WHEN ci."scannedBy" LIKE 'token:%' THEN s.name || ' (API token)'
                      ELSE s.name END AS "scannedBy", ci.offline
          FROM "CheckIn" ci JOIN "OrderItem" i ON i.id = ci."orderItemId" JOIN "Order" o ON o.id = i."orderId"
          LEFT JOIN "StaffUser" s ON s.id = ci."staffUserId"
          WHERE ci."showtimeId" = $1 ORDER BY ci."scannedAt", ci."orderItemId"`,
    row: (r) => [
      c(r.ticketCode),
      c(r.code),
      c(r.seatLabel),
      c(r.zoneKey),
      c(r.category),
      c(r.scannedAt),
      c(r.device),
      c(r.scannedBy),
      c(r.offline),
    ],
  },
};

export interface ExportOptions {
  /** Rows per cursor fetch (and per chunk handed to the sink). */
  pageSize?: number;
  /** The longest an export may keep its transaction open (a slow reader holds one database connection). */
  timeoutMs?: number;
}

/**
 * Writes the showtime's `kind` CSV to `write`, one chunk per page of rows (the header first), and resolves with the
 * number of data rows. `write` resolving is what lets the next page be read. Errors: `not_found` (showtime, thrown
 * before anything is written); whatever `write` throws ends the export and closes the cursor.
 */
export async function exportShowtimeCsv(
  prisma: PrismaClient,
  showtimeId: string,
  kind: ExportKind,
  write: (chunk: string) => Promise<void>,
  opts: ExportOptions = {},
): Promise<number> {
  const spec = specs[kind];
  const pageSize = opts.pageSize ?? 1000;
  const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { id: true } });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  await write(csvRow(spec.header));
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`DECLARE export_cursor NO SCROLL CURSOR FOR ${spec.sql}`, showtimeId);
      let rows = 0;
      for (;;) {
        const page = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
          `FETCH ${pageSize} FROM export_cursor`,
        );
        if (page.length === 0) break;
        let chunk = '';
        for (const r of page) chunk += csvRow(spec.row(r));
        rows += page.length;
        await write(chunk);
        if (page.length < pageSize) break;
      }
      await tx.$executeRawUnsafe('CLOSE export_cursor');
      return rows;
    },
    { isolationLevel: 'RepeatableRead', timeout: opts.timeoutMs ?? 15 * 60_000, maxWait: 10_000 },
  );
}
