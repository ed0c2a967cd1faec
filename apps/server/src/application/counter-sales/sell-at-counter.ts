import { createHash, randomUUID } from 'node:crypto';
import type { CounterSaleBody, StaffOrderDetailDto } from '@seatrush/shared';
import { writeAudit, type Actor } from '../../audit/audit.ts';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { Logger } from '../../observability/logger.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { unscheduleExpiry } from '../../orders/expiry.ts';
import { cancelOrder, recordPaid } from '../../orders/lifecycle.ts';
import { isRetryableConflict, newId, persistHolds } from '../../orders/persist.ts';
import { findOrder, staffOrderDetail } from '../../orders/views.ts';
import type { HoldSeats } from '../holds/hold-seats.ts';
import { showtimeOrThrow } from '../showtime-lookup.ts';
import { ensureBuyer, findBuyer, type BuyerIdFor } from '../../auth/buyer.ts';

/** Provider name of payments taken at the counter (cash or card terminal): no online provider is involved. */
export const COUNTER_PROVIDER = 'counter';

/** Walk-in buyers without an email get a buyer record of their own under this (unroutable) domain. */
const WALK_IN_DOMAIN = 'walk-in.box-office.invalid';

export interface CounterSaleDeps {
  prisma: PrismaClient;
  inventory: Inventory;
  holdSeats: HoldSeats;
  orders: OrdersCore;
  logger: Logger;
  /** The id a new buyer's row gets (`BuyerSessions.buyerIdFor`). */
  buyerIdFor: BuyerIdFor;
}

/**
 * Sells at the counter through the same path as an online sale: the inventory's hold script (all or nothing,
 * same availability and per-buyer rules), the orders module's persistence (PENDING order with the prices of the
 * hold), the confirm script (held → sold), then one transaction records a confirmed `counter` payment and marks
 * the order PAID (`recordPaid`), with channel `counter` and an `order.counter_sold` audit entry.
 *
 * Idempotent on `requestId`: a retry answers with the same order (`replayed`), and finishes a sale that was
 * interrupted between its steps. Without an email the buyer is a walk-in whose record is derived from the
 * request id (so a retry finds the same buyer and therefore the same hold). A new buyer's row is created after
 * the hold succeeded, never for a refused sale.
 *
 * Errors: those of a hold (`sale_not_open`, `seat_unavailable`, `seat_unknown`, `zone_unknown`, `sold_out`,
 * `limit_exceeded`, `idempotency_conflict`), `not_found` (showtime), `conflict` (the order could not be recorded
 * yet; retry).
 */
export async function counterSale(
  deps: CounterSaleDeps,
  showtimeId: string,
  body: CounterSaleBody,
  actor: Actor,
): Promise<{ order: StaffOrderDetailDto; replayed: boolean }> {
  const { prisma, inventory, orders } = deps;
  await showtimeOrThrow(prisma, showtimeId);
  const requestId = body.requestId ?? randomUUID();
  const email =
    body.buyerEmail ??
    `${createHash('sha256').update(`${showtimeId}\n${requestId}`).digest('hex').slice(0, 16)}@${WALK_IN_DOMAIN}`;
  // A new buyer's row is created only once the hold succeeded (a refused sale leaves nothing behind): until then
  // the hold names the id the row will get, derived from the e-mail, so a retry and a concurrent session for the
  // same e-mail agree on it.
  const existing = await findBuyer(prisma, email);
  const buyerId = existing?.id ?? deps.buyerIdFor(email);

  // The one hold use case, as a staff sale: exempt from the buyers' admission and rate limits.
  const { hold: held } = await deps.holdSeats.hold({
    showtimeId,
    buyer: { buyerId },
    idempotencyKey: `counter:${requestId}`,
    request: body.seats ? { seats: body.seats } : { zone: body.zone!, quantity: body.quantity! },
    channel: 'counter',
  });
  const release = async (why: unknown) => {
    deps.logger.warn({ err: why, holdId: held.holdId }, 'counter sale failed after the hold; releasing it');
    await inventory.release(held.holdId, held.holdToken).catch(() => undefined);
    await cancelOrder(prisma, held.holdId, actor).catch(() => undefined);
  };

  const hold = await inventory.getHold(held.holdId);
  if (!hold) throw new DomainError('hold_not_found');
  let orderId: string;
  try {
    // Before the order (whose buyer it is). Every creator of buyer rows derives the id, so the row's id is ours;
    // were it ever not, the hold would name no buyer row: it goes, and the sale answers `conflict`.
    if (!existing && (await ensureBuyer(prisma, email, buyerId)) !== buyerId)
      throw new DomainError('conflict', 'The buyer changed during the sale. Try again.');
    const [persisted] = await persistHolds(prisma, [hold], { now: orders.now() });
    orderId = persisted!.orderId;
  } catch (err) {
    if (hold.status === 'held') await release(err);
    if (isRetryableConflict(err))
      throw new DomainError('conflict', 'The sale could not be recorded yet. Try again.');
    throw err;
  }

  const order = await prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    include: { payments: { where: { provider: COUNTER_PROVIDER } } },
  });
  if (order.status === 'PENDING') {
    try {
      await inventory.confirm(held.holdId, orderId);
    } catch (err) {
      await release(err);
      throw err;
    }
    const payment =
      order.payments[0] ??
      (await prisma.payment.create({
        data: {
          id: newId('p'),
          orderId,
          provider: COUNTER_PROVIDER,
          providerRef: `counter_${orderId}`,
          status: 'created',
          amountCents: order.totalCents,
          currency: order.currency,
        },
      }));
    const now = new Date(orders.now());
    await prisma.order.update({ where: { id: orderId }, data: { channel: 'counter' } });
    const paid = await recordPaid(prisma, { orderId, paymentId: payment.id, eventId: null, now, actor });
    if (paid.kind === 'paid') {
      await writeAudit(prisma, {
        actor,
        action: 'order.counter_sold',
        entityType: 'order',
        entityId: orderId,
        showtimeId,
        after: {
          method: body.method,
          paymentId: payment.id,
          amountCents: order.totalCents,
          seats: body.seats ?? null,
          zone: body.zone ?? null,
          quantity: body.quantity ?? null,
          walkIn: body.buyerEmail === undefined,
        },
      });
      orders.metrics.sales.inc(paid.tickets);
    }
    await unscheduleExpiry(orders, held.holdId);
  }
  const full = await findOrder(prisma, { id: orderId });
  if (!full) throw new DomainError('not_found');
  return {
    order: await staffOrderDetail(prisma, full, orders.config.ticketSigningSecret, orders.now()),
    replayed: held.replayed,
  };
}
