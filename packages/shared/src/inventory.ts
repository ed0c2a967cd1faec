import { z } from 'zod';
import { saleStateSchema } from './catalog.ts';
import { categoryCountsSchema, showtimeSnapshotSchema, zoneCountsSchema } from './realtime.ts';

/**
 * Contracts of the live inventory: buyer guest sessions, hold requests and responses, availability snapshots
 * and the change deltas the real-time layer streams. Request bodies are strict (unknown fields are refused).
 */

// --- Identifiers ----------------------------------------------------------------------------------------

/** A showtime id as it appears in URLs (cuid); ids never contain dots, which is what lets hold ids embed them. */
export const inventoryShowtimeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a valid id.');

/** `SECTION-ROW-NUMBER`, e.g. `ORCH-A-12` (see the seat-map format). */
export const seatLabelSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'Use the seat label from the seat map, e.g. "ORCH-A-12".');

export const zoneKeySchema = z.string().regex(/^[A-Za-z0-9_]{1,32}$/, 'Use the zone key from the seat map.');

/** `<showtimeId>.<random>`: the showtime is part of the id so a hold can be found from its id alone. */
export const holdIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{8,64}$/, 'Not a valid hold id.');

/** The client's `Idempotency-Key`: the same key (per buyer and showtime) always answers with the same hold. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'Use 1-128 letters, digits or . _ : - (a UUID works).');

// --- Buyer sessions -------------------------------------------------------------------------------------

export const buyerSessionRequestSchema = z.strictObject({
  email: z.email('Enter a valid email address.').max(254),
});
export type BuyerSessionRequest = z.infer<typeof buyerSessionRequestSchema>;

export const buyerSessionSchema = z.object({
  buyerId: z.string(),
  email: z.string(),
  /** The session for API clients: send it back as `X-Buyer-Token` or `Authorization: Bearer`. */
  token: z.string(),
  expiresAt: z.string(),
});
export type BuyerSessionDto = z.infer<typeof buyerSessionSchema>;

// --- Holds ----------------------------------------------------------------------------------------------

/** Most tickets one hold request may ask for (the showtime's per-buyer limit may be lower). */
export const MAX_TICKETS_PER_HOLD = 50;

/** A price-category key as the seat map names it (`categories[].key`). */
export const categoryKeySchema = z
  .string({ error: 'Name the price category, e.g. "premium".' })
  .regex(/^[A-Za-z0-9_]{1,32}$/, 'Use the category key from the seat map, e.g. "premium".');

/**
 * "Best available": the server picks `quantity` adjacent seats in one row of `category` and holds them (see
 * docs/inventory.md, "Best available", for the ranking). The answer is the normal hold response, so it names the
 * seats; `409 no_adjacent_seats` when no block that size is free, never a split party.
 */
export const bestAvailableRequestSchema = z.strictObject({
  category: categoryKeySchema,
  quantity: z
    .int({ error: 'Give the number of seats as a whole number.' })
    .min(1, 'Ask for at least 1 seat.')
    .max(MAX_TICKETS_PER_HOLD, `Ask for at most ${MAX_TICKETS_PER_HOLD} seats at once.`),
});
export type BestAvailableRequest = z.infer<typeof bestAvailableRequestSchema>;

/** Tickets of a general-admission zone in one hold (the buyer's quantity box checks the same rule). */
export const gaQuantitySchema = z
  .int({ error: 'Give the number of tickets as a whole number.' })
  .min(1, 'Hold at least 1 ticket.')
  .max(MAX_TICKETS_PER_HOLD, `Hold at most ${MAX_TICKETS_PER_HOLD} tickets at once.`);

/** Exactly one of `{ seats: [...] }`, `{ zone, quantity }` or `{ best: { category, quantity } }`. */
export const holdRequestSchema = z
  .strictObject({
    seats: z.array(seatLabelSchema).min(1).max(MAX_TICKETS_PER_HOLD).optional(),
    zone: zoneKeySchema.optional(),
    quantity: gaQuantitySchema.optional(),
    best: bestAvailableRequestSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const seated = v.seats !== undefined;
    const ga = v.zone !== undefined || v.quantity !== undefined;
    const best = v.best !== undefined;
    if (Number(seated) + Number(ga) + Number(best) > 1)
      ctx.addIssue({
        code: 'custom',
        message: best
          ? 'Send best on its own: best picks the seats, so leave out seats, zone and quantity.'
          : 'Send either seats or a zone and quantity, not both.',
        path: [],
      });
    else if (!seated && !ga && !best)
      ctx.addIssue({
        code: 'custom',
        message: 'Send seats, a zone and a quantity, or best: { category, quantity }.',
        path: [],
      });
    else if (ga && v.zone === undefined)
      ctx.addIssue({ code: 'custom', message: 'Name the zone.', path: ['zone'] });
    else if (ga && v.quantity === undefined)
      ctx.addIssue({ code: 'custom', message: 'Give a quantity.', path: ['quantity'] });
    if (v.seats) {
      const seen = new Set<string>();
      v.seats.forEach((s, i) => {
        if (seen.has(s))
          ctx.addIssue({ code: 'custom', message: `Seat ${s} is listed twice.`, path: ['seats', i] });
        seen.add(s);
      });
    }
  });
export type HoldRequest = z.infer<typeof holdRequestSchema>;

export const holdItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('seat'), seat: z.string(), category: z.string(), priceCents: z.int() }),
  z.object({
    kind: z.literal('ga'),
    zone: z.string(),
    category: z.string(),
    priceCents: z.int(),
    quantity: z.int(),
  }),
]);
export type HoldItemDto = z.infer<typeof holdItemSchema>;

export const holdResponseSchema = z.object({
  holdId: z.string(),
  /** The secret capability to pay for or cancel the hold. Shown only in this response (and its replays). */
  holdToken: z.string(),
  showtimeId: z.string(),
  expiresAt: z.string(),
  items: z.array(holdItemSchema),
  /** Unit prices times quantities, at hold time. */
  totalCents: z.int(),
  currency: z.string(),
  /** True when this answers a repeated Idempotency-Key (the hold was made by an earlier request). */
  replayed: z.boolean(),
});
export type HoldResponse = z.infer<typeof holdResponseSchema>;

export const holdViewSchema = z.object({
  holdId: z.string(),
  showtimeId: z.string(),
  status: z.enum(['held', 'confirmed']),
  expiresAt: z.string(),
  extended: z.boolean(),
  items: z.array(holdItemSchema),
  totalCents: z.int(),
  currency: z.string(),
});
export type HoldView = z.infer<typeof holdViewSchema>;

export const holdParamsSchema = z.strictObject({ holdId: holdIdSchema });
export const showtimeParamsSchema = z.strictObject({ id: inventoryShowtimeIdSchema });

// --- Availability and changes ---------------------------------------------------------------------------

/**
 * `GET /api/showtimes/:id/availability`: the showtime snapshot (same shape as the socket's) plus what lets a
 * client skip the label list: seat states are one character per seat in layout order (0 free, 1 held, 2 sold,
 * 3 blocked).
 */
export const availabilitySchema = showtimeSnapshotSchema.extend({
  /** Seat labels in layout order (omitted with `?seatLabels=false`; they change only when the layout does). */
  seatLabels: z.array(z.string()).optional(),
  /** Identifies `seatLabels`: equal keys mean equal label lists, so clients can cache them. */
  labelsKey: z.string(),
  /** Free seats in total (0 = every seat is taken). */
  seatsAvailable: z.int(),
});
export type AvailabilityDto = z.infer<typeof availabilitySchema>;

export const availabilityQuerySchema = z.object({
  seatLabels: z.enum(['true', 'false', '1', '0']).optional(),
});

export const changeTypes = [
  'load',
  'hold',
  'release',
  'expire',
  'extend',
  'confirm',
  'reclaim',
  'return',
  'block',
  'unblock',
  'state',
] as const;
export const changeTypeSchema = z.enum(changeTypes);

/** What one inventory transition changed; deltas list them in version order. */
export const changeSchema = z.object({
  version: z.int(),
  type: changeTypeSchema,
  /** New state of every seat the transition touched: `[label, index in layout order, state 0-3]`. */
  seats: z.array(z.tuple([z.string(), z.int(), z.int().min(0).max(3)])),
  /** New counts of every zone / category the transition touched. */
  zones: z.record(z.string(), zoneCountsSchema),
  categories: z.record(z.string(), categoryCountsSchema),
  seatsAvailable: z.int().optional(),
  /**
   * Holds that ended in this transition without being paid, so their owners can be told. `limitKey`: set when the
   * hold counted against a per-buyer limit of its own — made by a session that had not proved the e-mail
   * (docs/buyers.md), which alone among the e-mail's unverified sessions is told.
   */
  endedHolds: z.array(
    z.object({
      holdId: z.string(),
      buyerId: z.string(),
      reason: z.enum(['expired', 'released']),
      limitKey: z.string().optional(),
    }),
  ),
  /** New sale state (type `state` and `load`). */
  state: saleStateSchema.optional(),
});
export type ChangeDto = z.infer<typeof changeSchema>;

export const changesSchema = z.object({ from: z.int(), to: z.int(), changes: z.array(changeSchema) });
export type ChangesDto = z.infer<typeof changesSchema>;
