import type { CheckoutBody, CheckoutNext, CheckoutResponse } from '@seatrush/shared';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../../audit/audit.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { lockOrder } from '../../orders/lifecycle.ts';
import { ORDER_TX, isRetryableConflict, newId, persistHolds } from '../../orders/persist.ts';
import { scheduleExpiry } from '../../orders/expiry.ts';

/**
 * `POST /api/holds/:holdId/checkout`: starts paying for a hold.
 * 1. The hold token proves the caller owns the hold (and the hold must be live).
 * 2. The PENDING order is persisted inline if the worker has not done it yet (idempotent on the hold id).
 * 3. The hold is extended once (config.holdExtensionSeconds, bounded by the inventory) so it covers the payment;
 *    the order's deadline and the expiry job follow.
 * 4. A payment is created at the provider, or the open one is returned (a second checkout never charges twice
 *    while a payment is under way; after a decline it starts a new attempt). The answer's `next` says how the
 *    buyer pays: redirect to a hosted page (sandbox), or on our page with Stripe's Payment Element (the client
 *    secret, the same one on every retry while the payment is open, and the publishable key).
 *
 * Errors: `hold_not_found`, `hold_token_invalid`, `hold_expired`, `validation_failed` (email is not the hold's
 * buyer), `invalid_transition` (already paid), `conflict` (the order cannot be recorded yet; retry shortly).
 */
export async function checkout(
  core: OrdersCore,
  holdId: string,
  body: CheckoutBody,
): Promise<CheckoutResponse> {
  let hold = await core.inventory.verifyHoldToken(holdId, body.holdToken);
  if (hold.status !== 'held')
    throw new DomainError('invalid_transition', 'That reservation has already been paid for.');
  const existing = await core.prisma.order.findUnique({
    where: { holdId },
    select: { id: true, buyer: { select: { email: true } } },
  });
  const buyerEmail = existing
    ? existing.buyer.email
    : (await core.prisma.buyer.findUnique({ where: { id: hold.buyerId }, select: { email: true } }))?.email;
  if (!buyerEmail || buyerEmail.toLowerCase() !== body.email.toLowerCase())
    throw new DomainError('validation_failed', 'Use the email address you started with.', undefined, [
      { path: 'email', message: 'This is not the email address of the reservation.' },
    ]);

  // Usually the worker has persisted the order already; if not, do it here (idempotent on the hold id).
  if (!existing) {
    try {
      await persistHolds(core.prisma, [hold], { now: core.now() });
    } catch (err) {
      if (isRetryableConflict(err))
        throw new DomainError(
          'conflict',
          'Your reservation is still being recorded. Please try again in a moment.',
        );
      throw err;
    }
  }

  if (!hold.extended && core.config.holdExtensionSeconds > 0) {
    try {
      const { expiresAt } = await core.inventory.extend(
        holdId,
        body.holdToken,
        core.config.holdExtensionSeconds,
      );
      hold = { ...hold, expiresAt: Date.parse(expiresAt), extended: true };
      await core.prisma.order.updateMany({
        where: { holdId, status: 'PENDING' },
        data: { expiresAt: new Date(hold.expiresAt) },
      });
    } catch (err) {
      // A concurrent checkout extended it first: the hold's deadline is what it is.
      if (!(err instanceof DomainError && err.code === 'hold_already_extended')) throw err;
      hold = (await core.inventory.getHold(holdId)) ?? hold;
    }
  }

  // A payment is about to start: the hold gets its own expiry job, ahead of its deadline, so the provider is asked
  // about the payment while the hold is still valid (the sweeper alone would find it expired).
  if (hold.expiresAt > core.now()) await scheduleExpiry(core, holdId, hold.showtimeId, hold.expiresAt);

  const order = await core.prisma.order.findUniqueOrThrow({
    where: { holdId },
    include: { payments: { orderBy: { createdAt: 'desc' } } },
  });
  if (order.status === 'EXPIRED') throw new DomainError('hold_expired');
  if (order.status === 'CANCELLED') throw new DomainError('hold_not_found');
  if (order.status !== 'PENDING')
    throw new DomainError('invalid_transition', 'That reservation has already been paid for.');

  const base = core.config.publicUrl?.replace(/\/$/, '') ?? '';
  const orderUrl = `${base}/orders/${order.code}`;
  const answer = (p: { id: string }, next: CheckoutNext): CheckoutResponse => ({
    paymentId: p.id,
    paymentUrl: next.kind === 'redirect' ? next.url : orderUrl,
    next,
    expiresAt: new Date(hold.expiresAt).toISOString(),
    orderCode: order.code,
    amountCents: order.totalCents,
    currency: order.currency,
  });
  const atProvider = (paymentId: string) =>
    core.provider.createPayment({
      paymentId,
      amountCents: order.totalCents,
      currency: order.currency,
      description: `Seatrush order ${order.code}`,
      expiresAt: new Date(hold.expiresAt),
      returnUrl: orderUrl,
    });
  // An open payment is resumed, never doubled. A hosted page is stored with it; a payment made on our page
  // (Stripe's Payment Element) needs its client secret, which we do not keep: the provider gives it again for the
  // same payment id (createPayment is idempotent on it). A payment of a provider no longer configured is
  // followed on its order page.
  const resume = async (p: {
    id: string;
    provider: string;
    checkoutUrl: string | null;
  }): Promise<CheckoutNext> => {
    if (p.checkoutUrl) return { kind: 'redirect', url: p.checkoutUrl };
    if (p.provider === core.provider.name) return (await atProvider(p.id)).next;
    return { kind: 'redirect', url: orderUrl };
  };
  const open = order.payments.find((p) => p.status === 'created' || p.status === 'pending');
  if (open) return answer(open, await resume(open));

  const paymentId = newId('p');
  const created = await atProvider(paymentId);
  const payment = await core.prisma.$transaction(async (tx) => {
    await lockOrder(tx, { id: order.id });
    const again = await tx.payment.findFirst({
      where: { orderId: order.id, status: { in: ['created', 'pending'] } },
    });
    if (again) return again;
    const p = await tx.payment.create({
      data: {
        id: paymentId,
        orderId: order.id,
        provider: core.provider.name,
        providerRef: created.providerRef,
        status: 'created',
        amountCents: order.totalCents,
        currency: order.currency,
        checkoutUrl: created.next.kind === 'redirect' ? created.next.url : null,
      },
    });
    await writeAudit(tx, {
      actor: `buyer:${hold.buyerId}`,
      action: 'payment.created',
      entityType: 'payment',
      entityId: p.id,
      showtimeId: order.showtimeId,
      after: { status: p.status, orderId: order.id, amountCents: p.amountCents, provider: p.provider },
    });
    return p;
  }, ORDER_TX);
  if (payment.id === paymentId) return answer(payment, created.next);
  // A concurrent checkout recorded its payment first: answer that one, and stop the attempt made for nothing.
  try {
    await core.provider.cancel(created.providerRef);
  } catch (err) {
    core.logger.warn(
      { err, providerRef: created.providerRef },
      'could not cancel a duplicate payment attempt',
    );
  }
  return answer(payment, await resume(payment));
}
