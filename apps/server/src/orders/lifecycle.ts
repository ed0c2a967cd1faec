import type { OrderStatusName } from '@seatrush/shared';
import { Db, type PrismaClient } from '../db/prisma.ts';
import { orderMachine, type OrderAction } from '../domain/order-state.ts';
import { paymentMachine } from '../domain/payment-state.ts';
import { writeAudit } from '../audit/audit.ts';
import { ORDER_TX, insertClaims, type Tx } from './persist.ts';

const { sql } = Db.Prisma;

const utcNow = sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/** Locks an order row for the rest of the transaction: every change to an order's state goes through this. */
export async function lockOrder(
  tx: Tx,
  where: { id: string } | { holdId: string },
): Promise<{
  id: string;
  status: OrderStatusName;
  showtimeId: string;
  holdId: string;
  buyerId: string;
} | null> {
  const rows =
    'id' in where
      ? await tx.$queryRaw<
          Array<{ id: string; status: OrderStatusName; showtimeId: string; holdId: string; buyerId: string }>
        >`SELECT id, status::text AS status, "showtimeId", "holdId", "buyerId" FROM "Order" WHERE id = ${where.id} FOR UPDATE`
      : await tx.$queryRaw<
          Array<{ id: string; status: OrderStatusName; showtimeId: string; holdId: string; buyerId: string }>
        >`SELECT id, status::text AS status, "showtimeId", "holdId", "buyerId" FROM "Order" WHERE "holdId" = ${where.holdId} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * Gives back, in PostgreSQL, what the given orders' active items claimed: their SeatClaim rows go, their GA units
 * leave ZoneInventory.claimed, and the items become `to` (released or refunded). `itemIds` narrows it to some
 * items (a partial refund). Zone rows are updated one at a time in key order, the same order persistence uses.
 */
export async function releaseItems(
  tx: Tx,
  orderIds: string[],
  to: 'released' | 'refunded',
  itemIds?: string[],
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const itemFilter = itemIds ? sql`AND id = ANY(${itemIds}::text[])` : sql``;
  const zones = await tx.$queryRaw<Array<{ showtimeId: string; zoneKey: string; n: number }>>`
    SELECT "showtimeId", "zoneKey", count(*)::int AS n FROM "OrderItem"
    WHERE "orderId" = ANY(${orderIds}::text[]) AND status = 'active' AND "zoneKey" IS NOT NULL ${itemFilter}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  for (const z of zones)
    await tx.$executeRaw`UPDATE "ZoneInventory" SET claimed = claimed - ${z.n}
      WHERE "showtimeId" = ${z.showtimeId} AND "zoneKey" = ${z.zoneKey}`;
  await tx.$executeRaw`DELETE FROM "SeatClaim" WHERE "orderItemId" IN (
      SELECT id FROM "OrderItem" WHERE "orderId" = ANY(${orderIds}::text[]) AND status = 'active' ${itemFilter})`;
  return tx.$executeRaw`UPDATE "OrderItem" SET status = ${to}::"OrderItemStatus"
    WHERE "orderId" = ANY(${orderIds}::text[]) AND status = 'active' ${itemFilter}`;
}

/** Takes the items of an order back (a late payment reclaimed them): claims and zone counts return, items active. */
async function reclaimItems(tx: Tx, orderId: string): Promise<void> {
  const items = await tx.orderItem.findMany({ where: { orderId, status: 'released' } });
  const zones = new Map<string, { showtimeId: string; zone: string; n: number }>();
  for (const i of items) {
    if (i.zoneKey === null) continue;
    const k = `${i.showtimeId}\u0000${i.zoneKey}`;
    const z = zones.get(k) ?? { showtimeId: i.showtimeId, zone: i.zoneKey, n: 0 };
    z.n += 1;
    zones.set(k, z);
  }
  for (const k of [...zones.keys()].sort()) {
    const z = zones.get(k)!;
    await tx.$executeRaw`UPDATE "ZoneInventory" SET claimed = claimed + ${z.n}
      WHERE "showtimeId" = ${z.showtimeId} AND "zoneKey" = ${z.zone}`;
  }
  await insertClaims(tx, items);
  await tx.orderItem.updateMany({ where: { orderId, status: 'released' }, data: { status: 'active' } });
}

export interface ExpiredOrder {
  id: string;
  holdId: string;
  showtimeId: string;
  expiresAt: Date;
  /** Payments nobody had started; canceled here, and at the provider by the caller. */
  canceledPayments: Array<{ id: string; providerRef: string }>;
}

/**
 * PENDING → EXPIRED for the orders of these holds, in one transaction for the whole batch. Only orders still
 * PENDING change (the `expire` transition's `from`), so it is idempotent and never touches an order that a
 * payment made PAID meanwhile. Call it only for holds the inventory has ended (expire said expired / gone).
 */
export async function expireOrders(
  prisma: PrismaClient,
  holdIds: string[],
  opts: { reason: string; actor?: string } = { reason: 'payment_window_closed' },
): Promise<ExpiredOrder[]> {
  if (holdIds.length === 0) return [];
  const t = orderMachine.transitions.expire;
  const pc = paymentMachine.transitions.cancel;
  const actor = opts.actor ?? 'system';
  // One statement: the transition, the released items, claims and zone counts, the canceled payments and the
  // audit entries commit together in one round trip (data-modifying CTEs), like order persistence.
  const rows = await prisma.$queryRaw<
    Array<{
      kind: 'o' | 'p';
      id: string;
      ref: string;
      orderId: string | null;
      showtimeId: string | null;
      expiresAt: Date | null;
    }>
  >`
    WITH
    o AS (
      UPDATE "Order" SET status = ${t.to}::"OrderStatus", "updatedAt" = ${utcNow}
      WHERE "holdId" = ANY(${holdIds}::text[]) AND status::text = ANY(${[...t.from]}::text[])
      RETURNING id, "holdId", "showtimeId", "expiresAt"
    ),
    it AS (
      UPDATE "OrderItem" SET status = 'released'
      WHERE "orderId" IN (SELECT id FROM o) AND status = 'active'
      RETURNING id, "showtimeId", "zoneKey"
    ),
    c AS (DELETE FROM "SeatClaim" WHERE "orderItemId" IN (SELECT id FROM it)),
    z AS (
      UPDATE "ZoneInventory" zi SET claimed = zi.claimed - g.n
      FROM (SELECT "showtimeId", "zoneKey", count(*)::int AS n FROM it WHERE "zoneKey" IS NOT NULL GROUP BY 1, 2) g
      WHERE zi."showtimeId" = g."showtimeId" AND zi."zoneKey" = g."zoneKey"
    ),
    p AS (
      UPDATE "Payment" SET status = ${pc.to}::"PaymentStatus", "updatedAt" = ${utcNow}
      WHERE "orderId" IN (SELECT id FROM o) AND status = 'created'
      RETURNING id, "orderId", "providerRef"
    ),
    ao AS (
      INSERT INTO "AuditEntry" (actor, action, "entityType", "entityId", "showtimeId", before, after)
      SELECT ${actor}, ${orderMachine.auditAction.expire}, 'order', o.id, o."showtimeId", '{"status":"PENDING"}'::jsonb,
             jsonb_build_object('status', ${t.to}::text, 'reason', ${opts.reason}::text)
      FROM o
    ),
    ap AS (
      INSERT INTO "AuditEntry" (actor, action, "entityType", "entityId", "showtimeId", before, after)
      SELECT ${actor}, ${paymentMachine.auditAction.cancel}, 'payment', p.id, o."showtimeId",
             '{"status":"created"}'::jsonb, jsonb_build_object('status', ${pc.to}::text, 'reason', 'order_expired')
      FROM p JOIN o ON o.id = p."orderId"
    )
    SELECT 'o' AS kind, id, "holdId" AS ref, NULL AS "orderId", "showtimeId", "expiresAt" FROM o
    UNION ALL
    SELECT 'p' AS kind, id, "providerRef" AS ref, "orderId", NULL, NULL FROM p`;
  const byOrder = new Map<string, Array<{ id: string; providerRef: string }>>();
  for (const r of rows)
    if (r.kind === 'p' && r.orderId)
      byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), { id: r.id, providerRef: r.ref }]);
  return rows
    .filter((r) => r.kind === 'o')
    .map((r) => ({
      id: r.id,
      holdId: r.ref,
      showtimeId: r.showtimeId!,
      expiresAt: r.expiresAt!,
      canceledPayments: byOrder.get(r.id) ?? [],
    }));
}

/**
 * PENDING → CANCELLED for the order of a released hold. Returns 'missing' when the order is not persisted yet
 * (the cancel job is retried until it is), 'unchanged' when it is no longer PENDING.
 */
export async function cancelOrder(
  prisma: PrismaClient,
  holdId: string,
  actor: string,
): Promise<{
  outcome: 'cancelled' | 'missing' | 'unchanged';
  canceledPayments: Array<{ id: string; providerRef: string }>;
}> {
  return prisma.$transaction(async (tx) => {
    const o = await lockOrder(tx, { holdId });
    if (!o) return { outcome: 'missing' as const, canceledPayments: [] };
    if (!orderMachine.can(o.status, 'cancel')) return { outcome: 'unchanged' as const, canceledPayments: [] };
    const to = orderMachine.next(o.status, 'cancel');
    await tx.order.update({ where: { id: o.id }, data: { status: to } });
    await releaseItems(tx, [o.id], 'released');
    const payments = await tx.payment.findMany({ where: { orderId: o.id, status: 'created' } });
    for (const p of payments) {
      await tx.payment.update({
        where: { id: p.id },
        data: { status: paymentMachine.next('created', 'cancel') },
      });
      await writeAudit(tx, {
        actor,
        action: paymentMachine.auditAction.cancel,
        entityType: 'payment',
        entityId: p.id,
        showtimeId: o.showtimeId,
        before: { status: p.status },
        after: { status: 'canceled', reason: 'order_cancelled' },
      });
    }
    await writeAudit(tx, {
      actor,
      action: orderMachine.auditAction.cancel,
      entityType: 'order',
      entityId: o.id,
      showtimeId: o.showtimeId,
      before: { status: o.status },
      after: { status: to },
    });
    return {
      outcome: 'cancelled' as const,
      canceledPayments: payments.map((p) => ({ id: p.id, providerRef: p.providerRef })),
    };
  }, ORDER_TX);
}

export type PaidOutcome =
  | { kind: 'paid'; action: OrderAction; orderId: string; tickets: number }
  | { kind: 'already_paid' }
  /** The order was paid by another payment: this one is a duplicate and must be refunded. */
  | { kind: 'duplicate' }
  /** The order ended meanwhile (cancelled, or refunded): the money must go back. */
  | { kind: 'not_payable'; status: OrderStatusName };

/**
 * Records a payment that the inventory has already turned into sold seats (confirm or reclaim succeeded): ONE
 * transaction marks the payment confirmed and the order PAID (`pay` from PENDING, or `reclaim` from EXPIRED, which
 * re-creates the claims the expiry gave up), with audit entries — plus the webhook event id, so a redelivery is
 * recognised. Idempotent: a second call finds the payment confirmed and the order PAID and changes nothing.
 */
export async function recordPaid(
  prisma: PrismaClient,
  input: { orderId: string; paymentId: string; eventId: string | null; now: Date; actor?: string },
): Promise<PaidOutcome> {
  const actor = input.actor ?? 'system';
  return prisma.$transaction(async (tx) => {
    const o = await lockOrder(tx, { id: input.orderId });
    if (!o) throw new Error(`order ${input.orderId} vanished`);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: input.paymentId } });
    if (input.eventId) await recordEvent(tx, input.eventId, 'payment.succeeded');
    const wasConfirmed = payment.status === 'confirmed' || payment.status === 'refunded';
    if (!wasConfirmed) await confirmPayment(tx, payment, o.showtimeId, actor, input.now);

    if (o.status === 'PENDING' || o.status === 'EXPIRED') {
      const action: OrderAction = o.status === 'PENDING' ? 'pay' : 'reclaim';
      const to = orderMachine.next(o.status, action);
      if (action === 'reclaim') await reclaimItems(tx, o.id);
      await tx.order.update({ where: { id: o.id }, data: { status: to, paidAt: input.now } });
      await writeAudit(tx, {
        actor,
        action: orderMachine.auditAction[action],
        entityType: 'order',
        entityId: o.id,
        showtimeId: o.showtimeId,
        before: { status: o.status },
        after: { status: to, paymentId: payment.id },
      });
      const tickets = await tx.orderItem.count({ where: { orderId: o.id, status: 'active' } });
      return { kind: 'paid' as const, action, orderId: o.id, tickets };
    }
    if (o.status === 'PAID' || o.status === 'PARTIALLY_REFUNDED' || o.status === 'REFUNDED') {
      // The order was paid by its earliest confirmed payment; any other confirmed payment is a double payment.
      // A capture of the wrong amount or currency never paid anything (it is refunded as `amount_mismatch`).
      const payer = await tx.payment.findFirst({
        where: {
          orderId: o.id,
          status: { in: ['confirmed', 'refunded'] },
          refunds: { none: { reason: 'amount_mismatch' } },
        },
        orderBy: [{ confirmedAt: 'asc' }, { id: 'asc' }],
      });
      return !payer || payer.id === payment.id
        ? { kind: 'already_paid' as const }
        : { kind: 'duplicate' as const };
    }
    return { kind: 'not_payable' as const, status: o.status };
  }, ORDER_TX);
}

async function confirmPayment(
  tx: Tx,
  payment: { id: string; status: string },
  showtimeId: string,
  actor: string,
  now: Date,
): Promise<void> {
  const to = paymentMachine.next(payment.status as never, 'confirm');
  await tx.payment.update({
    where: { id: payment.id },
    data: { status: to, confirmedAt: now, failureCode: null },
  });
  await writeAudit(tx, {
    actor,
    action: paymentMachine.auditAction.confirm,
    entityType: 'payment',
    entityId: payment.id,
    showtimeId,
    before: { status: payment.status },
    after: { status: to },
  });
}

/** Confirms a payment without paying the order (the money arrived but cannot buy the seats: it will be refunded). */
export async function recordCapturedOnly(
  prisma: PrismaClient,
  input: { paymentId: string; eventId: string | null; now: Date },
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const payment = await tx.payment.findUniqueOrThrow({
      where: { id: input.paymentId },
      include: { order: true },
    });
    await lockOrder(tx, { id: payment.orderId });
    if (input.eventId) await recordEvent(tx, input.eventId, 'payment.succeeded');
    if (paymentMachine.can(payment.status, 'confirm'))
      await confirmPayment(tx, payment, payment.order.showtimeId, 'system', input.now);
  }, ORDER_TX);
}

/**
 * Remembers a processed webhook event inside the transaction of its effect, so "processed" and "effect" commit
 * together. Concurrent duplicates may both get here; their effects are idempotent, so the second one is a no-op.
 */
export async function recordEvent(tx: Tx, id: string, type: string, provider = 'sandbox'): Promise<void> {
  await tx.$executeRaw`INSERT INTO "WebhookEvent" (id, provider, type, "receivedAt")
    VALUES (${id}, ${provider}, ${type}, ${utcNow}) ON CONFLICT (id) DO NOTHING`;
}
