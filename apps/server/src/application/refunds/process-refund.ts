import { DomainError } from '../../domain/errors.ts';
import { orderMachine } from '../../domain/order-state.ts';
import { paymentMachine } from '../../domain/payment-state.ts';
import { refundMachine, type RefundAction } from '../../domain/refund-state.ts';
import type { ReturnItem } from '../../domain/hold.ts';
import { writeAudit } from '../../audit/audit.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { lockOrder, releaseItems } from '../../orders/lifecycle.ts';
import { ORDER_TX, type Tx } from '../../orders/persist.ts';

/** The reason recorded when a provider refuses a refund without naming one. */
const UNNAMED_FAILURE = 'provider_refused';

/**
 * The key the provider sees for one attempt of a refund: the refund id, then `<id>:retry-<n>` for the n-th retry
 * staff asked for — a provider that remembers its answer per key (Stripe) would otherwise repeat its refusal.
 */
export const providerKeyOf = (r: { id: string; attempts: number }) =>
  r.attempts === 0 ? r.id : `${r.id}:retry-${r.attempts}`;

/**
 * Drives one refund to its end: records `transit` and asks the provider (idempotent on the refund id and
 * attempt), then records `done` — only then do the order and its items change and the seats go back on sale —
 * or `failed` with the provider's reason, the order untouched. Safe to call again at any point; the refund
 * sweeper does after a crash.
 */
export async function processRefund(core: OrdersCore, refundId: string): Promise<void> {
  const r = await core.prisma.refund.findUnique({
    where: { id: refundId },
    include: { order: { select: { showtimeId: true } } },
  });
  if (!r) return;
  const showtimeId = r.order.showtimeId;
  if (r.status === 'created') await transitionRefund(core, r.id, 'send', showtimeId, {});
  if (r.status === 'done') {
    await returnRefundItems(core, r.id);
    return;
  }
  const fresh = await core.prisma.refund.findUniqueOrThrow({
    where: { id: refundId },
    include: { payment: true },
  });
  if (fresh.status !== 'transit') return;
  // Nothing to send back through a provider: no payment, nothing owed, or money taken at the desk (a counter
  // sale's payment belongs to no online provider — the box office hands the cash back).
  if (!fresh.payment || fresh.amountCents === 0 || fresh.payment.provider !== core.provider.name) {
    await transitionRefund(core, r.id, 'complete', showtimeId, {});
    return;
  }
  const result = await core.provider.refund({
    providerRef: fresh.payment.providerRef,
    amountCents: fresh.amountCents,
    currency: fresh.payment.currency,
    idempotencyKey: providerKeyOf(fresh),
  });
  if (result.status === 'pending') {
    // Stripe may answer `pending`: keep its reference, so the refund's webhook finds this refund.
    if (result.refundRef)
      await core.prisma.refund.updateMany({
        where: { id: fresh.id, providerRef: null },
        data: { providerRef: result.refundRef },
      });
    return;
  }
  await transitionRefund(core, r.id, result.status === 'succeeded' ? 'complete' : 'fail', showtimeId, {
    providerRef: result.refundRef || null,
    failureCode: result.failureCode ?? (result.status === 'failed' ? UNNAMED_FAILURE : undefined),
  });
}

/**
 * One refund transition (guarded by the state machine under row locks: the order's, then the refund's — the order
 * `refundOrder` takes them in). On `done` the refund's items become refunded in PostgreSQL (their claims given
 * up), the order moves to PARTIALLY_REFUNDED or REFUNDED and the payment to `refunded` once every cent of it went
 * back — all audited — and after the commit the items go back on sale. `fail` records the provider's reason;
 * `retry` (staff) clears it and counts the attempt.
 */
export async function transitionRefund(
  core: OrdersCore,
  refundId: string,
  action: Exclude<RefundAction, 'cancel'>,
  showtimeId: string,
  extra: { providerRef?: string | null; failureCode?: string | undefined; actor?: string },
): Promise<boolean> {
  const head = await core.prisma.refund.findUnique({ where: { id: refundId }, select: { orderId: true } });
  if (!head) return false;
  const changed = await core.prisma.$transaction(async (tx) => {
    await lockOrder(tx, { id: head.orderId });
    const rows = await tx.$queryRaw<
      Array<{ status: string; paymentId: string | null; itemIds: string[]; requestedBy: string }>
    >`SELECT status::text AS status, "paymentId", "itemIds", "requestedBy" FROM "Refund"
      WHERE id = ${refundId} FOR UPDATE`;
    const row = rows[0];
    if (!row || !refundMachine.can(row.status as never, action)) return false;
    const to = refundMachine.next(row.status as never, action);
    const failureCode = action === 'fail' ? (extra.failureCode ?? UNNAMED_FAILURE) : undefined;
    await tx.refund.update({
      where: { id: refundId },
      data: {
        status: to,
        ...(extra.providerRef ? { providerRef: extra.providerRef } : {}),
        ...(action === 'fail' ? { failureCode } : {}),
        ...(action === 'retry' ? { failureCode: null, attempts: { increment: 1 } } : {}),
      },
    });
    await writeAudit(tx, {
      actor: extra.actor ?? 'system',
      action: refundMachine.auditAction[action],
      entityType: 'refund',
      entityId: refundId,
      showtimeId,
      before: { status: row.status },
      after: { status: to, ...(failureCode ? { failureCode } : {}) },
    });
    if (to === 'done') {
      if (row.itemIds.length > 0) await refundItems(tx, head.orderId, row, refundId);
      if (row.paymentId) await settlePayment(tx, row.paymentId, showtimeId);
    }
    return true;
  }, ORDER_TX);
  if (changed && action === 'complete') await returnRefundItems(core, refundId);
  return changed;
}

/** The order side of a refund the provider paid: its items refunded, the order PARTIALLY_REFUNDED or REFUNDED. */
async function refundItems(
  tx: Tx,
  orderId: string,
  refund: { itemIds: string[]; requestedBy: string },
  refundId: string,
): Promise<void> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true } });
  const wanted = new Set(refund.itemIds);
  const active = o.items.filter((i) => i.status === 'active');
  const items = active.filter((i) => wanted.has(i.id));
  if (items.length === 0) return;
  await releaseItems(
    tx,
    [o.id],
    'refunded',
    items.map((i) => i.id),
  );
  const action = items.length === active.length ? 'refund_fully' : 'refund_partially';
  const to = orderMachine.next(o.status, action);
  await tx.order.update({ where: { id: o.id }, data: { status: to } });
  await writeAudit(tx, {
    actor: refund.requestedBy,
    action: orderMachine.auditAction[action],
    entityType: 'order',
    entityId: o.id,
    showtimeId: o.showtimeId,
    before: { status: o.status },
    after: {
      status: to,
      refundId,
      itemIds: items.map((i) => i.id),
      amountCents: items.reduce((s, i) => s + i.priceCents, 0),
    },
  });
}

/** The payment becomes `refunded` once every cent of it went back. */
async function settlePayment(tx: Tx, paymentId: string, showtimeId: string): Promise<void> {
  const p = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
  const done = await tx.refund.aggregate({
    where: { paymentId: p.id, status: 'done' },
    _sum: { amountCents: true },
  });
  if ((done._sum.amountCents ?? 0) < p.amountCents || !paymentMachine.can(p.status, 'refund')) return;
  await tx.payment.update({ where: { id: p.id }, data: { status: paymentMachine.next(p.status, 'refund') } });
  await writeAudit(tx, {
    actor: 'system',
    action: paymentMachine.auditAction.refund,
    entityType: 'payment',
    entityId: p.id,
    showtimeId,
    before: { status: p.status },
    after: { status: 'refunded' },
  });
}

/**
 * Puts a done refund's items back on sale in the inventory, once (`returnedAt`; the return script also skips
 * what it already returned, so a crash in between is harmless).
 */
async function returnRefundItems(core: OrdersCore, refundId: string): Promise<void> {
  const r = await core.prisma.refund.findUnique({
    where: { id: refundId },
    include: { order: { include: { items: true } } },
  });
  if (!r || r.status !== 'done' || r.returnedAt || r.itemIds.length === 0) return;
  const wanted = new Set(r.itemIds);
  const items: ReturnItem[] = r.order.items
    .filter((i) => wanted.has(i.id))
    .map((i) =>
      i.seatLabel !== null
        ? { kind: 'seat', seat: i.seatLabel, category: i.category, priceCents: i.priceCents, ref: i.id }
        : {
            kind: 'ga',
            zone: i.zoneKey ?? '',
            category: i.category,
            priceCents: i.priceCents,
            quantity: 1,
            ref: i.id,
          },
    );
  try {
    await core.inventory.returnItems(r.order.showtimeId, r.orderId, items);
  } catch (err) {
    // No live inventory (sale closed, or Redis lost it): PostgreSQL already has the items back, and a rebuild
    // reads it from there.
    if (!(err instanceof DomainError && (err.code === 'sale_not_open' || err.code === 'not_found')))
      throw err;
  }
  await core.prisma.refund.update({ where: { id: r.id }, data: { returnedAt: new Date(core.now()) } });
}

/**
 * Finishes refunds left half-way by a crash: created / transit for longer than `olderThanMs`, or done with items
 * not yet back on sale. Failed refunds wait for staff (`retryRefund`).
 */
export async function sweepRefunds(core: OrdersCore, olderThanMs = 15_000, limit = 100): Promise<number> {
  const stale = await core.prisma.refund.findMany({
    where: {
      updatedAt: { lt: new Date(core.now() - olderThanMs) },
      OR: [
        { status: { in: ['created', 'transit'] } },
        { status: 'done', returnedAt: null, itemIds: { isEmpty: false } },
      ],
    },
    select: { id: true },
    take: limit,
  });
  for (const r of stale) {
    try {
      await processRefund(core, r.id);
    } catch (err) {
      core.logger.error({ err, refundId: r.id }, 'refund retry failed');
    }
  }
  return stale.length;
}
