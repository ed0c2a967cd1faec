import { z } from 'zod';
import { holdRequestSchema, idempotencyKeySchema, seatLabelSchema } from './inventory.ts';
import { staffOrderDetailSchema } from './orders.ts';

/**
 * Contracts of the box-office routes that belong to the dashboard itself: staff seat blocks (press, production
 * holds), counter sales, and the staff view of who holds which seat. Request bodies are strict.
 */

/** Most seats one block / unblock request may name. */
export const MAX_SEATS_PER_BLOCK = 2_000;

const seatListSchema = z
  .array(seatLabelSchema)
  .min(1, 'Name at least one seat.')
  .max(MAX_SEATS_PER_BLOCK)
  .superRefine((seats, ctx) => {
    const seen = new Set<string>();
    seats.forEach((s, i) => {
      if (seen.has(s)) ctx.addIssue({ code: 'custom', message: `Seat ${s} is listed twice.`, path: [i] });
      seen.add(s);
    });
  });

/** `POST /api/staff/showtimes/:id/seats/block`: take free seats off sale. */
export const seatBlockBodySchema = z.strictObject({
  seats: seatListSchema,
  /** Why (press, production, sight-line…); shown to staff and kept in the audit log. */
  reason: z.string().trim().min(1, 'Give a reason.').max(200),
});
export type SeatBlockBody = z.infer<typeof seatBlockBodySchema>;

/** `POST /api/staff/showtimes/:id/seats/unblock`: put blocked seats back on sale. */
export const seatUnblockBodySchema = z.strictObject({
  seats: seatListSchema,
  /** Optional note for the audit log. */
  reason: z.string().trim().min(1).max(200).optional(),
});
export type SeatUnblockBody = z.infer<typeof seatUnblockBodySchema>;

export const seatBlockResultSchema = z.object({
  showtimeId: z.string(),
  /** Seats whose state changed (blocked, or back on sale). */
  changed: z.array(z.string()),
  /** Seats left as they were: unknown, or not free (block) / not blocked (unblock). */
  skipped: z.array(z.string()),
});
export type SeatBlockResult = z.infer<typeof seatBlockResultSchema>;

export const seatBlockSchema = z.object({
  seatLabel: z.string(),
  reason: z.string(),
  /** Actor that blocked it (`staff:<id>` / `token:<id>`). */
  blockedBy: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type SeatBlockDto = z.infer<typeof seatBlockSchema>;
export const seatBlockListSchema = z.object({ blocks: z.array(seatBlockSchema) });
export type SeatBlockListDto = z.infer<typeof seatBlockListSchema>;

// --- Counter sales --------------------------------------------------------------------------------------

export const counterPaymentMethods = ['cash', 'card_present'] as const;
export const counterPaymentMethodSchema = z.enum(counterPaymentMethods);
export type CounterPaymentMethod = z.infer<typeof counterPaymentMethodSchema>;

/**
 * `POST /api/staff/showtimes/:id/counter-sale`: `{ seats }` or `{ zone, quantity }`, paid at the counter.
 * Goes through the same inventory hold and confirm as an online sale; the order is PAID with channel `counter`.
 */
const counterSaleFields = holdRequestSchema.safeExtend({
  /** Where the tickets go; a walk-in buyer without an email gets an anonymous buyer record. */
  buyerEmail: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email('Enter a valid email address.').max(254))
    .optional(),
  method: counterPaymentMethodSchema,
  /** The client's idempotency key: retrying the same sale never sells twice. */
  requestId: idempotencyKeySchema.optional(),
});
// Staff see the map and name the seats; a server-side pick is a buyer feature (holdRequestSchema's `best`).
export const counterSaleBodySchema = counterSaleFields.refine((b) => b.best === undefined, {
  message: 'Best available is not offered at the counter: name the seats, or a zone and a quantity.',
  path: ['best'],
});
export type CounterSaleBody = z.infer<typeof counterSaleBodySchema>;

export const counterSaleResultSchema = z.object({
  order: staffOrderDetailSchema,
  /** True when this answers a repeated `requestId` (the sale was made by an earlier request). */
  replayed: z.boolean(),
});
export type CounterSaleResult = z.infer<typeof counterSaleResultSchema>;

// --- Who holds what -------------------------------------------------------------------------------------

/**
 * `GET /api/staff/showtimes/:id/seats/owners`: every seat that is not free, with whoever has it. Held seats name
 * the hold and (once the order is stored) its order code and buyer email; sold seats their order; blocked seats
 * the reason.
 */
export const seatOwnerSchema = z.object({
  seat: z.string(),
  state: z.enum(['held', 'sold', 'blocked']),
  holdId: z.string().nullable(),
  orderCode: z.string().nullable(),
  email: z.string().nullable(),
  /** Block reason (blocked seats). */
  reason: z.string().nullable(),
  /** Hold deadline (held seats). */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SeatOwnerDto = z.infer<typeof seatOwnerSchema>;
export const seatOwnerListSchema = z.object({
  showtimeId: z.string(),
  version: z.int(),
  seats: z.array(seatOwnerSchema),
});
export type SeatOwnerList = z.infer<typeof seatOwnerListSchema>;

export const seatOwnerQuerySchema = z.object({
  /** Comma-separated seat labels: only these seats (at least one; leave `seats` out for every seat). */
  seats: z
    .string()
    .max(20_000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(seatLabelSchema)
        .min(1, 'Name at least one seat label, or leave seats out for every seat.')
        .max(MAX_SEATS_PER_BLOCK),
    )
    .optional(),
  state: z.enum(['held', 'sold', 'blocked']).optional(),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
export type SeatOwnerQuery = z.infer<typeof seatOwnerQuerySchema>;

// --- Sales figures from the database --------------------------------------------------------------------

const channelFiguresSchema = z.object({ orders: z.int(), tickets: z.int(), revenueCents: z.int() });

/**
 * `GET /api/staff/showtimes/:id/sales`: what PostgreSQL records for a showtime. `ticketsSold` counts the active
 * items of paid (or partly refunded) orders, `revenueCents` their prices at the time of sale; refunded items are
 * in `refundedCents`. The inventory's sold count (staff stats) must equal `ticketsSold` once orders are stored.
 */
export const showtimeSalesSchema = z.object({
  showtimeId: z.string(),
  currency: z.string(),
  ticketsSold: z.int(),
  revenueCents: z.int(),
  refundedCents: z.int(),
  paidOrders: z.int(),
  pendingOrders: z.int(),
  blockedSeats: z.int(),
  channels: z.object({ online: channelFiguresSchema, counter: channelFiguresSchema }),
});
export type ShowtimeSalesDto = z.infer<typeof showtimeSalesSchema>;
