import type { CheckoutBody, CheckoutNext, CheckoutResponse } from '@seatrush/shared';
import { DomainError } from '../../domain/errors.ts';
import type { PrismaClient } from '../../db/prisma.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { isRetryableConflict, newId, persistHolds } from '../../orders/persist.ts';
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
 *
 * Cost: every PostgreSQL step is one statement and none holds a connection across a round trip to this process
 * (no interactive transaction) — under a crowd each such round trip waits for a busy event loop while the
 * connection idles in its transaction, and the pool's other callers (order pages, webhooks) queue behind it
 * (bench/README.md, "rehearsal"). A first checkout of a persisted order is four statements, three in a row: the
 * order with its buyer's e-mail and open payment; then the deadline beside the provider's record; then the payment
 * with its audit entry.
 */
export async function checkout(
  core: OrdersCore,
  holdId: string,
  body: CheckoutBody,
): Promise<CheckoutResponse> {
  let hold = await core.inventory.verifyHoldToken(holdId, body.holdToken);
  if (hold.status !== 'held')
    throw new DomainError('invalid_transition', 'That reservation has already been paid for.');
  let order = await checkoutView(core.prisma, holdId);
  const buyerEmail = order
    ? order.email
    : (await core.prisma.buyer.findUnique({ where: { id: hold.buyerId }, select: { email: true } }))?.email;
  if (!buyerEmail || buyerEmail.toLowerCase() !== body.email.toLowerCase())
    throw new DomainError('validation_failed', 'Use the email address you started with.', undefined, [
      { path: 'email', message: 'This is not the email address of the reservation.' },
    ]);

  // Usually the worker has persisted the order already; if not, do it here (idempotent on the hold id).
  if (!order) {
    try {
      await persistHolds(core.prisma, [hold], { now: core.now() });
    } catch (err) {
      if (isRetryableConflict(err)) throw stillRecording();
      throw err;
    }
    order = await checkoutView(core.prisma, holdId);
    if (!order) throw stillRecording();
  }

  // The hold is extended once; the order's deadline follows (its row version is left alone: only payments move it,
  // see recordPayment) while the expiry job is scheduled and the provider asked — side by side, not one after the
  // other, since each waits its turn for a pool connection when a crowd is paying.
  let deadline: Promise<unknown> = Promise.resolve();
  if (!hold.extended && core.config.holdExtensionSeconds > 0) {
    try {
      const { expiresAt } = await core.inventory.extend(
        holdId,
        body.holdToken,
        core.config.holdExtensionSeconds,
      );
      hold = { ...hold, expiresAt: Date.parse(expiresAt), extended: true };
      deadline = core.prisma.$executeRaw`
        UPDATE "Order" SET "expiresAt" = ${new Date(hold.expiresAt)}::timestamptz AT TIME ZONE 'UTC'
        WHERE "holdId" = ${holdId} AND status = 'PENDING'`;
    } catch (err) {
      // A concurrent checkout extended it first: the hold's deadline is what it is.
      if (!(err instanceof DomainError && err.code === 'hold_already_extended')) throw err;
      hold = (await core.inventory.getHold(holdId)) ?? hold;
    }
  }

  // A payment is about to start: the hold gets its own expiry job, ahead of its deadline, so the provider is asked
  // about the payment while the hold is still valid (the sweeper alone would find it expired).
  const expiryJob =
    hold.expiresAt > core.now()
      ? scheduleExpiry(core, holdId, hold.showtimeId, hold.expiresAt)
      : Promise.resolve();

  const base = core.config.publicUrl?.replace(/\/$/, '') ?? '';
  const orderUrl = `${base}/orders/${order.code}`;
  const answer = (o: CheckoutView, paymentId: string, next: CheckoutNext): CheckoutResponse => ({
    paymentId,
    paymentUrl: next.kind === 'redirect' ? next.url : orderUrl,
    next,
    expiresAt: new Date(hold.expiresAt).toISOString(),
    orderCode: o.code,
    amountCents: o.totalCents,
    currency: o.currency,
  });
  const atProvider = (o: CheckoutView, paymentId: string) =>
    core.provider.createPayment({
      paymentId,
      amountCents: o.totalCents,
      currency: o.currency,
      description: `Seatrush order ${o.code}`,
      expiresAt: new Date(hold.expiresAt),
      returnUrl: orderUrl,
    });
  // An open payment is resumed, never doubled. A hosted page is stored with it; a payment made on our page
  // (Stripe's Payment Element) needs its client secret, which we do not keep: the provider gives it again for the
  // same payment id (createPayment is idempotent on it). A payment of a provider no longer configured is
  // followed on its order page.
  const resume = async (o: CheckoutView, open: OpenPayment): Promise<CheckoutResponse> => {
    if (open.checkoutUrl) return answer(o, open.id, { kind: 'redirect', url: open.checkoutUrl });
    if (open.provider === core.provider.name) return answer(o, open.id, (await atProvider(o, open.id)).next);
    return answer(o, open.id, { kind: 'redirect', url: orderUrl });
  };

  const paymentId = newId('p');
  const payable = order;
  const askProvider = async () => {
    assertPayable(payable);
    return payable.open ? null : atProvider(payable, paymentId);
  };
  const [, , created] = await Promise.all([deadline, expiryJob, askProvider()]);
  if (!created) return resume(order, order.open!);
  // The attempt made at the provider for nothing (another checkout's payment stands, or the order moved on).
  const dropAttempt = async () => {
    try {
      await core.provider.cancel(created.providerRef);
    } catch (err) {
      core.logger.warn(
        { err, providerRef: created.providerRef },
        'could not cancel a payment attempt made for nothing',
      );
    }
  };
  for (let tries = 1; ; tries++) {
    if (await recordPayment(core, order, paymentId, created, `buyer:${hold.buyerId}`))
      return answer(order, paymentId, created.next);
    // The order changed since it was read: a concurrent checkout recorded its payment first (answer that one),
    // it was paid, expired or cancelled meanwhile, or it was only touched (try again).
    const now = await checkoutView(core.prisma, holdId);
    if (!now || now.status !== 'PENDING' || now.open || tries >= 3) await dropAttempt();
    if (!now) throw new DomainError('hold_not_found');
    assertPayable(now);
    if (now.open) return resume(now, now.open);
    if (tries >= 3) throw stillRecording();
    order = now;
  }
}

const stillRecording = () =>
  new DomainError('conflict', 'Your reservation is still being recorded. Please try again in a moment.');

interface OpenPayment {
  id: string;
  provider: string;
  checkoutUrl: string | null;
}

/** What checkout reads of an order, in one statement. */
interface CheckoutView {
  id: string;
  code: string;
  status: string;
  showtimeId: string;
  totalCents: number;
  currency: string;
  /** The buyer's e-mail. */
  email: string;
  /** `updatedAt` as PostgreSQL prints it: the version `recordPayment` compares and sets. */
  version: string;
  /** The newest payment still under way (created or pending), if any. */
  open: OpenPayment | null;
}

/** The order of a hold with its buyer's e-mail and its open payment: one statement, one round trip. */
async function checkoutView(prisma: PrismaClient, holdId: string): Promise<CheckoutView | null> {
  const rows = await prisma.$queryRaw<
    Array<
      Omit<CheckoutView, 'open'> & {
        openId: string | null;
        openProvider: string | null;
        openCheckoutUrl: string | null;
      }
    >
  >`
    SELECT o.id, o.code, o.status::text AS status, o."showtimeId", o."totalCents", o.currency, b.email,
           o."updatedAt"::text AS version,
           p.id AS "openId", p.provider AS "openProvider", p."checkoutUrl" AS "openCheckoutUrl"
    FROM "Order" o
    JOIN "Buyer" b ON b.id = o."buyerId"
    LEFT JOIN LATERAL (
      SELECT id, provider, "checkoutUrl" FROM "Payment"
      WHERE "orderId" = o.id AND status IN ('created', 'pending')
      ORDER BY "createdAt" DESC, id DESC LIMIT 1
    ) p ON true
    WHERE o."holdId" = ${holdId}`;
  const r = rows[0];
  if (!r) return null;
  const { openId, openProvider, openCheckoutUrl, ...order } = r;
  return {
    ...order,
    open: openId ? { id: openId, provider: openProvider ?? '', checkoutUrl: openCheckoutUrl } : null,
  };
}

function assertPayable(o: CheckoutView): void {
  if (o.status === 'EXPIRED') throw new DomainError('hold_expired');
  if (o.status === 'CANCELLED') throw new DomainError('hold_not_found');
  if (o.status !== 'PENDING')
    throw new DomainError('invalid_transition', 'That reservation has already been paid for.');
}

/**
 * Records the payment and its audit entry in one statement, only if the order is still PENDING and unchanged
 * since `o` was read: the order row's `updatedAt` is compared and moved in the same UPDATE, so of two checkouts
 * that both saw no open payment exactly one records its payment (the other's UPDATE waits for the row, finds it
 * changed and records nothing) — never two payments under way at once, without holding a transaction open.
 * Every writer of payments under way (checkout) moves the version; any other change of the order row only makes
 * the caller read again.
 * @returns whether the payment was recorded.
 */
async function recordPayment(
  core: OrdersCore,
  o: CheckoutView,
  paymentId: string,
  created: { providerRef: string; next: CheckoutNext },
  actor: string,
): Promise<boolean> {
  const provider = core.provider.name;
  const checkoutUrl = created.next.kind === 'redirect' ? created.next.url : null;
  const rows = await core.prisma.$queryRaw<Array<{ id: string }>>`
    WITH o AS (
      UPDATE "Order"
      SET "updatedAt" = greatest(clock_timestamp() AT TIME ZONE 'UTC', "updatedAt" + interval '1 millisecond')
      WHERE id = ${o.id} AND status = 'PENDING' AND "updatedAt"::text = ${o.version}
      RETURNING id, "showtimeId"
    ), p AS (
      INSERT INTO "Payment" (id, "orderId", provider, "providerRef", status, "amountCents", currency,
                             "checkoutUrl", "createdAt", "updatedAt")
      SELECT ${paymentId}, o.id, ${provider}, ${created.providerRef}, 'created', ${o.totalCents}, ${o.currency},
             ${checkoutUrl}, clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
      FROM o
      RETURNING id, "orderId"
    ), a AS (
      INSERT INTO "AuditEntry" (at, actor, action, "entityType", "entityId", "showtimeId", after)
      SELECT clock_timestamp() AT TIME ZONE 'UTC', ${actor}, 'payment.created', 'payment', p.id, o."showtimeId",
             jsonb_build_object('status', 'created', 'orderId', p."orderId", 'amountCents', ${o.totalCents}::int,
                                'provider', ${provider}::text)
      FROM p JOIN o ON o.id = p."orderId"
    )
    SELECT id FROM p`;
  return rows.length === 1;
}
