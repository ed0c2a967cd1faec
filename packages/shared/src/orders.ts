import { z } from 'zod';
import { auditEntrySchema } from './catalog.ts';

/**
 * Orders, payments, refunds and tickets: the checkout API, the order page, refunds by buyers and staff, and the
 * payment provider's webhook events. Request bodies are strict; responses document what clients get.
 */

const dateTime = z.iso.datetime({ offset: true });

export const orderStatuses = [
  'PENDING',
  'PAID',
  'EXPIRED',
  'CANCELLED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatusName = z.infer<typeof orderStatusSchema>;

export const paymentStatuses = [
  'created',
  'pending',
  'confirmed',
  'failed',
  'canceled',
  'refunded',
  'disputed',
] as const;
export const paymentStatusSchema = z.enum(paymentStatuses);
export type PaymentStatusName = z.infer<typeof paymentStatusSchema>;

export const refundStatuses = ['created', 'transit', 'done', 'failed', 'canceled'] as const;
export const refundStatusSchema = z.enum(refundStatuses);
export type RefundStatusName = z.infer<typeof refundStatusSchema>;

export const orderItemStatuses = ['active', 'refunded', 'released'] as const;
export const orderItemStatusSchema = z.enum(orderItemStatuses);

/** Public order code: 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U), grouped 4-4. */
export const ORDER_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const orderCodeSchema = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/, 'Not an order code (e.g. "K7Q2-9XPM").'),
  );
export const orderCodeParamsSchema = z.strictObject({ code: orderCodeSchema });

export const holdIdParamsSchema = z.strictObject({ holdId: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/) });

/** `POST /api/staff/orders/:code/refunds/:refundId/retry`. */
export const refundRetryParamsSchema = z.strictObject({
  code: orderCodeSchema,
  refundId: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/),
});

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address.').max(254, 'That email address is too long.'));

// ---- checkout ----

export const checkoutBodySchema = z.strictObject({
  /** The secret hold token returned when the hold was made. */
  holdToken: z.string().min(1).max(256),
  /** Where the receipt and tickets go; also what `GET /api/orders/:code?email=` checks. */
  email: emailSchema,
});
export type CheckoutBody = z.infer<typeof checkoutBodySchema>;

/**
 * What the buyer's page does next to pay, by provider:
 * - `redirect`: go to the provider's hosted payment page (the sandbox's `/sandbox-pay/:id`).
 * - `stripe_elements`: stay on our checkout page and collect the payment there with Stripe's Payment Element
 *   (Stripe.js, loaded with `publishableKey`, confirming the PaymentIntent whose `clientSecret` this is). A retry
 *   of the checkout while the payment is open answers the same client secret.
 */
export const checkoutNextSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('redirect'), url: z.string().min(1) }),
  z.object({
    kind: z.literal('stripe_elements'),
    clientSecret: z.string().min(1),
    publishableKey: z.string().regex(/^pk_(test|live)_\w+$/),
  }),
]);
export type CheckoutNext = z.infer<typeof checkoutNextSchema>;

export const checkoutResponseSchema = z.object({
  paymentId: z.string(),
  /**
   * The provider's hosted payment page (`next.url`), or — when the payment is made on our own page
   * (`stripe_elements`) — the order page. Kept for clients that only redirect; new clients follow `next`.
   */
  paymentUrl: z.string(),
  /** How to pay: redirect to a hosted page, or pay on this page with Stripe's Payment Element. */
  next: checkoutNextSchema,
  /** The hold's (possibly extended) deadline: pay before it. */
  expiresAt: dateTime,
  orderCode: z.string(),
  amountCents: z.int(),
  currency: z.string(),
});
export type CheckoutResponse = z.infer<typeof checkoutResponseSchema>;

// ---- order page ----

export const orderItemSchema = z.object({
  id: z.string(),
  seatLabel: z.string().nullable(),
  zoneKey: z.string().nullable(),
  category: z.string(),
  priceCents: z.int(),
  status: orderItemStatusSchema,
});

export const ticketSchema = z.object({
  itemId: z.string(),
  ticketCode: z.string(),
  /** Seat label, or the GA zone key. */
  label: z.string(),
  /** What the QR code encodes: `SR1.<ticketCode>.<showtimeId>.<signature>`; door scanners verify the signature. */
  qrPayload: z.string(),
  /** The QR code as an SVG data URL, ready for an `<img src>`. */
  qrImage: z.string(),
});
export type TicketDto = z.infer<typeof ticketSchema>;

export const paymentSchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: paymentStatusSchema,
  amountCents: z.int(),
  currency: z.string(),
  failureCode: z.string().nullable(),
  paymentUrl: z.string().nullable(),
  createdAt: dateTime,
  confirmedAt: dateTime.nullable(),
});
export type PaymentDto = z.infer<typeof paymentSchema>;

export const refundSchema = z.object({
  id: z.string(),
  paymentId: z.string().nullable(),
  amountCents: z.int(),
  status: refundStatusSchema,
  reason: z.string(),
  /**
   * Why the provider refused it (`failed`): the order is unchanged and its tickets valid until the box office
   * retries the refund and it succeeds.
   */
  failureCode: z.string().nullable(),
  itemIds: z.array(z.string()),
  requestedBy: z.string(),
  createdAt: dateTime,
});
export type RefundDto = z.infer<typeof refundSchema>;

/**
 * Something the buyer must be told about the order:
 * `paid_after_expiry_refunded` — the payment arrived after the reservation expired and the seats were gone, so it
 * was refunded in full; `paid_after_cancel_refunded` — likewise after the buyer cancelled.
 */
export const orderNotices = ['paid_after_expiry_refunded', 'paid_after_cancel_refunded'] as const;
export const orderNoticeSchema = z.enum(orderNotices);
export type OrderNotice = z.infer<typeof orderNoticeSchema>;

export const orderSchema = z.object({
  code: z.string(),
  /** The hold the order came from: how the buyer's browser finds its hold token to pay (not a secret itself). */
  holdId: z.string(),
  status: orderStatusSchema,
  showtimeId: z.string(),
  email: z.string(),
  totalCents: z.int(),
  refundedCents: z.int(),
  currency: z.string(),
  expiresAt: dateTime,
  paidAt: dateTime.nullable(),
  createdAt: dateTime,
  notice: orderNoticeSchema.nullable(),
  /** Whether the buyer may refund this order themselves right now. */
  buyerRefundable: z.boolean(),
  items: z.array(orderItemSchema),
  tickets: z.array(ticketSchema),
  payments: z.array(paymentSchema),
  refunds: z.array(refundSchema),
});
export type OrderDto = z.infer<typeof orderSchema>;

export const orderLookupQuerySchema = z.strictObject({ email: emailSchema.optional() });

// ---- the buyer's own orders ----

/** Most orders a page of `GET /api/buyer/orders` holds. */
export const BUYER_ORDERS_MAX_LIMIT = 50;

export const buyerOrdersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(BUYER_ORDERS_MAX_LIMIT).default(20),
  /** `nextCursor` of the previous page; opaque. */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional(),
});
export type BuyerOrdersQuery = z.infer<typeof buyerOrdersQuerySchema>;

export const buyerOrderSummarySchema = z.object({
  code: z.string(),
  status: orderStatusSchema,
  showtimeId: z.string(),
  eventName: z.string(),
  startsAt: dateTime,
  /** Tickets bought (seats and GA units), refunded ones included. */
  itemCount: z.int(),
  totalCents: z.int(),
  /** What has been (or is being) refunded of `totalCents`. */
  refundedCents: z.int(),
  currency: z.string(),
  createdAt: dateTime,
  /** Pay before this: the hold's deadline. Only for PENDING orders (null otherwise). */
  expiresAt: dateTime.nullable(),
});
export type BuyerOrderSummaryDto = z.infer<typeof buyerOrderSummarySchema>;

export const buyerOrderListSchema = z.object({
  /** Newest first. */
  orders: z.array(buyerOrderSummarySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type BuyerOrderListDto = z.infer<typeof buyerOrderListSchema>;

// ---- refunds ----

const itemIdsSchema = z
  .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
  .min(1)
  .max(500);

export const buyerRefundBodySchema = z.strictObject({
  /** Needed unless the caller has a buyer session for the order's buyer. */
  email: emailSchema.optional(),
  /** Items to refund; all active items when left out. */
  itemIds: itemIdsSchema.optional(),
});
export type BuyerRefundBody = z.infer<typeof buyerRefundBodySchema>;

export const staffRefundBodySchema = z.strictObject({
  itemIds: itemIdsSchema.optional(),
  reason: z.string().trim().min(1).max(500, 'Use at most 500 characters.').optional(),
});
export type StaffRefundBody = z.infer<typeof staffRefundBodySchema>;

export const refundResponseSchema = z.object({ order: orderSchema, refund: refundSchema });

// ---- staff ----

export const staffOrderSearchQuerySchema = z.strictObject({
  /** An order code, an email (or part of one), or a seat label; empty or left out: the most recent orders. */
  q: z.string().trim().max(254, 'Use at most 254 characters.').default(''),
  showtimeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type StaffOrderSearchQuery = z.infer<typeof staffOrderSearchQuerySchema>;

export const staffOrderSummarySchema = z.object({
  code: z.string(),
  status: orderStatusSchema,
  email: z.string(),
  showtimeId: z.string(),
  totalCents: z.int(),
  currency: z.string(),
  createdAt: dateTime,
  seats: z.array(z.string()),
  gaUnits: z.int(),
});
export type StaffOrderSummaryDto = z.infer<typeof staffOrderSummarySchema>;
export const staffOrderListSchema = z.object({ orders: z.array(staffOrderSummarySchema) });

export const staffOrderDetailSchema = orderSchema.extend({
  holdId: z.string(),
  channel: z.enum(['online', 'counter']),
  audit: z.array(auditEntrySchema),
});
export type StaffOrderDetailDto = z.infer<typeof staffOrderDetailSchema>;

/** A hold whose order could not be written after its retries: order persistence's dead-letter list. */
export const deadLetterSchema = z.object({
  holdId: z.string(),
  showtimeId: z.string(),
  buyerId: z.string(),
  /** The last error (a message for operators, not for buyers). */
  error: z.string(),
  /** PostgreSQL's SQLSTATE when there was one (23503: a row the order refers to does not exist). */
  code: z.string().nullable(),
  attempts: z.int(),
  at: z.string(),
});
export type DeadLetterDto = z.infer<typeof deadLetterSchema>;
export const deadLetterListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const deadLetterListSchema = z.object({ deadLetters: z.array(deadLetterSchema) });
export type DeadLetterListDto = z.infer<typeof deadLetterListSchema>;

// ---- payment provider ----

export const paymentEventTypes = [
  'payment.pending',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'refund.succeeded',
  'refund.failed',
  /** A chargeback was opened (Stripe's `charge.dispute.created`); closed as won or lost. */
  'payment.disputed',
  'payment.dispute_won',
  'payment.dispute_lost',
] as const;
export const paymentEventTypeSchema = z.enum(paymentEventTypes);
export type PaymentEventType = z.infer<typeof paymentEventTypeSchema>;

/** A webhook event as the provider sends it (after the signature has been checked). */
export const paymentEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: paymentEventTypeSchema,
  /** Unix seconds at which the provider created the event. */
  created: z.int(),
  data: z.object({
    /** The provider's payment reference (our Payment.providerRef). */
    providerRef: z.string().min(1).max(128),
    amountCents: z.int().min(0),
    currency: z.string(),
    failureCode: z.string().max(64).optional(),
    refundRef: z.string().max(128).optional(),
  }),
});
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

export const sandboxPayBodySchema = z.object({ card: z.string().trim().max(32) });

/** The sandbox provider's test cards and what each one does. */
export const sandboxTestCards = {
  '4242424242424242': 'success',
  '4000000000000002': 'declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000003220': 'slow_confirmation',
  '4000000000000259': 'succeeds_after_expiry',
} as const;
export type SandboxCardOutcome = (typeof sandboxTestCards)[keyof typeof sandboxTestCards];
