import { z } from 'zod';

/**
 * Contracts of a showtime's waiting room (docs/waiting-room.md): joining, the caller's place and ETA, the live
 * progress pushed over Socket.IO, and the staff view and controls.
 */

/** The room as a whole: `pre` (before the sale opens: places are drawn at opening), `open`, `closed`. */
export const waitingRoomStates = ['pre', 'open', 'closed'] as const;
export const waitingRoomStateSchema = z.enum(waitingRoomStates);
export type WaitingRoomState = z.infer<typeof waitingRoomStateSchema>;

/** Where the caller stands. */
export const queueStatusSchema = z.object({
  showtimeId: z.string(),
  state: waitingRoomStateSchema,
  /** Staff paused admission. */
  paused: z.boolean(),
  /** No ticket is left that an admitted buyer could get (available + held and possibly coming back). */
  soldOut: z.boolean(),
  /** `waiting` in line, `admitted` (shopping window open: use `admission.token`), `none` (not in line). */
  status: z.enum(['waiting', 'admitted', 'none']),
  /** 1 = next in line; null before the opening draw or when not waiting. */
  position: z.int().nullable(),
  /**
   * The caller's place counted from the start of the line: `position = place - served`, with `served` from the
   * live `queue:progress` events (null when `position` is).
   */
  place: z.int().nullable(),
  /** Buyers waiting in line. */
  waiting: z.int(),
  /** Seconds until the caller's turn at the measured admission rate; null when unknown (paused, not open). */
  etaSeconds: z.int().nullable(),
  /** True when the buyers ahead will likely take every ticket left before the caller's turn. */
  likelySoldOut: z.boolean(),
  /** Tickets an admitted buyer could still get (available + held and expiring within the window). */
  ticketsLeft: z.int(),
  /** Admissions per minute, as measured. */
  admittedPerMinute: z.number(),
  admission: z.object({ token: z.string(), expiresAt: z.iso.datetime() }).nullable(),
});
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/**
 * The bot challenge of a queue that asks for one (the showtime's `botChallenge` setting): an ALTCHA proof of work
 * (PBKDF2) signed by the server and bound to the showtime. The browser solves it and sends the payload —
 * base64 of `{ challenge, solution }` — when it joins.
 */
export const queueChallengeSchema = z.object({
  parameters: z.record(z.string(), z.unknown()),
  signature: z.string().optional(),
});
export type QueueChallenge = z.infer<typeof queueChallengeSchema>;

/** Joining a queue: `challenge` is required where the showtime asks for one (and ignored elsewhere). */
export const queueJoinSchema = z.strictObject({ challenge: z.string().min(1).max(8000).optional() });
export type QueueJoin = z.infer<typeof queueJoinSchema>;

/** Pushed to everyone watching a room (`queue:progress`), on every change of the line's head or state. */
export const queueProgressSchema = z.object({
  showtimeId: z.string(),
  state: waitingRoomStateSchema,
  paused: z.boolean(),
  soldOut: z.boolean(),
  /** Buyers taken from the head of the line so far. */
  served: z.int(),
  waiting: z.int(),
  ticketsLeft: z.int(),
  admittedPerMinute: z.number(),
  /** Why admission stopped or resumed, for the live region: `sold_out`, `resumed`, `paused`, `closed`. */
  reason: z.enum(['sold_out', 'resumed', 'paused', 'closed', 'progress']),
});
export type QueueProgress = z.infer<typeof queueProgressSchema>;

/** `queue:watch` (and again after a reconnect): answers with the caller's status. */
export const queueWatchSchema = z.strictObject({ showtimeId: z.string().min(1).max(64) });
export type QueueWatch = z.infer<typeof queueWatchSchema>;

/** The staff view of a room. */
export const waitingRoomStatsSchema = z.object({
  showtimeId: z.string(),
  enabled: z.boolean(),
  state: waitingRoomStateSchema,
  paused: z.boolean(),
  soldOut: z.boolean(),
  waiting: z.int(),
  /** Admitted so far (all time). */
  admitted: z.int(),
  /** Admitted buyers whose shopping window is still open. */
  shopping: z.int(),
  served: z.int(),
  admissionPerMinute: z.int(),
  admittedPerMinute: z.number(),
  maxShoppers: z.int(),
  shoppingWindowSeconds: z.int(),
  ticketsLeft: z.int(),
  /** Seconds until the last in line is admitted at the measured rate (null: unknown). */
  etaLastSeconds: z.int().nullable(),
});
export type WaitingRoomStats = z.infer<typeof waitingRoomStatsSchema>;

const buyerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a buyer id.');

/** Staff controls (`POST /api/staff/showtimes/:id/waiting-room`). */
export const waitingRoomControlSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start') }),
  z.strictObject({ action: z.literal('pause') }),
  z.strictObject({ action: z.literal('close') }),
  z.strictObject({
    action: z.literal('settings'),
    admissionPerMinute: z.int().min(1).max(100_000).optional(),
    maxShoppers: z.int().min(1).max(1_000_000).optional(),
  }),
  z.strictObject({ action: z.literal('admit'), buyerIds: z.array(buyerIdSchema).min(1).max(1000) }),
]);
export type WaitingRoomControl = z.infer<typeof waitingRoomControlSchema>;

/** The Socket.IO room of a waiting room's watchers. */
export const queueRoom = (showtimeId: string): string => `queue:${showtimeId}`;
