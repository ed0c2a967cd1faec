import Stripe from 'stripe';
import type { PaymentEvent } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { PaymentProvider } from './provider.ts';

/** The header Stripe signs webhooks with: `Stripe-Signature: t=<unix>,v1=<hex>`. */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** Older signed events are refused (replays); Stripe's own default. */
export const STRIPE_TOLERANCE_SECONDS = 300;

export interface StripeProviderOptions {
  secretKey: string;
  /** The publishable key (`pk_test_…`/`pk_live_…`) the buyer's page loads Stripe.js with. */
  publishableKey: string;
  webhookSecret: string;
  /** The API's base URL; undefined = Stripe's own (https://api.stripe.com). Tests point it at a local server. */
  apiBase?: string | undefined;
  logger: Logger;
  /** Automatic retries of a failed call (the same idempotency key each time). */
  maxNetworkRetries?: number;
}

export interface StripeProvider extends PaymentProvider {
  readonly name: 'stripe';
  /**
   * Verifies `Stripe-Signature` over the exact bytes received (tolerance 5 minutes from `nowMs`) and maps the
   * event onto ours; null for an event type Seatrush does not act on.
   * @throws DomainError `webhook_invalid` (missing, wrong or stale signature; not an event).
   */
  parseWebhook(rawBody: Buffer | undefined, header: string | undefined, nowMs: number): PaymentEvent | null;
}

/** Idempotency keys: one per thing we ask for, so a retry after a crash or a timeout is the same request. */
export const stripeKeys = {
  createPayment: (paymentId: string) => `seatrush-payment-${paymentId}`,
  refund: (refundId: string) => `seatrush-refund-${refundId}`,
  cancel: (providerRef: string) => `seatrush-cancel-${providerRef}`,
};

/**
 * Stripe behind the provider port: one PaymentIntent per payment attempt, in the order's currency and minor units
 * (Stripe's `amount` is the currency's smallest unit, like our `amountCents`), refunds full or partial, and webhooks
 * mapped onto the events the sandbox sends (see `mapStripeEvent`). Outcomes reach us only through webhooks.
 */
export function createStripeProvider(o: StripeProviderOptions): StripeProvider {
  const base = o.apiBase ? new URL(o.apiBase) : null;
  const stripe = new Stripe(o.secretKey, {
    maxNetworkRetries: o.maxNetworkRetries ?? 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Seatrush' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'http:' ? 80 : 443),
          protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }
      : {}),
  });

  return {
    name: 'stripe',

    async createPayment(input) {
      const pi = await stripe.paymentIntents.create(
        {
          amount: input.amountCents,
          currency: input.currency.toLowerCase(),
          description: input.description,
          automatic_payment_methods: { enabled: true },
          metadata: { seatrush_payment_id: input.paymentId },
        },
        { idempotencyKey: stripeKeys.createPayment(input.paymentId) },
      );
      // The buyer pays on our checkout page with Stripe's Payment Element, which confirms this PaymentIntent with
      // its client secret. Asked again with the same paymentId, Stripe answers the same idempotency key with the
      // same PaymentIntent (and secret): a retried checkout resumes the payment instead of starting another.
      if (!pi.client_secret)
        throw new Error(`Stripe returned PaymentIntent ${pi.id} without a client secret`);
      return {
        providerRef: pi.id,
        next: { kind: 'stripe_elements', clientSecret: pi.client_secret, publishableKey: o.publishableKey },
      };
    },

    async refund(input) {
      try {
        const r = await stripe.refunds.create(
          {
            payment_intent: input.providerRef,
            amount: input.amountCents,
            metadata: { seatrush_refund_id: input.idempotencyKey },
          },
          { idempotencyKey: stripeKeys.refund(input.idempotencyKey) },
        );
        const status =
          r.status === 'succeeded'
            ? 'succeeded'
            : r.status === 'failed' || r.status === 'canceled'
              ? 'failed'
              : 'pending';
        return {
          refundRef: r.id,
          status,
          ...(status === 'failed' ? { failureCode: r.failure_reason ?? r.status ?? 'failed' } : {}),
        };
      } catch (err) {
        // Stripe said no (already refunded, more than captured, not captured): final. Anything else is retried.
        if (isInvalidRequest(err))
          return {
            refundRef: '',
            status: 'failed',
            failureCode: (err as { code?: string }).code ?? 'invalid_request',
          };
        throw err;
      }
    },

    async cancel(providerRef) {
      try {
        await stripe.paymentIntents.cancel(
          providerRef,
          {},
          { idempotencyKey: stripeKeys.cancel(providerRef) },
        );
      } catch (err) {
        // Already succeeded, processing or canceled: nothing to stop (a success is then refunded by the webhook).
        if (!isInvalidRequest(err)) throw err;
        o.logger.info({ providerRef, code: (err as { code?: string }).code }, 'stripe cancel refused');
      }
    },

    async paymentStatus(providerRef) {
      let pi: Stripe.PaymentIntent;
      try {
        pi = await stripe.paymentIntents.retrieve(providerRef);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return { status: 'unknown' };
        throw err;
      }
      switch (pi.status) {
        case 'succeeded':
          return {
            status: 'succeeded',
            amountCents: pi.amount_received,
            currency: pi.currency.toUpperCase(),
          };
        // The buyer acted and Stripe or the bank is confirming (3-D Secure under way, funds being captured).
        case 'processing':
        case 'requires_action':
        case 'requires_confirmation':
        case 'requires_capture':
          return { status: 'processing' };
        case 'canceled':
          return { status: 'canceled' };
        default:
          return { status: pi.last_payment_error ? 'failed' : 'open' };
      }
    },

    parseWebhook(rawBody, header, nowMs) {
      if (!rawBody || !header) throw new DomainError('webhook_invalid', 'The notification is not signed.');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          header,
          o.webhookSecret,
          STRIPE_TOLERANCE_SECONDS,
          undefined,
          nowMs,
        );
      } catch {
        throw new DomainError('webhook_invalid', 'The signature does not match or is too old.');
      }
      return mapStripeEvent(event);
    },
  };
}

const isInvalidRequest = (err: unknown) =>
  (err as { type?: string }).type === 'StripeInvalidRequestError' ||
  (err as { statusCode?: number }).statusCode === 400;

const refOf = (v: string | { id: string } | null | undefined) =>
  typeof v === 'string' ? v : (v?.id ?? null);

/**
 * Stripe's event types onto our payment events (and so onto the payment state machine):
 *
 * | Stripe | ours | payment transition |
 * |---|---|---|
 * | payment_intent.succeeded | payment.succeeded (amount_received) | confirm → the order is paid |
 * | payment_intent.processing, payment_intent.requires_action | payment.pending | start |
 * | payment_intent.payment_failed | payment.failed (decline code) | fail |
 * | payment_intent.canceled | payment.canceled | cancel |
 * | refund.created / refund.updated / charge.refund.updated (succeeded; failed or canceled) | refund.succeeded / refund.failed | the refund's complete / fail |
 * | refund.failed | refund.failed | fail |
 * | charge.dispute.created | payment.disputed | dispute |
 * | charge.dispute.closed (won, warning_closed; lost) | payment.dispute_won / payment.dispute_lost | win_dispute / lose_dispute |
 *
 * Anything else (and a pending refund) is null: acknowledged, recorded nowhere, acted on never.
 * @throws DomainError `webhook_invalid` for an event of a known type whose object lacks what we need.
 */
export function mapStripeEvent(event: Stripe.Event): PaymentEvent | null {
  const base = { id: event.id, created: event.created };
  const obj = event.data.object as unknown as Record<string, unknown>;
  const money = (amount: unknown, currency: unknown) => {
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0 || typeof currency !== 'string')
      throw new DomainError('webhook_invalid', 'The event is not well-formed.');
    return { amountCents: amount, currency: currency.toUpperCase() };
  };
  const need = (ref: string | null) => {
    if (!ref) throw new DomainError('webhook_invalid', 'The event names no payment.');
    return ref;
  };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.processing':
    case 'payment_intent.requires_action':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const pi = event.data.object;
      const data = { providerRef: need(pi.id), ...money(pi.amount, pi.currency) };
      if (event.type === 'payment_intent.succeeded')
        return {
          ...base,
          type: 'payment.succeeded',
          data: { ...data, ...money(pi.amount_received, pi.currency) },
        };
      if (event.type === 'payment_intent.payment_failed')
        return {
          ...base,
          type: 'payment.failed',
          data: {
            ...data,
            failureCode: (
              pi.last_payment_error?.decline_code ??
              pi.last_payment_error?.code ??
              'failed'
            ).slice(0, 64),
          },
        };
      return {
        ...base,
        type: event.type === 'payment_intent.canceled' ? 'payment.canceled' : 'payment.pending',
        data,
      };
    }
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated': {
      const status = obj.status;
      const failed = event.type === 'refund.failed' || status === 'failed' || status === 'canceled';
      if (!failed && status !== 'succeeded') return null;
      return {
        ...base,
        type: failed ? 'refund.failed' : 'refund.succeeded',
        data: {
          providerRef: need(refOf(obj.payment_intent as string | { id: string } | null)),
          refundRef: need(refOf(obj.id as string)),
          ...money(obj.amount, obj.currency),
        },
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const d = event.data.object;
      let type: PaymentEvent['type'] = 'payment.disputed';
      if (event.type === 'charge.dispute.closed') {
        if (d.status === 'won' || d.status === 'warning_closed') type = 'payment.dispute_won';
        else if (d.status === 'lost') type = 'payment.dispute_lost';
        else return null;
      }
      return {
        ...base,
        type,
        data: { providerRef: need(refOf(d.payment_intent)), ...money(d.amount, d.currency) },
      };
    }
    default:
      return null;
  }
}
