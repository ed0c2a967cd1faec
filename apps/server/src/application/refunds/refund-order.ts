import { DomainError } from '../../domain/errors.ts';
import { orderMachine } from '../../domain/order-state.ts';
import { paymentMachine } from '../../domain/payment-state.ts';
import { refundMachine } from '../../domain/refund-state.ts';
import { refundableCents } from '../../domain/money.ts';
import type { ReturnItem } from '../../domain/hold.ts';
import { writeAudit } from '../../audit/audit.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { lockOrder, releaseItems } from '../../orders/lifecycle.ts';
import { ORDER_TX, newId, type Tx } from '../../orders/persist.ts';
import { buyerMayRefund, findOrder, REFUND_REASON } from '../../orders/views.ts';

export interface RefundRequest {
  code: string;
  /** Items to refund; every active item when left out. */
  itemIds?: string[] | undefined;
  actor: string;
  reason: string;
  /** Buyers may refund only while the showtime allows it; staff (box office) any time. */
  by: 'buyer' | 'staff';
  /** The client's `Idempotency-Key`: the same key for the same order always answers with the same refund. */
  idempotencyKey?: string | undefined;
}

export interface RefundOutcome {
  refundId: string;
  /** True when the Idempotency-Key was already answered: this is the refund an earlier request made. */
  replayed: boolean;
}

/** The stored key of a refund request: per order and per side (buyer or staff), so keys never meet across them. */
const requestKeyOf = (orderId: string, req: RefundRequest) =>
  req.idempotencyKey === undefined ? null : `${orderId}:${req.by}:${req.idempotencyKey}`;

/** A retry must ask for what the first request asked: the same caller and (when named) the same items. */
function sameRequest(prior: { requestedBy: string; itemIds: string[] }, req: RefundRequest): boolean {
  if (prior.requestedBy !== req.actor) return false;
  if (!req.itemIds) return true;
  const a = [...new Set(req.itemIds)].sort();
  const b = [...prior.itemIds].sort();
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

async function replay(
  core: OrdersCore,
  prior: { id: string; requestedBy: string; itemIds: string[] },
  req: RefundRequest,
): Promise<RefundOutcome> {
  if (!sameRequest(prior, req))
    throw new DomainError(
      'idempotency_conflict',
      'That Idempotency-Key was used for another refund of this order.',
    );
  // The first request may have died between its commit and the provider's answer: finish what it started.
  await processRefund(core, prior.id);
  return { refundId: prior.id, replayed: true };
}

/**
 * Refunds a paid order in full or per item. ONE transaction decides it (the order row is locked, so two refunds
 * of the same item cannot both pass): items become refunded, their SeatClaims and ZoneInventory units are given
 * up, the order goes to PARTIALLY_REFUNDED or REFUNDED, and a Refund is created — all audited. Afterwards the
 * inventory returns the seats to sale (exactly once per item: the return script skips what it already returned)
 * and the provider pays the money back (idempotent on the refund id). A crash after the commit leaves a refund in
 * `created` / `transit` that the refund sweeper finishes.
 *
 * With an `idempotencyKey`, the refund remembers the key (unique per order): a retry — after a lost answer, a
 * timeout, a node killed mid-request, concurrently — gets the same refund back (`replayed`), driven on to its
 * end, instead of `refund_not_allowed`. Errors change nothing and are not remembered.
 *
 * Errors: `not_found`, `refund_not_allowed` (not paid, buyer refunds closed, items not refundable, nothing
 * captured to refund from), `idempotency_conflict` (the key was used for another refund of this order).
 */
export async function refundOrder(core: OrdersCore, req: RefundRequest): Promise<RefundOutcome> {
  const found = await findOrder(core.prisma, { code: req.code });
  if (!found) throw new DomainError('not_found', 'No such order.');
  const requestKey = requestKeyOf(found.id, req);
  if (requestKey) {
    const prior = await core.prisma.refund.findUnique({ where: { requestKey } });
    if (prior) return replay(core, prior, req);
  }
  const made = await core.prisma.$transaction(async (tx) => {
    const locked = await lockOrder(tx, { id: found.id });
    // A concurrent request with the same key waited for the lock: it answers with what the first one made.
    if (requestKey) {
      const prior = await tx.refund.findUnique({ where: { requestKey } });
      if (prior) return { replay: prior };
    }
    const o = await tx.order.findUniqueOrThrow({
      where: { id: found.id },
      include: {
        items: true,
        payments: true,
        refunds: true,
        showtime: { select: { buyerRefunds: true, startsAt: true } },
      },
    });
    if (!locked || !orderMachine.can(o.status, 'refund_partially'))
      throw new DomainError('refund_not_allowed', `An order that is ${o.status} cannot be refunded.`, {
        status: o.status,
      });
    if (req.by === 'buyer' && !buyerMayRefund(o, core.now()))
      throw new DomainError('refund_not_allowed', 'Refunds for this show are handled by the box office.');
    const active = o.items.filter((i) => i.status === 'active');
    let items = active;
    if (req.itemIds) {
      const wanted = new Set(req.itemIds);
      items = active.filter((i) => wanted.has(i.id));
      const notRefundable = [...wanted].filter((id) => !items.some((i) => i.id === id));
      if (notRefundable.length)
        throw new DomainError('refund_not_allowed', 'Some of those tickets cannot be refunded.', {
          itemIds: notRefundable,
        });
    }
    if (items.length === 0) throw new DomainError('refund_not_allowed', 'Nothing left to refund.');
    const amount = items.reduce((s, i) => s + i.priceCents, 0);
    const payment = o.payments
      .filter((p) => p.status === 'confirmed')
      .map((p) => ({
        p,
        left: refundableCents(
          p.amountCents,
          o.refunds.filter((r) => r.paymentId === p.id),
        ),
      }))
      .find((x) => x.left >= amount);
    if (!payment && amount > 0)
      throw new DomainError('refund_not_allowed', 'There is no captured payment to refund this from.');

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
      actor: req.actor,
      action: orderMachine.auditAction[action],
      entityType: 'order',
      entityId: o.id,
      showtimeId: o.showtimeId,
      before: { status: o.status },
      after: { status: to, itemIds: items.map((i) => i.id), amountCents: amount },
    });
    const refundId = await createRefund(tx, {
      orderId: o.id,
      showtimeId: o.showtimeId,
      paymentId: payment?.p.id ?? null,
      amountCents: amount,
      reason: req.reason,
      itemIds: items.map((i) => i.id),
      requestedBy: req.actor,
      requestKey,
    });
    return { replay: null, refundId };
  }, ORDER_TX);
  if (made.replay) return replay(core, made.replay, req);
  await processRefund(core, made.refundId);
  return { refundId: made.refundId, replayed: false };
}

export async function createRefund(
  tx: Tx,
  r: {
    orderId: string;
    showtimeId: string;
    paymentId: string | null;
    amountCents: number;
    reason: string;
    itemIds: string[];
    requestedBy: string;
    requestKey?: string | null;
  },
): Promise<string> {
  const id = newId('r');
  await tx.refund.create({
    data: {
      id,
      orderId: r.orderId,
      paymentId: r.paymentId,
      amountCents: r.amountCents,
      reason: r.reason,
      itemIds: r.itemIds,
      requestedBy: r.requestedBy,
      requestKey: r.requestKey ?? null,
      status: 'created',
    },
  });
  await writeAudit(tx, {
    actor: r.requestedBy,
    action: 'refund.created',
    entityType: 'refund',
    entityId: id,
    showtimeId: r.showtimeId,
    after: {
      orderId: r.orderId,
      paymentId: r.paymentId,
      amountCents: r.amountCents,
      reason: r.reason,
      itemIds: r.itemIds,
    },
  });
  return id;
}

/**
 * Gives a captured payment back in full when it cannot buy anything: it came after the seats were gone
 * (`paid_after_expiry`), after the buyer cancelled (`paid_after_cancel`), or the order was already paid
 * (`duplicate_payment`). Idempotent: one such refund per payment.
 */
export async function refundWholePayment(
  core: OrdersCore,
  paymentId: string,
  reason: (typeof REFUND_REASON)[keyof typeof REFUND_REASON],
): Promise<string | null> {
  const refundId = await core.prisma.$transaction(async (tx) => {
    const p = await tx.payment.findUniqueOrThrow({ where: { id: paymentId }, include: { order: true } });
    await lockOrder(tx, { id: p.orderId });
    const refunds = await tx.refund.findMany({ where: { paymentId } });
    const open = refunds.find(
      (r) => r.itemIds.length === 0 && r.status !== 'failed' && r.status !== 'canceled',
    );
    if (open) return open.id;
    const left = refundableCents(p.amountCents, refunds);
    if (left <= 0 || (p.status !== 'confirmed' && p.status !== 'refunded')) return null;
    return createRefund(tx, {
      orderId: p.orderId,
      showtimeId: p.order.showtimeId,
      paymentId,
      amountCents: left,
      reason,
      itemIds: [],
      requestedBy: 'system',
    });
  }, ORDER_TX);
  if (refundId) await processRefund(core, refundId);
  return refundId;
}

/**
 * Drives one refund to its end: returns its items to the inventory (`created`), then records `transit` and asks
 * the provider (idempotent on the refund id), then records `done` or `failed` — and the payment `refunded` once
 * every cent of it went back. Safe to call again at any point; the refund sweeper does after a crash.
 */
export async function processRefund(core: OrdersCore, refundId: string): Promise<void> {
  const r = await core.prisma.refund.findUnique({
    where: { id: refundId },
    include: { order: { include: { items: true } }, payment: true },
  });
  if (!r) return;
  if (r.status === 'created') {
    if (r.itemIds.length > 0) {
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
        // No live inventory (sale closed, or Redis lost it): PostgreSQL already has the items back, and a
        // rebuild reads it from there.
        if (!(err instanceof DomainError && (err.code === 'sale_not_open' || err.code === 'not_found')))
          throw err;
      }
    }
    await transitionRefund(core, r.id, 'send', r.order.showtimeId, {});
  }
  const fresh = await core.prisma.refund.findUniqueOrThrow({
    where: { id: refundId },
    include: { payment: true },
  });
  if (fresh.status !== 'transit') return;
  // Nothing to send back through a provider: no payment, nothing owed, or money taken at the desk (a counter
  // sale's payment belongs to no online provider — the box office hands the cash back).
  if (!fresh.payment || fresh.amountCents === 0 || fresh.payment.provider !== core.provider.name) {
    await transitionRefund(core, r.id, 'complete', r.order.showtimeId, {});
    return;
  }
  const result = await core.provider.refund({
    providerRef: fresh.payment.providerRef,
    amountCents: fresh.amountCents,
    currency: fresh.payment.currency,
    idempotencyKey: fresh.id,
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
  await transitionRefund(
    core,
    r.id,
    result.status === 'succeeded' ? 'complete' : 'fail',
    r.order.showtimeId,
    {
      providerRef: result.refundRef || null,
      failureCode: result.failureCode,
    },
  );
}

/** One refund transition (guarded by the state machine under a row lock), plus the payment's `refund` when due. */
export async function transitionRefund(
  core: OrdersCore,
  refundId: string,
  action: 'send' | 'complete' | 'fail',
  showtimeId: string,
  extra: { providerRef?: string | null; failureCode?: string | undefined },
): Promise<boolean> {
  return core.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ status: string; paymentId: string | null; orderId: string }>>`
      SELECT status::text AS status, "paymentId", "orderId" FROM "Refund" WHERE id = ${refundId} FOR UPDATE`;
    const row = rows[0];
    if (!row || !refundMachine.can(row.status as never, action)) return false;
    const to = refundMachine.next(row.status as never, action);
    await tx.refund.update({
      where: { id: refundId },
      data: { status: to, ...(extra.providerRef ? { providerRef: extra.providerRef } : {}) },
    });
    await writeAudit(tx, {
      actor: 'system',
      action: refundMachine.auditAction[action],
      entityType: 'refund',
      entityId: refundId,
      showtimeId,
      before: { status: row.status },
      after: { status: to, ...(extra.failureCode ? { failureCode: extra.failureCode } : {}) },
    });
    if (to === 'done' && row.paymentId) {
      const p = await tx.payment.findUniqueOrThrow({ where: { id: row.paymentId } });
      const done = await tx.refund.aggregate({
        where: { paymentId: p.id, status: 'done' },
        _sum: { amountCents: true },
      });
      if ((done._sum.amountCents ?? 0) >= p.amountCents && paymentMachine.can(p.status, 'refund')) {
        await tx.payment.update({
          where: { id: p.id },
          data: { status: paymentMachine.next(p.status, 'refund') },
        });
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
    }
    return true;
  }, ORDER_TX);
}

/** Finishes refunds left half-way by a crash (created / transit for longer than `olderThanMs`). */
export async function sweepRefunds(core: OrdersCore, olderThanMs = 15_000, limit = 100): Promise<number> {
  const stale = await core.prisma.refund.findMany({
    where: { status: { in: ['created', 'transit'] }, updatedAt: { lt: new Date(core.now() - olderThanMs) } },
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
