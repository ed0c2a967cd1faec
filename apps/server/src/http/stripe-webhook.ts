import { z } from 'zod';
import type { OrdersCore } from '../orders/core.ts';
import type { StripeProvider } from '../payments/stripe.ts';
import { STRIPE_SIGNATURE_HEADER } from '../payments/stripe.ts';
import { handleStripeWebhook } from '../application/payments/stripe-webhook.ts';
import { route, type RouteDef } from './route.ts';

const webhookResponse = z.object({
  received: z.literal(true),
  duplicate: z.boolean().optional(),
  outcome: z.string().optional(),
});

/**
 * Stripe's webhook endpoint (only when PAYMENT_PROVIDER=stripe). Its path starts with `/api/payments/webhook`, so
 * http/app.ts keeps the raw body the signature is computed over.
 */
export function stripeWebhookRoutes(core: OrdersCore, stripe: StripeProvider | null): RouteDef[] {
  if (!stripe) return [];
  return [
    route({
      method: 'post',
      path: '/api/payments/webhook/stripe',
      access: 'public',
      summary:
        "Stripe webhooks, verified with Stripe's `Stripe-Signature` scheme; processed once per event id (docs/checkout-api.md)",
      tags: ['payments'],
      response: webhookResponse,
      handler: async ({ req }) => ({
        body: await handleStripeWebhook(
          core,
          stripe,
          (req as { rawBody?: Buffer }).rawBody,
          req.headers[STRIPE_SIGNATURE_HEADER] as string | undefined,
        ),
      }),
    }),
  ];
}
