import type {
  BuyerOrderListDto,
  OrderDto,
  OrderNotice,
  StaffOrderDetailDto,
  StaffOrderSummaryDto,
} from '@seatrush/shared';
import type { Db, PrismaClient } from '../db/prisma.ts';
import { ticketedOrderStatuses } from '../domain/order-state.ts';
import { refundableCents } from '../domain/money.ts';
import { auditDto } from '../audit/audit.ts';
import { DomainError } from '../domain/errors.ts';
import { qrDataUrl, ticketQrPayload } from './codes.ts';

/** Refund reasons that mean "you paid, but the seats were gone: here is your money back". */
export const REFUND_REASON = {
  afterExpiry: 'paid_after_expiry',
  afterCancel: 'paid_after_cancel',
  duplicatePayment: 'duplicate_payment',
  /** A signed success whose amount or currency was not the payment's (issue 14 #7). */
  amountMismatch: 'amount_mismatch',
  buyer: 'buyer_request',
  staff: 'staff_request',
} as const;

export const orderInclude = {
  items: { orderBy: { id: 'asc' } },
  payments: { orderBy: { createdAt: 'asc' } },
  refunds: { orderBy: { createdAt: 'asc' } },
  buyer: { select: { email: true } },
  showtime: { select: { buyerRefunds: true, startsAt: true } },
} as const satisfies Db.Prisma.OrderInclude;

export type FullOrder = Db.Prisma.OrderGetPayload<{ include: typeof orderInclude }>;

const iso = (d: Date) => d.toISOString();

/** What has been (or is being) refunded: every refund that did not fail or get cancelled. */
function refundedCents(refunds: Array<{ amountCents: number; status: string }>): number {
  return refunds
    .filter((r) => r.status !== 'failed' && r.status !== 'canceled')
    .reduce((s, r) => s + r.amountCents, 0);
}

function noticeOf(o: FullOrder): OrderNotice | null {
  if (o.status !== 'EXPIRED' && o.status !== 'CANCELLED') return null;
  if (o.refunds.some((r) => r.reason === REFUND_REASON.afterCancel)) return 'paid_after_cancel_refunded';
  if (o.refunds.some((r) => r.reason === REFUND_REASON.afterExpiry)) return 'paid_after_expiry_refunded';
  return null;
}

/** Whether the buyer may refund the order themselves now: the showtime allows it and has not started. */
export function buyerMayRefund(o: Pick<FullOrder, 'status' | 'showtime'>, now: number): boolean {
  return (
    o.showtime.buyerRefunds &&
    o.showtime.startsAt.getTime() > now &&
    (o.status === 'PAID' || o.status === 'PARTIALLY_REFUNDED')
  );
}

/** The order page: order, items, tickets (paid orders, active items only), payments, refunds. */
export async function orderDto(o: FullOrder, ticketSecret: string, now: number): Promise<OrderDto> {
  const ticketed = ticketedOrderStatuses.includes(o.status);
  const tickets = ticketed
    ? await Promise.all(
        o.items
          .filter((i) => i.status === 'active')
          .map(async (i) => {
            const qrPayload = ticketQrPayload(ticketSecret, i.ticketCode, o.showtimeId);
            return {
              itemId: i.id,
              ticketCode: i.ticketCode,
              label: i.seatLabel ?? i.zoneKey ?? '',
              qrPayload,
              qrImage: await qrDataUrl(qrPayload),
            };
          }),
      )
    : [];
  return {
    code: o.code,
    holdId: o.holdId,
    status: o.status,
    showtimeId: o.showtimeId,
    email: o.buyer.email,
    totalCents: o.totalCents,
    refundedCents: refundedCents(o.refunds),
    currency: o.currency,
    expiresAt: iso(o.expiresAt),
    paidAt: o.paidAt ? iso(o.paidAt) : null,
    createdAt: iso(o.createdAt),
    notice: noticeOf(o),
    buyerRefundable: buyerMayRefund(o, now),
    items: o.items.map((i) => ({
      id: i.id,
      seatLabel: i.seatLabel,
      zoneKey: i.zoneKey,
      category: i.category,
      priceCents: i.priceCents,
      status: i.status,
    })),
    tickets,
    payments: o.payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      status: p.status,
      amountCents: p.amountCents,
      currency: p.currency,
      failureCode: p.failureCode,
      paymentUrl: p.status === 'created' || p.status === 'failed' ? p.checkoutUrl : null,
      createdAt: iso(p.createdAt),
      confirmedAt: p.confirmedAt ? iso(p.confirmedAt) : null,
    })),
    refunds: o.refunds.map((r) => ({
      id: r.id,
      paymentId: r.paymentId,
      amountCents: r.amountCents,
      status: r.status,
      reason: r.reason,
      failureCode: r.failureCode,
      itemIds: r.itemIds,
      requestedBy: r.requestedBy,
      createdAt: iso(r.createdAt),
    })),
  };
}

/** What is still refundable of each confirmed payment. */
export function refundablePayments(
  o: FullOrder,
): Array<{ payment: FullOrder['payments'][number]; left: number }> {
  return o.payments
    .filter((p) => p.status === 'confirmed')
    .map((p) => ({
      payment: p,
      left: refundableCents(
        p.amountCents,
        o.refunds.filter((r) => r.paymentId === p.id),
      ),
    }))
    .filter((x) => x.left > 0);
}

export async function findOrder(
  prisma: PrismaClient,
  where: Db.Prisma.OrderWhereUniqueInput,
): Promise<FullOrder | null> {
  return prisma.order.findUnique({ where, include: orderInclude });
}

const CODE_RE = /^[2-9A-HJKMNP-TV-Z]{4}-?[2-9A-HJKMNP-TV-Z]{4}$/i;

/**
 * Staff search: an order code (with or without the dash), an email or part of one (contains `@`, or matched
 * case-insensitively as a fragment), or a seat label (exact); an empty `q` matches every order (the most recent
 * ones, for the orders page before a search). Newest first.
 */
export async function searchOrders(
  prisma: PrismaClient,
  q: string,
  opts: { showtimeId?: string | undefined; limit: number },
): Promise<StaffOrderSummaryDto[]> {
  const term = q.trim();
  const rows = await prisma.order.findMany({
    where: {
      ...(term ? { OR: searchTerms(term) } : {}),
      ...(opts.showtimeId ? { showtimeId: opts.showtimeId } : {}),
    },
    include: { buyer: { select: { email: true } }, items: { select: { seatLabel: true, zoneKey: true } } },
    orderBy: { createdAt: 'desc' },
    take: opts.limit,
  });
  return rows.map((o) => ({
    code: o.code,
    status: o.status,
    email: o.buyer.email,
    showtimeId: o.showtimeId,
    totalCents: o.totalCents,
    currency: o.currency,
    createdAt: iso(o.createdAt),
    seats: o.items.flatMap((i) => (i.seatLabel ? [i.seatLabel] : [])),
    gaUnits: o.items.filter((i) => i.zoneKey !== null).length,
  }));
}

/** What a non-empty staff search term may name: a code, an email or part of one, a seat label. */
function searchTerms(term: string): Db.Prisma.OrderWhereInput[] {
  const or: Db.Prisma.OrderWhereInput[] = [];
  if (CODE_RE.test(term)) {
    const c = term.toUpperCase().replace('-', '');
    or.push({ code: `${c.slice(0, 4)}-${c.slice(4)}` });
  }
  or.push({
    buyer: { email: term.includes('@') ? term.toLowerCase() : { contains: term, mode: 'insensitive' } },
  });
  if (term.includes('@')) or.push({ buyer: { email: { contains: term, mode: 'insensitive' } } });
  or.push({ items: { some: { seatLabel: term } } });
  if (term.toUpperCase() !== term) or.push({ items: { some: { seatLabel: term.toUpperCase() } } });
  return or;
}

/** Where a page of a buyer's orders ends: the last order's (createdAt, id), base64url-encoded. */
function encodeCursor(o: { createdAt: Date; id: string }): string {
  return Buffer.from(`${o.createdAt.getTime()}:${o.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const at = Number(ms);
  if (!Number.isSafeInteger(at) || at < 0 || !id || !/^[A-Za-z0-9_-]{1,64}$/.test(id))
    throw new DomainError(
      'validation_failed',
      'Invalid query: cursor is not a cursor this API gave.',
      undefined,
      [{ path: 'query.cursor', message: 'Not a cursor from a previous page.' }],
    );
  return { createdAt: new Date(at), id };
}

/**
 * "My orders": the orders of one buyer session — the buyer's orders made by `holdIds` (the session's holds, see
 * auth/session-holds.ts) — newest first (ties broken by id, so pages never skip or repeat an order), `limit` per
 * page from after `cursor`. Only orders whose buyer is `buyerId`, whatever the cursor says.
 *
 * Errors: `validation_failed` (a cursor this function did not make).
 */
export async function listBuyerOrders(
  prisma: PrismaClient,
  buyerId: string,
  /** The session's holds; null: every order of the buyer (a session that proved the e-mail). */
  holdIds: string[] | null,
  opts: { limit: number; cursor?: string | undefined },
): Promise<BuyerOrderListDto> {
  const after = opts.cursor === undefined ? null : decodeCursor(opts.cursor);
  const rows = await prisma.order.findMany({
    where: {
      buyerId,
      ...(holdIds ? { holdId: { in: holdIds } } : {}),
      // A reservation that ended before anything was paid is not a purchase: "My orders" leaves it out.
      NOT: { status: { in: ['CANCELLED', 'EXPIRED'] }, paidAt: null },
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    },
    select: {
      id: true,
      code: true,
      status: true,
      showtimeId: true,
      totalCents: true,
      currency: true,
      createdAt: true,
      expiresAt: true,
      showtime: { select: { startsAt: true, event: { select: { name: true } } } },
      _count: { select: { items: true } },
      refunds: { select: { amountCents: true, status: true } },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    orders: page.map((o) => ({
      code: o.code,
      status: o.status,
      showtimeId: o.showtimeId,
      eventName: o.showtime.event.name,
      startsAt: iso(o.showtime.startsAt),
      itemCount: o._count.items,
      totalCents: o.totalCents,
      refundedCents: refundedCents(o.refunds),
      currency: o.currency,
      createdAt: iso(o.createdAt),
      expiresAt: o.status === 'PENDING' ? iso(o.expiresAt) : null,
    })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
  };
}

/** Staff detail: the order page plus hold id, channel and the audit trail of the order, its payments and refunds. */
export async function staffOrderDetail(
  prisma: PrismaClient,
  o: FullOrder,
  ticketSecret: string,
  now: number,
): Promise<StaffOrderDetailDto> {
  const ids = [o.id, ...o.payments.map((p) => p.id), ...o.refunds.map((r) => r.id)];
  const audit = await prisma.auditEntry.findMany({
    where: { entityId: { in: ids } },
    orderBy: { id: 'asc' },
    take: 500,
  });
  return {
    ...(await orderDto(o, ticketSecret, now)),
    holdId: o.holdId,
    channel: o.channel,
    audit: audit.map(auditDto),
  };
}
