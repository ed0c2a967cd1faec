import { DomainError } from '../../domain/errors.ts';
import { orderMachine } from '../../domain/order-state.ts';
import { refundableCents } from '../../domain/money.ts';
import { writeAudit } from '../../audit/audit.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { lockOrder } from '../../orders/lifecycle.ts';
import { ORDER_TX, newId, type Tx } from '../../orders/persist.ts';
import { buyerMayRefund, findOrder, REFUND_REASON } from '../../orders/views.ts';
import { processRefund, transitionRefund } from './process-refund.ts';

export { processRefund, sweepRefunds, transitionRefund } from './process-refund.ts';

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
 * of the same item cannot both pass: an item in a refund that is under way or failed is not refundable again) and
 * creates a Refund, audited. Then the provider is asked to pay the money back (idempotent on the refund id); only
 * when it has — `done` — do the items become refunded, the order PARTIALLY_REFUNDED or REFUNDED and the seats go
 * back on sale (see process-refund.ts). A refund the provider refuses is `failed` with its reason, the order
 * stays as it was and its tickets valid, until staff retry it (`retryRefund`). A crash after the commit leaves a
 * refund in `created` / `transit` that the refund sweeper finishes.
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
    // Items of a refund under way or refused stay the buyer's until it is done (or retried to done).
    const reserved = new Set(
      o.refunds
        .filter((r) => r.status === 'created' || r.status === 'transit' || r.status === 'failed')
        .flatMap((r) => r.itemIds),
    );
    const active = o.items.filter((i) => i.status === 'active' && !reserved.has(i.id));
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
    if (items.length === 0)
      throw new DomainError(
        'refund_not_allowed',
        reserved.size > 0
          ? 'A refund of these tickets is under way or failed; the box office can retry it.'
          : 'Nothing left to refund.',
      );
    const amount = items.reduce((s, i) => s + i.priceCents, 0);
    const payment = o.payments
      .filter((p) => p.status === 'confirmed')
      .map((p) => ({
        p,
        // A failed refund still claims its share: a retry may take it.
        left: refundableCents(
          p.amountCents,
          o.refunds
            .filter((r) => r.paymentId === p.id)
            .map((r) => (r.status === 'failed' ? { ...r, status: 'transit' } : r)),
        ),
      }))
      .find((x) => x.left >= amount);
    if (!payment && amount > 0)
      throw new DomainError('refund_not_allowed', 'There is no captured payment to refund this from.');

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
    // A refused one counts too: staff retry it (a second refund of the same money could pay it twice).
    const open = refunds.find((r) => r.itemIds.length === 0 && r.status !== 'canceled');
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
 * Staff ask the provider again for a refund it refused (`failed` -> `transit`, audited with who asked, under a
 * new attempt key), then drive it to its end. Idempotent: a refund already retried, under way or done is driven
 * on / answered as it is (`replayed`), never sent twice for one attempt.
 *
 * Errors: `not_found` (no such order, or no such refund of it), `refund_not_allowed` (the refund was cancelled).
 */
export async function retryRefund(
  core: OrdersCore,
  req: { code: string; refundId: string; actor: string },
): Promise<RefundOutcome> {
  const o = await findOrder(core.prisma, { code: req.code });
  const r = o?.refunds.find((x) => x.id === req.refundId);
  if (!o || !r) throw new DomainError('not_found', 'No such refund of this order.');
  if (r.status === 'canceled')
    throw new DomainError('refund_not_allowed', 'A cancelled refund cannot be retried.', {
      status: r.status,
    });
  const retried =
    r.status === 'failed' &&
    (await transitionRefund(core, r.id, 'retry', o.showtimeId, { actor: req.actor }));
  await processRefund(core, r.id);
  return { refundId: r.id, replayed: !retried };
}
