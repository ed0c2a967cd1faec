import type { CheckoutNext } from '@seatrush/shared';

/**
 * The port every payment provider implements. Outcomes of a payment are not returned by these calls: the
 * provider reports them later through signed webhooks (`POST /api/payments/webhook`), possibly more than once and
 * out of order — see payments/events.ts.
 */
export interface PaymentProvider {
  /** Stored in Payment.provider. */
  readonly name: string;
  /**
   * Creates the payment of one attempt and says how the buyer pays it (`next`): on the provider's hosted page
   * (`redirect`), or on our page with the provider's client (`stripe_elements`: the PaymentIntent's client
   * secret and the publishable key). Idempotent on `paymentId` (our id): asking again returns the same reference
   * and the same `next` — which is how a retried checkout gets the open payment's client secret again, since we
   * never store it.
   */
  createPayment(input: {
    paymentId: string;
    amountCents: number;
    currency: string;
    description: string;
    /** The hold's deadline; providers may stop taking the payment after it. */
    expiresAt: Date;
    /** Where the payment page sends the buyer afterwards. */
    returnUrl: string;
  }): Promise<{ providerRef: string; next: CheckoutNext }>;
  /**
   * Returns money from a captured payment. Idempotent on `idempotencyKey` (our refund id): a retry after a crash
   * never refunds twice.
   */
  refund(input: {
    providerRef: string;
    amountCents: number;
    currency: string;
    idempotencyKey: string;
  }): Promise<{ refundRef: string; status: 'succeeded' | 'pending' | 'failed'; failureCode?: string }>;
  /** Stops a payment that has not been made yet (best effort: it may already be under way). */
  cancel(providerRef: string): Promise<void>;
  /**
   * What the provider's own records say about a payment now — asked before a hold is let go, so that a payment
   * captured (or still being confirmed) before the deadline is not lost to a webhook that is late.
   */
  paymentStatus(providerRef: string): Promise<ProviderPaymentStatus>;
}

/**
 * A payment as the provider sees it: `open` (waiting for the buyer), `processing` (the buyer paid; the bank or
 * the provider is still confirming), `succeeded` (captured: the money and currency captured), `failed`,
 * `canceled`, or `unknown` (the provider has no such payment).
 */
export type ProviderPaymentStatus =
  | { status: 'open' | 'processing' | 'failed' | 'canceled' | 'unknown' }
  | { status: 'succeeded'; amountCents: number; currency: string };
