import type { OrdersCore } from '../../orders/core.ts';
import type { StripeProvider } from '../../payments/stripe.ts';
import { processPaymentEvent, type WebhookResult } from './payment-events.ts';

/**
 * `POST /api/payments/webhook/stripe`: verifies Stripe's signature over the raw body (±5 minutes of our clock),
 * maps the event onto ours (payments/stripe.ts) and applies it exactly as the sandbox's webhooks are applied:
 * once per event id, judged by the payment's state machine, a success of the wrong amount never pays. Event types
 * Seatrush does not act on are acknowledged (`ignored`) so Stripe stops sending them.
 * @throws DomainError `webhook_invalid` (no, wrong or stale signature; malformed event) → 400.
 */
export async function handleStripeWebhook(
  core: OrdersCore,
  stripe: StripeProvider,
  rawBody: Buffer | undefined,
  signature: string | undefined,
): Promise<WebhookResult> {
  const event = stripe.parseWebhook(rawBody, signature, core.now());
  if (!event) {
    core.om.webhooks.inc({ type: 'stripe', outcome: 'ignored' });
    return { received: true, outcome: 'ignored' };
  }
  return processPaymentEvent(core, event);
}
