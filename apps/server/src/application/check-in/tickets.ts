import { QR_PAYLOAD, type CheckInTicket, type ScanRecord, type TicketRefusalReason } from '@seatrush/shared';
import type { Db, PrismaClient } from '../../db/prisma.ts';
import { verifyTicketQrPayload } from '../../orders/codes.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf } from '../../auth/principal.ts';

/** What check-in needs to know about the one scanning: for the record and for "scanned by". */
export interface Scanner {
  actor: string;
  staffUserId: string | null;
}

export function scannerOf(principal: Principal | null): Scanner {
  return { actor: actorOf(principal), staffUserId: principal?.kind === 'staff' ? principal.staffId : null };
}

/** A typed ticket code: 12 characters of the order-code alphabet, printed under the QR code. */
const TICKET_CODE = /^[A-Z0-9]{12}$/;

/**
 * The ticket code a scan names, or null when it is neither a QR payload signed with our secret nor the shape of a
 * ticket code. A typed code carries no signature: it is itself a 59-bit secret, looked up like the payload.
 */
export function parseScan(
  secret: string,
  payload: string,
): { ticketCode: string; showtimeId: string | null } | null {
  if (QR_PAYLOAD.test(payload)) return verifyTicketQrPayload(secret, payload);
  return TICKET_CODE.test(payload) ? { ticketCode: payload, showtimeId: null } : null;
}

export interface TicketRow {
  itemId: string;
  itemStatus: Db.OrderItemStatus;
  showtimeId: string;
  ticketCode: string;
  label: string;
  category: string;
  orderCode: string;
  orderStatus: Db.OrderStatus;
}

type Tx = Pick<PrismaClient, '$queryRaw'>;

/**
 * The ticket by its code, its row locked FOR SHARE when `lock` (inside a transaction): a refund that changes the
 * item's status waits for the scan to commit, or the scan sees the refund.
 */
export async function findTicket(tx: Tx, ticketCode: string, lock: boolean): Promise<TicketRow | null> {
  const rows = lock
    ? await tx.$queryRaw<TicketRow[]>`
        SELECT i.id AS "itemId", i.status::text AS "itemStatus", i."showtimeId", i."ticketCode",
               coalesce(i."seatLabel", i."zoneKey", '') AS label, i.category, o.code AS "orderCode",
               o.status::text AS "orderStatus"
        FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
        WHERE i."ticketCode" = ${ticketCode} FOR SHARE OF i`
    : await tx.$queryRaw<TicketRow[]>`
        SELECT i.id AS "itemId", i.status::text AS "itemStatus", i."showtimeId", i."ticketCode",
               coalesce(i."seatLabel", i."zoneKey", '') AS label, i.category, o.code AS "orderCode",
               o.status::text AS "orderStatus"
        FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
        WHERE i."ticketCode" = ${ticketCode}`;
  return rows[0] ?? null;
}

/** Why the ticket admits nobody, or null when it admits its holder. */
export function refusalOf(t: Pick<TicketRow, 'itemStatus' | 'orderStatus'>): TicketRefusalReason | null {
  if (t.itemStatus === 'refunded' || t.orderStatus === 'REFUNDED') return 'refunded';
  if (t.orderStatus === 'CANCELLED') return 'cancelled';
  if (t.orderStatus === 'EXPIRED') return 'expired';
  if (t.orderStatus === 'PENDING') return 'unpaid';
  if (t.itemStatus === 'released') return 'released';
  return null;
}

export function ticketDto(t: TicketRow): CheckInTicket {
  return {
    ticketCode: t.ticketCode,
    showtimeId: t.showtimeId,
    orderCode: t.orderCode,
    label: t.label,
    category: t.category,
  };
}

export interface CheckInRow {
  orderItemId: string;
  scannedAt: Date;
  device: string;
  scannedBy: string;
  staffUserId: string | null;
  offline: boolean;
}

/** A check-in as the scanner shows it, with the scanning staff member's name. */
export async function scanRecord(
  prisma: Pick<PrismaClient, 'staffUser'>,
  row: CheckInRow,
): Promise<ScanRecord> {
  const staff = row.staffUserId
    ? await prisma.staffUser.findUnique({ where: { id: row.staffUserId }, select: { name: true } })
    : null;
  return {
    at: row.scannedAt.toISOString(),
    device: row.device,
    by: byName(staff?.name ?? null, row.scannedBy),
    offline: row.offline,
  };
}

/** "Ann Lee", "Ann Lee (API token)", or the actor string when the account is gone. */
export function byName(staffName: string | null, actor: string): string {
  if (!staffName) return actor;
  return actor.startsWith('token:') ? `${staffName} (API token)` : staffName;
}
