import { paymentEventSchema, type PaymentEvent } from '@seatrush/shared';
import { DomainError } from '../../domain/errors.ts';
import { paymentMachine, type PaymentAction } from '../../domain/payment-state.ts';
import type { HoldItem } from '../../domain/hold.ts';
import { writeAudit } from '../../audit/audit.ts';
import type { OrdersCore } from '../../orders/core.ts';
import {
  cancelOrder,
  expireOrders,
  lockOrder,
  recordCapturedOnly,
  recordEvent,
  recordPaid,
} from '../../orders/lifecycle.ts';
import { ORDER_TX } from '../../orders/persist.ts';
import { refundWholePayment, transitionRefund } from '../refunds/refund-order.ts';
import { unscheduleExpiry } from '../../orders/expiry.ts';
import { REFUND_REASON } from '../../orders/views.ts';
import { verifyWebhook } from '../../payments/signature.ts';

export interface WebhookResult {
  received: true;
  duplicate?: boolean;
  outcome?: string;
}

/**
 * `POST /api/payments/webhook`: verifies the HMAC signature and timestamp (±5 min), then applies the event once
 * per event id. Duplicates answer 200 without effect; events that arrive out of order are judged by the
 * payment's state machine (a failure after a success is stale and ignored). Anything else (our database down)
 * answers 5xx so the provider delivers again.
 * @throws DomainError `webhook_invalid` (bad signature, stale timestamp, malformed event).
 */
export async function handleWebhook(
  core: OrdersCore,
  rawBody: Buffer | undefined,
  signature: string | undefined,
): Promise<WebhookResult> {
  verifyWebhook(core.config.paymentWebhookSecret, signature, rawBody, Math.floor(core.now() / 1000));
  let event: PaymentEvent;
  try {
    event = paymentEventSchema.parse(JSON.parse(rawBody!.toString('utf8')));
  } catch {
    throw new DomainError('webhook_invalid', 'The event is not well-formed.');
  }
  return processPaymentEvent(core, event);
}

/**
 * Applies one verified provider event once per event id — the step every provider's webhook route shares (the
 * sandbox's above, Stripe's in stripe-webhook.ts, after mapping Stripe's event onto ours).
 */
export async function processPaymentEvent(core: OrdersCore, event: PaymentEvent): Promise<WebhookResult> {
  if (await core.prisma.webhookEvent.findUnique({ where: { id: event.id } })) {
    core.om.webhooks.inc({ type: event.type, outcome: 'duplicate' });
    return { received: true, duplicate: true };
  }
  const outcome = await applyEvent(core, event);
  core.om.webhooks.inc({ type: event.type, outcome });
  return { received: true, outcome };
}

/** The payment transition each non-success event asks for. */
const EVENT_ACTION: Partial<Record<PaymentEvent['type'], PaymentAction>> = {
  'payment.pending': 'start',
  'payment.failed': 'fail',
  'payment.canceled': 'cancel',
  'payment.disputed': 'dispute',
  'payment.dispute_won': 'win_dispute',
  'payment.dispute_lost': 'lose_dispute',
};

async function applyEvent(core: OrdersCore, event: PaymentEvent): Promise<string> {
  if (event.type === 'refund.succeeded' || event.type === 'refund.failed')
    return applyRefundEvent(core, event);
  const payment = await core.prisma.payment.findUnique({
    where: { providerRef: event.data.providerRef },
    include: { order: true },
  });
  if (!payment) {
    await core.prisma.$transaction((tx) => recordEvent(tx, event.id, event.type, core.provider.name));
    core.logger.warn(
      { eventId: event.id, providerRef: event.data.providerRef },
      'webhook for an unknown payment',
    );
    return 'unknown_payment';
  }
  if (event.type === 'payment.succeeded') {
    if (!sameMoney(payment, event.data)) return amountMismatch(core, payment.id, event);
    return paymentSucceeded(core, payment.id, event.id);
  }
  const action: PaymentAction = EVENT_ACTION[event.type] ?? 'cancel';
  return core.prisma.$transaction(async (tx) => {
    await lockOrder(tx, { id: payment.orderId });
    await recordEvent(tx, event.id, event.type, core.provider.name);
    const p = await tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
    // Out of order (a decline after the success, a pending after the failure): the later state stands.
    if (!paymentMachine.can(p.status, action)) return 'stale';
    const to = paymentMachine.next(p.status, action);
    await tx.payment.update({
      where: { id: p.id },
      data: { status: to, ...(action === 'fail' ? { failureCode: event.data.failureCode ?? 'failed' } : {}) },
    });
    await writeAudit(tx, {
      actor: 'system',
      action: paymentMachine.auditAction[action],
      entityType: 'payment',
      entityId: p.id,
      showtimeId: payment.order.showtimeId,
      before: { status: p.status },
      after: {
        status: to,
        ...(action === 'fail' ? { failureCode: event.data.failureCode ?? 'failed' } : {}),
      },
    });
    return to;
  }, ORDER_TX);
}

/** The event's money is the payment's: the same amount in the same currency (ISO codes, any case). */
const sameMoney = (
  p: { amountCents: number; currency: string },
  d: { amountCents: number; currency: string },
) => p.amountCents === d.amountCents && p.currency.toUpperCase() === d.currency.toUpperCase();

/**
 * A signed success whose amount or currency is not the payment's never pays the order: the capture is recorded as
 * it happened (the payment carries the captured money from now on; the audit entry `payment.amount_mismatch`
 * keeps what was asked for), and all of it is refunded (`amount_mismatch`). The order, its items and the hold stay
 * as they were — the buyer may still pay the right amount while the hold lasts. A mismatch for a payment already
 * captured changes nothing but is audited too.
 */
async function amountMismatch(core: OrdersCore, paymentId: string, event: PaymentEvent): Promise<string> {
  const got = { amountCents: event.data.amountCents, currency: event.data.currency.slice(0, 16) };
  const captured = await core.prisma.$transaction(async (tx) => {
    const { orderId } = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    const order = await lockOrder(tx, { id: orderId });
    await recordEvent(tx, event.id, event.type, core.provider.name);
    const p = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    const capture = paymentMachine.can(p.status, 'confirm');
    const showtimeId = order?.showtimeId ?? null;
    await writeAudit(tx, {
      actor: 'system',
      action: 'payment.amount_mismatch',
      entityType: 'payment',
      entityId: p.id,
      showtimeId,
      before: { status: p.status, amountCents: p.amountCents, currency: p.currency },
      after: { ...got, eventId: event.id, orderStatus: order?.status ?? null, refunded: capture },
    });
    if (!capture) return false;
    const to = paymentMachine.next(p.status, 'confirm');
    await tx.payment.update({
      where: { id: p.id },
      data: { status: to, confirmedAt: new Date(core.now()), failureCode: null, ...got },
    });
    await writeAudit(tx, {
      actor: 'system',
      action: paymentMachine.auditAction.confirm,
      entityType: 'payment',
      entityId: p.id,
      showtimeId,
      before: { status: p.status },
      after: { status: to, ...got },
    });
    return true;
  }, ORDER_TX);
  core.logger.warn(
    { paymentId, eventId: event.id, got, captured },
    'payment.succeeded with an amount or currency that is not the payment’s',
  );
  if (!captured) return 'amount_mismatch_ignored';
  await refundWholePayment(core, paymentId, REFUND_REASON.amountMismatch);
  core.om.orders.inc({ outcome: `refunded_${REFUND_REASON.amountMismatch}` });
  return `refunded_${REFUND_REASON.amountMismatch}`;
}

async function applyRefundEvent(core: OrdersCore, event: PaymentEvent): Promise<string> {
  const refund = event.data.refundRef
    ? await core.prisma.refund.findUnique({
        where: { providerRef: event.data.refundRef },
        include: { order: true },
      })
    : null;
  let outcome = 'unknown_refund';
  if (refund) {
    const changed = await transitionRefund(
      core,
      refund.id,
      event.type === 'refund.succeeded' ? 'complete' : 'fail',
      refund.order.showtimeId,
      { failureCode: event.data.failureCode },
    );
    outcome = changed ? refund.status : 'stale';
  }
  await core.prisma.$transaction((tx) => recordEvent(tx, event.id, event.type, core.provider.name));
  return outcome;
}

function holdItemsOf(
  items: Array<{
    seatLabel: string | null;
    zoneKey: string | null;
    category: string;
    priceCents: number;
    status: string;
  }>,
): HoldItem[] {
  const out: HoldItem[] = [];
  const ga = new Map<string, HoldItem & { kind: 'ga' }>();
  for (const i of items) {
    if (i.seatLabel !== null)
      out.push({ kind: 'seat', seat: i.seatLabel, category: i.category, priceCents: i.priceCents });
    else if (i.zoneKey !== null) {
      const key = `${i.zoneKey}\u0000${i.priceCents}`;
      const g = ga.get(key);
      if (g) g.quantity += 1;
      else {
        const item = {
          kind: 'ga' as const,
          zone: i.zoneKey,
          category: i.category,
          priceCents: i.priceCents,
          quantity: 1,
        };
        ga.set(key, item);
        out.push(item);
      }
    }
  }
  return out;
}

/**
 * The money was captured. A buyer who paid must end with tickets or their money back:
 * 1. the hold is still live → the confirm script sells its seats (atomic against expiry) → order PAID;
 * 2. the hold expired → the reclaim script sells the same seats if every one is still free → order PAID;
 * 3. otherwise (seats gone, or the buyer had cancelled, or the order was already paid by another payment) → the
 *    payment is confirmed and refunded in full; the order page tells the buyer.
 * Redis decides first, then ONE PostgreSQL transaction records it; a crash in between is repaired by the
 * provider's redelivery (confirm and reclaim are idempotent for the same order).
 */
export async function paymentSucceeded(
  core: OrdersCore,
  paymentId: string,
  eventId: string | null,
): Promise<string> {
  const payment = await core.prisma.payment.findUniqueOrThrow({
    where: { id: paymentId },
    include: { order: { include: { items: true } }, refunds: true },
  });
  const order = payment.order;
  const now = () => new Date(core.now());
  const captured = payment.status === 'confirmed' || payment.status === 'refunded';

  const refund = async (reason: (typeof REFUND_REASON)[keyof typeof REFUND_REASON]) => {
    await recordCapturedOnly(core.prisma, { paymentId, eventId, now: now() });
    await refundWholePayment(core, paymentId, reason);
    core.om.orders.inc({ outcome: `refunded_${reason}` });
    return `refunded_${reason}`;
  };
  const paid = async () => {
    const r = await recordPaid(core.prisma, { orderId: order.id, paymentId, eventId, now: now() });
    if (r.kind === 'paid') {
      core.metrics.sales.inc(r.tickets);
      core.om.orders.inc({ outcome: r.action === 'pay' ? 'paid' : 'reclaimed' });
      await unscheduleExpiry(core, order.holdId);
      return r.action === 'pay' ? 'paid' : 'reclaimed';
    }
    if (r.kind === 'already_paid') return 'already_paid';
    if (r.kind === 'duplicate') return refund(REFUND_REASON.duplicatePayment);
    return refund(order.status === 'CANCELLED' ? REFUND_REASON.afterCancel : REFUND_REASON.afterExpiry);
  };

  if (order.status === 'CANCELLED') return refund(REFUND_REASON.afterCancel);
  if (order.status !== 'PENDING' && order.status !== 'EXPIRED') return paid();
  // Already judged: this payment was captured and could not buy the seats. Never reclaim after refunding.
  if (captured && payment.refunds.some((r) => r.itemIds.length === 0))
    return refund(REFUND_REASON.afterExpiry);

  try {
    await core.inventory.confirm(order.holdId, order.id);
    return await paid();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code !== 'hold_expired' && err.code !== 'hold_not_found' && err.code !== 'conflict') throw err;
  }
  // The hold is not live. Released by the buyer → refund; else try to get the same seats back.
  if ((await core.inventory.holdEndings([order.holdId]))[0] === 'released') {
    await cancelOrder(core.prisma, order.holdId, 'system');
    return refund(REFUND_REASON.afterCancel);
  }
  const items = holdItemsOf(order.items);
  try {
    await core.inventory.reclaim(
      order.showtimeId,
      order.holdId,
      items,
      order.buyerId,
      order.id,
      order.limitKey ?? undefined,
    );
    return await paid();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const gone = [
      'seat_unavailable',
      'sold_out',
      'seat_unknown',
      'zone_unknown',
      'sale_not_open',
      'conflict',
      'not_found',
    ];
    if (!gone.includes(err.code)) throw err;
    core.logger.info(
      { orderId: order.id, code: err.code },
      'payment after expiry could not get the seats back; refunding',
    );
  }
  await expireOrders(core.prisma, [order.holdId], { reason: 'paid_after_expiry_seats_gone' });
  return refund(REFUND_REASON.afterExpiry);
}
