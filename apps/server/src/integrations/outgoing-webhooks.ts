import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { OutgoingEventType, OutgoingWebhookBody } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';

/**
 * Outgoing webhooks (docs/webhooks.md). The outbox is the audit log: every order state change already writes its
 * audit entry (`order.paid`, `order.expired`, …) in the transaction of the change, so an event that committed is
 * an audit entry, and one that rolled back is none. `deriveEvents` turns new audit entries into OutgoingEvent rows
 * (once each: `auditId` is unique), `fanOut` gives each event one WebhookDelivery per subscribed endpoint (once:
 * unique per event and endpoint), and the delivery job POSTs it until the endpoint answers 2xx. Every step is
 * idempotent and re-run by every worker's relay, so a crash anywhere only delays a delivery; a crash after the
 * endpoint's 2xx and before it is logged sends it again (at least once; receivers dedupe on `webhook-id`).
 */

/** The audit actions that are events for integrators, and the event each becomes. */
export const AUDIT_EVENTS: Record<string, OutgoingEventType> = {
  'order.paid': 'order.paid',
  'order.reclaimed': 'order.paid',
  'order.refunded': 'order.refunded',
  'order.partially_refunded': 'order.refunded',
  'order.expired': 'order.expired',
  'order.cancelled': 'order.cancelled',
  'checkin.redeemed': 'checkin.redeemed',
};

/** How far back the relay looks for audit entries it has not turned into events (longer than any transaction). */
export const DERIVE_WINDOW_MINUTES = 10;

/** A new Standard Webhooks secret. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

type Tx = Pick<PrismaClient, '$executeRaw'>;

/**
 * Writes one event for integrators inside the caller's transaction (the outbox): it is delivered if and only if
 * that transaction commits. For state changes that write no audit entry of their own; `checkin.redeemed` may use
 * this or write the audit entry `checkin.redeemed` (either way it is delivered once: give a stable `id`).
 */
export async function emitOutgoingEvent(
  tx: Tx,
  e: {
    id: string;
    type: OutgoingEventType;
    showtimeId: string | null;
    data: Record<string, unknown>;
    at?: Date;
  },
): Promise<void> {
  const at = e.at ?? new Date();
  const body: OutgoingWebhookBody = { type: e.type, timestamp: at.toISOString(), data: e.data };
  await tx.$executeRaw`INSERT INTO "OutgoingEvent" (id, type, "showtimeId", payload, "createdAt")
    VALUES (${e.id}, ${e.type}, ${e.showtimeId}, ${JSON.stringify(body)}::jsonb, ${at})
    ON CONFLICT (id) DO NOTHING`;
}

/**
 * New audit entries of the listed actions → OutgoingEvent rows (idempotent). Returns how many were new.
 * `windowSeconds` (at most DERIVE_WINDOW_MINUTES) bounds how far back it looks: the relay passes the time since its
 * last complete pass plus a margin longer than any transaction, so a busy sale is not rescanned every second.
 */
export async function deriveEvents(
  prisma: PrismaClient,
  windowSeconds = DERIVE_WINDOW_MINUTES * 60,
): Promise<number> {
  const secs = Math.min(Math.max(1, Math.ceil(windowSeconds)), DERIVE_WINDOW_MINUTES * 60);
  const actions = Object.keys(AUDIT_EVENTS);
  const mapping = JSON.stringify(AUDIT_EVENTS);
  // The order's own columns come from its row; what the transition recorded (status, refunded items and amount)
  // from the audit entry, so a later change does not rewrite the event.
  return prisma.$executeRaw`
    INSERT INTO "OutgoingEvent" (id, type, "auditId", "showtimeId", payload, "createdAt")
    SELECT 'evt_a' || a.id::text, ${mapping}::jsonb ->> a.action, a.id, a."showtimeId",
      jsonb_build_object(
        'type', ${mapping}::jsonb ->> a.action,
        'timestamp', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'data', CASE WHEN o.id IS NULL THEN
            jsonb_build_object('entityType', a."entityType", 'entityId', a."entityId", 'showtimeId', a."showtimeId")
              || CASE WHEN a."entityType" = 'ticket' THEN jsonb_build_object('ticketCode', a."entityId")
                      ELSE '{}'::jsonb END
              || COALESCE(a.after, '{}'::jsonb)
          ELSE jsonb_strip_nulls(jsonb_build_object(
            'orderId', o.id, 'orderCode', o.code, 'showtimeId', o."showtimeId", 'channel', o.channel::text,
            'status', a.after ->> 'status', 'totalCents', o."totalCents", 'currency', o.currency,
            'paidAt', to_char(o."paidAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'partial', CASE WHEN a.action = 'order.partially_refunded' THEN true
                            WHEN a.action = 'order.refunded' THEN false END,
            'refundedItemIds', a.after -> 'itemIds', 'refundedCents', a.after -> 'amountCents',
            'reason', a.after ->> 'reason'))
          END),
      a.at
    FROM "AuditEntry" a
    LEFT JOIN "Order" o ON a."entityType" = 'order' AND o.id = a."entityId"
    WHERE a.action = ANY(${actions}::text[])
      AND a.at > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${secs})
      AND NOT EXISTS (SELECT 1 FROM "OutgoingEvent" x WHERE x."auditId" = a.id)
    ON CONFLICT DO NOTHING`;
}

/**
 * `showtime.sold_out`, once per showtime: checked for the showtimes with a recent `order.paid` event and none yet —
 * sold out when every seat is sold to a paid order or blocked, and every GA unit is sold.
 */
export async function deriveSoldOut(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`
    WITH cand AS (
      SELECT DISTINCT e."showtimeId" AS id FROM "OutgoingEvent" e
      WHERE e.type = 'order.paid' AND e."showtimeId" IS NOT NULL
        AND e."createdAt" > (now() AT TIME ZONE 'UTC') - make_interval(mins => ${DERIVE_WINDOW_MINUTES})
        AND NOT EXISTS (SELECT 1 FROM "OutgoingEvent" s WHERE s.id = 'evt_soldout_' || e."showtimeId")
    ),
    sold AS (
      SELECT st.id, st."eventId" FROM cand JOIN "Showtime" st ON st.id = cand.id
      WHERE NOT EXISTS (
          SELECT 1 FROM "Seat" se WHERE se."venueId" = st."venueId"
            AND NOT EXISTS (SELECT 1 FROM "SeatBlock" b WHERE b."showtimeId" = st.id AND b."seatLabel" = se.label)
            AND NOT EXISTS (
              SELECT 1 FROM "SeatClaim" c JOIN "OrderItem" i ON i.id = c."orderItemId" JOIN "Order" o ON o.id = i."orderId"
              WHERE c."showtimeId" = st.id AND c."seatLabel" = se.label AND o.status IN ('PAID', 'PARTIALLY_REFUNDED')))
        AND NOT EXISTS (
          SELECT 1 FROM "ZoneInventory" z WHERE z."showtimeId" = st.id AND z.capacity > (
            SELECT count(*) FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
            WHERE i."showtimeId" = st.id AND i."zoneKey" = z."zoneKey" AND i.status = 'active'
              AND o.status IN ('PAID', 'PARTIALLY_REFUNDED')))
    )
    INSERT INTO "OutgoingEvent" (id, type, "showtimeId", payload, "createdAt")
    SELECT 'evt_soldout_' || sold.id, 'showtime.sold_out', sold.id,
      jsonb_build_object('type', 'showtime.sold_out',
        'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'data', jsonb_build_object('showtimeId', sold.id, 'eventId', sold."eventId")),
      now() AT TIME ZONE 'UTC'
    FROM sold
    ON CONFLICT DO NOTHING`;
}

/**
 * One delivery per event and subscribed endpoint, for events not fanned out yet. An endpoint receives the events
 * that happened after it was registered, while it is enabled.
 */
export async function fanOut(prisma: PrismaClient, limit = 1000): Promise<number> {
  return prisma.$executeRaw`
    WITH ev AS (
      SELECT id, type, "createdAt" FROM "OutgoingEvent" WHERE "fannedOut" = false
      ORDER BY "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ),
    d AS (
      INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "updatedAt")
      SELECT 'whd_' || substr(md5(ev.id || '/' || e.id), 1, 24), ev.id, e.id, now() AT TIME ZONE 'UTC'
      FROM ev JOIN "WebhookEndpoint" e ON e.enabled AND ev.type = ANY(e.events) AND e."createdAt" <= ev."createdAt"
      ON CONFLICT ("eventId", "endpointId") DO NOTHING
    )
    UPDATE "OutgoingEvent" SET "fannedOut" = true WHERE id IN (SELECT id FROM ev)`;
}

/** Deliveries whose current round has no queue job yet. */
export async function unqueuedDeliveries(
  prisma: PrismaClient,
  limit = 1000,
): Promise<Array<{ id: string; round: number }>> {
  return prisma.$queryRaw<Array<{ id: string; round: number }>>`
    SELECT id, round FROM "WebhookDelivery"
    WHERE status = 'pending' AND "queuedRound" < round
    ORDER BY "createdAt" LIMIT ${limit}`;
}

export async function markQueued(prisma: PrismaClient, d: { id: string; round: number }): Promise<void> {
  await prisma.$executeRaw`UPDATE "WebhookDelivery" SET "queuedRound" = ${d.round}
    WHERE id = ${d.id} AND "queuedRound" < ${d.round}`;
}

export type AttemptResult = 'delivered' | 'skipped' | 'failed_final';

/**
 * One attempt of a delivery: signs the event per Standard Webhooks (`webhook-id` = the event id, the same for
 * every attempt and endpoint) and POSTs it. A 2xx marks it delivered (once: a delivered one is never sent again by
 * its queue job); anything else is logged on the delivery and thrown, so the queue retries with backoff — except on
 * the `final` attempt, which marks it failed (staff may retry it by hand). Redirects are not followed.
 */
export async function attemptDelivery(
  prisma: PrismaClient,
  job: { deliveryId: string; round: number },
  opts: { now: () => number; final: boolean; timeoutMs?: number },
): Promise<AttemptResult> {
  const d = await prisma.webhookDelivery.findUnique({
    where: { id: job.deliveryId },
    include: { event: true, endpoint: true },
  });
  // Gone (endpoint deleted), delivered, or superseded by a manual retry's round: nothing to do for this job.
  if (!d || d.status === 'delivered' || d.round !== job.round) return 'skipped';
  if (!d.endpoint.enabled) {
    await prisma.webhookDelivery.update({
      where: { id: d.id },
      data: { status: 'failed', lastError: 'endpoint disabled' },
    });
    return 'skipped';
  }
  const body = JSON.stringify(d.event.payload);
  const at = new Date(opts.now());
  const signature = new Webhook(d.endpoint.secret).sign(d.event.id, at, body);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(d.endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Seatrush-Webhooks/1',
        'webhook-id': d.event.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  const ok = error === null;
  const updated = await prisma.webhookDelivery.updateMany({
    where: { id: d.id, round: job.round, status: { not: 'delivered' } },
    data: {
      attempts: { increment: 1 },
      lastStatusCode: status,
      lastError: error,
      lastAttemptAt: at,
      ...(ok ? { status: 'delivered', deliveredAt: at } : opts.final ? { status: 'failed' } : {}),
    },
  });
  if (ok || updated.count === 0) return ok ? 'delivered' : 'skipped';
  if (opts.final) return 'failed_final';
  throw new Error(`webhook ${d.event.id} to ${d.endpoint.id}: ${error}`);
}

/** Stable short id for an endpoint. */
export const newEndpointId = () =>
  `we_${createHash('sha256').update(randomBytes(16)).digest('hex').slice(0, 20)}`;

/** Verifies a delivery as a receiver would (tests, docs): returns the parsed body or throws. */
export function verifyDelivery(secret: string, body: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(body, headers);
}
