import { z } from 'zod';
import { idSchema } from './catalog.ts';

/**
 * Check-in at the door (docs/check-in.md): redeeming a ticket's QR code (or the ticket code printed under it)
 * once, the showtime's ticket list for scanners working offline, and the upload of their scans.
 */

/** A QR payload (`SR1.…`), as opposed to a typed ticket code (which may itself start with "SR"). */
export const QR_PAYLOAD = /^SR\d+\./;

/** What a scanner read: the QR payload `SR1.<ticketCode>.<showtimeId>.<signature>` or a typed ticket code. */
export const scanPayloadSchema = z
  .string()
  .trim()
  .min(1, 'Scan a ticket or type its code.')
  .max(200)
  .transform((s) => (QR_PAYLOAD.test(s) ? s : s.toUpperCase().replace(/[\s-]/g, '')));

/** The scanner's name for itself: gate and device, shown to whoever scans the ticket again. */
export const scanDeviceSchema = z.string().trim().min(1, 'Name this scanner (gate, device).').max(80);

/** `POST /api/checkin/redeem`. */
export const redeemBodySchema = z.strictObject({
  payload: scanPayloadSchema,
  device: scanDeviceSchema,
  /** The showtime this door admits to; a ticket for another one is refused. */
  showtimeId: idSchema.optional(),
});
export type RedeemBody = z.input<typeof redeemBodySchema>;

/** Why a ticket does not admit anyone (a refusal's `details.reason`). */
export const ticketRefusalReasons = ['refunded', 'released', 'cancelled', 'expired', 'unpaid'] as const;
export type TicketRefusalReason = (typeof ticketRefusalReasons)[number];

export const checkInTicketSchema = z.object({
  ticketCode: z.string(),
  showtimeId: z.string(),
  orderCode: z.string(),
  /** Seat label, or the zone's key for a standing place. */
  label: z.string(),
  category: z.string(),
});
export type CheckInTicket = z.infer<typeof checkInTicketSchema>;

/** A recorded scan: when, where (device or gate) and by whom. */
export const scanRecordSchema = z.object({
  at: z.iso.datetime(),
  device: z.string(),
  /** The staff member's name (or the API token's owner). */
  by: z.string(),
  offline: z.boolean(),
});
export type ScanRecord = z.infer<typeof scanRecordSchema>;

export const redeemResultSchema = z.object({
  result: z.literal('accepted'),
  ticket: checkInTicketSchema,
  checkIn: scanRecordSchema,
});
export type RedeemResult = z.infer<typeof redeemResultSchema>;

/** One entry of the offline ticket list. */
export const offlineTicketSchema = z.object({
  /** The QR payload exactly as printed: an offline scanner admits only payloads it finds here. */
  payload: z.string(),
  ticketCode: z.string(),
  orderCode: z.string(),
  label: z.string(),
  category: z.string(),
  /** null: admits; otherwise why not. */
  refused: z.enum(ticketRefusalReasons).nullable(),
  /** The first scan, when the ticket has been redeemed. */
  checkIn: scanRecordSchema.nullable(),
});
export type OfflineTicket = z.infer<typeof offlineTicketSchema>;

/** `GET /api/checkin/showtimes/:id/tickets`: everything a scanner needs to work without a network. */
export const offlineTicketListSchema = z.object({
  showtimeId: z.string(),
  eventName: z.string(),
  startsAt: z.iso.datetime(),
  generatedAt: z.iso.datetime(),
  tickets: z.array(offlineTicketSchema),
});
export type OfflineTicketList = z.infer<typeof offlineTicketListSchema>;

/** Most scans one upload may carry. */
export const MAX_UPLOADED_SCANS = 5_000;

/** `POST /api/checkin/showtimes/:id/scans`: scans made offline, uploaded later. */
export const scanUploadBodySchema = z.strictObject({
  device: scanDeviceSchema,
  scans: z
    .array(
      z.strictObject({
        payload: scanPayloadSchema,
        /** When the scanner read it (its own clock). */
        scannedAt: z.iso.datetime(),
      }),
    )
    .min(1)
    .max(MAX_UPLOADED_SCANS),
});
export type ScanUploadBody = z.input<typeof scanUploadBodySchema>;

/**
 * What became of one uploaded scan. `accepted`: it is the ticket's first scan (`replaced` names a later scan it
 * displaced — the conflict). `duplicate`: an earlier scan was first (`first`). `refused`: not a ticket of this
 * showtime that admits anyone (`reason`).
 */
export const scanOutcomeSchema = z.object({
  index: z.int(),
  payload: z.string(),
  ticketCode: z.string().nullable(),
  outcome: z.enum(['accepted', 'duplicate', 'refused']),
  reason: z.enum([...ticketRefusalReasons, 'invalid', 'wrong_showtime']).nullable(),
  first: scanRecordSchema.nullable(),
  replaced: scanRecordSchema.nullable(),
});
export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;

export const scanUploadResultSchema = z.object({
  accepted: z.int(),
  duplicates: z.int(),
  refused: z.int(),
  /** Scans where two scans of one ticket met: the first scan (by scan time) won. */
  conflicts: z.int(),
  scans: z.array(scanOutcomeSchema),
});
export type ScanUploadResult = z.infer<typeof scanUploadResultSchema>;

/** `GET /api/checkin/showtimes/:id/counts`. */
export const checkInCountsSchema = z.object({
  showtimeId: z.string(),
  /** Tickets that admit someone (active items of paid or partly refunded orders). */
  tickets: z.int(),
  checkedIn: z.int(),
});
export type CheckInCounts = z.infer<typeof checkInCountsSchema>;
