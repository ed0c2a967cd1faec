import { z } from 'zod';
import {
  holdIdSchema,
  holdRequestSchema,
  idempotencyKeySchema,
  inventoryShowtimeIdSchema,
} from './inventory.ts';
import { checkoutBodySchema } from './orders.ts';

/**
 * Payloads of the socket's hold commands: the HTTP hold body (same schema, same rules) plus what the URL and the
 * `Idempotency-Key` header carry over HTTP. Kept apart from realtime.ts because the inventory contract imports
 * realtime.ts, and these build on the inventory contract (the event maps naming them are in socket-events.ts).
 */
export const socketHoldCreateSchema = holdRequestSchema.safeExtend({
  showtimeId: inventoryShowtimeIdSchema,
  /** The client's idempotency key: the same id always answers with the same hold. */
  requestId: idempotencyKeySchema,
  /** The waiting room's admission token (over HTTP: the `X-Admission-Token` header). */
  admissionToken: z.string().min(1).max(300).optional(),
});
export type SocketHoldCreate = z.infer<typeof socketHoldCreateSchema>;

/** The hold and its secret token (over HTTP: the URL and `Authorization: Bearer <holdToken>`). */
export const socketHoldReleaseSchema = z.strictObject({
  holdId: holdIdSchema,
  holdToken: z.string().min(1).max(256),
});
export type SocketHoldRelease = z.infer<typeof socketHoldReleaseSchema>;

/** `hold:checkout`: the HTTP checkout body plus the hold (over HTTP: `POST /api/holds/:holdId/checkout`). */
export const socketHoldCheckoutSchema = checkoutBodySchema.safeExtend({ holdId: holdIdSchema });
export type SocketHoldCheckout = z.infer<typeof socketHoldCheckoutSchema>;
