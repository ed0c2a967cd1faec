import type { OrdersCore } from '../../orders/core.ts';
import { closePaymentWindows, extendWhilePaying, type ExpiryOutcome } from '../../orders/expiry.ts';
import type { ProviderPaymentStatus } from '../../payments/provider.ts';
import { paymentSucceeded } from './payment-events.ts';

/** How many providers' answers one batch waits for at a time. */
const ASK_AT_ONCE = 16;

/**
 * Closes the payment window of these holds — what the expiry jobs and the sweeper run — asking the provider first
 * about each one whose order has a payment in flight (created or pending here), so that a webhook that is late
 * never costs a buyer who paid in time their seats (issue 14 #5):
 * - captured (the amount and currency asked for) → the payment is applied now, as its webhook would be: the hold
 *   is confirmed while live, or its same seats reclaimed → `paid` (the late webhook is then a duplicate);
 * - still processing (or the provider did not answer) → the hold's deadline moves one step
 *   (config.paymentPending), within the bound, while it is still valid → `not_due`;
 * - anything else, or an extension refused (bound used up, deadline already passed) → closed as before
 *   (closePaymentWindows: expired, released, confirmed, gone).
 */
export async function closePaymentWindowsAskingProvider(
  core: OrdersCore,
  holdIds: string[],
): Promise<Map<string, ExpiryOutcome>> {
  const out = new Map<string, ExpiryOutcome>();
  if (holdIds.length === 0) return out;
  const paying = await core.prisma.payment.findMany({
    where: {
      status: { in: ['created', 'pending'] },
      provider: core.provider.name,
      order: { holdId: { in: holdIds }, status: 'PENDING' },
    },
    select: {
      id: true,
      providerRef: true,
      amountCents: true,
      currency: true,
      order: { select: { holdId: true, showtimeId: true } },
    },
  });
  for (let i = 0; i < paying.length; i += ASK_AT_ONCE)
    await Promise.all(
      paying.slice(i, i + ASK_AT_ONCE).map(async (p) => {
        if (out.has(p.order.holdId)) return;
        const outcome = await settleWithProvider(core, p);
        if (outcome) out.set(p.order.holdId, outcome);
      }),
    );
  const rest = holdIds.filter((id) => !out.has(id));
  for (const [id, o] of await closePaymentWindows(core, rest)) out.set(id, o);
  return out;
}

async function settleWithProvider(
  core: OrdersCore,
  p: {
    id: string;
    providerRef: string;
    amountCents: number;
    currency: string;
    order: { holdId: string; showtimeId: string };
  },
): Promise<ExpiryOutcome | null> {
  let answer: ProviderPaymentStatus;
  try {
    answer = await core.provider.paymentStatus(p.providerRef);
  } catch (err) {
    // Unknown is not "failed": wait for it as for a payment processing (the bound still ends the wait).
    core.logger.warn({ err, paymentId: p.id }, 'could not ask the provider about a payment in flight');
    answer = { status: 'processing' };
  }
  if (answer.status === 'succeeded') {
    // A mismatched capture is the webhook's to judge (it refunds it); it never pays the order here.
    if (answer.amountCents !== p.amountCents || answer.currency.toUpperCase() !== p.currency.toUpperCase())
      return null;
    try {
      const result = await paymentSucceeded(core, p.id, null);
      core.logger.info(
        { paymentId: p.id, result },
        'payment captured before the deadline applied by the expiry',
      );
      return 'paid';
    } catch (err) {
      core.logger.error({ err, paymentId: p.id }, 'could not apply a captured payment before expiry');
      return null;
    }
  }
  if (answer.status === 'processing')
    return (await extendWhilePaying(core, p.order.holdId, p.order.showtimeId)) === null ? null : 'not_due';
  return null;
}
