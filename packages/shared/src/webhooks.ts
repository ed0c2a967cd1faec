import { z } from 'zod';

/**
 * Outgoing webhooks (docs/webhooks.md): endpoints an admin registers, the events Seatrush sends them (signed per
 * the Standard Webhooks scheme) and the delivery log.
 */
export const outgoingEventTypes = [
  'order.paid',
  'order.refunded',
  'order.expired',
  'order.cancelled',
  'checkin.redeemed',
  'showtime.sold_out',
] as const;
export const outgoingEventTypeSchema = z.enum(outgoingEventTypes);
export type OutgoingEventType = z.infer<typeof outgoingEventTypeSchema>;

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const webhookSecretSchema = z
  .string()
  .regex(
    /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/,
    'Use whsec_ followed by base64 (24–64 bytes), or leave it out.',
  );

/** `POST /api/staff/webhooks/endpoints`. */
export const webhookEndpointCreateSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .max(2000)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'Use an http:// or https:// URL.'),
  events: z.array(outgoingEventTypeSchema).min(1).max(outgoingEventTypes.length),
  description: z.string().trim().max(200).optional(),
  /** Generated when left out; shown in the answer (and in the endpoint list to admins). */
  secret: webhookSecretSchema.optional(),
});
export type WebhookEndpointCreate = z.input<typeof webhookEndpointCreateSchema>;

/** `PATCH /api/staff/webhooks/endpoints/:id`. */
export const webhookEndpointUpdateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  events: z.array(outgoingEventTypeSchema).min(1).max(outgoingEventTypes.length).optional(),
  description: z.string().trim().max(200).optional(),
});

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  enabled: z.boolean(),
  secret: z.string(),
  createdAt: z.string(),
});
export type WebhookEndpointDto = z.infer<typeof webhookEndpointSchema>;
export const webhookEndpointListSchema = z.object({ endpoints: z.array(webhookEndpointSchema) });

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;

export const webhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  endpointUrl: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.int(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliverySchema>;
export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });

/** `GET /api/staff/webhooks/deliveries`: newest first. */
export const webhookDeliveryQuerySchema = z.strictObject({
  status: z.enum(webhookDeliveryStatuses).optional(),
  endpointId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The body every endpoint receives (Standard Webhooks' recommended shape). */
export interface OutgoingWebhookBody {
  type: OutgoingEventType;
  /** ISO time the event happened. */
  timestamp: string;
  data: Record<string, unknown>;
}
